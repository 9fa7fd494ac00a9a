package dev.stormwatch.cli;

import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.notifier.NotifierApp;
import dev.stormwatch.notifier.NotifierSettings;
import dev.stormwatch.notifier.api.LinkDecorator;
import dev.stormwatch.notifier.api.NotifierServer;
import dev.stormwatch.notifier.api.NotifierServerConfig;
import dev.stormwatch.notifier.channel.PagerInbox;
import dev.stormwatch.notifier.dispatch.Dispatcher;
import dev.stormwatch.notifier.dispatch.DispatcherConfig;
import dev.stormwatch.notifier.dispatch.PageDecorator;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stormwatch notifier}: the notifier, its API and the dispatcher as their own process. */
@Command(
    name = "notifier",
    mixinStandardHelpOptions = true,
    description = {"Run the notifier alone (escalations → pages.outbox by routing, escalation policies and on-call",
        "schedules), its HTTP API (on-call, pages, signed ack/resolve links) and, unless --no-dispatcher, the",
        "dispatcher (pages.outbox → Slack, PagerDuty, Opsgenie, webhooks, email, with every attempt in pages.log),",
        "against any Kafka cluster and Schema Registry. Sections notifier, notifier-api and dispatcher of the",
        "configuration file. Serves /metrics and /healthz. Runs until Ctrl-C or SIGTERM."},
    footer = {"", "Examples:",
        "  ./stormwatch notifier --config /etc/stormwatch/stormwatch.yaml --state-dir /var/lib/stormwatch/notifier",
        "  ./stormwatch notifier --bootstrap-servers kafka:9092 --registry-url http://registry:8081 --no-dispatcher"})
public final class NotifierCommand implements Callable<Integer> {

  @Mixin
  AppOptions app;

  @Option(names = "--application-id", defaultValue = "${env:STORMWATCH_NOTIFIER_ID:-stormwatch-notifier}",
      description = "Kafka Streams application id (env STORMWATCH_NOTIFIER_ID; default: ${DEFAULT-VALUE}).")
  String applicationId;

  @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "${env:STORMWATCH_STATE_DIR:-data/notifier}",
      description = "Where its RocksDB state lives (env STORMWATCH_STATE_DIR; default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(names = "--api-port", defaultValue = "${env:STORMWATCH_NOTIFIER_PORT}",
      description = "Port of the notifier API; 0 picks a free one (env STORMWATCH_NOTIFIER_PORT; default: the"
          + " file's notifier-api.port, else 8090).")
  Integer apiPort;

  @Option(names = "--dispatcher", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Also run the dispatcher in this process (default: ${DEFAULT-VALUE}).")
  boolean dispatcher;

  @Option(names = "--inbox", description = "Also keep the pager inbox (channel INBOX) and serve it at /inbox.")
  boolean inbox;

  @Option(names = "--metrics-host", defaultValue = "${env:STORMWATCH_METRICS_HOST:-127.0.0.1}",
      description = "Address of /metrics and /healthz (env STORMWATCH_METRICS_HOST; default: ${DEFAULT-VALUE}).")
  String metricsHost;

  @Option(names = "--metrics-port", defaultValue = "${env:STORMWATCH_METRICS_PORT:-9098}",
      description = "Port of /metrics and /healthz; 0 picks a free one (env STORMWATCH_METRICS_PORT;"
          + " default: ${DEFAULT-VALUE}).")
  int metricsPort;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  final Foreground foreground = new Foreground();
  volatile NotifierServer api;

  @Override
  public Integer call() throws InterruptedException {
    Topics topics = app.topics();
    NotifierSettings settings = NotifierSettings.fromTree(app.file().root().path("notifier"));
    NotifierServerConfig fileApiConfig = NotifierServerConfig.fromTree(app.file().root().path("notifier-api"));
    NotifierServerConfig apiConfig = apiPort == null ? fileApiConfig
        : fileApiConfig.withAddress(fileApiConfig.host(), apiPort);
    DispatcherConfig dispatcherConfig = dispatcher
        ? DispatcherConfig.fromTree(app.file().root().path("dispatcher")) : null;
    app.provisionTopics(topics);
    foreground.runAll(started -> {
      PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      started.push(meters::close);
      NotifierApp notifier = NotifierApp.start(settings, app.bootstrapServers(), app.kafkaSettings(),
          app.registryConfig(), topics, meters, stateDir.toAbsolutePath(), applicationId);
      started.push(notifier);
      PagerInbox pagerInbox = null;
      if (inbox) {
        pagerInbox = PagerInbox.start(app.bootstrapServers(), app.kafkaSettings(), topics.pagerInbox(),
            PagerInbox.DEFAULT_CAPACITY);
        started.push(pagerInbox);
      }
      NotifierServer server = NotifierServer.start(apiConfig, app.bootstrapServers(), app.kafkaSettings(),
          app.registryConfig(), topics, notifier::onCallConfig, pagerInbox, meters, Clock.systemUTC());
      started.push(server);
      if (dispatcherConfig != null) {
        Dispatcher running = Dispatcher.start(dispatcherConfig, app.bootstrapServers(), app.kafkaSettings(),
            app.registryConfig(), topics, meters,
            server.links().<PageDecorator>map(LinkDecorator::new).orElse(PageDecorator.none()));
        started.push(running);
      }
      MetricsServer metrics = MetricsServer.start(metricsHost, metricsPort, meters,
          () -> notifier.state() == KafkaStreams.State.RUNNING || notifier.state() == KafkaStreams.State.REBALANCING);
      started.push(metrics);
      api = server;
      spec.commandLine().getOut().printf("Stormwatch notifier (%s) on Kafka %s; API at %s%s; metrics at %s/metrics."
          + " Ctrl-C stops.%n", applicationId, app.bootstrapServers(), server.url(),
          dispatcher ? ", dispatcher running" : ", no dispatcher", metrics.url());
      spec.commandLine().getOut().flush();
    });
    return 0;
  }
}
