package dev.stormwatch.correlator.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class CorrelatorSettingsTest {

  private static JsonNode yaml(String text) throws Exception {
    return new ObjectMapper(new YAMLFactory()).readTree(text);
  }

  @Test
  void defaultsAreTheDocumentedOnes() {
    CorrelatorSettings d = CorrelatorSettings.defaults();
    assertThat(d.maxHops()).isEqualTo(2);
    assertThat(d.window()).isEqualTo(Duration.ofMinutes(10));
    assertThat(d.resolveAfter()).isEqualTo(Duration.ofMinutes(5));
    assertThat(d.reopenWindow()).isEqualTo(Duration.ofMinutes(30));
    assertThat(d.groupWait()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.retention()).isEqualTo(Duration.ofHours(24));
    assertThat(d.maxAlertsPerIncident()).isEqualTo(500);
    assertThat(d.maxTimelineEntries()).isEqualTo(100);
    assertThat(d.maxOpenIncidentsPerDomain()).isEqualTo(1000);
    assertThat(d.inferredFraction()).isEqualTo(0.6);
    assertThat(d.inferredMinDependents()).isEqualTo(2);
    assertThat(d.maxTrackedAlerts()).isEqualTo(100_000);
    assertThat(CorrelatorSettings.fromTree(null)).isEqualTo(d);
  }

  @Test
  void aTreeOverridesWhatItNames() throws Exception {
    CorrelatorSettings s = CorrelatorSettings.fromTree(yaml("""
        max-hops: 3
        window: 15m
        group-wait: 500ms
        retention: PT48H
        inferred-fraction: 0.75
        max-open-incidents-per-domain: 10
        max-tracked-alerts: 2500
        """));
    assertThat(s.maxHops()).isEqualTo(3);
    assertThat(s.window()).isEqualTo(Duration.ofMinutes(15));
    assertThat(s.groupWait()).isEqualTo(Duration.ofMillis(500));
    assertThat(s.retention()).isEqualTo(Duration.ofHours(48));
    assertThat(s.inferredFraction()).isEqualTo(0.75);
    assertThat(s.maxOpenIncidentsPerDomain()).isEqualTo(10);
    assertThat(s.maxTrackedAlerts()).isEqualTo(2500);
    assertThat(s.resolveAfter()).isEqualTo(CorrelatorSettings.DEFAULT_RESOLVE_AFTER);
  }

  @Test
  void anUnknownKeyIsNamed() {
    assertThatThrownBy(() -> CorrelatorSettings.fromTree(yaml("max-hop: 3")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'max-hop'")
        .hasMessageContaining("max-hops");
  }

  @Test
  void invalidValuesNameTheirKey() {
    assertThatThrownBy(() -> CorrelatorSettings.fromTree(yaml("window: 10"))).hasMessageContaining("window")
        .hasMessageContaining("unit");
    assertThatThrownBy(() -> CorrelatorSettings.fromTree(yaml("resolve-after: soon")))
        .hasMessageStartingWith("resolve-after");
    assertThatThrownBy(() -> CorrelatorSettings.fromTree(yaml("max-hops: two"))).hasMessageContaining("max-hops");
    assertThatThrownBy(() -> CorrelatorSettings.fromTree(yaml("inferred-fraction: 1.5")))
        .hasMessageContaining("inferred-fraction");
    assertThatThrownBy(() -> CorrelatorSettings.fromTree(yaml("retention: 10m")))
        .hasMessageContaining("retention").hasMessageContaining("reopen-window");
    assertThatThrownBy(() -> CorrelatorSettings.fromTree(yaml("- a"))).hasMessageContaining("object");
    assertThatThrownBy(() -> CorrelatorSettings.fromTree(yaml("max-tracked-alerts: 0")))
        .hasMessageContaining("max-tracked-alerts");
    assertThatThrownBy(() -> CorrelatorSettings.fromTree(yaml("max-tracked-alerts: many")))
        .hasMessageContaining("max-tracked-alerts");
  }
}
