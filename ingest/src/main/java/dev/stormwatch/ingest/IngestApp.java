package dev.stormwatch.ingest;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.ChangeEvent;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.serde.SpecificAvroSerde;
import dev.stormwatch.common.streams.RunningApp;
import dev.stormwatch.common.streams.StreamsApp;
import dev.stormwatch.ingest.topology.IngestMetrics;
import dev.stormwatch.ingest.topology.IngestTopology;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The ingest Kafka Streams app, running: raw topics in, {@code alerts.normalized},
 * {@code changes.events} and the dead-letter topic out, exactly-once. Wiring only: the topology comes from
 * {@link IngestTopology#build}, the lifecycle from {@link StreamsApp}.
 */
public final class IngestApp extends RunningApp {

  private IngestApp(StreamsApp streams) {
    super(streams);
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
    Map<String, Object> overrides = new HashMap<>(kafkaSettings);
    overrides.putAll(config.streamsOverrides());
    Properties props = StreamsApp.properties(IngestTopology.APP, config.applicationId(), bootstrapServers,
        config.stateDir(), topics.deadLetters(), meters, overrides);
    return new IngestApp(StreamsApp.startWithRegistry(IngestTopology.APP, registryConfig,
        registry -> IngestTopology.build(config, topics,
            SpecificAvroSerde.of(AlertEvent.class, registry, AvroSerdeConfig.defaults(), false),
            SpecificAvroSerde.of(ChangeEvent.class, registry, AvroSerdeConfig.defaults(), false),
            new IngestMetrics(meters)),
        props, meters));
  }
}
