package dev.stormwatch.ingest.changes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
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

/** PagerDuty Change Events v2 bodies, from PagerDuty's own examples, to ChangeEvents. */
class PagerDutyChangeNormalizerTest {

  static final Instant RECEIVED = Instant.parse("2026-11-27T15:10:30.123Z");
  static final String DOCS = "changes/pagerduty.change-events-v2.developer-docs.json";
  static final String BUILD = "changes/pagerduty.change-events-v2.build.api-schema-example.json";
  static final String GIT = "changes/pagerduty.change-events-v2.git.api-schema-example.json";

  private final PagerDutyChangeNormalizer normalizer = PagerDutyChangeNormalizer.withDefaults();

  @Test
  void theDeveloperDocsExampleIsOneChangeOfItsSourceAtItsTimestamp() {
    ChangeEvent change = one(normalizer.normalize(record(Fixtures.bytes(DOCS), RECEIVED)));

    assertThat(change.getService()).isEqualTo("acme-build-pipeline-tool-default-i-9999");
    assertThat(change.getKind()).isEqualTo(ChangeKind.OTHER);
    assertThat(change.getSummary()).isEqualTo("Build Success: Increase snapshot create timeout to 30 seconds");
    assertThat(change.getTime()).as("+0000, PagerDuty's documented offset form").isEqualTo(
        Instant.parse("2020-07-17T08:42:58.315Z"));
    assertThat(change.getLinks()).containsExactly(Link.newBuilder().setKind(LinkKind.CHANGE)
        .setUrl("https://acme.pagerduty.dev/build/2").setTitle("View more details in Acme!").build());
    assertThat(change.getLabels()).containsExactlyInAnyOrderEntriesOf(Map.of(
        "build_state", "passed", "build_number", "2", "run_time", "1236s",
        PagerDutyChangeNormalizer.SOURCE_LABEL, "acme-build-pipeline-tool-default-i-9999"));
    assertThat(change.getOrigin()).isEqualTo(PagerDutyChangeNormalizer.ORIGIN);
    assertThat(change.getVersion()).isNull();
    assertThat(change.getAuthor()).isNull();
    assertThat(change.getEnvironment()).isNull();
    assertThat(change.getId()).startsWith(ChangeIds.PREFIX).hasSize(36);
    assertThat(change.getLabels().values()).as("the routing key is a credential: not kept")
        .doesNotContain("samplekeyhere");
  }

  @Test
  void aMappedRoutingKeyNamesTheServiceBeforeTheSourceAndImagesAreIgnored() {
    NormalizeConfig config = NormalizeConfig.fromMap(Map.of("pagerduty",
        Map.of("routing-keys", Map.of("737ea619db564d41bd9824063e1f6b08", "Payments"))));
    ChangeEvent change = one(new PagerDutyChangeNormalizer(config).normalize(record(Fixtures.bytes(BUILD), RECEIVED)));

    assertThat(change.getService()).isEqualTo("payments");
    assertThat(change.getTime()).isEqualTo(Instant.parse("2015-07-17T08:42:58.315Z"));
    assertThat(change.getLinks()).extracting(Link::getUrl)
        .containsExactly("https://buildpipeline.com/pagerduty/deployment/builds/220");
    assertThat(change.getLabels()).containsEntry(PagerDutyChangeNormalizer.SOURCE_LABEL,
        "prod-build-agent-i-0b148d1040d565540").containsEntry("build_number", "220");
    // the git example's routing key is not mapped: its source names the service
    assertThat(one(new PagerDutyChangeNormalizer(config).normalize(record(Fixtures.bytes(GIT), RECEIVED)))
        .getService()).isEqualTo("git");
  }

  @Test
  void customDetailsNameTheServiceKindVersionAuthorAndEnvironment() {
    ObjectNode body = (ObjectNode) Fixtures.tree(GIT);
    ObjectNode details = (ObjectNode) body.path("payload").path("custom_details");
    details.put("service", " Checkout-API ").put("kind", "Deploy").put("revision", "9f1c2ab").put("env", "prod");
    details.putObject("pipeline").put("name", "main").put("attempt", 2);
    details.putArray("files").add("a.go").add("b.go");
    NormalizeConfig config = NormalizeConfig.fromMap(Map.of("service", Map.of("aliases", Map.of("checkout-api", "checkout"))));

    ChangeEvent change = one(new PagerDutyChangeNormalizer(config).normalize(record(Fixtures.write(body), RECEIVED)));

    assertThat(change.getService()).isEqualTo("checkout");
    assertThat(change.getKind()).isEqualTo(ChangeKind.DEPLOY);
    assertThat(change.getVersion()).isEqualTo("9f1c2ab");
    assertThat(change.getAuthor()).isEqualTo("Pagerduty");
    assertThat(change.getEnvironment()).isEqualTo("prod");
    assertThat(change.getLabels()).containsEntry("pipeline.name", "main").containsEntry("pipeline.attempt", "2")
        .containsEntry("files", "[\"a.go\",\"b.go\"]").containsEntry(PagerDutyChangeNormalizer.SOURCE_LABEL, "git");
  }

