package dev.stormwatch.ingest.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.AlertStatus;
import dev.stormwatch.avro.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The alert lifecycle without Kafka: refresh once per window, quiet → resolved, highest level wins. */
class TrackedAlertTest {

  private static LogEntry at(long t, Severity severity) {
    return new LogEntry("svc", "prod", severity, severity.name(), t, "disk full", null, null, null, null, null,
        Map.of(), LogFormat.LOKI);
  }

  private final TrackedAlert opened = TrackedAlert.open(TrackedAlert.Kind.PATTERN, "disk", "svc", null, "disk",
      null, "WARNING", at(1_000, Severity.WARNING), 1_000, 1_000, 1, Duration.ofMinutes(1), Duration.ofMinutes(2),
      null);

  @Test
  void refreshIsDueOnlyAfterAWindowAndQuietOnlyAfterTheQuietPeriod() {
    TrackedAlert seen = opened.observe(30_000, at(30_000, Severity.CRITICAL));

    assertThat(seen.refreshDue(60_999)).isFalse();
    assertThat(seen.refreshDue(61_000)).isTrue();
    assertThat(seen.quietAt(149_999)).isFalse();
    assertThat(seen.quietAt(150_000)).isTrue();
    assertThat(seen.occurrences()).isEqualTo(2);
    assertThat(seen.severity()).as("no rule severity: the highest level seen").isEqualTo(Severity.CRITICAL);
  }

  @Test
  void resolvedEventEndsAQuietPeriodAfterTheLastMatch() {
    TrackedAlert seen = opened.observe(30_000, at(30_000, Severity.INFO));

    var resolved = seen.resolved(200_000);

    assertThat(resolved.getStatus()).isEqualTo(AlertStatus.RESOLVED);
    assertThat(resolved.getEndsAt()).isEqualTo(Instant.ofEpochMilli(150_000));
    assertThat(resolved.getObservedAt()).isEqualTo(Instant.ofEpochMilli(200_000));
    assertThat(resolved.getStartsAt()).isEqualTo(Instant.ofEpochMilli(1_000));
    assertThat(resolved.getSeverity()).isEqualTo(Severity.WARNING);
    assertThat(resolved.getFingerprint()).isEqualTo(opened.firing(1_000).getFingerprint())
        .isEqualTo(TrackedAlert.fingerprint(TrackedAlert.Kind.PATTERN, "disk", "svc", null));
  }

  @Test
  void fingerprintSeparatesKindRuleServiceAndException() {
    String base = TrackedAlert.fingerprint(TrackedAlert.Kind.PATTERN, "r", "svc", null);

    assertThat(TrackedAlert.fingerprint(TrackedAlert.Kind.RATE, "r", "svc", null)).isNotEqualTo(base);
    assertThat(TrackedAlert.fingerprint(TrackedAlert.Kind.PATTERN, "r2", "svc", null)).isNotEqualTo(base);
    assertThat(TrackedAlert.fingerprint(TrackedAlert.Kind.PATTERN, "r", "svc2", null)).isNotEqualTo(base);
    assertThat(TrackedAlert.fingerprint(TrackedAlert.Kind.EXCEPTION, "r", "svc", "abc"))
        .isNotEqualTo(TrackedAlert.fingerprint(TrackedAlert.Kind.EXCEPTION, "r", "svc", "abd"));
  }

  @Test
  void humanDurations() {
    assertThat(TrackedAlert.human(Duration.ofSeconds(90))).isEqualTo("1m30s");
    assertThat(TrackedAlert.human(Duration.ofHours(1))).isEqualTo("1h");
    assertThat(TrackedAlert.human(Duration.ofMillis(500))).isEqualTo("1s");
  }
}
