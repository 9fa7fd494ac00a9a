package dev.stormwatch.cli;

import dev.stormwatch.devstack.DevStackConfig;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stormwatch up}: everything on the embedded default, in this JVM, until Ctrl-C or
 * SIGTERM, which stop it cleanly (the JVM's shutdown hook closes the stack in reverse order).
 */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
        "Start Stormwatch on the embedded default: a real KRaft Kafka broker, the embedded Schema Registry,",
        "the HTTP gateway, the ingest app and the correlator with its query API and web console, with data",
        "kept under the data dir. Runs until Ctrl-C or SIGTERM."},
    footer = {
        "",
        "Examples:",
        "  ./stormwatch up",
        "  ./stormwatch up --data-dir /var/lib/stormwatch --kafka-port 19092 --registry-port 18081 --gateway-port 19095",
        "  STORMWATCH_DATA_DIR=/tmp/sw ./stormwatch up",
        "  STORMWATCH_API_TOKEN=s3cret ./stormwatch up     # then: ./stormwatch incidents ack ID --token s3cret",
        "  ./stormwatch up --config deploy/config/stormwatch.yaml"})
public final class UpCommand implements Callable<Integer> {

  @Option(names = "--data-dir", paramLabel = "DIR", defaultValue = "${env:STORMWATCH_DATA_DIR:-data}",
      description = "Where the broker log and all state live (env STORMWATCH_DATA_DIR; default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--host", defaultValue = "${env:STORMWATCH_HOST:-127.0.0.1}",
      description = "Address every server binds to and advertises (env STORMWATCH_HOST; default: ${DEFAULT-VALUE}).")
  String host;

  @Option(names = "--kafka-port", defaultValue = "${env:STORMWATCH_KAFKA_PORT:-9092}",
      description = "Kafka client port; 0 picks a free one (env STORMWATCH_KAFKA_PORT; default: ${DEFAULT-VALUE}).")
  int kafkaPort;

  @Option(names = "--controller-port", defaultValue = "${env:STORMWATCH_CONTROLLER_PORT:-9093}",
      description = "KRaft controller port; 0 picks a free one (env STORMWATCH_CONTROLLER_PORT; default: ${DEFAULT-VALUE}).")
  int controllerPort;

  @Option(names = "--registry-port", defaultValue = "${env:STORMWATCH_REGISTRY_PORT:-8081}",
      description = "Schema Registry HTTP port; 0 picks a free one (env STORMWATCH_REGISTRY_PORT; default: ${DEFAULT-VALUE}).")
  int registryPort;

  @Option(names = "--gateway-port", defaultValue = "${env:STORMWATCH_GATEWAY_PORT:-9095}",
      description = "HTTP gateway port; 0 picks a free one (env STORMWATCH_GATEWAY_PORT; default: ${DEFAULT-VALUE}).")
  int gatewayPort;

  @Option(names = "--query-port", defaultValue = "${env:STORMWATCH_QUERY_PORT:-8080}",
      description = "Correlator query API port; 0 picks a free one (env STORMWATCH_QUERY_PORT; default: ${DEFAULT-VALUE}).")
  int queryPort;

  @Option(names = "--notifier-url", paramLabel = "URL", defaultValue = "${env:STORMWATCH_NOTIFIER_URL}",
      description = "The notifier API's base URL, where the web console asks who was paged, e.g."
          + " http://127.0.0.1:8090 (env STORMWATCH_NOTIFIER_URL; default: none, the console says"
          + " \"notifier not configured\").")
  URI notifierUrl;

  @Option(names = "--notifier-port", defaultValue = "${env:STORMWATCH_NOTIFIER_PORT:-8090}",
      description = "Notifier API port (on-call, pages, ack links, pager inbox); 0 picks a free one"
          + " (env STORMWATCH_NOTIFIER_PORT; default: ${DEFAULT-VALUE}).")
  int notifierPort;

  @Option(names = "--api-token", paramLabel = "TOKEN", defaultValue = "${env:STORMWATCH_API_TOKEN}",
      description = "When set, writes to the query API (ack, resolve, silences) and to the notifier API need"
          + " 'Authorization: Bearer TOKEN'; the CLI sends it with --token, the web console asks for it"
          + " (env STORMWATCH_API_TOKEN; default: none, writes are open).")
  String apiToken;

  @Option(names = "--config", paramLabel = "FILE", defaultValue = "${env:STORMWATCH_CONFIG}",
      description = "Configuration file (YAML): gateway, ingest, normalize and logs sections; see"
          + " deploy/config/stormwatch.yaml (env STORMWATCH_CONFIG; default: none, every default).")
  Path configFile;

  @Option(names = "--demo",
      description = "Once up, play a demo storm over the gateway: redis-cart, deployed 5 minutes earlier, fails and"
          + " its callers alert through Alertmanager, Prometheus, Sentry and logs, with unrelated noise elsewhere;"
          + " watch it become one incident and one page (console, inbox).")
  boolean demo;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  /** Runs the stack in the foreground; tests use its latch and {@code stop()}. */
  final Foreground foreground = new Foreground();
  volatile LocalStormwatch stack;

  @Override
  public Integer call() throws InterruptedException {
    DevStackConfig config = new DevStackConfig(dataDir, host, kafkaPort, controllerPort, registryPort);
    ConfigFile file = configFile == null ? ConfigFile.empty() : ConfigFile.load(configFile);
    PrintWriter out = spec.commandLine().getOut();
    out.println("Starting Stormwatch (data dir " + dataDir.toAbsolutePath().normalize() + ") ...");
    out.flush();
    Optional<String> token = Optional.ofNullable(apiToken).map(String::strip).filter(t -> !t.isEmpty());
    LocalStormwatch running = LocalStormwatch.start(config, gatewayPort, queryPort, notifierPort, file,
        Optional.ofNullable(notifierUrl), token);
    stack = running;
    out.println();
    out.println("Stormwatch is up.");
    for (Map.Entry<String, String> address : running.addresses().entrySet()) {
      out.printf("  %-50s %s%n", address.getKey(), address.getValue());
    }
    for (String loaded : running.demoLoaded()) {
      out.println("  loaded the " + loaded + " (the topic was empty)");
    }
    if (token.isPresent()) {
      // never the token itself: the banner ends up in terminals and logs
      out.println("  Writes to the query and notifier APIs (ack, resolve, silences) need the --api-token as"
          + " 'Authorization: Bearer ...'; CLI: --token, or STORMWATCH_API_TOKEN exported; the console asks for it.");
    }
    out.println();
    out.println("Try:  curl -s -XPOST -H 'Content-Type: application/json' " + running.gatewayUrl() + "/api/v2/alerts \\");
    out.println("        -d '[{\"labels\":{\"alertname\":\"HighErrorRate\",\"service\":\"checkout\",\"severity\":\"critical\"}}]'");
    if (demo) {
      out.println();
      out.println("Demo storm, over the gateway:");
      try {
        for (DemoStorm.Sent sent : new DemoStorm(running.gatewayUrl()).play(java.time.Instant.now())) {
          out.println("  " + sent.what() + (sent.alerts() > 0 ? " — " + sent.alerts() + " alerts" : ""));
        }
        out.println("Within a minute (after the correlator's group wait): one incident, root cause redis-cart,"
            + " one page in the inbox. Watch: " + running.queryUrl() + "/api/incidents?status=OPEN");
      } catch (java.io.IOException e) {
        out.println("  the demo storm failed: " + e.getMessage());
      }
    }
    out.println("Stop with Ctrl-C.");
    out.flush();
    foreground.run(running);
    return 0;
  }
}
