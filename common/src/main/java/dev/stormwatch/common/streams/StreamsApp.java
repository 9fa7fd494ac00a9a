package dev.stormwatch.common.streams;

import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one lifecycle every Stormwatch Kafka Streams app shares, so no app copies it: exactly-once
 * v2 and explicit resource naming, RocksDB memory bounded by {@link BoundedRocksDbConfigSetter},
 * dead-letter exception handlers, a logged and replaced stream
 * thread on a fatal error, Micrometer's {@link KafkaStreamsMetrics} bound for this instance and
 * closed with it, and a state gauge ({@code stormwatch_streams_running{app}}).
 */
public final class StreamsApp implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(StreamsApp.class);

  private final String app;
  private final KafkaStreams streams;
  private final KafkaStreamsMetrics metrics;
  private final CountDownLatch running = new CountDownLatch(1);
  private final List<AutoCloseable> owned;

  private StreamsApp(String app, KafkaStreams streams, KafkaStreamsMetrics metrics, List<AutoCloseable> owned) {
    this.app = app;
    this.streams = streams;
    this.metrics = metrics;
    this.owned = owned;
  }

  /**
   * Starts an app whose topology needs a Schema Registry client (for its serdes): creates the
   * client, builds the topology with it, starts the app, and closes the client with the app (or
   * at once, when starting fails).
   */
  public static StreamsApp startWithRegistry(String app, SchemaRegistryConfig registryConfig,
                                             Function<SchemaRegistryClient, Topology> topology, Properties props,
                                             MeterRegistry meters) {
    SchemaRegistryClient registry = new RestSchemaRegistryClient(registryConfig);
    try {
      return start(app, topology.apply(registry), props, meters, List.of(registry));
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
  }

  /**
   * The Streams properties every Stormwatch app starts from; {@code overrides} (e.g. SASL/SSL,
   * standby replicas, threads) are laid over them last.
   *
   * @param app              the app's name: ingest, correlator, notifier
   * @param applicationId    the Streams application id (consumer group, internal topic prefix)
   * @param bootstrapServers the Kafka cluster
   * @param stateDir         where RocksDB state lives
   * @param deadLetterTopic  where bad records go
   * @param meters           the registry for the dead-letter counter
   * @param overrides        anything else, applied last
   */
  public static Properties properties(String app, String applicationId, String bootstrapServers, Path stateDir,
                                      String deadLetterTopic, MeterRegistry meters, Map<String, ?> overrides) {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
    props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterExceptionHandlers.Deserialization.class);
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandlers.Processing.class);
    props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterExceptionHandlers.Production.class);
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    props.put(DeadLetterExceptionHandlers.DLQ_TOPIC, deadLetterTopic);
    props.put(DeadLetterExceptionHandlers.APP, app);
    props.put(DeadLetterExceptionHandlers.METER_REGISTRY, meters);
    props.put(StreamsConfig.ROCKSDB_CONFIG_SETTER_CLASS_CONFIG, BoundedRocksDbConfigSetter.class);
    props.putAll(overrides);
    return props;
  }

  /** Builds, instruments and starts the app; returns at once (see {@link #awaitRunning}). */
  public static StreamsApp start(String app, Topology topology, Properties props, MeterRegistry meters) {
    return start(app, topology, props, meters, List.of());
  }

  private static StreamsApp start(String app, Topology topology, Properties props, MeterRegistry meters,
                                  List<AutoCloseable> owned) {
    Objects.requireNonNull(app, "app");
    KafkaStreams streams = new KafkaStreams(topology, props);
    KafkaStreamsMetrics metrics = new KafkaStreamsMetrics(streams);
    metrics.bindTo(meters);
    StreamsApp instance = new StreamsApp(app, streams, metrics, owned);
    Gauge.builder("stormwatch.streams.running", streams, s -> s.state() == KafkaStreams.State.RUNNING ? 1 : 0)
        .description("1 while the app's Kafka Streams instance is RUNNING")
        .tag("app", app)
        .register(meters);
    streams.setUncaughtExceptionHandler(e -> {
      log.error("{}: a stream thread died; replacing it (its tasks resume from the last commit)", app, e);
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    });
    streams.setStateListener((now, before) -> {
      log.info("{}: Kafka Streams {} -> {}", app, before, now);
      if (now == KafkaStreams.State.RUNNING) {
        instance.running.countDown();
      } else if (now == KafkaStreams.State.ERROR) {
        log.error("{}: Kafka Streams is in state ERROR and stops processing", app);
      }
    });
    streams.start();
    return instance;
  }

  /** Waits until the instance reached RUNNING once; false if it did not within {@code timeout}. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    return running.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public KafkaStreams streams() {
    return streams;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  public String app() {
    return app;
  }

  /**
   * Closes Kafka Streams (committing) and leaves the consumer group, so its tasks move at once
   * (to another instance, or to this app's next start) instead of after the session timeout;
   * then unbinds its metrics and closes what it owns (its registry client).
   */
  public void close(Duration timeout) {
    try {
      if (!streams.close(CloseOptions.timeout(timeout)
          .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP))) {
        log.warn("{}: Kafka Streams did not close within {}", app, timeout);
      }
    } finally {
      metrics.close();
      for (AutoCloseable resource : owned) {
        try {
          resource.close();
        } catch (Exception e) {
          log.warn("{}: error closing {}", app, resource, e);
        }
      }
    }
  }

  @Override
  public void close() {
    close(Duration.ofSeconds(30));
  }
}
