package dev.stormwatch.ingest.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

/**
 * jqwik generators of JSON text shaped like the payloads ingest reads: objects whose keys come
 * from a given vocabulary (so the parsers' branches are reached), arrays, and scalars including
 * the awkward ones (huge exponents, 64-bit integers as strings, Go's zero time).
 */
public final class JsonArbitraries {

  private JsonArbitraries() {
  }

  /** Any JSON value up to {@code depth} levels deep, objects drawing their keys from {@code keys}. */
  public static Arbitrary<String> value(List<String> keys, int depth) {
    Arbitrary<String> scalar = Arbitraries.oneOf(
        Arbitraries.strings().ofMaxLength(12).map(JsonArbitraries::quote),
        Arbitraries.longs().map(String::valueOf),
        Arbitraries.doubles().map(d -> Double.isFinite(d) ? String.valueOf(d) : "0"),
        Arbitraries.of("1544712660300000000", "\"1570818238000000000\"", "1629856477.226758", "-1", "0",
            "1e400", "true", "false", "null", "\"2024-01-01T10:15:00Z\"", "\"0001-01-01T00:00:00Z\"",
            "\"ERROR\"", "\"firing\"", "\"resolved\"", "\"critical\"", "17"));
    if (depth == 0) {
      return scalar;
    }
    Arbitrary<String> object = Combinators.combine(Arbitraries.of(keys), Arbitraries.lazy(() -> value(keys, depth - 1)))
        .as((k, v) -> quote(k) + ":" + v).list().ofMaxSize(5).map(fields -> "{" + String.join(",", fields) + "}");
    Arbitrary<String> array = Arbitraries.lazy(() -> value(keys, depth - 1)).list().ofMaxSize(4)
        .map(items -> "[" + String.join(",", items) + "]");
    return Arbitraries.frequencyOf(Tuple.of(2, scalar), Tuple.of(5, object), Tuple.of(2, array));
  }

  /** {@code s} as a JSON string literal. */
  public static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  /**
   * JSON trees up to {@code depth} levels deep: scalars that trip parsers (timestamps in several
   * shapes, URLs, control and surrogate characters, huge numbers), arrays, and objects whose keys
   * come from {@code keys} or are random.
   */
  public static Arbitrary<JsonNode> node(List<String> keys, int depth) {
    JsonNodeFactory nodes = JsonNodeFactory.instance;
    Arbitrary<String> words = Arbitraries.of("deploy", "rollback", "feature-flag", "FEATURE_FLAG", "config", "other",
        "", " ", "checkout", "0001-01-01T00:00:00Z", "2026-11-27T15:07:54.889Z", "2015-07-17T08:42:58.315+0000",
        "2026-13-45T99:99:99Z", "9999-12-31T23:59:59.999999999-23:59", "http://x/", "https://ci.example/run/1",
        "ftp://x", "\u0000", "\uFFFF", "\uD800");
    Arbitrary<JsonNode> scalar = Arbitraries.frequencyOf(
        Tuple.of(4, words.map(nodes::textNode)),
        Tuple.of(2, Arbitraries.strings().ofMaxLength(12).map(nodes::textNode)),
        Tuple.of(2, Arbitraries.of(0L, 2L, -1L, Long.MAX_VALUE, Long.MIN_VALUE).map(n -> (JsonNode) nodes.numberNode(n))),
        Tuple.of(1, Arbitraries.of(1.5e300, -1e20, 1566248317.391).map(d -> (JsonNode) nodes.numberNode(d))),
        Tuple.of(1, Arbitraries.of(nodes.booleanNode(true), nodes.nullNode())));
    return Arbitraries.recursive(() -> scalar, inner -> {
      Arbitrary<String> names = Arbitraries.oneOf(Arbitraries.of(keys), Arbitraries.strings().alpha().ofMaxLength(6));
      Arbitrary<JsonNode> arrays = inner.list().ofMaxSize(4).map(items -> {
        ArrayNode array = nodes.arrayNode();
        items.forEach(array::add);
        return array;
      });
      Arbitrary<JsonNode> objects = Arbitraries.maps(names, inner).ofMaxSize(6).map(fields -> {
        ObjectNode object = nodes.objectNode();
        fields.forEach(object::set);
        return object;
      });
      return Arbitraries.oneOf(inner, arrays, objects);
    }, 0, depth);
  }

  /**
   * Every edit of {@code node} that puts {@code value} somewhere: replace a member or element,
   * remove a member, add a member (named from {@code keys}) or an element; nested values too.
   */
  public static List<Runnable> edits(JsonNode node, JsonNode value, List<String> keys) {
    List<Runnable> edits = new ArrayList<>();
    collectEdits(node, value, keys, edits);
    return edits;
  }

  private static void collectEdits(JsonNode node, JsonNode value, List<String> keys, List<Runnable> edits) {
    if (node instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      edits.add(() -> object.set(keys.get(Math.floorMod(value.hashCode(), keys.size())), value));
      for (String name : names) {
        edits.add(() -> object.set(name, value));
        edits.add(() -> object.remove(name));
        collectEdits(object.get(name), value, keys, edits);
      }
    } else if (node instanceof ArrayNode array) {
      edits.add(() -> array.add(value));
      for (int i = 0; i < array.size(); i++) {
        int index = i;
        edits.add(() -> array.set(index, value));
        collectEdits(array.get(i), value, keys, edits);
      }
    }
  }
}
