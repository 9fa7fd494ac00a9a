package dev.stormwatch.ingest.changes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stormwatch.avro.ChangeEvent;
import dev.stormwatch.ingest.normalize.Fixtures;
import dev.stormwatch.ingest.raw.RawHeaders;
import dev.stormwatch.ingest.raw.RawRecord;
import dev.stormwatch.ingest.testsupport.JsonArbitraries;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever lands on {@code changes.raw}, under any format header, the change normalizers answer
 * changes or rejections with a one-line reason; they never throw. Every change they emit is
 * complete (service, id, time), survives an Avro round trip unchanged, and a rejection is never
 * an internal error.
 */
class ChangeNormalizersNeverThrowPropertyTest {

  static final Instant RECEIVED = Instant.parse("2026-11-27T15:10:30Z");
  static final ChangeNormalizers NORMALIZERS = ChangeNormalizers.withDefaults();
  static final List<Map<String, String>> HEADERS = List.of(
      Map.of(),
      Map.of(RawHeaders.FORMAT, RawHeaders.FORMAT_STORMWATCH_CHANGE),
      Map.of(RawHeaders.FORMAT, RawHeaders.FORMAT_PAGERDUTY_CHANGE));
  static final List<String> FIXTURES = List.of(
      "changes/pagerduty.change-events-v2.developer-docs.json",
      "changes/pagerduty.change-events-v2.build.api-schema-example.json",
      "changes/pagerduty.change-events-v2.git.api-schema-example.json",
      "changes/stormwatch.deploy.json", "changes/stormwatch.batch.json");
  static final List<String> KEYS = List.of("routing_key", "payload", "summary", "timestamp", "source",
      "custom_details", "links", "href", "text", "images", "service", "kind", "version", "author", "environment",
      "labels", "time", "id", "url", "title", "revision", "user", "env");

  /** Checks a result; true when it has changes. */
  static boolean check(ChangeNormalized result) {
    assertThat(result).isNotNull();
    for (ChangeNormalized.Rejected rejected : result.rejected()) {
      assertThat(rejected.reason()).isNotBlank().doesNotContain("\n").doesNotStartWith("internal error");
    }
    for (ChangeEvent change : result.changes()) {
      assertThat(change.getService()).isNotBlank();
      assertThat(change.getId()).isNotBlank();
      assertThat(change.getTime()).isNotNull();
      assertThat(change.getLabels()).hasSizeLessThanOrEqualTo(ChangeFields.MAX_LABELS + 1);
      try {
        assertThat(ChangeEvent.fromByteBuffer(change.toByteBuffer())).isEqualTo(change);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return !result.changes().isEmpty();
  }

  static boolean normalizeEverywhere(byte[] body) {
    boolean changes = false;
    for (Map<String, String> headers : HEADERS) {
      changes |= check(NORMALIZERS.normalize(new RawRecord("changes.raw", 0, 1, RECEIVED.toEpochMilli(), body,
          headers)));
    }
    return changes;
  }

  @Property(tries = 1000, seed = "20261130")
  void arbitraryBytesNeverThrowTheyGiveAReason(@ForAll @Size(max = 300) byte[] body) {
    for (Map<String, String> headers : HEADERS) {
      ChangeNormalized result = NORMALIZERS.normalize(new RawRecord("changes.raw", 0, 1, RECEIVED.toEpochMilli(),
          body, headers));
      check(result);
      String text = new String(body, StandardCharsets.UTF_8).strip();
      if (!text.startsWith("{") && !text.startsWith("[")) {
        assertThat(result.changes()).isEmpty();
        assertThat(result.rejected()).hasSize(1);
      }
    }
  }

  @Property(tries = 1000, seed = "20261131")
  void arbitraryJsonShapedLikeChangesNeverThrows(@ForAll("json") String json) {
    normalizeEverywhere(json.getBytes(StandardCharsets.UTF_8));
  }

  @Property(tries = 1000, seed = "20261201")
  void fixturesWithOneValueReplacedByArbitraryJson(@ForAll("fixture") String file,
                                                   @ForAll @IntRange(min = 0, max = 100_000) int where,
                                                   @ForAll("jsonNode") JsonNode replacement) {
    JsonNode tree = Fixtures.tree(file);
    List<Runnable> edits = JsonArbitraries.edits(tree, replacement, KEYS);
    edits.get(where % edits.size()).run();
    Statistics.collect(normalizeEverywhere(Fixtures.write(tree)) ? "changes" : "rejected everywhere");
    Statistics.coverage(coverage -> {
      coverage.check("changes").percentage(p -> p > 50);
      coverage.check("rejected everywhere").count(n -> n > 0);
    });
  }

  @Example
  void deeplyNestedJsonIsRejectedNotAStackOverflow() {
    normalizeEverywhere(("[".repeat(100_000) + "]".repeat(100_000)).getBytes(StandardCharsets.UTF_8));
    String deepDetails = "{\"routing_key\":\"k\",\"payload\":{\"summary\":\"s\",\"source\":\"a\",\"custom_details\":"
        + "{\"a\":".repeat(900) + "1" + "}".repeat(900) + "}}";
    normalizeEverywhere(deepDetails.getBytes(StandardCharsets.UTF_8));
  }

  @Provide
  Arbitrary<String> fixture() {
    return Arbitraries.of(FIXTURES);
  }

  @Provide
  Arbitrary<String> json() {
    return JsonArbitraries.value(KEYS, 4);
  }

  @Provide
  Arbitrary<JsonNode> jsonNode() {
    return JsonArbitraries.node(KEYS, 4);
  }
}
