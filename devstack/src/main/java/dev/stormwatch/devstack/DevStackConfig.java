package dev.stormwatch.devstack;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Where and how the single-machine default runs.
 *
 * @param dataDir        everything persistent lives below it ({@code kafka/} holds the broker's log)
 * @param host           the loopback or interface address every server binds to
 * @param kafkaPort      the broker's client port (0 picks a free one)
 * @param controllerPort the KRaft controller's port (0 picks a free one)
 * @param registryPort   the Schema Registry's HTTP port (0 picks a free one)
 */
public record DevStackConfig(Path dataDir, String host, int kafkaPort, int controllerPort, int registryPort) {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_KAFKA_PORT = 9092;
  public static final int DEFAULT_CONTROLLER_PORT = 9093;
  public static final int DEFAULT_REGISTRY_PORT = 8081;

  public DevStackConfig {
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(host, "host");
    checkPort("kafka port", kafkaPort);
    checkPort("controller port", controllerPort);
    checkPort("registry port", registryPort);
    if (kafkaPort != 0 && (kafkaPort == controllerPort || kafkaPort == registryPort)
        || controllerPort != 0 && controllerPort == registryPort) {
      throw new IllegalArgumentException("the kafka, controller and registry ports must differ");
    }
  }

  /** The defaults: ./data, 127.0.0.1, 9092 (Kafka), 9093 (controller), 8081 (registry). */
  public static DevStackConfig defaults() {
    return new DevStackConfig(Path.of("data"), DEFAULT_HOST, DEFAULT_KAFKA_PORT, DEFAULT_CONTROLLER_PORT,
        DEFAULT_REGISTRY_PORT);
  }

  private static void checkPort(String what, int port) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException(what + " must be between 0 and 65535, got " + port);
    }
  }
}
