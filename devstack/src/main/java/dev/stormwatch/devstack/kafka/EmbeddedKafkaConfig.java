package dev.stormwatch.devstack.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Immutable settings of an {@link EmbeddedKafka} single-node KRaft broker.
 *
 * <p>Start from {@link #defaults()} and adjust with the {@code with...} methods; each returns a
 * new instance:
 *
 * <pre>{@code
 * EmbeddedKafkaConfig config = EmbeddedKafkaConfig.defaults()
 *     .withLogDir(Path.of("data/kafka"))
 *     .withBrokerPort(9092)
 *     .withBrokerProperty("log.retention.hours", "24");
 * }</pre>
 *
 * @param logDir            the directory holding both the data logs and the KRaft metadata log;
 *                          {@code null} means a fresh temporary directory that is deleted on
 *                          {@link EmbeddedKafka#close()}; a non-null directory is persistent: it
 *                          is formatted only if it is not formatted yet, so a restart keeps the data
 * @param host              the loopback or local address both listeners bind to and advertise;
 *                          default {@value #DEFAULT_HOST}
 * @param brokerPort        the client (PLAINTEXT) listener port; {@code 0} picks a free port
 * @param controllerPort    the KRaft controller listener port; {@code 0} picks a free port
 * @param defaultPartitions {@code num.partitions} for auto-created topics; default 1
 * @param brokerOverrides   extra broker properties, applied last so they win over every
 *                          setting {@link EmbeddedKafka} derives (use with care for listeners)
 * @param startupTimeout    how long {@link EmbeddedKafka#start} waits for the broker to serve
 *                          requests before it gives up; default 60 seconds
 */
public record EmbeddedKafkaConfig(
        Path logDir,
        String host,
        int brokerPort,
        int controllerPort,
        int defaultPartitions,
        Map<String, String> brokerOverrides,
        Duration startupTimeout) {

    /** The default bind address: IPv4 loopback. */
    public static final String DEFAULT_HOST = "127.0.0.1";

    /** The default startup deadline. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);

    private static final int MAX_PORT = 65_535;

    /**
     * Validates and defensively copies the arguments.
     *
     * @throws IllegalArgumentException if a port is outside {@code 0..65535}, both fixed ports are
     *                                  equal, the partition count is below 1, the host is blank or
     *                                  the timeout is not positive
     */
    public EmbeddedKafkaConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(brokerOverrides, "brokerOverrides");
        Objects.requireNonNull(startupTimeout, "startupTimeout");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        checkPort("brokerPort", brokerPort);
        checkPort("controllerPort", controllerPort);
        if (brokerPort != 0 && brokerPort == controllerPort) {
            throw new IllegalArgumentException(
                    "brokerPort and controllerPort must differ, both are " + brokerPort);
        }
        if (defaultPartitions < 1) {
            throw new IllegalArgumentException(
                    "defaultPartitions must be at least 1, was " + defaultPartitions);
        }
        if (startupTimeout.isNegative() || startupTimeout.isZero()) {
            throw new IllegalArgumentException("startupTimeout must be positive, was " + startupTimeout);
        }
        brokerOverrides.forEach((key, value) -> {
            Objects.requireNonNull(key, "brokerOverrides key");
            Objects.requireNonNull(value, () -> "brokerOverrides value of " + key);
        });
        brokerOverrides = Map.copyOf(brokerOverrides);
    }

    /**
     * The defaults: temporary log dir, {@value #DEFAULT_HOST}, random free ports, one partition
     * per auto-created topic, no overrides, a 60 second startup deadline.
     *
     * @return the default configuration
     */
    public static EmbeddedKafkaConfig defaults() {
        return new EmbeddedKafkaConfig(null, DEFAULT_HOST, 0, 0, 1, Map.of(), DEFAULT_STARTUP_TIMEOUT);
    }

    /**
     * Returns a copy with another log directory.
     *
     * @param dir a persistent directory, or {@code null} for a temporary one deleted on close
     * @return the new configuration
     */
    public EmbeddedKafkaConfig withLogDir(Path dir) {
        return new EmbeddedKafkaConfig(dir, host, brokerPort, controllerPort, defaultPartitions,
                brokerOverrides, startupTimeout);
    }

    /**
     * Returns a copy with another bind and advertised host.
     *
     * @param newHost the host, e.g. {@code 127.0.0.1}
     * @return the new configuration
     */
    public EmbeddedKafkaConfig withHost(String newHost) {
        return new EmbeddedKafkaConfig(logDir, newHost, brokerPort, controllerPort, defaultPartitions,
                brokerOverrides, startupTimeout);
    }

    /**
     * Returns a copy with another client listener port.
     *
     * @param port the port, {@code 0} for a free one
     * @return the new configuration
     */
    public EmbeddedKafkaConfig withBrokerPort(int port) {
        return new EmbeddedKafkaConfig(logDir, host, port, controllerPort, defaultPartitions,
                brokerOverrides, startupTimeout);
    }

    /**
     * Returns a copy with another controller listener port.
     *
     * @param port the port, {@code 0} for a free one
     * @return the new configuration
     */
    public EmbeddedKafkaConfig withControllerPort(int port) {
        return new EmbeddedKafkaConfig(logDir, host, brokerPort, port, defaultPartitions,
                brokerOverrides, startupTimeout);
    }

    /**
     * Returns a copy with another partition count for auto-created topics.
     *
     * @param partitions at least 1
     * @return the new configuration
     */
    public EmbeddedKafkaConfig withDefaultPartitions(int partitions) {
        return new EmbeddedKafkaConfig(logDir, host, brokerPort, controllerPort, partitions,
                brokerOverrides, startupTimeout);
    }

    /**
     * Returns a copy whose broker overrides are exactly {@code overrides}.
     *
     * @param overrides broker property names to values
     * @return the new configuration
     */
    public EmbeddedKafkaConfig withBrokerOverrides(Map<String, String> overrides) {
        return new EmbeddedKafkaConfig(logDir, host, brokerPort, controllerPort, defaultPartitions,
                overrides, startupTimeout);
    }

    /**
     * Returns a copy with one more broker override (replacing an earlier value of the same key).
     *
     * @param key   a broker property name, e.g. {@code log.retention.hours}
     * @param value its value
     * @return the new configuration
     */
    public EmbeddedKafkaConfig withBrokerProperty(String key, String value) {
        Map<String, String> merged = new LinkedHashMap<>(brokerOverrides);
        merged.put(key, value);
        return withBrokerOverrides(merged);
    }

    /**
     * Returns a copy with another startup deadline.
     *
     * @param timeout a positive duration
     * @return the new configuration
     */
    public EmbeddedKafkaConfig withStartupTimeout(Duration timeout) {
        return new EmbeddedKafkaConfig(logDir, host, brokerPort, controllerPort, defaultPartitions,
                brokerOverrides, timeout);
    }

    private static void checkPort(String name, int port) {
        if (port < 0 || port > MAX_PORT) {
            throw new IllegalArgumentException(name + " must be within 0.." + MAX_PORT + ", was " + port);
        }
    }
}
