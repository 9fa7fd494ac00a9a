package dev.stormwatch.devstack.registry;

import dev.stormwatch.devstack.registry.domain.RegistryState;
import dev.stormwatch.devstack.registry.domain.SchemaRegistry;
import dev.stormwatch.devstack.registry.http.RegistryHttpApi;
import dev.stormwatch.devstack.registry.kafka.KafkaRegistryLog;
import io.javalin.Javalin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Schema Registry speaking Confluent's REST API, keeping its state in a compacted Kafka topic,
 * for the single-machine default and tests. Confluent's clients work against it unchanged (Avro
 * only).
 *
 * <p>Several instances may share one topic: each reads the whole topic, and concurrent
 * registrations are ordered by the topic itself (see {@code RegistryState}), so they agree on every
 * id and version.
 *
 * <pre>{@code
 * try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(RegistryServerConfig.defaults(bootstrap))) {
 *     String url = registry.url(); // http://127.0.0.1:PORT
 * }
 * }</pre>
 */
public final class EmbeddedSchemaRegistry implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedSchemaRegistry.class);

    private final RegistryServerConfig config;
    private final KafkaRegistryLog kafkaLog;
    private final Javalin http;

    private EmbeddedSchemaRegistry(RegistryServerConfig config, KafkaRegistryLog kafkaLog, Javalin http) {
        this.config = config;
        this.kafkaLog = kafkaLog;
        this.http = http;
    }

    /**
     * Creates the topic if needed, loads the state from it and starts serving HTTP.
     *
     * @throws IllegalStateException when Kafka cannot be reached in {@link RegistryServerConfig#timeout()}
     *     or the HTTP port cannot be bound
     */
    public static EmbeddedSchemaRegistry start(RegistryServerConfig config) {
        RegistryState state = new RegistryState();
        KafkaRegistryLog kafkaLog = KafkaRegistryLog.start(config, state);
        try {
            SchemaRegistry registry = new SchemaRegistry(state, kafkaLog);
            Javalin http = new RegistryHttpApi(registry, config.maxBodyBytes()).create(config.host(), config.port());
            http.start();
            EmbeddedSchemaRegistry started = new EmbeddedSchemaRegistry(config, kafkaLog, http);
            log.info("Embedded schema registry on {} (topic {})", started.url(), config.topic());
            return started;
        } catch (RuntimeException e) {
            kafkaLog.close();
            throw new IllegalStateException("Could not start the schema registry HTTP server on "
                    + config.host() + ":" + config.port(), e);
        }
    }

    /** The base URL, e.g. {@code http://127.0.0.1:8081}. */
    public String url() {
        String host = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return "http://" + host + ":" + port();
    }

    /** The bound HTTP port (the chosen one when configured with 0). */
    public int port() {
        return http.port();
    }

    public RegistryServerConfig config() {
        return config;
    }

    @Override
    public void close() {
        try {
            http.stop();
        } finally {
            kafkaLog.close();
        }
    }
}
