package dev.stormwatch.ingest.changes;

import static dev.stormwatch.ingest.changes.PagerDutyChangeNormalizerTest.one;
import static dev.stormwatch.ingest.changes.PagerDutyChangeNormalizerTest.reason;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.ChangeEvent;
import dev.stormwatch.avro.ChangeKind;
import dev.stormwatch.avro.Link;
import dev.stormwatch.avro.LinkKind;
import dev.stormwatch.ingest.normalize.Fixtures;
import dev.stormwatch.ingest.normalize.NormalizeConfig;
import dev.stormwatch.ingest.raw.RawHeaders;
import dev.stormwatch.ingest.raw.RawRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Stormwatch's own change JSON ({@code POST /api/changes}) to ChangeEvents. */
class StormwatchChangeNormalizerTest {

  static final Instant RECEIVED = Instant.parse("2026-11-27T15:10:30.123Z");

  private final StormwatchChangeNormalizer normalizer = StormwatchChangeNormalizer.withDefaults();

  @Test
  void oneChangeWithEveryField() {
    ChangeEvent change = one(normalizer.normalize(record(Fixtures.bytes("changes/stormwatch.deploy.json"))));

    assertThat(change.getService()).isEqualTo("checkout");
    assertThat(change.getKind()).isEqualTo(ChangeKind.DEPLOY);
    assertThat(change.getVersion()).isEqualTo("v1.4.2");
    assertThat(change.getAuthor()).isEqualTo("alice");
    assertThat(change.getSummary()).isEqualTo("Raise the database pool to 40 connections");
    assertThat(change.getEnvironment()).isEqualTo("production");
    assertThat(change.getLinks()).containsExactly(
        Link.newBuilder().setKind(LinkKind.CHANGE).setUrl("https://ci.example.com/pipelines/4711").setTitle(null).build(),
        Link.newBuilder().setKind(LinkKind.CHANGE).setUrl("https://git.example.com/shop/checkout/pull/812")
            .setTitle("PR #812").build());
    assertThat(change.getLabels()).containsExactlyInAnyOrderEntriesOf(Map.of("pipeline", "main", "commit", "9f1c2ab"));
    assertThat(change.getTime()).isEqualTo(Instant.parse("2026-11-27T15:04:05Z"));
    assertThat(change.getOrigin()).isEqualTo("api");
    assertThat(change.getId()).startsWith("chg-").hasSize(36);
  }

  @Test
  void aBatchIsOneChangeEachWithGivenOrDerivedIdsAndDefaults() {
    ChangeNormalized result = normalizer.normalize(record(Fixtures.bytes("changes/stormwatch.batch.json")));

    assertThat(result.rejected()).isEmpty();
    List<ChangeEvent> changes = result.changes();
    assertThat(changes).extracting(ChangeEvent::getService).containsExactly("payments", "frontend", "cart");
    assertThat(changes).extracting(ChangeEvent::getKind)
        .containsExactly(ChangeKind.ROLLBACK, ChangeKind.FEATURE_FLAG, ChangeKind.CONFIG);
    assertThat(changes.get(0).getId()).isEqualTo("gh-run-9912-1");
    assertThat(changes.get(0).getTime()).isEqualTo(Instant.parse("2026-11-27T14:10:00.250Z"));
    assertThat(changes.get(1).getTime()).as("no time: the receive time").isEqualTo(RECEIVED);
    assertThat(changes.get(1).getLabels()).containsEntry("rollout", "10");
    assertThat(changes.get(1).getEnvironment()).as("from the labels' environment keys").isEqualTo("production");
    assertThat(changes.get(2).getVersion()).isNull();
    assertThat(changes.get(1).getId()).startsWith("chg-").isNotEqualTo(changes.get(2).getId());
  }

  @Test
  void theKindDefaultsToDeployAndIsReadInAnySpelling() {
    assertThat(kindOf("{\"service\":\"a\"}")).isEqualTo(ChangeKind.DEPLOY);
    assertThat(kindOf("{\"service\":\"a\",\"kind\":\"FEATURE_FLAG\"}")).isEqualTo(ChangeKind.FEATURE_FLAG);
    assertThat(kindOf("{\"service\":\"a\",\"kind\":\" Feature-Flag \"}")).isEqualTo(ChangeKind.FEATURE_FLAG);
    assertThat(kindOf("{\"service\":\"a\",\"kind\":\"other\"}")).isEqualTo(ChangeKind.OTHER);
    assertThat(kindOf("{\"service\":\"a\",\"kind\":null}")).isEqualTo(ChangeKind.DEPLOY);
  }

  @Test
  void aRetriedPostGetsTheSameIdAndADifferentChangeAnother() {
    String body = "{\"service\":\"checkout\",\"version\":\"v2\",\"summary\":\"deploy v2\"}";
    ChangeEvent first = one(normalizer.normalize(record(body, RECEIVED)));
    ChangeEvent retry = one(normalizer.normalize(record(body, RECEIVED.plusSeconds(12))));
    assertThat(retry.getId()).isEqualTo(first.getId());
    assertThat(retry.getTime()).isEqualTo(RECEIVED.plusSeconds(12));

    // the same content with key order and whitespace changed is the same change
    ChangeEvent reordered = one(normalizer.normalize(record(
        "{ \"summary\": \"deploy v2\", \"version\": \"v2\", \"service\": \"Checkout\" }", RECEIVED)));
    assertThat(reordered.getId()).isEqualTo(first.getId());

    ChangeEvent v3 = one(normalizer.normalize(record(body.replace("v2", "v3"), RECEIVED)));
    ChangeEvent timed = one(normalizer.normalize(record(body.replace("}", ",\"time\":\"2026-11-27T15:00:00Z\"}"),
        RECEIVED)));
    ChangeEvent rollback = one(normalizer.normalize(record(body.replace("}", ",\"kind\":\"rollback\"}"), RECEIVED)));
    assertThat(List.of(v3.getId(), timed.getId(), rollback.getId())).doesNotHaveDuplicates()
        .doesNotContain(first.getId());
  }

