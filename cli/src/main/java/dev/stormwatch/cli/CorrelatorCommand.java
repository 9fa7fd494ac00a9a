package dev.stormwatch.cli;

import dev.stormwatch.avro.IncidentCommand;
import dev.stormwatch.avro.Silence;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.serde.SpecificAvroSerde;
import dev.stormwatch.correlator.CorrelatorApp;
import dev.stormwatch.correlator.domain.CorrelatorSettings;
import dev.stormwatch.correlator.query.KafkaCommandSink;
import dev.stormwatch.correlator.query.KafkaSilenceSink;
import dev.stormwatch.correlator.rules.RulesSettings;
import dev.stormwatch.correlator.query.QueryServer;
import dev.stormwatch.correlator.query.QueryServerConfig;
import dev.stormwatch.correlator.topology.CorrelatorTopology;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stormwatch correlator}: the correlator Kafka Streams app and its query API as their own process. */
@Command(
    name = "correlator",
    mixinStandardHelpOptions = true,
    description = {"Run the correlator alone (alerts.normalized → incidents, escalations), exactly-once, with its",
        "query API and web console, against any Kafka cluster and Schema Registry. Serves /metrics and /healthz.",
        "Run several (same application id, each with its own --advertised-host) to share the domains; the query",
        "API of any instance answers for all. Runs until Ctrl-C or SIGTERM."},
    footer = {"", "Examples:",
        "  ./stormwatch correlator --bootstrap-servers kafka-1:9092 --registry-url http://registry:8081 \\",
        "      --state-dir /var/lib/stormwatch/correlator --advertised-host correlator-0.correlator",
        "  STORMWATCH_API_TOKEN=s3cret ./stormwatch correlator --config /etc/stormwatch/stormwatch.yaml"})
public final class CorrelatorCommand implements Callable<Integer> {

  @Mixin
  AppOptions app;

  @Option(names = "--application-id", defaultValue = "${env:STORMWATCH_CORRELATOR_ID:-stormwatch-correlator}",
      description = "Kafka Streams application id: instances with the same id share the work"
          + " (env STORMWATCH_CORRELATOR_ID; default: ${DEFAULT-VALUE}).")
  String applicationId;

  @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "${env:STORMWATCH_STATE_DIR:-data/correlator}",
      description = "Where its RocksDB state lives (env STORMWATCH_STATE_DIR; default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(names = "--query-host", defaultValue = "${env:STORMWATCH_QUERY_HOST:-0.0.0.0}",
      description = "Bind address of the query API (env STORMWATCH_QUERY_HOST; default: ${DEFAULT-VALUE}).")
  String queryHost;

  @Option(names = "--query-port", defaultValue = "${env:STORMWATCH_QUERY_PORT:-8080}",
      description = "Port of the query API and console; 0 picks a free one (env STORMWATCH_QUERY_PORT;"
          + " default: ${DEFAULT-VALUE}).")
  int queryPort;

  @Option(names = "--advertised-host", defaultValue = "${env:STORMWATCH_ADVERTISED_HOST:-localhost}",
      description = "Host other instances reach this one's query API at (env STORMWATCH_ADVERTISED_HOST;"
          + " default: ${DEFAULT-VALUE}).")
  String advertisedHost;

  @Option(names = "--api-token", paramLabel = "TOKEN", defaultValue = "${env:STORMWATCH_API_TOKEN}",
      description = "When set, POSTs to the query API need 'Authorization: Bearer TOKEN' (env STORMWATCH_API_TOKEN).")
  String apiToken;

  @Option(names = "--notifier-url", paramLabel = "URL", defaultValue = "${env:STORMWATCH_NOTIFIER_URL}",
      description = "The notifier API, which the web console asks who was paged (env STORMWATCH_NOTIFIER_URL;"
          + " default: not configured).")
  java.net.URI notifierUrl;

  @Option(names = "--metrics-host", defaultValue = "${env:STORMWATCH_METRICS_HOST:-127.0.0.1}",
      description = "Address of /metrics and /healthz (env STORMWATCH_METRICS_HOST; default: ${DEFAULT-VALUE}).")
  String metricsHost;

  @Option(names = "--metrics-port", defaultValue = "${env:STORMWATCH_METRICS_PORT:-9097}",
      description = "Port of /metrics and /healthz; 0 picks a free one (env STORMWATCH_METRICS_PORT;"
          + " default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  final Foreground foreground = new Foreground();
  volatile QueryServer query;

  @Override
  public Integer call() throws InterruptedException {
    Topics topics = app.topics();
    CorrelatorSettings settings = CorrelatorSettings.fromTree(app.file().root().path("correlator"));
    RulesSettings rules = RulesSettings.fromTree(app.file().root().path("correlator").path(CorrelatorSettings.RULES));
    app.provisionTopics(topics);
    foreground.runAll(started -> {
      PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      started.push(meters::close);
      SchemaRegistryClient registry = new RestSchemaRegistryClient(app.registryConfig());
      started.push(registry);
      Map<String, Object> producer = new LinkedHashMap<>(app.kafkaSettings());
      KafkaCommandSink commands = new KafkaCommandSink(producer, topics.incidentCommands(),
          SpecificAvroSerde.of(IncidentCommand.class, registry, AvroSerdeConfig.defaults(), false).serializer(),
          Duration.ofSeconds(10));
      started.push(commands);
      KafkaSilenceSink silences = new KafkaSilenceSink(producer, topics.silences(),
          SpecificAvroSerde.of(Silence.class, registry, AvroSerdeConfig.defaults(), false).serializer(),
          Duration.ofSeconds(10));
      started.push(silences);
      QueryServerConfig queryConfig = QueryServerConfig.defaults().withAddress(queryHost, queryPort, advertisedHost)
          .withStatsLookback(rules.changeLookback());
      if (notifierUrl != null) {
        queryConfig = queryConfig.withNotifierUrl(notifierUrl);
      }
      if (apiToken != null && !apiToken.isBlank()) {
        queryConfig = queryConfig.withBearerToken(apiToken);
      }
      QueryServer server = QueryServer.start(queryConfig, meters, commands, silences, Clock.systemUTC());
      started.push(server);
      Map<String, Object> overrides = new LinkedHashMap<>(app.kafkaSettings());
      overrides.put(StreamsConfig.APPLICATION_SERVER_CONFIG, server.applicationServer());
      CorrelatorApp correlator = CorrelatorApp.start(settings, rules, CorrelatorTopology.DEFAULT_PUNCTUATE_EVERY,
          app.bootstrapServers(), overrides, app.registryConfig(), topics, meters, stateDir.toAbsolutePath(),
          applicationId);
      started.push(correlator);
      server.attach(correlator.streams());
      MetricsServer metrics = MetricsServer.start(metricsHost, metricsPort, meters,
          () -> correlator.state() == KafkaStreams.State.RUNNING
              || correlator.state() == KafkaStreams.State.REBALANCING);
      started.push(metrics);
      query = server;
      spec.commandLine().getOut().printf("Stormwatch correlator (%s) on Kafka %s; query API and console at"
          + " http://%s; metrics at %s/metrics. Ctrl-C stops.%n", applicationId, app.bootstrapServers(),
          server.applicationServer(), metrics.url());
      spec.commandLine().getOut().flush();
    });
    return 0;
  }
}
