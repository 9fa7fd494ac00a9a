package dev.stormwatch.notifier;

import dev.stormwatch.avro.oncall.OnCallEntry;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.streams.RunningApp;
import dev.stormwatch.common.streams.StreamsApp;
import dev.stormwatch.notifier.oncall.OnCallConfig;
import dev.stormwatch.notifier.topology.NotifierMetrics;
import dev.stormwatch.notifier.topology.NotifierSerdes;
import dev.stormwatch.notifier.topology.NotifierStores;
import dev.stormwatch.notifier.topology.NotifierTopology;
import dev.stormwatch.notifier.topology.OnCallView;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier Kafka Streams app, running: {@code escalations}, {@code incident.commands},
 * {@code oncall.config} and {@code topology.services} in, {@code pages.outbox} and the dead-letter
 * topic out, exactly-once. Wiring only: the topology comes from {@link NotifierTopology#build}, the
 * lifecycle from {@link StreamsApp}. Standby replicas, threads and client security are Streams
 * properties passed in {@code overrides}.
 */
public final class NotifierApp extends RunningApp {

  private static final Logger log = LoggerFactory.getLogger(NotifierApp.class);

  private NotifierApp(StreamsApp streams) {
    super(streams);
  }

  /**
   * Starts the notifier.
   *
   * @param settings         paging rules, bundling, retention, punctuation interval
   * @param bootstrapServers the Kafka cluster
   * @param overrides        Streams and client settings laid over the defaults (SASL/SSL,
   *                         {@code num.standby.replicas}, threads...), may be empty
   * @param registryConfig   the Schema Registry
   * @param topics           topic names
   * @param meters           where its metrics go
   * @param stateDir         where RocksDB state lives
   * @param applicationId    the Streams application id
   */
  public static NotifierApp start(NotifierSettings settings, String bootstrapServers, Map<String, ?> overrides,
                                  SchemaRegistryConfig registryConfig, Topics topics, MeterRegistry meters,
                                  Path stateDir, String applicationId) {
    Properties props = StreamsApp.properties(NotifierTopology.APP, applicationId, bootstrapServers, stateDir,
        topics.deadLetters(), meters, new HashMap<>(overrides));
    NotifierMetrics metrics = new NotifierMetrics(meters);
    return new NotifierApp(StreamsApp.startWithRegistry(NotifierTopology.APP, registryConfig,
        registry -> NotifierTopology.build(settings, topics, NotifierSerdes.of(registry, AvroSerdeConfig.defaults()),
            metrics),
        props, meters));
  }

  /**
   * The on-call configuration as this instance's global store holds it now (every instance holds all
   * of it), for the HTTP API: pass it to {@code OnCall.team}, {@code OnCall.teams} or
   * {@code OnCall.icalendar}. Entries that cannot be used are left out (and logged).
   *
   * @throws org.apache.kafka.streams.errors.InvalidStateStoreException while the store is not
   *                                                                    queryable (starting, rebalancing): answer 503
   */
  public OnCallConfig onCallConfig() {
    ReadOnlyKeyValueStore<String, OnCallEntry> store = streams().store(StoreQueryParameters.fromNameAndType(
        NotifierStores.ONCALL, QueryableStoreTypes.keyValueStore()));
    return OnCallView.read(store, problem -> log.debug("on-call configuration: {}", problem));
  }
}
