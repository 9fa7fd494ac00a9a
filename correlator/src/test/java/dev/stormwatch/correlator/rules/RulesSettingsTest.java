package dev.stormwatch.correlator.rules;

import static dev.stormwatch.correlator.rules.InhibitorTest.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RulesSettingsTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    RulesSettings d = RulesSettings.defaults();
    assertThat(d.flapThreshold()).isEqualTo(4);
    assertThat(d.flapWindow()).isEqualTo(Duration.ofMinutes(30));
    assertThat(d.changeLookback()).isEqualTo(Duration.ofMinutes(30));
    assertThat(d.changeRetention()).isEqualTo(Duration.ofHours(1));
    assertThat(d.changeDependencyHops()).isEqualTo(1);
    assertThat(d.inhibitRules()).isEmpty();
    assertThat(d.statsMaxServices()).isEqualTo(200);
    assertThat(RulesSettings.fromTree(null)).isEqualTo(d);
    assertThat(RulesSettings.fromTree(yaml("{}"))).isEqualTo(d);
  }

  @Test
  void everyKeyParsesFromYaml() {
    RulesSettings s = RulesSettings.fromTree(yaml("""
        flap-threshold: 6
        flap-window: 1h
        change-lookback: 45m
        change-retention-margin: 15m
        change-dependency-hops: 2
        max-suspect-changes: 5
        max-changes-per-service: 20
        max-change-services: 500
        change-signal-weight: 0.5
        max-silences: 100
        silence-retention: 5d
        inhibit-rules:
          - name: cluster-down
            source_matchers: ['alertname="ClusterDown"']
            target_matchers: ['severity=~"warning|info"']
            equal: [cluster]
        max-inhibit-sources: 50
        inhibit-source-ttl: PT12H
        stats-max-services: 40
        stats-max-teams: 10
        stats-retention: 90d
        """));
    assertThat(s).isEqualTo(new RulesSettings(6, Duration.ofHours(1), Duration.ofMinutes(45), Duration.ofMinutes(15),
        2, 5, 20, 500, 0.5, 100, Duration.ofDays(5), s.inhibitRules(), 50, Duration.ofHours(12), 40, 10, Duration.ofDays(90)));
    assertThat(s.inhibitRules()).singleElement().extracting(InhibitRule::name).isEqualTo("cluster-down");
    assertThat(s.changeRetention()).isEqualTo(Duration.ofHours(1));
  }

  @Test
  void mistakesNameTheKey() {
    assertThatThrownBy(() -> RulesSettings.fromTree(yaml("flap-treshold: 3")))
        .hasMessageStartingWith("unknown rules setting: 'flap-treshold'");
    assertThatThrownBy(() -> RulesSettings.fromTree(yaml("flap-window: 30")))
        .hasMessage("flap-window needs a unit, e.g. \"30m\"");
    assertThatThrownBy(() -> RulesSettings.fromTree(yaml("change-lookback: soon")))
        .hasMessageStartingWith("change-lookback: not a duration");
    assertThatThrownBy(() -> RulesSettings.fromTree(yaml("flap-threshold: 0")))
        .hasMessage("flap-threshold must be between 1 and 250, was 0");
    assertThatThrownBy(() -> RulesSettings.fromTree(yaml("max-silences: many")))
        .hasMessage("max-silences must be an integer, was \"many\"");
    assertThatThrownBy(() -> RulesSettings.fromTree(yaml("inhibit-rules: {a: b}")))
        .hasMessage("inhibit-rules must be a list of rules");
    assertThatThrownBy(() -> RulesSettings.fromTree(yaml("inhibit-rules: [{source_matchers: ['a=b']}]")))
        .hasMessageContaining("no target matchers");
  }
}
