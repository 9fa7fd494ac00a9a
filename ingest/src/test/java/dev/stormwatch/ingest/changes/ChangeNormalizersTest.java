package dev.stormwatch.ingest.changes;

import static dev.stormwatch.ingest.changes.PagerDutyChangeNormalizerTest.one;
import static dev.stormwatch.ingest.changes.PagerDutyChangeNormalizerTest.reason;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.ChangeKind;
import dev.stormwatch.ingest.normalize.Fixtures;
import dev.stormwatch.ingest.raw.RawHeaders;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The format of a changes.raw record: the gateway's header, else the payload's shape. */
class ChangeNormalizersTest {

  static final Instant RECEIVED = Instant.parse("2026-11-27T15:10:30Z");

  private final ChangeNormalizers normalizers = ChangeNormalizers.withDefaults();

  @Test
  void theFormatHeaderChoosesTheNormalizer() {
    byte[] pagerDuty = Fixtures.bytes(PagerDutyChangeNormalizerTest.DOCS);
    assertThat(one(normalizers.normalize(Fixtures.record("changes.raw", pagerDuty, RECEIVED,
        Fixtures.format(RawHeaders.FORMAT_PAGERDUTY_CHANGE)))).getOrigin()).isEqualTo(PagerDutyChangeNormalizer.ORIGIN);
    // a PagerDuty body posted to /api/changes has no "service": rejected as Stormwatch JSON
    assertThat(reason(normalizers.normalize(Fixtures.record("changes.raw", pagerDuty, RECEIVED,
        Fixtures.format(RawHeaders.FORMAT_STORMWATCH_CHANGE))))).isEqualTo("service: missing");
  }

  @Test
  void withoutAHeaderTheShapeDecides() {
    assertThat(one(normalizers.normalize(Fixtures.record("changes.raw",
        Fixtures.bytes(PagerDutyChangeNormalizerTest.GIT), RECEIVED))).getOrigin())
        .isEqualTo(PagerDutyChangeNormalizer.ORIGIN);
    assertThat(one(normalizers.normalize(Fixtures.record("changes.raw",
        Fixtures.bytes("changes/stormwatch.deploy.json"), RECEIVED))).getKind()).isEqualTo(ChangeKind.DEPLOY);
    assertThat(normalizers.normalize(Fixtures.record("changes.raw", Fixtures.bytes("changes/stormwatch.batch.json"),
        RECEIVED)).changes()).hasSize(3);
    assertThat(reason(normalizers.normalize(Fixtures.record("changes.raw", new byte[] {(byte) 0xff}, RECEIVED))))
        .startsWith("not JSON: ");
  }

  @Test
  void anotherFormatHeaderIsRejected() {
    assertThat(reason(normalizers.normalize(Fixtures.record("changes.raw",
        Fixtures.bytes("changes/stormwatch.deploy.json"), RECEIVED, Map.of(RawHeaders.FORMAT, "logs-ndjson")))))
        .isEqualTo("format header 'logs-ndjson' is not stormwatch-change-v1 or pagerduty-change-events-v2");
  }
}
