package dev.stormwatch.correlator.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.stormwatch.avro.MatchOp;
import dev.stormwatch.avro.Matcher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InhibitorTest {

  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  static JsonNode yaml(String text) {
    try {
      return YAML.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static AlertView firing(String fp, String name, Map<String, String> labels) {
    return AlertView.of(fp, name, labels.getOrDefault("service", "svc"), labels, true);
  }

  private static AlertView resolved(AlertView a) {
    return new AlertView(a.fingerprint(), a.name(), a.service(), a.labels(), false);
  }

  private static Inhibitor inhibitor(String rulesYaml) {
    return new Inhibitor(InhibitRule.listFromTree(yaml(rulesYaml)), 100, Duration.ofHours(1));
  }

  @Test
  void anInhibitionWithEqualLabelsSuppressesOnlyMatchingTargets() {
    Inhibitor in = inhibitor("""
        - name: node-down
          source_matchers: ['alertname="NodeDown"']
          target_matchers: ['severity="warning"']
          equal: [cluster, region]
        """);
    AlertView nodeDownA = firing("src-a", "NodeDown", Map.of("alertname", "NodeDown", "cluster", "a",
        "region", "eu", "severity", "critical"));
    assertThat(in.observe(nodeDownA, T0)).isEqualTo(Inhibitor.Outcome.ADDED);

    AlertView sameCluster = firing("t1", "HighLatency", Map.of("alertname", "HighLatency", "cluster", "a",
        "region", "eu", "severity", "warning"));
    AlertView otherCluster = firing("t2", "HighLatency", Map.of("alertname", "HighLatency", "cluster", "b",
        "region", "eu", "severity", "warning"));
    AlertView missingRegion = firing("t3", "HighLatency", Map.of("alertname", "HighLatency", "cluster", "a",
        "severity", "warning"));
    AlertView critical = firing("t4", "HighLatency", Map.of("alertname", "HighLatency", "cluster", "a",
        "region", "eu", "severity", "critical"));

    Suppression s = in.mutes(sameCluster, T0.plusSeconds(10)).orElseThrow();
    assertThat(s.kind()).isEqualTo(Suppression.Kind.INHIBITION);
    assertThat(s.sourceFingerprint()).isEqualTo("src-a");
    assertThat(s.suppressedBy()).isEqualTo("inhibit:node-down");
    assertThat(s.until()).isNull();
    assertThat(s.reason()).startsWith("inhibited by firing NodeDown on svc (src-a) under rule node-down: ");
    assertThat(in.mutes(otherCluster, T0.plusSeconds(10))).isEmpty();
    assertThat(in.mutes(missingRegion, T0.plusSeconds(10))).isEmpty();
    assertThat(in.mutes(critical, T0.plusSeconds(10))).isEmpty();

    // when the source resolves, its targets page again
    assertThat(in.observe(resolved(nodeDownA), T0.plusSeconds(20))).isEqualTo(Inhibitor.Outcome.REMOVED);
    assertThat(in.mutes(sameCluster, T0.plusSeconds(30))).isEmpty();
    assertThat(in.size()).isZero();
  }

  @Test
  void aLabelMissingOnBothSidesCountsAsEqual() {
    Inhibitor in = inhibitor("""
        - source_matchers: ['alertname="DbDown"']
          target_matchers: ['alertname="SlowQueries"']
          equal: [shard]
        """);
    in.observe(firing("db", "DbDown", Map.of("alertname", "DbDown")), T0);
    assertThat(in.mutes(firing("q1", "SlowQueries", Map.of("alertname", "SlowQueries")), T0)).isPresent();
    assertThat(in.mutes(firing("q2", "SlowQueries", Map.of("alertname", "SlowQueries", "shard", "")), T0))
        .as("an empty value equals a missing one, as in Alertmanager").isPresent();
    assertThat(in.mutes(firing("q3", "SlowQueries", Map.of("alertname", "SlowQueries", "shard", "7")), T0)).isEmpty();
    assertThat(in.mutes(firing("q1", "SlowQueries", Map.of("alertname", "SlowQueries")), T0).orElseThrow().ref())
        .isEqualTo("rule-1");
  }

  @Test
  void anAlertNeverInhibitsItselfAndTwoOfOneKindDoNotInhibitEachOther() {
    Inhibitor in = inhibitor("""
        - name: critical-over-lesser
          source_matchers: ['severity="critical"']
          target_matchers: ['severity=~"critical|warning"']
          equal: [service]
        """);
    AlertView a = firing("a", "Errors", Map.of("severity", "critical", "service", "checkout"));
    AlertView b = firing("b", "Latency", Map.of("severity", "critical", "service", "checkout"));
    AlertView w = firing("w", "Saturation", Map.of("severity", "warning", "service", "checkout"));
    in.observe(a, T0);
    assertThat(in.mutes(a, T0)).as("itself").isEmpty();
    in.observe(b, T0);
    assertThat(in.mutes(a, T0)).as("a source matching the target side does not inhibit a two-sided alert").isEmpty();
    assertThat(in.mutes(b, T0)).isEmpty();
    assertThat(in.mutes(w, T0).orElseThrow().sourceFingerprint()).isEqualTo("a"); // the smallest fingerprint
  }

  @Test
  void theServiceLabelComparesTheCanonicalService() {
    Inhibitor in = inhibitor("""
        - source_matchers: ['alertname="Down"']
          target_matchers: ['alertname!="Down"']
          equal: [service]
        """);
    in.observe(AlertView.of("d", "Down", "payments", Map.of("alertname", "Down", "job", "pay"), true), T0);
    assertThat(in.mutes(AlertView.of("e", "Errors", "payments", Map.of("alertname", "Errors"), true), T0)).isPresent();
    assertThat(in.mutes(AlertView.of("f", "Errors", "checkout", Map.of("alertname", "Errors"), true), T0)).isEmpty();
  }

  @Test
  void aStaleSourceStopsInhibitingAndIsPruned() {
    Inhibitor in = new Inhibitor(InhibitRule.listFromTree(yaml("""
        - source_match: {alertname: Down}
          target_match_re: {alertname: 'Slow.*'}
        """)), 100, Duration.ofMinutes(10));
    in.observe(firing("d", "Down", Map.of("alertname", "Down")), T0);
    AlertView slow = firing("s", "SlowQueries", Map.of("alertname", "SlowQueries"));
    assertThat(in.mutes(slow, T0.plus(Duration.ofMinutes(10)).minusMillis(1))).isPresent();
    assertThat(in.mutes(slow, T0.plus(Duration.ofMinutes(10)))).isEmpty();
    // a re-send refreshes it
    assertThat(in.observe(firing("d", "Down", Map.of("alertname", "Down")), T0.plus(Duration.ofMinutes(9))))
        .isEqualTo(Inhibitor.Outcome.UPDATED);
    assertThat(in.mutes(slow, T0.plus(Duration.ofMinutes(15)))).isPresent();
    assertThat(in.prune(T0.plus(Duration.ofMinutes(18)))).isZero();
    assertThat(in.prune(T0.plus(Duration.ofMinutes(19)))).isEqualTo(1);
    assertThat(in.size()).isZero();
  }

  @Test
  void theIndexIsBoundedAndOnlyHoldsSources() {
    Inhibitor in = new Inhibitor(InhibitRule.listFromTree(yaml("""
        - source_matchers: ['alertname="Down"']
          target_matchers: ['alertname="Slow"']
        """)), 2, Duration.ofHours(1));
    assertThat(in.observe(firing("x", "Other", Map.of("alertname", "Other")), T0))
        .isEqualTo(Inhibitor.Outcome.NOT_A_SOURCE);
    assertThat(in.observe(firing("d1", "Down", Map.of("alertname", "Down")), T0)).isEqualTo(Inhibitor.Outcome.ADDED);
    assertThat(in.observe(firing("d2", "Down", Map.of("alertname", "Down")), T0)).isEqualTo(Inhibitor.Outcome.ADDED);
    assertThat(in.observe(firing("d3", "Down", Map.of("alertname", "Down")), T0))
        .isEqualTo(Inhibitor.Outcome.REJECTED_CAP);
    assertThat(in.observe(firing("d1", "Down", Map.of("alertname", "Down")), T0.plusSeconds(1)))
        .isEqualTo(Inhibitor.Outcome.UPDATED);
    assertThat(in.size()).isEqualTo(2);
    // once the others are stale, a new source makes room
    assertThat(in.observe(firing("d3", "Down", Map.of("alertname", "Down")), T0.plus(Duration.ofHours(2))))
        .isEqualTo(Inhibitor.Outcome.ADDED);
    assertThat(in.size()).isEqualTo(1);
  }

  @Test
  void sourcesRoundTripThroughTheirCodecAndRestore() {
    AlertView a = firing("src", "NodeDown", Map.of("alertname", "NodeDown", "cluster", "a"));
    Inhibitor.Source s = new Inhibitor.Source(a, T0);
    assertThat(Inhibitor.Source.decode(s.encode())).isEqualTo(s);
    assertThatThrownBy(() -> Inhibitor.Source.decode("{\"v\":9}".getBytes()))
        .isInstanceOf(IllegalArgumentException.class);
    Inhibitor fresh = inhibitor("""
        - source_matchers: ['alertname="NodeDown"']
          target_matchers: ['alertname="X"']
          equal: [cluster]
        """);
    fresh.restore(Inhibitor.Source.decode(s.encode()));
    assertThat(fresh.mutes(firing("x", "X", Map.of("alertname", "X", "cluster", "a")), T0)).isPresent();
  }

  @Test
  void rulesParseFromAlertmanagersShapeOldAndNew() {
    List<InhibitRule> rules = InhibitRule.listFromTree(yaml("""
        - name: cluster-down
          source_matchers: ['alertname="ClusterDown"', 'env=~"prod|staging", tier!=dev']
          target_matchers: ['severity=~"warning|info"']
          equal: [cluster]
        - source_match: {alertname: NodeDown}
          source_match_re: {env: 'prod.*'}
          target_match: {severity: warning}
          target_match_re: {alertname: 'Node.+'}
          equal: [instance]
        """));
    assertThat(rules).hasSize(2);
    assertThat(rules.get(0).name()).isEqualTo("cluster-down");
    assertThat(rules.get(0).source().matchers()).containsExactly(LabelMatcher.equal("alertname", "ClusterDown"),
        LabelMatcher.regex("env", "prod|staging"), LabelMatcher.of("tier", LabelMatcher.Op.NOT_EQUAL, "dev"));
    assertThat(rules.get(1).name()).isEqualTo("rule-2");
    assertThat(rules.get(1).source().matchers()).containsExactly(LabelMatcher.equal("alertname", "NodeDown"),
        LabelMatcher.regex("env", "prod.*"));
    assertThat(rules.get(1).target().matchers()).containsExactly(LabelMatcher.equal("severity", "warning"),
        LabelMatcher.regex("alertname", "Node.+"));
    assertThat(rules.get(1).equal()).containsExactly("instance");
  }

  @Test
  void badRulesAreErrorsNamingTheRule() {
    assertThatThrownBy(() -> InhibitRule.listFromTree(yaml("- sourc_matchers: ['a=b']\n  target_matchers: ['c=d']")))
        .hasMessageStartingWith("inhibit-rules[0]: unknown key 'sourc_matchers'");
    assertThatThrownBy(() -> InhibitRule.listFromTree(yaml("- source_matchers: ['a=b']")))
        .hasMessageStartingWith("inhibit-rules[0]: inhibit rule rule-1: no target matchers");
    assertThatThrownBy(() -> InhibitRule.listFromTree(yaml("""
        - source_matchers: ['a=b']
          target_matchers: ['c=d']
        - source_matchers: ['a=~"("']
          target_matchers: ['c=d']
        """))).hasMessageStartingWith("inhibit-rules[1]: invalid regular expression in matcher a=~\"(\"");
    assertThatThrownBy(() -> InhibitRule.listFromTree(yaml("""
        - {name: x, source_matchers: ['a=b'], target_matchers: ['c=d']}
        - {name: x, source_matchers: ['a=b'], target_matchers: ['c=e']}
        """))).hasMessage("inhibit-rules[1]: duplicate rule name 'x'");
    assertThatThrownBy(() -> InhibitRule.listFromTree(yaml("- {source_matchers: ['a=b'], target_matchers: ['c=d'], "
        + "equal: cluster}"))).hasMessage("inhibit-rules[0]: equal must be a list of label names");
  }

  @Test
  void oneMuterAnswersForSilencesThenInhibition() {
    Inhibitor in = inhibitor("""
        - source_matchers: ['alertname="Down"']
          target_matchers: ['alertname="Slow"']
        """);
    in.observe(firing("d", "Down", Map.of("alertname", "Down")), T0);
    Matcher m = Matcher.newBuilder().setName("alertname").setOp(MatchOp.EQUAL).setValue("Slow").build();
    SilenceSet silences = SilenceSet.empty(10, Duration.ofHours(1)).put(SilenceRule.of(SilenceSetTest.silence("s",
        List.of(m), T0, T0.plus(Duration.ofMinutes(5)), null)), T0).set();
    Muter muter = Muter.firstOf(List.of(silences, in));
    AlertView slow = firing("s1", "Slow", Map.of("alertname", "Slow"));
    assertThat(muter.mutes(slow, T0.plusSeconds(1)).orElseThrow().kind()).isEqualTo(Suppression.Kind.SILENCE);
    assertThat(muter.mutes(slow, T0.plus(Duration.ofMinutes(6))).orElseThrow().kind())
        .isEqualTo(Suppression.Kind.INHIBITION);
    assertThat(muter.mutes(firing("o", "Other", Map.of("alertname", "Other")), T0)).isEmpty();
    assertThat(Muter.none().mutes(slow, T0)).isEmpty();
  }
}
