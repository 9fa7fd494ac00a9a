package dev.stormwatch.ingest.logs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.ingest.normalize.Scales;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The rules config: documented defaults, every key from YAML, and one-line errors naming the key. */
class LogRulesConfigTest {

  @Test
  void defaultsAreOneErrorRateRuleAndExceptionFingerprinting() {
    LogRulesConfig config = LogRulesConfig.defaults();

    assertThat(config.rateRules()).singleElement().satisfies(r -> {
      assertThat(r.name()).isEqualTo("log-error-rate");
      assertThat(r.minSeverity()).isEqualTo(Severity.HIGH);
      assertThat(r.threshold()).isEqualTo(10);
      assertThat(r.window()).isEqualTo(Duration.ofMinutes(1));
      assertThat(r.quiet()).isEqualTo(Duration.ofMinutes(5));
      assertThat(r.bucket()).isEqualTo(Duration.ofSeconds(1));
    });
    assertThat(config.patternRules()).isEmpty();
    assertThat(config.exceptions().enabled()).isTrue();
    assertThat(config.exceptions().minSeverity()).isEqualTo(Severity.HIGH);
    assertThat(config.exceptions().topFrames()).isEqualTo(3);
    assertThat(config.maxAlertsPerService()).isEqualTo(100);
    assertThat(config.maxAlerts()).isEqualTo(10_000);
    assertThat(config.resolveCheckInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.maxFutureSkew()).isEqualTo(Duration.ofMinutes(5));
    assertThat(LogRulesConfig.fromMap(Map.of())).isEqualTo(config);
  }

  @Test
  void everyKeyReadsFromYaml() throws Exception {
    String yaml = """
        rate-rules:
          - name: warn-storm
            min-level: warn
            threshold: 50
            window: 5m
            quiet: PT10M
            severity: WARNING
        pattern-rules:
          - name: jvm-oom
            pattern: "OutOfMemoryError"
            match: exception
            min-level: INFO
            severity: critical
            window: 30s
            quiet: 1h
        exceptions:
          enabled: true
          min-level: error
          top-frames: 5
          app-packages: [com.acme.]
          window: 10m
          quiet: 15m
          severity: HIGH
        max-alerts-per-service: 20
        max-alerts: 500
        resolve-check-interval: 10s
        max-future-skew: 2m
        """;

    LogRulesConfig config = LogRulesConfig.fromTree(new YAMLMapper().readTree(yaml), Scales.defaults());

    assertThat(config.rateRules()).singleElement().satisfies(r -> {
      assertThat(r.minSeverity()).isEqualTo(Severity.WARNING);
      assertThat(r.levelLabel()).isEqualTo("WARN");
      assertThat(r.threshold()).isEqualTo(50);
      assertThat(r.window()).isEqualTo(Duration.ofMinutes(5));
      assertThat(r.quiet()).isEqualTo(Duration.ofMinutes(10));
      assertThat(r.bucket()).isEqualTo(Duration.ofSeconds(5));
    });
    assertThat(config.patternRules()).singleElement().satisfies(p -> {
      assertThat(p.match()).isEqualTo(LogRulesConfig.Match.EXCEPTION);
      assertThat(p.severity()).isEqualTo(Severity.CRITICAL);
      assertThat(p.minSeverity()).isEqualTo(Severity.INFO);
      assertThat(p.window()).isEqualTo(Duration.ofSeconds(30));
      assertThat(p.quiet()).isEqualTo(Duration.ofHours(1));
    });
    assertThat(config.exceptions().appPackages()).containsExactly("com.acme.");
    assertThat(config.exceptions().topFrames()).isEqualTo(5);
    assertThat(config.exceptions().severity()).isEqualTo(Severity.HIGH);
    assertThat(config.maxAlertsPerService()).isEqualTo(20);
    assertThat(config.maxAlerts()).isEqualTo(500);
    assertThat(config.resolveCheckInterval()).isEqualTo(Duration.ofSeconds(10));
    assertThat(config.maxFutureSkew()).isEqualTo(Duration.ofMinutes(2));
  }

  @Test
  void patternMatchesOnMessageOrExceptionAsConfigured() {
    LogEntry oom = new LogEntry("svc", null, Severity.HIGH, "ERROR", 0, "heap exhausted", null,
        "java.lang.OutOfMemoryError", null, null, null, Map.of(), LogFormat.ECS);
    LogRulesConfig config = LogRulesConfig.fromMap(Map.of("pattern-rules", List.of(
        Map.of("name", "on-message", "pattern", "OutOfMemory", "match", "message"),
        Map.of("name", "on-exception", "pattern", "OutOfMemory", "match", "exception"),
        Map.of("name", "too-low", "pattern", "heap", "min-level", "critical"))));

    assertThat(config.patternRules()).extracting(rule -> rule.matches(oom)).containsExactly(false, true, false);
  }

  @Test
  void mistakesAreOneLineErrorsNamingTheKey() {
    assertThatThrownBy(() -> LogRulesConfig.fromMap(Map.of("rate-rule", List.of())))
        .hasMessageStartingWith("unknown log rules key: rate-rule");
    assertThatThrownBy(() -> LogRulesConfig.fromMap(Map.of("rate-rules", List.of(Map.of("name", "r", "window", 60)))))
        .hasMessage("rate-rules[0].window needs a unit, e.g. 60s");
    assertThatThrownBy(() -> LogRulesConfig.fromMap(Map.of("pattern-rules", List.of(Map.of("name", "p",
        "pattern", "(unclosed")))))
        .hasMessageStartingWith("pattern-rules[0].pattern is not a valid regex");
    assertThatThrownBy(() -> LogRulesConfig.fromMap(Map.of("rate-rules", List.of(Map.of("name", "r",
        "min-level", "loud")))))
        .hasMessage("rate-rules[0].min-level: unknown level 'loud'");
    assertThatThrownBy(() -> LogRulesConfig.fromMap(Map.of("pattern-rules", List.of(
        Map.of("name", "x", "pattern", "a"), Map.of("name", "x", "pattern", "b")))))
        .hasMessage("duplicate rule name: x");
    assertThatThrownBy(() -> LogRulesConfig.fromMap(Map.of("exceptions", Map.of("top-frames", 0))))
        .hasMessage("exceptions.top-frames must be between 1 and 50");
  }

  @Test
  void durationsTakeShortAndIsoForms() {
    assertThat(LogRulesConfig.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(LogRulesConfig.parseDuration("2h")).isEqualTo(Duration.ofHours(2));
    assertThat(LogRulesConfig.parseDuration("1d")).isEqualTo(Duration.ofDays(1));
    assertThat(LogRulesConfig.parseDuration("pt90s")).isEqualTo(Duration.ofSeconds(90));
    assertThatThrownBy(() -> LogRulesConfig.parseDuration("soon")).isInstanceOf(IllegalArgumentException.class);
  }
}
