package dev.stormwatch.notifier.topology;

import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.IncidentCommand;
import dev.stormwatch.avro.PageRequest;
import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.avro.oncall.OnCallEntry;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.notifier.NotifierSettings;
import dev.stormwatch.notifier.bundle.BundleStateSerde;
import dev.stormwatch.notifier.bundle.Bundler;
import dev.stormwatch.notifier.escalation.EscalationEngine;
import dev.stormwatch.notifier.escalation.EscalationStateSerde;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The notifier topology, built by a pure factory (no I/O, no threads):
 * <ol>
 *   <li>{@code oncall.config} and {@code topology.services} into the global stores
 *       {@value NotifierStores#ONCALL} (a shared {@link OnCallView} caches the parsed configuration)
 *       and {@value NotifierStores#TOPOLOGY};</li>
 *   <li>{@code escalations} and {@code incident.commands} (co-partitioned: both keyed by incident id)
 *       → {@code check-escalation} / {@code check-command}: a record without a value, or keyed by
 *       anything but its incident id, goes to the dead-letter topic with the reason;</li>
 *   <li>→ {@code escalate} (stores {@link NotifierStores#ESCALATE}: per-incident escalation state and
 *       its time index, punctuated on the wall clock) → page requests keyed by destination;</li>
 *   <li>→ the repartition topic {@value #REPARTITION} (by destination, so pages of different
 *       incidents for one person meet) → {@code bundle} (stores {@link NotifierStores#BUNDLE}) →
 *       {@code pages.outbox}, keyed by incident id (one incident's pages in order).</li>
 * </ol>
 * Every processor, store and internal topic has an explicit name: renaming one is a migration.
 */
public final class NotifierTopology {

  /** The app's name, on metrics and dead letters. */
  public static final String APP = "notifier";
  /** The repartition topic's name (Kafka Streams adds the application id and {@code -repartition}). */
  public static final String REPARTITION = "notifier-pages-by-recipient";

  private NotifierTopology() {}

  /**
   * The notifier topology.
   *
   * @param settings paging rules, bundling, retention and the punctuation interval
   * @param topics   topic names
   * @param serdes   the Avro serdes
   * @param metrics  the notifier's meters
   */
  public static Topology build(NotifierSettings settings, Topics topics, NotifierSerdes serdes,
                               NotifierMetrics metrics) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(serdes, "serdes");
    Objects.requireNonNull(metrics, "metrics");
    StreamsBuilder builder = new StreamsBuilder();
    Serde<String> strings = Serdes.String();
    OnCallView view = new OnCallView(metrics);

    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(NotifierStores.ONCALL), strings, serdes.oncall())
            .withLoggingDisabled(),
        topics.oncall(),
        Consumed.<String, OnCallEntry>with(strings, serdes.oncall()).withName("read-oncall"),
        () -> new GlobalStoreUpdater<OnCallEntry>(NotifierStores.ONCALL, view::markStale));
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(NotifierStores.TOPOLOGY), strings,
            serdes.services()).withLoggingDisabled(),
        topics.topology(),
        Consumed.<String, ServiceNode>with(strings, serdes.services()).withName("read-topology"),
        () -> new GlobalStoreUpdater<ServiceNode>(NotifierStores.TOPOLOGY, () -> { }));

    KStream<String, NotifierInput> escalations = builder
        .stream(topics.escalations(), Consumed.<String, EscalationEvent>with(strings, serdes.escalations())
            .withName("read-escalations"))
        .mapValues(NotifierInput::escalation, Named.as("check-escalation"));
    KStream<String, NotifierInput> commands = builder
        .stream(topics.incidentCommands(), Consumed.<String, IncidentCommand>with(strings, serdes.commands())
            .withName("read-commands"))
        .mapValues(NotifierInput::command, Named.as("check-command"));
    Map<String, KStream<String, NotifierInput>> inputs = escalations
        .merge(commands, Named.as("merge-inputs"))
        .split(Named.as("input-"))
        .branch((id, input) -> !(input instanceof NotifierInput.Rejected), Branched.as("ok"))
        .defaultBranch(Branched.as("rejected"));
    inputs.get("input-rejected")
        .process(() -> InputDeadLetter.processor(topics, serdes, metrics), Named.as("dead-letter-input"))
        .to(topics.deadLetters(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray())
            .withName("write-dead-letters"));

    builder.addStateStore(store(NotifierStores.ESCALATIONS, new EscalationStateSerde()));
    builder.addStateStore(store(NotifierStores.ESCALATION_DEADLINES, strings));
    builder.addStateStore(store(NotifierStores.BUNDLES, new BundleStateSerde()));
    builder.addStateStore(store(NotifierStores.BUNDLE_DEADLINES, strings));
    EscalationEngine engine = new EscalationEngine(settings);
    Bundler bundler = new Bundler(settings);
    inputs.get("input-ok")
        .process(() -> new EscalateProcessor(engine, view, metrics, settings.punctuateEvery()), Named.as("escalate"),
            NotifierStores.ESCALATE.toArray(String[]::new))
        .repartition(Repartitioned.<String, PageRequest>as(REPARTITION).withKeySerde(strings)
            .withValueSerde(serdes.pages()))
        .process(() -> new BundleProcessor(bundler, metrics, settings.punctuateEvery()), Named.as("bundle"),
            NotifierStores.BUNDLE.toArray(String[]::new))
        // keyed by incident: one incident's pages share a partition, so the dispatcher sends them in order
        .selectKey((key, page) -> page.getIncidentId(), Named.as("key-page-by-incident"))
        .to(topics.pagesOutbox(), Produced.<String, PageRequest>with(strings, serdes.pages()).withName("write-pages"));
    return builder.build();
  }

  private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name, Serde<V> values) {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), values);
  }
}
