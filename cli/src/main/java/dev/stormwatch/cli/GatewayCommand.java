package dev.stormwatch.cli;

import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.ingest.gateway.Gateway;
import dev.stormwatch.ingest.gateway.GatewayConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stormwatch gateway}: the HTTP gateway as its own process, against any Kafka cluster. */
@Command(
    name = "gateway",
    mixinStandardHelpOptions = true,
    description = {"Run the HTTP gateway alone (Prometheus, Alertmanager, Sentry, logs, changes → raw topics),",
        "against any Kafka cluster. Its /metrics serves its own metrics. Runs until Ctrl-C or SIGTERM."},
    footer = {"", "Examples:",
        "  ./stormwatch gateway --bootstrap-servers kafka-1:9092,kafka-2:9092 --host 0.0.0.0",
        "  STORMWATCH_CONFIG=/etc/stormwatch/stormwatch.yaml ./stormwatch gateway"})
public final class GatewayCommand implements Callable<Integer> {

  @Mixin
  AppOptions app;

  @Option(names = "--host", defaultValue = "${env:STORMWATCH_GATEWAY_HOST:-127.0.0.1}",
      description = "Address to listen on; 0.0.0.0 for every interface (env STORMWATCH_GATEWAY_HOST; default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--port", defaultValue = "${env:STORMWATCH_GATEWAY_PORT:-9095}",
      description = "Port; 0 picks a free one (env STORMWATCH_GATEWAY_PORT; default: ${DEFAULT-VALUE}).")
  int port;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  final Foreground foreground = new Foreground();
  volatile Gateway gateway;

  @Override
  public Integer call() throws InterruptedException {
    Topics topics = app.topics();
    app.provisionTopics(topics);
    Map<String, String> settings = new LinkedHashMap<>(app.file().gatewaySettings());
    app.kafkaSettings().forEach((k, v) -> settings.put(GatewayConfig.KAFKA_PREFIX + k, v));
    settings.put(GatewayConfig.HOST, host);
    settings.put(GatewayConfig.PORT, Integer.toString(port));
    settings.put(GatewayConfig.TOPIC_PREFIX, topics.prefix());
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Gateway running = Gateway.start(GatewayConfig.fromMap(settings), meters);
    gateway = running;
    spec.commandLine().getOut().printf("Stormwatch gateway on %s (Kafka %s); metrics at %s/metrics. Ctrl-C stops.%n",
        running.url(), app.bootstrapServers(), running.url());
    spec.commandLine().getOut().flush();
    foreground.run(() -> {
      running.close();
      meters.close();
    });
    return 0;
  }
}
