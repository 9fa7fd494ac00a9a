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
import dev.stormwatch.notifier.NotifierApp;
import dev.stormwatch.notifier.NotifierSettings;
import dev.stormwatch.notifier.channel.PagerInbox;
import dev.stormwatch.notifier.dispatch.Dispatcher;
import dev.stormwatch.notifier.dispatch.DispatcherConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.time.Clock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import dev.stormwatch.notifier.api.LinkDecorator;
import dev.stormwatch.notifier.api.NotifierServer;
import dev.stormwatch.notifier.api.NotifierServerConfig;
import dev.stormwatch.notifier.dispatch.PageDecorator;
import java.time.Instant;
import java.util.List;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything of Stormwatch in this JVM on the embedded default: the devstack (KRaft broker and
 * Schema Registry), Stormwatch's topics, the demo configuration when its topics are empty
 * ({@link DemoConfig}), then the apps — ingest, the correlator with its query API and web console,
 * the HTTP gateway, the notifier, the dispatcher and the pager inbox —
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
  private final List<String> demoLoaded;
  private final PagerInbox inbox;
  private final String notifierUrl;

  private LocalStormwatch(DevStack devstack, Gateway gateway, String queryUrl, Deque<AutoCloseable> started,
                          Topics topics, List<String> demoLoaded, PagerInbox inbox, String notifierUrl) {
    this.notifierUrl = notifierUrl;
    this.demoLoaded = List.copyOf(demoLoaded);
    this.inbox = inbox;
    this.devstack = devstack;
    this.gateway = gateway;
    this.queryUrl = queryUrl;
    this.started = started;
    this.topics = topics;
  }

  /**
   * Starts everything; {@code notifierUrl}, when present, is where the web console asks who was
   * paged (the notifier API's base URL); {@code apiToken}, when present, is the bearer token that
   * writes to the query API and the notifier API need ({@code Authorization: Bearer TOKEN}).
   */
  static LocalStormwatch start(DevStackConfig config, int gatewayPort, int queryPort, int notifierPort,
                               ConfigFile file, Optional<URI> notifierUrl, Optional<String> apiToken) {
    Deque<AutoCloseable> started = new ArrayDeque<>();
    try {
      DevStack devstack = DevStack.start(config);
      started.push(devstack);
      Topics topics = Topics.defaults();
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, devstack.bootstrapServers()))) {
        TopicProvisioner.ensure(admin, topics, PARTITIONS, (short) 1, STARTUP_TIMEOUT);
      }
      // before the apps start, so the correlator's and notifier's global stores begin with it
      List<String> demo = DemoConfig.loadIfEmpty(devstack.bootstrapServers(), devstack.registryUrl(), topics.prefix(),
          Instant.now());
      PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      started.push(meters::close);
      SchemaRegistryConfig registry = SchemaRegistryConfig.builder().urls(devstack.registryUrl()).build();

      // the notifier API first, so the console knows its address; it answers 503 for on-call
      // questions until the notifier app below is running
      AtomicReference<NotifierApp> notifierApp = new AtomicReference<>();
      PagerInbox inbox = PagerInbox.start(devstack.bootstrapServers(), Map.of(), topics.pagerInbox(),
          PagerInbox.DEFAULT_CAPACITY);
      started.push(inbox);
      NotifierServer notifierApi = NotifierServer.start(notifierApiConfig(file, config, notifierPort, apiToken),
          devstack.bootstrapServers(), Map.of(), registry, topics, () -> {
            NotifierApp app = notifierApp.get();
            if (app == null) {
              throw new InvalidStateStoreException("the notifier is starting");
            }
            return app.onCallConfig();
          }, inbox, meters, Clock.systemUTC());
      started.push(notifierApi);
      URI consoleNotifier = notifierUrl.orElse(notifierApi.url());

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
      QueryServerConfig queryConfig = QueryServerConfig.defaults().withAddress(config.host(), queryPort, config.host())
          .withStatsLookback(rules.changeLookback());
      if (apiToken.isPresent()) {
        queryConfig = queryConfig.withBearerToken(apiToken.get());
      }
      QueryServer query = QueryServer.start(queryConfig.withNotifierUrl(consoleNotifier), meters, commands, silences,
          Clock.systemUTC());
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
      NotifierApp notifier = NotifierApp.start(NotifierSettings.fromTree(file.root().path("notifier")),
          devstack.bootstrapServers(), Map.of(), registryConfig, topics, meters,
          config.dataDir().resolve("notifier").toAbsolutePath(), "stormwatch-notifier");
      started.push(notifier);
      notifierApp.set(notifier);
      Dispatcher dispatcher = Dispatcher.start(DispatcherConfig.fromTree(file.root().path("dispatcher")),
          devstack.bootstrapServers(), Map.of(), registryConfig, topics, meters,
          notifierApi.links().<PageDecorator>map(LinkDecorator::new).orElse(PageDecorator.none()));
      started.push(dispatcher);
      if (!notifier.awaitRunning(STARTUP_TIMEOUT)) {
        throw new IllegalStateException("the notifier did not reach RUNNING within " + STARTUP_TIMEOUT);
      }
      if (!dispatcher.awaitReady(STARTUP_TIMEOUT)) {
        throw new IllegalStateException("the dispatcher was not ready within " + STARTUP_TIMEOUT);
      }
      return new LocalStormwatch(devstack, gateway, "http://" + query.applicationServer(), started, topics, demo,
          inbox, notifierApi.url().toString());
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

  /** The demo configuration loaded at this start (none when the topics already had content). */
  List<String> demoLoaded() {
    return demoLoaded;
  }

  /** The notifier API: on-call, pages, ack links, the inbox page. */
  String notifierUrl() {
    return notifierUrl;
  }

  /**
   * The notifier API's settings: the file's {@code notifier-api} section on this host and port, with
   * {@code apiToken} (when present) as its bearer token in place of the file's; on the embedded
   * default, ack/resolve links are on, signed with a secret kept in the data dir (so links survive a
   * restart) unless the file sets one.
   */
  static NotifierServerConfig notifierApiConfig(ConfigFile file, DevStackConfig config, int requestedPort,
                                                Optional<String> apiToken) {
    NotifierServerConfig api = NotifierServerConfig.fromTree(file.root().path("notifier-api"))
        .withAddress(config.host(), requestedPort);
    if (apiToken.isPresent()) {
      api = api.withBearerToken(apiToken.get());
    }
    if (api.links().isPresent()) {
      return api;
    }
    Path secretFile = config.dataDir().resolve("notifier-link-secret");
    try {
      // links name the port, so "any free port" is chosen here, before the server binds it
      int port = requestedPort == 0 ? freePort(config.host()) : requestedPort;
      api = api.withAddress(config.host(), port);
      if (!Files.exists(secretFile)) {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        Files.createDirectories(secretFile.getParent());
        Files.writeString(secretFile, HexFormat.of().formatHex(random));
      }
      String secret = Files.readString(secretFile).strip();
      String host = config.host().equals("0.0.0.0") ? "localhost" : config.host();
      return api.withLinks(URI.create("http://" + host + ":" + port), secret, api.linkTtl());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep the link secret in " + secretFile, e);
    }
  }

  private static int freePort(String host) throws IOException {
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
      return socket.getLocalPort();
    }
  }

  /** The devstack's pager inbox: what the INBOX channel delivered. */
  PagerInbox inbox() {
    return inbox;
  }

  /** What runs where, for printing. */
  Map<String, String> addresses() {
    Map<String, String> addresses = new LinkedHashMap<>();
    addresses.put("Gateway (Prometheus, Alertmanager, Sentry, logs, changes)", gateway.url());
    addresses.put("Web console", queryUrl + "/");
    addresses.put("Query API (incidents, silences, stats; OpenAPI at /api/openapi.yaml)", queryUrl + "/api/incidents");
    addresses.put("Notifier API (on-call, pages, ack links)", notifierUrl + "/api/oncall");
    addresses.put("Pager inbox (every page of the INBOX channel)", notifierUrl + "/inbox");
    addresses.put("Metrics", gateway.url() + "/metrics");
    addresses.putAll(devstack.addresses());
    return addresses;
  }

  @Override
  public void close() {
    closeAll(started);
  }

  static void closeAll(Deque<AutoCloseable> started) {
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
