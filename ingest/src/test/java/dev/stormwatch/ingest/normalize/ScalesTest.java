package dev.stormwatch.ingest.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.AlertStatus;
import dev.stormwatch.avro.Severity;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScalesTest {

  final Scales scales = Scales.defaults();

  @Test
  void commonVocabulariesMapCaseInsensitivelyAndTrimmed() {
    assertThat(scales.severityOf(Scales.PROMETHEUS, " Critical ", Severity.UNKNOWN)).isEqualTo(Severity.CRITICAL);
    assertThat(scales.severityOf(Scales.SENTRY, "fatal", Severity.UNKNOWN)).isEqualTo(Severity.CRITICAL);
    assertThat(scales.severityOf(Scales.SENTRY, "error", Severity.UNKNOWN)).isEqualTo(Severity.HIGH);
    assertThat(scales.severityOf(Scales.SENTRY, "warning", Severity.UNKNOWN)).isEqualTo(Severity.WARNING);
    assertThat(scales.severityOf(Scales.SENTRY, "info", Severity.UNKNOWN)).isEqualTo(Severity.INFO);
    assertThat(scales.statusOf(Scales.PROMETHEUS, "FIRING", AlertStatus.UNKNOWN)).isEqualTo(AlertStatus.FIRING);
    assertThat(scales.statusOf(Scales.SENTRY, "archived", AlertStatus.UNKNOWN)).isEqualTo(AlertStatus.RESOLVED);
  }

  @Test
  void unknownAndNullFallBack() {
    assertThat(scales.severityOf(Scales.PROMETHEUS, "sev-x", Severity.WARNING)).isEqualTo(Severity.WARNING);
    assertThat(scales.severityOf(Scales.PROMETHEUS, null, Severity.UNKNOWN)).isEqualTo(Severity.UNKNOWN);
    assertThat(scales.statusOf(Scales.PROMETHEUS, "pending", null)).isNull();
  }

  @Test
  void overridesOfOneSourceLieOverTheDefaultsWithoutTouchingOthers() {
    LookupTable<Severity> table = scales.severity().with(Map.of("Prometheus", Map.of("ERROR", Severity.CRITICAL, "p0", Severity.CRITICAL)));
    assertThat(table.lookup(Scales.PROMETHEUS, "error")).contains(Severity.CRITICAL);
    assertThat(table.lookup(Scales.PROMETHEUS, "P0")).contains(Severity.CRITICAL);
    assertThat(table.lookup(Scales.SENTRY, "error")).contains(Severity.HIGH);
    assertThat(table.lookup(Scales.SENTRY, "p0")).isEmpty();
    assertThat(scales.severity().lookup(Scales.PROMETHEUS, "error")).as("the original is unchanged").contains(Severity.HIGH);
  }
}
