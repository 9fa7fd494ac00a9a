package dev.stormwatch.cli;

import dev.stormwatch.common.kafka.TopicProvisioner;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Option;

/**
 * What every app run as its own process needs: the configuration file and where Kafka and the
 * Schema Registry are. A flag (or its environment variable) wins over the file's
 * {@code kafka}/{@code schema-registry}/{@code topics} sections, which win over the defaults.
 */
final class AppOptions {

  static final String DEFAULT_BOOTSTRAP = "127.0.0.1:9092";
  static final String DEFAULT_REGISTRY = "http://127.0.0.1:8081";

  @Option(names = "--config", paramLabel = "FILE", defaultValue = "${env:STORMWATCH_CONFIG}",
      description = "Configuration file (YAML); every key with its default: deploy/config/stormwatch.yaml"
          + " (env STORMWATCH_CONFIG).")
  Path configFile;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT,...",
      defaultValue = "${env:STORMWATCH_BOOTSTRAP_SERVERS}",
      description = "Kafka bootstrap servers (env STORMWATCH_BOOTSTRAP_SERVERS; else the file's kafka.bootstrap.servers;"
          + " else " + DEFAULT_BOOTSTRAP + ").")
  String bootstrapServers;

  @Option(names = "--registry-url", paramLabel = "URL", defaultValue = "${env:STORMWATCH_REGISTRY_URL}",
      description = "Schema Registry URL (env STORMWATCH_REGISTRY_URL; else the file's schema-registry.url;"
          + " else " + DEFAULT_REGISTRY + ").")
  String registryUrl;

  @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = "${env:STORMWATCH_TOPIC_PREFIX}",
      description = "Prefix of every topic name (env STORMWATCH_TOPIC_PREFIX; else the file's topics.prefix; else none).")
  String topicPrefix;

  @Option(names = "--create-topics", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Create Stormwatch's missing topics at start (partitions: topics.partitions, default 3;"
          + " replication: topics.replication-factor, default the broker's). Default: ${DEFAULT-VALUE}.")
  boolean createTopics;

  private ConfigFile file;

  ConfigFile file() {
    if (file == null) {
      file = configFile == null ? ConfigFile.empty() : ConfigFile.load(configFile);
    }
    return file;
  }

  /** Kafka client settings: the file's {@code kafka} section with the bootstrap servers resolved. */
  Map<String, String> kafkaSettings() {
    Map<String, String> settings = new LinkedHashMap<>(file().kafkaSettings());
    settings.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return settings;
  }

  String bootstrapServers() {
    if (bootstrapServers != null && !bootstrapServers.isBlank()) {
      return bootstrapServers;
    }
    return file().kafkaSettings().getOrDefault(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, DEFAULT_BOOTSTRAP);
  }

  SchemaRegistryConfig registryConfig() {
    Map<String, Object> settings = new HashMap<>(file().registrySettings());
    if (registryUrl != null && !registryUrl.isBlank()) {
      settings.put(SchemaRegistryConfig.URL, registryUrl);
    }
    settings.putIfAbsent(SchemaRegistryConfig.URL, DEFAULT_REGISTRY);
    return SchemaRegistryConfig.fromMap(settings);
  }

  Topics topics() {
    return new Topics(topicPrefix != null ? topicPrefix : file().topicsSetting("prefix", ""));
  }

  /** Creates the missing topics when asked to (the default). */
  void provisionTopics(Topics topics) {
    if (!createTopics) {
      return;
    }
    int partitions = Integer.parseInt(file().topicsSetting("partitions", "3"));
    short replication = Short.parseShort(file().topicsSetting("replication-factor", "-1"));
    Map<String, Object> admin = new HashMap<>(kafkaSettings());
    try (Admin client = Admin.create(admin)) {
      TopicProvisioner.ensure(client, topics, partitions, replication, Duration.ofSeconds(30));
    }
  }
}