  @Test
  void serviceNamesResolveThroughTheAliases() {
    NormalizeConfig config = NormalizeConfig.fromMap(Map.of("service", Map.of("aliases", Map.of("checkout-api", "checkout"))));
    ChangeEvent change = one(new StormwatchChangeNormalizer(config).normalize(
        record("{\"service\":\" Checkout-API \"}", RECEIVED)));
    assertThat(change.getService()).isEqualTo("checkout");
  }

  @Test
  void aBadElementOfABatchIsRejectedAloneWithItsJson() {
    ChangeNormalized result = normalizer.normalize(record("[{\"service\":\"a\"},{\"service\":\"b\",\"kind\":\"migration\"},"
        + "{\"kind\":\"deploy\"},7,{\"service\":\"c\",\"links\":[\"not a url\"]}]", RECEIVED));

    assertThat(result.changes()).extracting(ChangeEvent::getService).containsExactly("a");
    assertThat(result.rejected()).extracting(ChangeNormalized.Rejected::reason).containsExactly(
        "[1].kind: 'migration' is not one of other, deploy, rollback, config, feature-flag",
        "[2].service: missing",
        "[3]: expected a change object, got a number",
        "[4].links[0]: not an absolute http(s) URL: 'not a url'");
    assertThat(new String(result.rejected().get(0).part(), StandardCharsets.UTF_8))
        .isEqualTo("{\"service\":\"b\",\"kind\":\"migration\"}");
    assertThat(new String(result.rejected().get(2).part(), StandardCharsets.UTF_8)).isEqualTo("7");
  }

  @Test
  void malformedBodiesAndFieldsAreRejectedNamingTheField() {
    assertThat(reason(normalizer.normalize(record("", RECEIVED)))).isEqualTo("empty body");
    assertThat(reason(normalizer.normalize(record("{\"service\":", RECEIVED)))).startsWith("not JSON: ");
    assertThat(reason(normalizer.normalize(record("[]", RECEIVED))))
        .isEqualTo("empty array: expected at least one change");
    assertThat(reason(normalizer.normalize(record("\"checkout\"", RECEIVED))))
        .isEqualTo("expected a change object or an array of them, got a string");
    assertThat(reason(normalizer.normalize(record("{\"service\":\"  \"}", RECEIVED)))).isEqualTo("service: missing");
    assertThat(reason(normalizer.normalize(record("{\"service\":{\"name\":\"a\"}}", RECEIVED))))
        .isEqualTo("service: expected a string, got an object");
    assertThat(reason(normalizer.normalize(record("{\"service\":\"a\",\"time\":\"2026-11-27 15:00\"}", RECEIVED))))
        .isEqualTo("time: not an RFC 3339 timestamp: '2026-11-27 15:00'");
    assertThat(reason(normalizer.normalize(record("{\"service\":\"a\",\"labels\":{\"x\":[1]}}", RECEIVED))))
        .isEqualTo("labels.x: expected a string, got an array");
    assertThat(reason(normalizer.normalize(record("{\"service\":\"a\",\"links\":\"https://x\"}", RECEIVED))))
        .isEqualTo("links: expected an array of links, got a string");
    assertThat(reason(normalizer.normalize(record("{\"service\":\"a\",\"id\":\"" + "x".repeat(257) + "\"}",
        RECEIVED)))).isEqualTo("id: longer than 256 characters");
  }

  @Test
  void longTextIsCutAndLabelsBeyondTheCapAreCountedNotKept() {
    StringBuilder labels = new StringBuilder();
    for (int i = 0; i < 200; i++) {
      labels.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
    }
    ChangeEvent change = one(normalizer.normalize(record("{\"service\":\"a\",\"summary\":\"" + "s".repeat(5000)
        + "\",\"labels\":{" + labels + "}}", RECEIVED)));

    assertThat(change.getSummary()).hasSize(ChangeFields.MAX_TEXT).endsWith("...");
    assertThat(change.getLabels()).hasSize(ChangeFields.MAX_LABELS + 1)
        .containsEntry(ChangeFields.LABELS_DROPPED, "72");
  }

  @Test
  void loneSurrogatesBecomeReplacementCharactersSoTheChangeSurvivesAvro() throws Exception {
    ChangeEvent change = one(normalizer.normalize(record("{\"service\":\"a\",\"summary\":\"x\\ud800y\","
        + "\"labels\":{\"k\":\"\\ud83d\\ude00\",\"l\":\"v\\udc00\"}}", RECEIVED)));

    assertThat(change.getSummary()).isEqualTo("x\uFFFDy");
    assertThat(change.getLabels()).containsEntry("k", "\uD83D\uDE00").containsEntry("l", "v\uFFFD");
    assertThat(ChangeEvent.fromByteBuffer(change.toByteBuffer())).isEqualTo(change);
  }

  private ChangeKind kindOf(String body) {
    return one(normalizer.normalize(record(body, RECEIVED))).getKind();
  }

  static RawRecord record(byte[] body) {
    return Fixtures.record("changes.raw", body, RECEIVED, Map.of(RawHeaders.FORMAT, RawHeaders.FORMAT_STORMWATCH_CHANGE));
  }

  static RawRecord record(String body, Instant received) {
    return Fixtures.record("changes.raw", body.getBytes(StandardCharsets.UTF_8), received,
        Map.of(RawHeaders.FORMAT, RawHeaders.FORMAT_STORMWATCH_CHANGE));
  }
}
