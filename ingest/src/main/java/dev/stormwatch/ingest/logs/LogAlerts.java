package dev.stormwatch.ingest.logs;

import dev.stormwatch.avro.AlertEvent;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * Wires the log-to-alert rules into a topology. Pure: it only adds nodes to the builder of the
 * stream it is given, so the app's topology factory and the tests build the same thing.
 *
 * <pre>
 * entries ─filter(logs-rule-relevant)─ processValues(logs-event-time) ─selectKey(logs-key-by-service)
 *   ─repartition(logs-by-service)─ process(logs-alert-rules; stores log-rate-windows, log-alert-state)
 *   ─▶ AlertEvents keyed by fingerprint
 * </pre>
 *
 * <p>Entries no rule could act on are dropped before the repartition, so INFO chatter does not
 * cross the network twice. Each entry's record timestamp becomes its event time, clamped to at
 * most {@link LogRulesConfig#maxFutureSkew()} after the record's own (receive) timestamp. Names:
 * {@link LogTopologyNames}.
 */
public final class LogAlerts {

  /** How late (in event time, behind the newest entry seen) an entry may arrive and still count. */
  public static final Duration LATENESS = Duration.ofHours(1);

  private LogAlerts() {
  }

  /**
   * Adds the log rules downstream of {@code entries}.
   *
   * @param entries parsed entries, any key, record timestamp = receive time (as read from the raw topic)
   * @param config  the rules
   * @return alert observations (FIRING, refreshes, RESOLVED) keyed by fingerprint, for {@code alerts.normalized}
   */
  public static KStream<String, AlertEvent> addTo(KStream<String, LogEntry> entries, LogRulesConfig config) {
    Objects.requireNonNull(config, "config");
    long maxSkew = config.maxFutureSkew().toMillis();
    return entries
        .filter((key, entry) -> entry != null && config.relevant(entry), Named.as(LogTopologyNames.RELEVANT_FILTER))
        .processValues(() -> new EventTime(maxSkew), Named.as(LogTopologyNames.EVENT_TIME))
        .selectKey((key, entry) -> entry.service(), Named.as(LogTopologyNames.KEY_BY_SERVICE))
        .repartition(Repartitioned.<String, LogEntry>as(LogTopologyNames.REPARTITION_BY_SERVICE)
            .withKeySerde(Serdes.String())
            .withValueSerde(new LogEntrySerde()))
        .process(new RulesSupplier(config), Named.as(LogTopologyNames.RULES_PROCESSOR));
  }

  /** The two stores of the rules processor, as {@link #addTo} connects them. */
  public static Set<StoreBuilder<?>> storeBuilders(LogRulesConfig config) {
    // Keep windows well past their own length: entries of several raw partitions reach the rules
    // unevenly in event time (a backlog catching up), and an entry older than the store's retention
    // would be dropped by Kafka Streams instead of counted.
    Duration retention = config.longestRateWindow().plus(LATENESS);
    Duration smallestBucket = config.rateRules().stream().map(LogRulesConfig.RateRule::bucket)
        .min(Duration::compareTo).orElse(Duration.ofSeconds(1));
    return Set.of(
        Stores.windowStoreBuilder(
            Stores.persistentWindowStore(LogTopologyNames.RATE_WINDOWS_STORE, retention, smallestBucket, false),
            Serdes.String(), InternalSerdes.rateBucket()),
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(LogTopologyNames.ALERT_STATE_STORE),
            Serdes.String(), InternalSerdes.trackedAlert()));
  }

  private record RulesSupplier(LogRulesConfig config) implements ProcessorSupplier<String, LogEntry, String, AlertEvent> {
    @Override
    public Processor<String, LogEntry, String, AlertEvent> get() {
      return new LogAlertProcessor(config);
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
      return storeBuilders(config);
    }
  }

  /** Record timestamp := entry time, but never more than the skew bound after the receive time. */
  private static final class EventTime implements FixedKeyProcessor<String, LogEntry, LogEntry> {
    private final long maxSkew;
    private FixedKeyProcessorContext<String, LogEntry> context;

    EventTime(long maxSkew) {
      this.maxSkew = maxSkew;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, LogEntry> context) {
      this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, LogEntry> record) {
      long received = record.timestamp();
      long bound = received > Long.MAX_VALUE - maxSkew ? Long.MAX_VALUE : received + maxSkew;
      long time = Math.max(0, Math.min(record.value().timestamp(), bound));
      context.forward(record.withTimestamp(time));
    }
  }
}
