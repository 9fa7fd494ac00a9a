package dev.stormwatch.devstack.registry;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Configuration of an {@link EmbeddedSchemaRegistry}. Null or non-positive values take the documented
 * defaults, so {@code RegistryServerConfig.defaults(bootstrap)} plus a few {@code with...} calls is
 * the usual way to build one.
 *
 * @param bootstrapServers  Kafka bootstrap servers holding the registry's topic (required)
 * @param topic             the compacted topic all state lives in; default {@value #DEFAULT_TOPIC}
 * @param host              the address the HTTP server binds; default {@value #DEFAULT_HOST}
 * @param port              the HTTP port; 0 (default) picks a free one, see {@link EmbeddedSchemaRegistry#port()}
 * @param maxBodyBytes      larger request bodies are refused with 413; default 16 MiB
 * @param replicationFactor replication factor of the topic when the registry creates it; default 1
 * @param kafkaProperties   extra Kafka client properties (SASL, SSL...) for the admin, producer and consumer
 * @param timeout           how long a write may wait for Kafka and start-up may wait to read the topic; default 30 s
 */
public record RegistryServerConfig(String bootstrapServers, String topic, String host, int port, long maxBodyBytes,
                                   short replicationFactor, Map<String, String> kafkaProperties, Duration timeout) {

    public static final String DEFAULT_TOPIC = "_schemas";
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final long DEFAULT_MAX_BODY_BYTES = 16L * 1024 * 1024;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    public RegistryServerConfig {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers must not be blank");
        }
        topic = topic == null || topic.isBlank() ? DEFAULT_TOPIC : topic;
        host = host == null || host.isBlank() ? DEFAULT_HOST : host;
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, was " + port);
        }
        maxBodyBytes = maxBodyBytes <= 0 ? DEFAULT_MAX_BODY_BYTES : maxBodyBytes;
        replicationFactor = replicationFactor <= 0 ? 1 : replicationFactor;
        kafkaProperties = kafkaProperties == null ? Map.of() : Map.copyOf(kafkaProperties);
        timeout = timeout == null || timeout.isZero() || timeout.isNegative() ? DEFAULT_TIMEOUT : timeout;
    }

    /** Every default, on the given Kafka cluster. */
    public static RegistryServerConfig defaults(String bootstrapServers) {
        return new RegistryServerConfig(bootstrapServers, null, null, 0, 0, (short) 0, null, null);
    }

    public RegistryServerConfig withTopic(String newTopic) {
        return new RegistryServerConfig(bootstrapServers, newTopic, host, port, maxBodyBytes, replicationFactor,
                kafkaProperties, timeout);
    }

    public RegistryServerConfig withHost(String newHost) {
        return new RegistryServerConfig(bootstrapServers, topic, newHost, port, maxBodyBytes, replicationFactor,
                kafkaProperties, timeout);
    }

    public RegistryServerConfig withPort(int newPort) {
        return new RegistryServerConfig(bootstrapServers, topic, host, newPort, maxBodyBytes, replicationFactor,
                kafkaProperties, timeout);
    }

    public RegistryServerConfig withMaxBodyBytes(long newMaxBodyBytes) {
        return new RegistryServerConfig(bootstrapServers, topic, host, port, newMaxBodyBytes, replicationFactor,
                kafkaProperties, timeout);
    }

    public RegistryServerConfig withReplicationFactor(short newReplicationFactor) {
        return new RegistryServerConfig(bootstrapServers, topic, host, port, maxBodyBytes, newReplicationFactor,
                kafkaProperties, timeout);
    }

    public RegistryServerConfig withKafkaProperties(Map<String, String> newKafkaProperties) {
        return new RegistryServerConfig(bootstrapServers, topic, host, port, maxBodyBytes, replicationFactor,
                newKafkaProperties, timeout);
    }

    public RegistryServerConfig withTimeout(Duration newTimeout) {
        return new RegistryServerConfig(bootstrapServers, topic, host, port, maxBodyBytes, replicationFactor,
                kafkaProperties, newTimeout);
    }
}
