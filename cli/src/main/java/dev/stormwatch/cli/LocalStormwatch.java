package dev.stormwatch.cli;

import dev.stormwatch.common.kafka.TopicProvisioner;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.avro.IncidentCommand;
import dev.stormwatch.avro.Silence;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.serde.SpecificAvroSerde;
import dev.stormwatch.correlator.CorrelatorApp;
import dev.stormwatch.correlator.query.KafkaCommandSink;
import dev.stormwatch.correlator.query.KafkaSilenceSink;
import dev.stormwatch.correlator.query.QueryServer;
import dev.stormwatch.correlator.query.QueryServerConfig;
import dev.stormwatch.correlator.domain.CorrelatorSettings;
import dev.stormwatch.correlator.rules.RulesSettings;
import dev.stormwatch.devstack.DevStack;
import dev.stormwatch.devstack.DevStackConfig;
import dev.stormwatch.ingest.IngestApp;
import dev.stormwatch.ingest.IngestConfig;
import dev.stormwatch.ingest.gateway.Gateway;
import dev.stormwatch.ingest.gateway.GatewayConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything of Stormwatch in this JVM on the embedded default: the devstack (KRaft broker and
 * Schema Registry), Stormwatch's topics, then the apps — ingest, the correlator and the HTTP
 * gateway so far —
 * sharing one metrics registry, configured by the optional {@link ConfigFile} (the devstack's
 * host and ports come from the command line). Closing stops them in reverse order of start.
 */
final class LocalStormwatch implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(LocalStormwatch.class);

  /** Partitions of each topic created on the embedded default. */
  static final int PARTITIONS = 3;
  static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(60);

  private final DevStack devstack;
  private final Gateway gateway;
  private final String queryUrl;
  private final Deque<AutoCloseable> started;
  private final Topics topics;

  private LocalStormwatch(DevStack devstack, Gateway gateway, String queryUrl, Deque<AutoCloseable> started,
                          Topics topics) {
    this.devstack = devstack;
    this.gateway = gateway;
    this.queryUrl = queryUrl;
    this.started = started;
    this.topics = topics;
  }

  static LocalStormwatch start(DevStackConfig config, int gatewayPort, int queryPort, ConfigFile file) {
    Deque<AutoCloseable> started = new ArrayDeque<>();
    try {
      DevStack devstack = DevStack.start(config);
      started.push(devstack);
      Topics topics = Topics.defaults();
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, devstack.bootstrapServers()))) {
        TopicProvisioner.ensure(admin, topics, PARTITIONS, (short) 1, STARTUP_TIMEOUT);
      }
      PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      started.push(meters::close);

      IngestApp ingest = IngestApp.start(
          IngestConfig.fromTree(file.root(), config.dataDir().resolve("ingest").toAbsolutePath()),
          devstack.bootstrapServers(), Map.of(),
          SchemaRegistryConfig.builder().urls(devstack.registryUrl()).build(), topics, meters);
      started.push(ingest);
      SchemaRegistryConfig registryConfig = SchemaRegistryConfig.builder().urls(devstack.registryUrl()).build();
      SchemaRegistryClient queryRegistry = new RestSchemaRegistryClient(registryConfig);
      started.push(queryRegistry);
      KafkaCommandSink commands = new KafkaCommandSink(
          Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, devstack.bootstrapServers()), topics.incidentCommands(),
          SpecificAvroSerde.of(IncidentCommand.class, queryRegistry, AvroSerdeConfig.defaults(), false).serializer(),
          Duration.ofSeconds(10));
      started.push(commands);
      KafkaSilenceSink silences = new KafkaSilenceSink(
          Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, devstack.bootstrapServers()), topics.silences(),
          SpecificAvroSerde.of(Silence.class, queryRegistry, AvroSerdeConfig.defaults(), false).serializer(),
          Duration.ofSeconds(10));
      started.push(silences);
      CorrelatorSettings correlatorSettings = CorrelatorSettings.fromTree(file.root().path("correlator"));
      RulesSettings rules = RulesSettings.fromTree(file.root().path("correlator").path(CorrelatorSettings.RULES));
      QueryServer query = QueryServer.start(QueryServerConfig.defaults().withAddress(config.host(), queryPort,
          config.host()).withStatsLookback(rules.changeLookback()), meters, commands, silences, Clock.systemUTC());
      started.push(query);
      CorrelatorApp correlator = CorrelatorApp.start(correlatorSettings, rules,
          Duration.ofSeconds(1), devstack.bootstrapServers(),
          Map.of(StreamsConfig.APPLICATION_SERVER_CONFIG, query.applicationServer()), registryConfig, topics, meters,
          config.dataDir().resolve("correlator").toAbsolutePath(), "stormwatch-correlator");
      started.push(correlator);
      query.attach(correlator.streams());
      Map<String, String> gatewaySettings = new LinkedHashMap<>(file.gatewaySettings());
      gatewaySettings.put(GatewayConfig.KAFKA_PREFIX + AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
          devstack.bootstrapServers());
      gatewaySettings.put(GatewayConfig.HOST, config.host());
      gatewaySettings.put(GatewayConfig.PORT, Integer.toString(gatewayPort));
      gatewaySettings.put(GatewayConfig.TOPIC_PREFIX, topics.prefix());
      Gateway gateway = Gateway.start(GatewayConfig.fromMap(gatewaySettings), meters);
      started.push(gateway);
      if (!ingest.awaitRunning(STARTUP_TIMEOUT)) {
        throw new IllegalStateException("ingest did not reach RUNNING within " + STARTUP_TIMEOUT);
      }
      if (!correlator.awaitRunning(STARTUP_TIMEOUT)) {
        throw new IllegalStateException("the correlator did not reach RUNNING within " + STARTUP_TIMEOUT);
      }
      return new LocalStormwatch(devstack, gateway, "http://" + query.applicationServer(), started, topics);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      closeAll(started);
      throw new IllegalStateException("interrupted while starting", e);
    } catch (RuntimeException e) {
      closeAll(started);
      throw e;
    }
  }

  String bootstrapServers() {
    return devstack.bootstrapServers();
  }

  String registryUrl() {
    return devstack.registryUrl();
  }

  String gatewayUrl() {
    return gateway.url();
  }

  String queryUrl() {
    return queryUrl;
  }

  Topics topics() {
    return topics;
  }

  /** What runs where, for printing. */
  Map<String, String> addresses() {
    Map<String, String> addresses = new LinkedHashMap<>();
    addresses.put("Gateway (Prometheus, Alertmanager, Sentry, logs, changes)", gateway.url());
    addresses.put("Query API (incidents, silences, stats; OpenAPI at /api/openapi.yaml)", queryUrl + "/api/incidents");
    addresses.put("Metrics", gateway.url() + "/metrics");
    addresses.putAll(devstack.addresses());
    return addresses;
  }

  @Override
  public void close() {
    closeAll(started);
  }

  private static void closeAll(Deque<AutoCloseable> started) {
    while (!started.isEmpty()) {
      AutoCloseable next = started.pop();
      try {
        next.close();
      } catch (Exception e) {
        log.error("error while stopping {}", next, e);
      }
    }
  }
}
