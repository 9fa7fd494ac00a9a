package dev.stormwatch.correlator.topology;

import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.Incident;
import dev.stormwatch.avro.Silence;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.streams.DeadLetterProcessor;
import dev.stormwatch.correlator.domain.AlertStateSerde;
import dev.stormwatch.correlator.domain.CorrelatorSettings;
import dev.stormwatch.correlator.rules.FlapStateSerde;
import dev.stormwatch.correlator.rules.IncidentMetrics;
import dev.stormwatch.correlator.rules.RulesSettings;
import dev.stormwatch.correlator.rules.ServiceChangesSerde;
import dev.stormwatch.correlator.topology.CorrelatorMetrics.ChangeResult;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The correlator topology, built by a pure factory (no I/O, no threads):
 * <ol>
 *   <li>{@code topology.services} into the global store {@value CorrelatorStores#TOPOLOGY}
 *       (a shared {@link TopologyView} caches the graph);</li>
 *   <li>{@code silences} into the global store {@value CorrelatorStores#SILENCES} (a shared
 *       {@link SilenceView} compiles the silences);</li>
 *   <li>{@code changes.events} → {@code check-change} (an unusable change goes to the dead-letter
 *       topic with the reason) → {@code route-changes}: keyed by every domain it may be a suspect in
 *       ({@link ChangeRouter});</li>
 *   <li>{@code alerts.normalized} → {@code route-alerts} (domain per episode, stores
 *       {@link CorrelatorStores#ROUTE}: routes expire {@code retention} after they were last seen) →
 *       re-keyed by domain;</li>
 *   <li>{@code incident.commands} → {@code check-command}: a malformed incident id goes to the
 *       dead-letter topic with the reason, the rest is keyed by incident id;</li>
 *   <li>all three through the repartition topic {@value #REPARTITION} (partitioned by
 *       {@link DomainPartitioner}, so a command meets its incident's domain) → {@code correlate}
 *       (stores {@link CorrelatorStores#CORRELATE}) → {@code incidents} (full state, tombstone when
 *       an incident leaves state) and {@code escalations}, keyed by incident id, and tombstones of
 *       silences past their retention to {@code silences}.</li>
 * </ol>
 * Every processor, store and internal topic has an explicit name: renaming one is a migration.
 */
public final class CorrelatorTopology {

  /** The app's name, on metrics and dead letters. */
  public static final String APP = "correlator";
  /** The repartition topic's name (Kafka Streams adds the application id and {@code -repartition}). */
  public static final String REPARTITION = "correlator-input-by-domain";
  /** Default interval of the wall-clock punctuator. */
  public static final Duration DEFAULT_PUNCTUATE_EVERY = Duration.ofSeconds(1);

  private CorrelatorTopology() {}

  private static final Logger log = LoggerFactory.getLogger(CorrelatorTopology.class);

  /** With the default rules, punctuating every second. */
  public static Topology build(CorrelatorSettings settings, Topics topics, CorrelatorSerdes serdes,
                               CorrelatorMetrics metrics) {
    return build(settings, RulesSettings.defaults(), topics, serdes, metrics, DEFAULT_PUNCTUATE_EVERY);
  }

  /** With the default rules. */
  public static Topology build(CorrelatorSettings settings, Topics topics, CorrelatorSerdes serdes,
                               CorrelatorMetrics metrics, Duration punctuateEvery) {
    return build(settings, RulesSettings.defaults(), topics, serdes, metrics, punctuateEvery);
  }

  /**
   * The correlator topology. Its incident metrics ({@link IncidentMetrics}) go to the registry of
   * {@code metrics}.
   *
   * @param settings       the correlation rules and bounds
   * @param rules          silences, inhibition, flapping, changes and statistics settings
   * @param topics         topic names
   * @param serdes         the Avro serdes
   * @param metrics        the correlator's meters
   * @param punctuateEvery how often the wall-clock punctuator looks for due deadlines
   */
  public static Topology build(CorrelatorSettings settings, RulesSettings rules, Topics topics,
                               CorrelatorSerdes serdes, CorrelatorMetrics metrics, Duration punctuateEvery) {
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(rules, "rules");
    if (punctuateEvery.isNegative() || punctuateEvery.isZero()) {
      throw new IllegalArgumentException("punctuate interval must be positive, was " + punctuateEvery);
    }
    StreamsBuilder builder = new StreamsBuilder();
    TopologyView view = new TopologyView(metrics);
    SilenceView silences = new SilenceView(rules, metrics);
    IncidentMetrics incidentMetrics = new IncidentMetrics(metrics.registry(), rules);
    Serde<String> strings = Serdes.String();

    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CorrelatorStores.TOPOLOGY), strings,
            serdes.services()).withLoggingDisabled(),
        topics.topology(),
        Consumed.with(strings, serdes.services()).withName("read-topology"),
        () -> new TopologyUpdater(view));
    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CorrelatorStores.SILENCES), strings,
            lenient(serdes.silences())).withLoggingDisabled(),
        topics.silences(),
        Consumed.with(strings, serdes.silences()).withName("read-silences"),
        () -> new SilenceUpdater(silences, metrics));

    builder.addStateStore(store(CorrelatorStores.ALERT_ROUTES, new AlertRouteSerde()));
    builder.addStateStore(store(CorrelatorStores.ALERT_ROUTE_EXPIRY, strings));
    KStream<String, CorrelatorInput> alerts = builder
        .stream(topics.normalized(), Consumed.with(strings, serdes.alerts()).withName("read-alerts"))
        .process(() -> new AlertRouter(view, metrics, settings.retention(), punctuateEvery), Named.as("route-alerts"),
            CorrelatorStores.ROUTE.toArray(String[]::new));

    Map<String, KStream<String, CheckedCommand>> commands = builder
        .stream(topics.incidentCommands(), Consumed.with(strings, serdes.commands()).withName("read-commands"))
        .mapValues(CheckedCommand::of, Named.as("check-command"))
        .split(Named.as("command-"))
        .branch((id, checked) -> checked.ok(), Branched.as("ok"))
        .defaultBranch(Branched.as("malformed"));
    Map<String, KStream<String, CheckedChange>> changes = builder
        .stream(topics.changes(), Consumed.with(strings, serdes.changes()).withName("read-changes"))
        .mapValues(CheckedChange::of, Named.as("check-change"))
        .split(Named.as("change-"))
        .branch((service, checked) -> checked.ok(), Branched.as("ok"))
        .defaultBranch(Branched.as("malformed"));
    KStream<byte[], byte[]> changeLetters = changes.get("change-malformed")
        .process(() -> new DeadLetterProcessor<CheckedChange>(APP, CheckedChange::problem, c -> topics.changes(),
            (topic, c) -> DeadLetterProcessor.bytes(serdes.changes().serializer(), topic, c.event()),
            (c, topic, problem) -> metrics.changes(ChangeResult.REJECTED).increment()),
            Named.as("dead-letter-change"));
    commands.get("command-malformed")
        .process(() -> new DeadLetterProcessor<CheckedCommand>(APP, CheckedCommand::problem,
            c -> topics.incidentCommands(),
            (topic, c) -> DeadLetterProcessor.bytes(serdes.commands().serializer(), topic, c.command()),
            (c, topic, problem) -> metrics.commands(CorrelatorMetrics.CommandResult.REJECTED).increment()),
            Named.as("dead-letter-command"))
        .merge(changeLetters, Named.as("merge-dead-letters"))
        .to(topics.deadLetters(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray())
            .withName("write-dead-letters"));
    int changeHops = Math.max(rules.changeDependencyHops(), settings.maxHops());
    KStream<String, CorrelatorInput> routedChanges = changes.get("change-ok")
        .process(() -> new ChangeRouter(view, metrics, incidentMetrics, changeHops), Named.as("route-changes"));
    KStream<String, CorrelatorInput> routedCommands = commands.get("command-ok")
        .map((key, checked) -> org.apache.kafka.streams.KeyValue.pair(checked.command().getIncidentId(),
            (CorrelatorInput) new CorrelatorInput.Command(checked.command())), Named.as("key-command-by-incident"));

    for (String name : CorrelatorStores.CORRELATE) {
      if (name.equals(CorrelatorStores.STATS_INCIDENTS) || name.equals(CorrelatorStores.STATS_CHANGES)) {
        builder.addStateStore(Stores.windowStoreBuilder(Stores.persistentWindowStore(name, rules.statsRetention(),
            Duration.ofMillis(1), false), strings, Serdes.ByteArray()));
        continue;
      }
      builder.addStateStore(switch (name) {
        case CorrelatorStores.ALERTS -> store(name, new AlertStateSerde());
        case CorrelatorStores.INCIDENTS -> store(name, serdes.incidents()).withCachingEnabled();
        case CorrelatorStores.INCIDENT_ALERTS -> store(name, serdes.members());
        case CorrelatorStores.INCIDENT_OUTPUT -> store(name, strings).withCachingEnabled();
        case CorrelatorStores.INHIBIT_SOURCES -> store(name, Serdes.ByteArray());
        case CorrelatorStores.FLAP_STATES -> store(name, new FlapStateSerde());
        case CorrelatorStores.CHANGES -> store(name, new ServiceChangesSerde());
        default -> store(name, strings);
      });
    }
    CorrelatorInputSerde inputSerde = new CorrelatorInputSerde(serdes.alerts(), topics.normalized(),
        serdes.commands(), topics.incidentCommands(), serdes.changes(), topics.changes());
    Map<String, KStream<String, CorrelatorOutput>> out = alerts
        .merge(routedCommands, Named.as("merge-commands"))
        .merge(routedChanges, Named.as("merge-changes"))
        .repartition(Repartitioned.<String, CorrelatorInput>as(REPARTITION)
            .withKeySerde(strings).withValueSerde(inputSerde).withStreamPartitioner(new DomainPartitioner()))
        .process(() -> new CorrelateProcessor(settings, rules, view, silences, metrics, incidentMetrics,
            punctuateEvery), Named.as("correlate"), CorrelatorStores.CORRELATE.toArray(String[]::new))
        .split(Named.as("output-"))
        .branch((id, o) -> o instanceof CorrelatorOutput.IncidentUpdate, Branched.as("incident"))
        .branch((id, o) -> o instanceof CorrelatorOutput.SilenceGone, Branched.as("silence"))
        .defaultBranch(Branched.as("escalation"));
    out.get("output-silence")
        .mapValues(o -> (Silence) null, Named.as("silence-tombstone"))
        .to(topics.silences(), Produced.with(strings, serdes.silences()).withName("write-silence-tombstones"));
    out.get("output-incident")
        .mapValues(o -> ((CorrelatorOutput.IncidentUpdate) o).incident(), Named.as("unwrap-incident"))
        .to(topics.incidents(), Produced.<String, Incident>with(strings, serdes.incidents())
            .withName("write-incidents"));
    out.get("output-escalation")
        .mapValues(o -> ((CorrelatorOutput.Escalated) o).event(), Named.as("unwrap-escalation"))
        .to(topics.escalations(), Produced.<String, EscalationEvent>with(strings, serdes.escalations())
            .withName("write-escalations"));
    return builder.build();
  }

  private static <V> StoreBuilder<KeyValueStore<String, V>> store(String name, Serde<V> values) {
    return Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(name), Serdes.String(), values);
  }

  /**
   * A serde whose deserializer reads undecodable bytes as null (logged): for the global silences
   * store, whose restore copies the topic's bytes without the processor's checks, so one bad record
   * cannot stop every read of the store.
   */
  static <V> Serde<V> lenient(Serde<V> serde) {
    Deserializer<V> inner = serde.deserializer();
    return Serdes.serdeFrom(serde.serializer(), (topic, bytes) -> {
      try {
        return inner.deserialize(topic, bytes);
      } catch (SerializationException e) {
        log.warn("undecodable record in {} read as absent: {}", topic, e.getMessage());
        return null;
      }
    });
  }
}
