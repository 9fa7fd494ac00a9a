package dev.stormwatch.ingest;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.serde.SpecificAvroSerde;
import dev.stormwatch.common.streams.StreamsApp;
import dev.stormwatch.ingest.topology.IngestMetrics;
import dev.stormwatch.ingest.topology.IngestTopology;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;

/**
 * The ingest Kafka Streams app, running: raw topics in, {@code alerts.normalized} and the
 * dead-letter topic out, exactly-once. Wiring only: the topology comes from
 * {@link IngestTopology#build}, the lifecycle from {@link StreamsApp}.
 */
public final class IngestApp implements AutoCloseable {

  private final StreamsApp streams;
  private final SchemaRegistryClient registry;

  private IngestApp(StreamsApp streams, SchemaRegistryClient registry) {
    this.streams = streams;
    this.registry = registry;
  }

  /**
   * Starts ingest.
   *
   * @param config           what and how
   * @param bootstrapServers the Kafka cluster
   * @param kafkaSettings    client settings for every connection (SASL/SSL...), may be empty
   * @param registryConfig   the Schema Registry
   * @param topics           topic names
   * @param meters           where its metrics go
   */
  public static IngestApp start(IngestConfig config, String bootstrapServers, Map<String, ?> kafkaSettings,
                                SchemaRegistryConfig registryConfig, Topics topics, MeterRegistry meters) {
    SchemaRegistryClient registry = new RestSchemaRegistryClient(registryConfig);
    try {
      SpecificAvroSerde<AlertEvent> alertSerde =
          SpecificAvroSerde.of(AlertEvent.class, registry, AvroSerdeConfig.defaults(), false);
      Topology topology = IngestTopology.build(config, topics, alertSerde, new IngestMetrics(meters));
      Map<String, Object> overrides = new java.util.HashMap<>(kafkaSettings);
      overrides.putAll(config.streamsOverrides());
      Properties props = StreamsApp.properties(IngestTopology.APP, config.applicationId(), bootstrapServers,
          config.stateDir(), topics.deadLetters(), meters, overrides);
      return new IngestApp(StreamsApp.start(IngestTopology.APP, topology, props, meters), registry);
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
  }

  /** Waits until Kafka Streams is RUNNING; false if not within {@code timeout}. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    return streams.awaitRunning(timeout);
  }

  public KafkaStreams.State state() {
    return streams.streams().state();
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
