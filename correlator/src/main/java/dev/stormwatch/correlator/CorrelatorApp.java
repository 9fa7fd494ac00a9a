package dev.stormwatch.correlator;

import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.streams.RunningApp;
import dev.stormwatch.common.streams.StreamsApp;
import dev.stormwatch.correlator.domain.CorrelatorSettings;
import dev.stormwatch.correlator.rules.RulesSettings;
import dev.stormwatch.correlator.topology.CorrelatorMetrics;
import dev.stormwatch.correlator.topology.CorrelatorSerdes;
import dev.stormwatch.correlator.topology.CorrelatorTopology;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The correlator Kafka Streams app, running: {@code alerts.normalized}, {@code incident.commands},
 * {@code changes.events}, {@code silences} and {@code topology.services} in, {@code incidents},
 * {@code escalations}, silence tombstones and the dead-letter topic out, exactly-once. Wiring only: the topology comes from {@link CorrelatorTopology#build}, the
 * lifecycle from {@link StreamsApp}. Standby replicas, threads and client security are Streams
 * properties passed in {@code overrides} (e.g. {@code num.standby.replicas=1}).
 */
public final class CorrelatorApp extends RunningApp {

  private CorrelatorApp(StreamsApp streams) {
    super(streams);
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
    return start(settings, RulesSettings.defaults(), punctuateEvery, bootstrapServers, overrides, registryConfig,
        topics, meters, stateDir, applicationId);
  }

  /**
   * Starts the correlator with these rules (silences, inhibition, flapping, changes, statistics); the
   * other parameters as {@link #start(CorrelatorSettings, Duration, String, Map, SchemaRegistryConfig,
   * Topics, MeterRegistry, Path, String)}. The incident metrics go to {@code meters}.
   */
  public static CorrelatorApp start(CorrelatorSettings settings, RulesSettings rules, Duration punctuateEvery,
                                    String bootstrapServers, Map<String, ?> overrides,
                                    SchemaRegistryConfig registryConfig, Topics topics, MeterRegistry meters,
                                    Path stateDir, String applicationId) {
    Properties props = StreamsApp.properties(CorrelatorTopology.APP, applicationId, bootstrapServers, stateDir,
        topics.deadLetters(), meters, new HashMap<>(overrides));
    return new CorrelatorApp(StreamsApp.startWithRegistry(CorrelatorTopology.APP, registryConfig,
        registry -> CorrelatorTopology.build(settings, rules, topics,
            CorrelatorSerdes.of(registry, AvroSerdeConfig.defaults()), new CorrelatorMetrics(meters), punctuateEvery),
        props, meters));
  }
}
