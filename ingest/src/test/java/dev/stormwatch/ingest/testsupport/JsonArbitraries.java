package dev.stormwatch.ingest.testsupport;

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
}
