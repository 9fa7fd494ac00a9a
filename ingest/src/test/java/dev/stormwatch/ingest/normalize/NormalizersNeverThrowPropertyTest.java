package dev.stormwatch.ingest.normalize;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.ingest.normalize.prometheus.PrometheusNormalizer;
import dev.stormwatch.ingest.normalize.sentry.SentryNormalizer;
import dev.stormwatch.ingest.raw.RawHeaders;
import dev.stormwatch.ingest.raw.RawRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;

/**
 * Whatever arrives on a raw topic, the normalizers answer {@link Normalized.Events} or
 * {@link Normalized.Rejected} with a one-line reason; they never throw. Every event they emit is
 * complete: it survives an Avro round trip unchanged, and its observedAt is the receive time.
 */
class NormalizersNeverThrowPropertyTest {

  static final Instant RECEIVED = Instant.parse("2026-11-27T15:10:30Z");
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  static final List<Normalizer> NORMALIZERS = List.of(PrometheusNormalizer.withDefaults(), SentryNormalizer.withDefaults());
  static final List<Map<String, String>> HEADERS = List.of(
      Map.of(),
      Map.of(RawHeaders.FORMAT, RawHeaders.FORMAT_PROMETHEUS_API),
      Map.of(RawHeaders.FORMAT, RawHeaders.FORMAT_ALERTMANAGER_WEBHOOK),
      Map.of(RawHeaders.FORMAT, RawHeaders.FORMAT_SENTRY_LEGACY),
      Map.of(RawHeaders.FORMAT, RawHeaders.FORMAT_SENTRY, RawHeaders.SENTRY_RESOURCE, "issue"),
      Map.of(RawHeaders.SENTRY_RESOURCE, "metric_alert"),
      Map.of(RawHeaders.SENTRY_RESOURCE, "event_alert"),
      Map.of(RawHeaders.SENTRY_RESOURCE, "error"));
  static final List<String> FIXTURES = List.of(
      "prometheus/prometheus-to-alertmanager-v2-alerts.json", "prometheus/alertmanager-webhook-grouped-mixed.json",
      "prometheus/alertmanager-webhook-truncated.json", "prometheus/alertmanager-v2-alerts-get-response.json",
      "sentry/issue.created.docs.json", "sentry/error.created.docs.json", "sentry/event_alert.triggered.docs.json",
      "sentry/metric_alert.resolved.docs.json", "sentry/metric_alert.warning.sumologic-docs.json",
      "sentry/legacy-webhooks-plugin.sentry8-9.alerta-readme.json");
  static final List<String> KEYS = List.of(
      "labels", "annotations", "startsAt", "endsAt", "status", "generatorURL", "fingerprint", "alerts", "version",
      "truncatedAlerts", "alertname", "severity", "service", "summary", "runbook_url", "action", "data", "issue",
      "error", "event", "metric_alert", "alert_rule", "id", "issue_id", "event_id", "project", "projects", "slug",
      "level", "tags", "key", "value", "title", "culprit", "firstSeen", "datetime", "timestamp", "received",
      "date_started", "date_closed", "web_url", "url", "count", "triggered_rule", "installation");

