package dev.stormwatch.correlator.topology;

import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.Incident;
import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.streams.DeadLetters;
import dev.stormwatch.correlator.domain.AlertStateSerde;
import dev.stormwatch.correlator.domain.Correlator;
import dev.stormwatch.correlator.domain.CorrelatorSettings;
import java.time.Duration;
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
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The correlator topology, built by a pure factory (no I/O, no threads):
 * <ol>
 *   <li>{@code topology.services} into the global store {@value CorrelatorStores#TOPOLOGY}
 *       (a shared {@link TopologyView} caches the graph);</li>
 *   <li>{@code alerts.normalized} → {@code route-alerts} (domain per episode, stores
 *       {@link CorrelatorStores#ROUTE}: routes expire {@code retention} after they were last seen) →
 *       re-keyed by domain;</li>
 *   <li>{@code incident.commands} → {@code check-command}: a malformed incident id goes to the
 *       dead-letter topic with the reason, the rest is keyed by incident id;</li>
 *   <li>both through the repartition topic {@value #REPARTITION} (partitioned by
 *       {@link DomainPartitioner}, so a command meets its incident's domain) → {@code correlate}
 *       (stores {@link CorrelatorStores#CORRELATE}) → {@code incidents} (full state, tombstone when
 *       an incident leaves state) and {@code escalations}, keyed by incident id.</li>
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

  /** {@link #build(CorrelatorSettings, Topics, CorrelatorSerdes, CorrelatorMetrics, Duration)} punctuating every second. */
  public static Topology build(CorrelatorSettings settings, Topics topics, CorrelatorSerdes serdes,
                               CorrelatorMetrics metrics) {
    return build(settings, topics, serdes, metrics, DEFAULT_PUNCTUATE_EVERY);
  }

  /**
   * The correlator topology.
   *
   * @param settings       the correlation rules and bounds
   * @param topics         topic names
   * @param serdes         the Avro serdes
   * @param metrics        the correlator's meters
   * @param punctuateEvery how often the wall-clock punctuator looks for due deadlines
   */
  public static Topology build(CorrelatorSettings settings, Topics topics, CorrelatorSerdes serdes,
                               CorrelatorMetrics metrics, Duration punctuateEvery) {
    Objects.requireNonNull(settings, "settings");
    if (punctuateEvery.isNegative() || punctuateEvery.isZero()) {
      throw new IllegalArgumentException("punctuate interval must be positive, was " + punctuateEvery);
    }
    StreamsBuilder builder = new StreamsBuilder();
    TopologyView view = new TopologyView(metrics);
    Correlator correlator = new Correlator(settings);
    Serde<String> strings = Serdes.String();

    builder.addGlobalStore(
        Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(CorrelatorStores.TOPOLOGY), strings,
            serdes.services()).withLoggingDisabled(),
        topics.topology(),
        Consumed.with(strings, serdes.services()).withName("read-topology"),
        () -> new TopologyUpdater(view));

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
    commands.get("command-malformed")
        .process(() -> new CommandDeadLetter(topics.incidentCommands(), serdes, metrics),
            Named.as("dead-letter-command"))
        .to(topics.deadLetters(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray())
            .withName("write-dead-letters"));
    KStream<String, CorrelatorInput> routedCommands = commands.get("command-ok")
        .map((key, checked) -> org.apache.kafka.streams.KeyValue.pair(checked.command().getIncidentId(),
            (CorrelatorInput) new CorrelatorInput.Command(checked.command())), Named.as("key-command-by-incident"));

    for (String name : CorrelatorStores.CORRELATE) {
      builder.addStateStore(switch (name) {
        case CorrelatorStores.ALERTS -> store(name, new AlertStateSerde());
        case CorrelatorStores.INCIDENTS -> store(name, serdes.incidents()).withCachingEnabled();
        case CorrelatorStores.INCIDENT_ALERTS -> store(name, serdes.members());
        case CorrelatorStores.INCIDENT_OUTPUT -> store(name, strings).withCachingEnabled();
        default -> store(name, strings);
      });
    }
    CorrelatorInputSerde inputSerde = new CorrelatorInputSerde(serdes.alerts(), topics.normalized(),
        serdes.commands(), topics.incidentCommands());
    Map<String, KStream<String, CorrelatorOutput>> out = alerts
        .merge(routedCommands, Named.as("merge-commands"))
        .repartition(Repartitioned.<String, CorrelatorInput>as(REPARTITION)
            .withKeySerde(strings).withValueSerde(inputSerde).withStreamPartitioner(new DomainPartitioner()))
        .process(() -> new CorrelateProcessor(correlator, view, metrics, punctuateEvery), Named.as("correlate"),
            CorrelatorStores.CORRELATE.toArray(String[]::new))
        .split(Named.as("output-"))
        .branch((id, o) -> o instanceof CorrelatorOutput.IncidentUpdate, Branched.as("incident"))
        .defaultBranch(Branched.as("escalation"));
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

  /** A command that cannot be routed, as a dead letter: its key and value bytes, the reason in headers. */
  static final class CommandDeadLetter implements Processor<String, CheckedCommand, byte[], byte[]> {
    private final String topic;
    private final CorrelatorSerdes serdes;
    private final CorrelatorMetrics metrics;
    private ProcessorContext<byte[], byte[]> context;

    CommandDeadLetter(String topic, CorrelatorSerdes serdes, CorrelatorMetrics metrics) {
      this.topic = topic;
      this.serdes = serdes;
      this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<byte[], byte[]> context) {
      this.context = context;
    }

    @Override
    public void process(Record<String, CheckedCommand> record) {
      metrics.commands(CorrelatorMetrics.CommandResult.REJECTED).increment();
      RecordMetadata source = context.recordMetadata().orElse(null);
      byte[] key = record.key() == null ? null : Serdes.String().serializer().serialize(topic, record.key());
      byte[] value = record.value().command() == null ? null
          : serdes.commands().serializer().serialize(topic, record.value().command());
      context.forward(new Record<>(key, value, record.timestamp(), DeadLetters.headers(record.headers(), APP,
          record.value().problem(), null, source == null ? topic : source.topic(),
          source == null ? -1 : source.partition(), source == null ? -1 : source.offset())));
    }
  }
}
