package dev.stormwatch.cli;

import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.ingest.IngestApp;
import dev.stormwatch.ingest.IngestConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stormwatch ingest}: the ingest Kafka Streams app as its own process. */
@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {"Run the ingest app alone (raw topics → alerts.normalized, bad input → alerts.dlq), exactly-once,",
        "against any Kafka cluster and Schema Registry. Serves /metrics and /healthz. Runs until Ctrl-C or SIGTERM.",
        "Run several on different machines (same application id) to share the partitions."},
    footer = {"", "Examples:",
        "  ./stormwatch ingest --bootstrap-servers kafka-1:9092 --registry-url http://registry:8081 --state-dir /var/lib/sw",
        "  ./stormwatch ingest --config /etc/stormwatch/stormwatch.yaml --metrics-port 9096"})
public final class IngestCommand implements Callable<Integer> {

  @Mixin
  AppOptions app;

  @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "${env:STORMWATCH_STATE_DIR:-data/ingest}",
      description = "Where its RocksDB state lives (env STORMWATCH_STATE_DIR; default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(names = "--metrics-host", defaultValue = "${env:STORMWATCH_METRICS_HOST:-127.0.0.1}",
      description = "Address of /metrics and /healthz (env STORMWATCH_METRICS_HOST; default: ${DEFAULT-VALUE}).")
  String metricsHost;

  @Option(names = "--metrics-port", defaultValue = "${env:STORMWATCH_METRICS_PORT:-9096}",
      description = "Port of /metrics and /healthz; 0 picks a free one (env STORMWATCH_METRICS_PORT; default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  final Foreground foreground = new Foreground();
  volatile MetricsServer metrics;

  @Override
  public Integer call() throws InterruptedException {
    Topics topics = app.topics();
    IngestConfig config = IngestConfig.fromTree(app.file().root(), stateDir.toAbsolutePath());
    app.provisionTopics(topics);
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    IngestApp ingest = IngestApp.start(config, app.bootstrapServers(), app.kafkaSettings(), app.registryConfig(),
        topics, meters);
    MetricsServer server;
    try {
      server = MetricsServer.start(metricsHost, metricsPort, meters,
          () -> ingest.state() == KafkaStreams.State.RUNNING || ingest.state() == KafkaStreams.State.REBALANCING);
    } catch (RuntimeException e) {
      ingest.close();
      throw e;
    }
    metrics = server;
    spec.commandLine().getOut().printf("Stormwatch ingest (%s) on Kafka %s; metrics at %s/metrics. Ctrl-C stops.%n",
        config.applicationId(), app.bootstrapServers(), server.url());
    spec.commandLine().getOut().flush();
    foreground.run(() -> {
      server.close();
      ingest.close();
      meters.close();
    });
    return 0;
  }
}
