package dev.stormwatch.correlator;

import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.streams.StreamsApp;
import dev.stormwatch.correlator.domain.CorrelatorSettings;
import dev.stormwatch.correlator.topology.CorrelatorMetrics;
import dev.stormwatch.correlator.topology.CorrelatorSerdes;
import dev.stormwatch.correlator.topology.CorrelatorTopology;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;

/**
 * The correlator Kafka Streams app, running: {@code alerts.normalized}, {@code incident.commands}
 * and {@code topology.services} in, {@code incidents}, {@code escalations} and the dead-letter topic
 * out, exactly-once. Wiring only: the topology comes from {@link CorrelatorTopology#build}, the
 * lifecycle from {@link StreamsApp}. Standby replicas, threads and client security are Streams
 * properties passed in {@code overrides} (e.g. {@code num.standby.replicas=1}).
 */
public final class CorrelatorApp implements AutoCloseable {

  private final StreamsApp streams;
  private final SchemaRegistryClient registry;

  private CorrelatorApp(StreamsApp streams, SchemaRegistryClient registry) {
    this.streams = streams;
    this.registry = registry;
  }

  /**
   * Starts the correlator.
   *
   * @param settings         correlation rules and bounds
   * @param punctuateEvery   how often due deadlines are looked for (wall clock)
   * @param bootstrapServers the Kafka cluster
   * @param overrides        Streams and client settings laid over the defaults (SASL/SSL,
   *                         {@code num.standby.replicas}, threads...), may be empty
   * @param registryConfig   the Schema Registry
   * @param topics           topic names
   * @param meters           where its metrics go
   * @param stateDir         where RocksDB state lives
   * @param applicationId    the Streams application id
   */
  public static CorrelatorApp start(CorrelatorSettings settings, Duration punctuateEvery, String bootstrapServers,
                                    Map<String, ?> overrides, SchemaRegistryConfig registryConfig, Topics topics,
                                    MeterRegistry meters, Path stateDir, String applicationId) {
    SchemaRegistryClient registry = new RestSchemaRegistryClient(registryConfig);
    try {
      Topology topology = CorrelatorTopology.build(settings, topics,
          CorrelatorSerdes.of(registry, AvroSerdeConfig.defaults()), new CorrelatorMetrics(meters), punctuateEvery);
      Properties props = StreamsApp.properties(CorrelatorTopology.APP, applicationId, bootstrapServers, stateDir,
          topics.deadLetters(), meters, new HashMap<>(overrides));
      return new CorrelatorApp(StreamsApp.start(CorrelatorTopology.APP, topology, props, meters), registry);
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
  }

  /** Waits until Kafka Streams is RUNNING; false if not within {@code timeout}. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    return streams.awaitRunning(timeout);
  }

  /** The Kafka Streams state. */
  public KafkaStreams.State state() {
    return streams.streams().state();
  }

  /** The Kafka Streams instance (for interactive queries). */
  public KafkaStreams streams() {
    return streams.streams();
  }

  @Override
  public void close() {
    try {
      streams.close();
    } finally {
      registry.close();
    }
  }
}