  @Test
  void withoutAnyServiceTheRecordIsRejectedSayingWhereItLooked() {
    ObjectNode body = (ObjectNode) Fixtures.tree(GIT);
    ((ObjectNode) body.get("payload")).remove("source");

    String reason = reason(normalizer.normalize(record(Fixtures.write(body), RECEIVED)));

    assertThat(reason).isEqualTo("no service: payload.custom_details has no \"service\", the routing key ending in"
        + " '8au1' is not in normalize.pagerduty.routing-keys, and payload has no \"source\"");
  }

  @Test
  void theTimeFallsBackToTheReceiveTimeAndARetryKeepsItsId() {
    ObjectNode body = (ObjectNode) Fixtures.tree(DOCS);
    ((ObjectNode) body.get("payload")).remove("timestamp");
    byte[] bytes = Fixtures.write(body);

    ChangeEvent first = one(normalizer.normalize(record(bytes, RECEIVED)));
    ChangeEvent retry = one(normalizer.normalize(record(bytes, RECEIVED.plusSeconds(30))));

    assertThat(first.getTime()).isEqualTo(RECEIVED);
    assertThat(retry.getTime()).isEqualTo(RECEIVED.plusSeconds(30));
    assertThat(retry.getId()).as("the receive time is not part of the id").isEqualTo(first.getId());

    ((ObjectNode) body.get("payload")).put("timestamp", "yesterday at noon");
    ChangeEvent unreadable = one(normalizer.normalize(record(Fixtures.write(body), RECEIVED)));
    assertThat(unreadable.getTime()).isEqualTo(RECEIVED);
    assertThat(unreadable.getLabels()).containsEntry(PagerDutyChangeNormalizer.UNPARSED_TIMESTAMP, "yesterday at noon");
  }

  @Test
  void aChangedTimestampIsAnotherChange() {
    ObjectNode body = (ObjectNode) Fixtures.tree(DOCS);
    ChangeEvent original = one(normalizer.normalize(record(Fixtures.write(body), RECEIVED)));
    ((ObjectNode) body.get("payload")).put("timestamp", "2020-07-17T08:43:58.315+00:00");
    ChangeEvent later = one(normalizer.normalize(record(Fixtures.write(body), RECEIVED)));

    assertThat(later.getTime()).isEqualTo(original.getTime().plusSeconds(60));
    assertThat(later.getId()).isNotEqualTo(original.getId());
  }

  @Test
  void whatPagerDutyRequiresMustBeThere() {
    assertThat(reason(normalizer.normalize(record("[]", RECEIVED))))
        .isEqualTo("expected a PagerDuty change event object, got an array");
    assertThat(reason(normalizer.normalize(record("{\"payload\":{\"summary\":\"s\",\"source\":\"a\"}}", RECEIVED))))
        .isEqualTo("routing_key: missing");
    assertThat(reason(normalizer.normalize(record("{\"routing_key\":\"k\",\"payload\":\"s\"}", RECEIVED))))
        .isEqualTo("payload: expected an object, got a string");
    assertThat(reason(normalizer.normalize(record("{\"routing_key\":\"k\",\"payload\":{\"source\":\"a\"}}",
        RECEIVED)))).isEqualTo("payload.summary: missing");
    assertThat(reason(normalizer.normalize(record("{\"routing_key\":\"k\",\"payload\":{\"summary\":\"s\","
        + "\"source\":\"a\"},\"links\":{}}", RECEIVED)))).isEqualTo("links: expected an array, got an object");
    assertThat(reason(normalizer.normalize(record("not json", RECEIVED)))).startsWith("not JSON: ");
  }

  @Test
  void linksWithoutAnHttpHrefAreSkipped() {
    ChangeEvent change = one(normalizer.normalize(record("{\"routing_key\":\"k\",\"payload\":{\"summary\":\"s\","
        + "\"source\":\"a\"},\"links\":[{\"text\":\"no href\"},{\"href\":\"ftp://x/y\"},\"https://bare\","
        + "{\"href\":\"https://ok.example/1\"}]}", RECEIVED)));

    assertThat(change.getLinks()).extracting(Link::getUrl, Link::getTitle)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("https://ok.example/1", null));
  }

  static RawRecord record(byte[] body, Instant received) {
    return Fixtures.record("changes.raw", body, received, Map.of(RawHeaders.FORMAT, RawHeaders.FORMAT_PAGERDUTY_CHANGE));
  }

  static RawRecord record(String body, Instant received) {
    return record(body.getBytes(StandardCharsets.UTF_8), received);
  }

  static ChangeEvent one(ChangeNormalized result) {
    assertThat(result.rejected()).as("rejections").isEmpty();
    List<ChangeEvent> changes = result.changes();
    assertThat(changes).hasSize(1);
    return changes.get(0);
  }

  static String reason(ChangeNormalized result) {
    assertThat(result.changes()).isEmpty();
    assertThat(result.rejected()).hasSize(1);
    assertThat(result.rejected().get(0).part()).as("the whole record").isNull();
    return result.rejected().get(0).reason();
  }
}