  /** Checks a result; true when it has events. */
  static boolean check(Normalized result) {
    assertThat(result).isNotNull();
    if (result instanceof Normalized.Rejected rejected) {
      assertThat(rejected.reason()).isNotBlank().doesNotContain("\n");
      assertThat(rejected.reason()).doesNotStartWith("internal error");
      return false;
    }
    for (AlertEvent event : ((Normalized.Events) result).events()) {
      assertThat(event.getFingerprint()).isNotBlank();
      assertThat(event.getName()).isNotNull();
      assertThat(event.getService()).isNotBlank();
      assertThat(event.getObservedAt()).isEqualTo(RECEIVED);
      try {
        assertThat(AlertEvent.fromByteBuffer(event.toByteBuffer())).isEqualTo(event);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return !((Normalized.Events) result).events().isEmpty();
  }

  /** Normalizes {@code body} with each normalizer under each set of headers; true when any gave events. */
  static boolean normalizeEverywhere(byte[] body) {
    boolean events = false;
    for (Normalizer normalizer : NORMALIZERS) {
      for (Map<String, String> headers : HEADERS) {
        events |= check(normalizer.normalize(new RawRecord("t", 0, 1, RECEIVED.toEpochMilli(), body, headers)));
      }
    }
    return events;
  }

  @Property(tries = 500, seed = "20261127")
  void arbitraryBytes(@ForAll @Size(max = 300) byte[] body) {
    normalizeEverywhere(body);
  }

  @Property(tries = 1000, seed = "20261128")
  void arbitraryJsonValues(@ForAll("json") JsonNode value) {
    normalizeEverywhere(Fixtures.write(value));
  }

  @Property(tries = 1500, seed = "20261129")
  void fixturesWithOneValueReplacedByArbitraryJson(@ForAll("fixture") String file,
                                                   @ForAll @IntRange(min = 0, max = 100_000) int where,
                                                   @ForAll("json") JsonNode replacement) {
    JsonNode tree = Fixtures.tree(file);
    List<Runnable> edits = new ArrayList<>();
    collectEdits(tree, replacement, edits);
    edits.get(where % edits.size()).run();
    Statistics.collect(normalizeEverywhere(Fixtures.write(tree)) ? "events" : "rejected everywhere");
    Statistics.coverage(coverage -> {
      coverage.check("events").percentage(p -> p > 50);
      coverage.check("rejected everywhere").count(n -> n > 0);
    });
  }

  @Example
  void deeplyNestedJsonIsRejectedNotAStackOverflow() {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    normalizeEverywhere(deep.getBytes(StandardCharsets.UTF_8));
    String deepObject = "{\"a\":".repeat(50_000) + "1" + "}".repeat(50_000);
    normalizeEverywhere(deepObject.getBytes(StandardCharsets.UTF_8));
  }

  /** Every place in {@code node} where a value could be replaced (or a key added) by {@code value}. */
  static void collectEdits(JsonNode node, JsonNode value, List<Runnable> edits) {
    if (node instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      edits.add(() -> object.set(KEYS.get(Math.floorMod(value.hashCode(), KEYS.size())), value));
      for (String name : names) {
        edits.add(() -> object.set(name, value));
        edits.add(() -> object.remove(name));
        collectEdits(object.get(name), value, edits);
      }
    } else if (node instanceof ArrayNode array) {
      edits.add(() -> array.add(value));
      for (int i = 0; i < array.size(); i++) {
        int index = i;
        edits.add(() -> array.set(index, value));
        collectEdits(array.get(i), value, edits);
      }
    }
  }

  @Provide
  Arbitrary<String> fixture() {
    return Arbitraries.of(FIXTURES);
  }

  @Provide
  Arbitrary<JsonNode> json() {
    return Arbitraries.recursive(NormalizersNeverThrowPropertyTest::scalar, NormalizersNeverThrowPropertyTest::container, 0, 4);
  }

  static Arbitrary<JsonNode> scalar() {
    Arbitrary<String> words = Arbitraries.of("firing", "resolved", "critical", "warning", "error", "fatal", "4", "",
        " ", "0001-01-01T00:00:00Z", "2026-11-27T15:07:54.889Z", "2026-11-27T15:07:54.123456789+05:30",
        "2026-13-45T99:99:99Z", "9999-12-31T23:59:59.999999999-23:59", "http://x/", "https://runbook", "issue",
        "metric_alert", "event_alert", "created", "assigned", "triggered", "\u0000", "\uFFFF", "\uD800");
    return Arbitraries.frequencyOf(
        Tuple.of(4, words.map(NODES::textNode)),
        Tuple.of(2, Arbitraries.strings().ofMaxLength(12).map(NODES::textNode)),
        Tuple.of(2, Arbitraries.of(0L, 2L, 10L, 20L, -1L, Long.MAX_VALUE, Long.MIN_VALUE)
            .map(n -> (JsonNode) NODES.numberNode(n))),
        Tuple.of(1, Arbitraries.of(1.5e300, -1e20, 1566248317.391, Double.MIN_VALUE)
            .map(d -> (JsonNode) NODES.numberNode(d))),
        Tuple.of(1, Arbitraries.of(NODES.booleanNode(true), NODES.nullNode())));
  }

  static Arbitrary<JsonNode> container(Arbitrary<JsonNode> inner) {
    Arbitrary<String> keys = Arbitraries.oneOf(Arbitraries.of(KEYS), Arbitraries.strings().alpha().ofMaxLength(6));
    Arbitrary<JsonNode> arrays = inner.list().ofMaxSize(4).map(items -> {
      ArrayNode array = NODES.arrayNode();
      items.forEach(array::add);
      return array;
    });
    Arbitrary<JsonNode> objects = Arbitraries.maps(keys, inner).ofMaxSize(6).map(fields -> {
      ObjectNode object = NODES.objectNode();
      fields.forEach(object::set);
      return object;
    });
    return Arbitraries.oneOf(inner, arrays, objects);
  }
}
