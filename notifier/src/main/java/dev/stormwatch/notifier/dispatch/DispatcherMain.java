package dev.stormwatch.notifier.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.notifier.api.LinkDecorator;
import dev.stormwatch.notifier.api.NotifierServerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.CommonClientConfigs;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one {@link Dispatcher} as its own process until it is stopped (SIGTERM/SIGINT) or fails.
 *
 * <pre>
 * java -cp ... dev.stormwatch.notifier.dispatch.DispatcherMain --config stormwatch.yaml
 *      [--bootstrap-servers host:port] [--schema-registry-url http://...] [--topic-prefix p.]
 * </pre>
 *
 * The file is Stormwatch's configuration file: its {@code kafka} section (any Kafka client
 * setting, e.g. {@code bootstrap.servers}, {@code group.instance.id}), {@code schema-registry}
 * ({@code url} and the registry client's keys), {@code topics.prefix}, {@code dispatcher} and
 * {@code notifier-api} (only for the ack/resolve links: when its {@code public-url} and
 * {@code link-secret} are set, every TRIGGER page gets them) are read; other sections are ignored. The options override the file. Exit status: 0 after a
 * clean stop, 1 after a fatal error, 2 for bad arguments or configuration.
 */
public final class DispatcherMain {

  private static final Logger log = LoggerFactory.getLogger(DispatcherMain.class);

  private DispatcherMain() {
  }

  /** The entry point. */
  public static void main(String[] args) throws InterruptedException {
    Dispatcher dispatcher;
    try {
      dispatcher = start(args);
    } catch (IllegalArgumentException e) {
      System.err.println("dispatcher: " + e.getMessage());
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(dispatcher::close, "stormwatch-dispatcher-shutdown"));
    if (dispatcher.awaitReady(Duration.ofMinutes(5))) {
      log.info("dispatcher: ready");
    }
    dispatcher.awaitStopped(Duration.ofDays(365_000));
    System.exit(dispatcher.state() == Dispatcher.State.FAILED ? 1 : 0);
  }

  /** Parses the arguments and the file, and starts the dispatcher. */
  static Dispatcher start(String[] args) {
    Map<String, String> options = options(args);
    JsonNode root = options.containsKey("config") ? read(Path.of(options.get("config"))) : MissingNode.getInstance();
    Map<String, Object> kafka = new LinkedHashMap<>();
    flatten("", root.path("kafka"), kafka);
    String bootstrap = options.getOrDefault("bootstrap-servers",
        (String) kafka.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
    kafka.remove(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG);
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalArgumentException("no Kafka cluster: set kafka.bootstrap.servers or --bootstrap-servers");
    }
    Map<String, Object> registry = new LinkedHashMap<>();
    flatten("", root.path("schema-registry"), registry);
    if (registry.containsKey("url")) {
      registry.put(SchemaRegistryConfig.URL, registry.remove("url"));
    }
    if (options.containsKey("schema-registry-url")) {
      registry.put(SchemaRegistryConfig.URL, options.get("schema-registry-url"));
    }
    String prefix = options.getOrDefault("topic-prefix", root.path("topics").path("prefix").asText(""));
    DispatcherConfig config = DispatcherConfig.fromTree(root.path("dispatcher"));
    PageDecorator links = NotifierServerConfig.fromTree(root.path(NotifierServerConfig.SECTION)).links()
        .<PageDecorator>map(LinkDecorator::new).orElse(PageDecorator.none());
    return Dispatcher.start(config, bootstrap, kafka, SchemaRegistryConfig.fromMap(registry), new Topics(prefix),
        new SimpleMeterRegistry(), links);
  }

  private static Map<String, String> options(String[] args) {
    Map<String, String> options = new LinkedHashMap<>();
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("unexpected argument '" + arg + "'");
      }
      String name = arg.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("--" + name + " needs a value");
      }
      if (!Map.of("config", 1, "bootstrap-servers", 1, "schema-registry-url", 1, "topic-prefix", 1)
          .containsKey(name)) {
        throw new IllegalArgumentException("unknown option --" + name
            + " (known: --config, --bootstrap-servers, --schema-registry-url, --topic-prefix)");
      }
      options.put(name, value);
    }
    return options;
  }

  private static JsonNode read(Path file) {
    try {
      JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(Files.readAllBytes(file));
      return root == null ? MissingNode.getInstance() : root;
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read config file " + file + ": "
          + String.valueOf(e.getMessage()).lines().findFirst().orElse(""), e);
    }
  }

  private static void flatten(String prefix, JsonNode node, Map<String, Object> out) {
    if (node.isMissingNode() || node.isNull()) {
      return;
    }
    if (node.isObject()) {
      node.properties().forEach(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(),
          e.getValue(), out));
    } else {
      out.put(prefix, node.asText());
    }
  }
}
