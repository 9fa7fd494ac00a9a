package dev.stormwatch.ingest.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Ingest's meters, all registered at zero up front with bounded label sets:
 * <ul>
 *   <li>{@code stormwatch_ingest_records_total{source,outcome}}: raw records read, by outcome
 *       (normalized, empty, partial, dead_lettered);</li>
 *   <li>{@code stormwatch_ingest_events_total{source}}: AlertEvents written (ChangeEvents for source
 *       {@code changes});</li>
 *   <li>{@code stormwatch_ingest_dead_letters_total{source}}: dead letters written (a record or a
 *       rejected part of one);</li>
 *   <li>{@code stormwatch_ingest_unknown_service_total{source}}: events whose service could not be
 *       resolved;</li>
 *   <li>{@code stormwatch_ingest_normalize_seconds{source}}: time to normalize one raw record.</li>
 * </ul>
 */
public final class IngestMetrics {

  /** The sources, as metric labels. */
  public static final List<String> SOURCES = List.of("prometheus", "sentry", "logs", "changes");

  /** Outcomes of one raw record. */
  enum Outcome { NORMALIZED, EMPTY, PARTIAL, DEAD_LETTERED }

  private final Map<String, Map<Outcome, Counter>> records = new HashMap<>();
  private final Map<String, Counter> events = new HashMap<>();
  private final Map<String, Counter> dead = new HashMap<>();
  private final Map<String, Counter> unknownService = new HashMap<>();
  private final Map<String, Timer> normalize = new HashMap<>();

  public IngestMetrics(MeterRegistry registry) {
    for (String source : SOURCES) {
      Map<Outcome, Counter> bySource = new EnumMap<>(Outcome.class);
      for (Outcome outcome : Outcome.values()) {
        bySource.put(outcome, Counter.builder("stormwatch.ingest.records")
            .description("Raw records read by ingest, by outcome")
            .tag("source", source).tag("outcome", outcome.name().toLowerCase(java.util.Locale.ROOT))
            .register(registry));
      }
      records.put(source, bySource);
      events.put(source, Counter.builder("stormwatch.ingest.events")
          .description("AlertEvents written to alerts.normalized (ChangeEvents to changes.events for source changes)").tag("source", source).register(registry));
      dead.put(source, Counter.builder("stormwatch.ingest.dead.letters")
          .description("Rejected records or parts written to the dead-letter topic").tag("source", source)
          .register(registry));
      unknownService.put(source, Counter.builder("stormwatch.ingest.unknown.service")
          .description("AlertEvents whose service could not be resolved").tag("source", source).register(registry));
      normalize.put(source, Timer.builder("stormwatch.ingest.normalize")
          .description("Time to normalize one raw record").tag("source", source).register(registry));
    }
  }

  void record(String source, Outcome outcome) {
    records.get(source).get(outcome).increment();
  }

  Counter events(String source) {
    return events.get(source);
  }

  Counter dead(String source) {
    return dead.get(source);
  }

  Counter unknownService(String source) {
    return unknownService.get(source);
  }

  Timer normalizeTime(String source) {
    return normalize.get(source);
  }
}
