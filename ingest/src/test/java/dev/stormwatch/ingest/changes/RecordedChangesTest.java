package dev.stormwatch.ingest.changes;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.ChangeEvent;
import dev.stormwatch.avro.ChangeKind;
import dev.stormwatch.ingest.normalize.Fixtures;
import dev.stormwatch.ingest.normalize.NormalizeConfig;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One line of a recorded change stream: either change format, at its own time. */
class RecordedChangesTest {

  private final RecordedChanges lines = new RecordedChanges(ChangeNormalizers.withDefaults());

  private static ChangeEvent one(ChangeNormalized result) {
    assertThat(result.rejected()).isEmpty();
    assertThat(result.changes()).hasSize(1);
    return result.changes().get(0);
  }

  private static String reason(ChangeNormalized result) {
    assertThat(result.changes()).isEmpty();
    assertThat(result.rejected()).hasSize(1);
    return result.rejected().get(0).reason();
  }

  /** A fixture on one line, as a recording holds it. */
  private static String line(String fixture) throws Exception {
    return Fixtures.JSON.readTree(new String(Fixtures.bytes(fixture), StandardCharsets.UTF_8)).toString();
  }

  @Test
  void stormwatchsChangeJsonAtItsTime() {
    ChangeEvent change = one(lines.decode("{\"id\":\"deploy-1\",\"service\":\"Checkout\",\"version\":\"v1.4.2\","
        + "\"author\":\"alice\",\"time\":\"2025-03-04T13:55:00Z\"}"));
    assertThat(change.getId()).isEqualTo("deploy-1");
    assertThat(change.getService()).isEqualTo("checkout");
    assertThat(change.getKind()).isEqualTo(ChangeKind.DEPLOY);
    assertThat(change.getTime()).isEqualTo(Instant.parse("2025-03-04T13:55:00Z"));
    assertThat(change.getOrigin()).isEqualTo(StormwatchChangeNormalizer.ORIGIN);
  }

  @Test
  void pagerDutysChangeEventsFromTheirDocsAtTheirTimestamp() throws Exception {
    ChangeEvent docs = one(lines.decode(line("changes/pagerduty.change-events-v2.developer-docs.json")));
    assertThat(docs.getService()).isEqualTo("acme-build-pipeline-tool-default-i-9999");
    assertThat(docs.getTime()).isEqualTo(Instant.parse("2020-07-17T08:42:58.315Z"));
    assertThat(docs.getOrigin()).isEqualTo(PagerDutyChangeNormalizer.ORIGIN);

    RecordedChanges mapped = new RecordedChanges(new ChangeNormalizers(NormalizeConfig.fromMap(Map.of("pagerduty",
        Map.of("routing-keys", Map.of("737ea619db564d41bd9824063e1f6b08", "payments"))))));
    ChangeEvent build = one(mapped.decode(line("changes/pagerduty.change-events-v2.build.api-schema-example.json")));
    assertThat(build.getService()).as("the routing key's service").isEqualTo("payments");
    assertThat(build.getTime()).isEqualTo(Instant.parse("2015-07-17T08:42:58.315Z"));
  }

  @Test
  void aChangeWithoutItsTimeIsRejectedNotGivenTheReplaysClock() {
    assertThat(reason(lines.decode("{\"service\":\"checkout\",\"version\":\"v2\"}")))
        .isEqualTo("time: missing (a recorded change needs its time)");
    assertThat(reason(lines.decode("{\"routing_key\":\"k\",\"payload\":{\"summary\":\"Deploy\",\"source\":\"ci\"}}")))
        .isEqualTo("payload.timestamp: missing (a recorded change needs its time)");
    assertThat(reason(lines.decode("{\"routing_key\":\"k\",\"payload\":{\"summary\":\"Deploy\","
        + "\"timestamp\":\"yesterday\"}}"))).startsWith("payload.timestamp: not an ISO 8601 timestamp");
    assertThat(reason(lines.decode("{\"service\":\"checkout\",\"time\":\"2025-13-01T00:00:00Z\"}")))
        .startsWith("time: ");
  }

  @Test
  void badLinesAreOneLineReasons() {
    assertThat(reason(lines.decode("deploy checkout v2"))).startsWith("not JSON: ").doesNotContain("\n");
    assertThat(reason(lines.decode("[{\"service\":\"a\",\"time\":\"2025-03-04T13:55:00Z\"}]")))
        .startsWith("not a JSON object (one change per line").endsWith("got an array");
    assertThat(reason(lines.decode("{\"service\":\"a\",\"kind\":\"migration\",\"time\":\"2025-03-04T13:55:00Z\"}")))
        .startsWith("kind: 'migration' is not one of");
    assertThat(reason(lines.decode("{\"kind\":\"deploy\",\"time\":\"2025-03-04T13:55:00Z\"}")))
        .isEqualTo("service: missing");
    assertThat(reason(lines.decode("{\"routing_key\":\"k\",\"payload\":\"deploy\"}")))
        .isEqualTo("payload: expected an object, got a string");
  }
}
