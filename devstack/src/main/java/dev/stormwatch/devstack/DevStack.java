package dev.stormwatch.devstack;

import dev.stormwatch.devstack.kafka.EmbeddedKafka;
import dev.stormwatch.devstack.kafka.EmbeddedKafkaConfig;
import dev.stormwatch.devstack.registry.EmbeddedSchemaRegistry;
import dev.stormwatch.devstack.registry.RegistryServerConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stormwatch on the embedded default, in one JVM: a real KRaft Kafka broker whose log lives
 * under the data dir, and the embedded Schema Registry keeping its schemas in that broker.
 * The apps (gateway, ingest, correlator, notifier) join here as they are built.
 *
 * <p>Closing stops everything in reverse order of start; a restart on the same data dir keeps
 * every topic, schema and id.
 */
public final class DevStack implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DevStack.class);

  private final EmbeddedKafka kafka;
  private final EmbeddedSchemaRegistry registry;

  private DevStack(EmbeddedKafka kafka, EmbeddedSchemaRegistry registry) {
    this.kafka = kafka;
    this.registry = registry;
  }

  /** Starts the broker, then the registry on it; on failure stops what had started. */
  public static DevStack start(DevStackConfig config) {
    EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.defaults()
        .withLogDir(config.dataDir().resolve("kafka").toAbsolutePath())
        .withHost(config.host())
        .withBrokerPort(config.kafkaPort())
        .withControllerPort(config.controllerPort()));
    try {
      EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(
          RegistryServerConfig.defaults(kafka.bootstrapServers())
              .withHost(config.host())
              .withPort(config.registryPort()));
      log.info("Stormwatch devstack up: kafka={} registry={}", kafka.bootstrapServers(), registry.url());
      return new DevStack(kafka, registry);
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  public String registryUrl() {
    return registry.url();
  }

  /** What runs where, in start order, for printing. */
  public Map<String, String> addresses() {
    Map<String, String> addresses = new LinkedHashMap<>();
    addresses.put("Kafka bootstrap servers", kafka.bootstrapServers());
    addresses.put("Schema Registry", registry.url());
    addresses.put("Kafka log dir", kafka.logDir().toString());
    return addresses;
  }

  @Override
  public void close() {
    try {
      registry.close();
    } finally {
      kafka.close();
    }
  }
}
