package dev.stormwatch.ingest.normalize;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A per-source table from raw values (case-insensitive) to one scale, e.g. Sentry's
 * {@code "fatal"} to {@code CRITICAL}. The source {@code "*"} applies to every source that has no
 * entry of its own for a value.
 *
 * @param <V> the scale
 */
public final class LookupTable<V> {

  /** Entries under this source apply to every source. */
  public static final String ANY_SOURCE = "*";

  private final Map<String, Map<String, V>> bySource;

  public LookupTable(Map<String, Map<String, V>> bySource) {
    Map<String, Map<String, V>> copy = new HashMap<>();
    bySource.forEach((source, table) -> {
      Map<String, V> lower = new HashMap<>();
      table.forEach((raw, value) -> lower.put(lower(raw), value));
      copy.put(lower(source), Map.copyOf(lower));
    });
    this.bySource = Map.copyOf(copy);
  }

  /** The value for {@code raw} from {@code source}: its own table first, then {@link #ANY_SOURCE}. */
  public Optional<V> lookup(String source, String raw) {
    if (raw == null) {
      return Optional.empty();
    }
    String key = lower(raw.trim());
    V own = bySource.getOrDefault(lower(source), Map.of()).get(key);
    return own != null ? Optional.of(own) : Optional.ofNullable(bySource.getOrDefault(ANY_SOURCE, Map.of()).get(key));
  }

  /** This table with {@code overrides} laid over it, entry by entry. */
  public LookupTable<V> with(Map<String, Map<String, V>> overrides) {
    Map<String, Map<String, V>> merged = new HashMap<>();
    bySource.forEach((source, table) -> merged.put(source, new HashMap<>(table)));
    overrides.forEach((source, table) -> table.forEach((raw, value) ->
        merged.computeIfAbsent(lower(source), s -> new HashMap<>()).put(lower(raw), value)));
    return new LookupTable<>(merged);
  }

  public Map<String, Map<String, V>> asMap() {
    return bySource;
  }

  private static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }
}
