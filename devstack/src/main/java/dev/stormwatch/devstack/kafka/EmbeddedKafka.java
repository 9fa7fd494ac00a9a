package dev.stormwatch.devstack.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Apache Kafka broker running in this JVM, in KRaft combined mode
 * ({@code process.roles=broker,controller}), built on Kafka's own {@link KafkaRaftServer} and the
 * storage {@link Formatter}.
 *
 * <p>The node is configured so that everything a single node can do works, including idempotent
 * and transactional producers and Kafka Streams {@code exactly_once_v2}: every internal topic
 * (consumer offsets, transaction state, share-group state) has replication factor 1 and
 * min.insync.replicas 1, and the group initial rebalance delay is 0. The internal topics get few
 * partitions and the log cleaner a small dedupe buffer, so the node starts fast and stays small;
 * {@link EmbeddedKafkaConfig#brokerOverrides()} can change any of it.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.defaults())) {
 *     Map<String, Object> props = Map.of("bootstrap.servers", kafka.bootstrapServers());
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Logging.</b> Kafka's broker logs a lot at INFO through SLF4J. The devstack brings no
 * logging backend; whoever does should set the loggers {@code kafka}, {@code org.apache.kafka}
 * and {@code state.change.logger} to WARN. The tests do so in {@code logback-test.xml}, and the
 * CLI does the same in the configuration of its own backend.
 *
 * <p><b>Process exit.</b> Like any Kafka broker, this one halts the JVM on a fatal metadata
 * fault (Kafka's fault handlers call its exit procedure). That suits the devstack, where the
 * broker is the process; this class does not replace Kafka's global exit procedures.
 *
 * <p>Thread-safe. {@link #close()} is idempotent and waits for a clean shutdown.
 */
public final class EmbeddedKafka implements AutoCloseable {

    /** The node id of the single combined broker and controller. */
    public static final int NODE_ID = 1;

    /** The name of the client listener. */
    public static final String BROKER_LISTENER = "PLAINTEXT";

    /** The name of the KRaft controller listener. */
    public static final String CONTROLLER_LISTENER = "CONTROLLER";

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

    /** How often a start with randomly chosen ports is retried when a chosen port was taken meanwhile. */
    private static final int MAX_BIND_ATTEMPTS = 5;

    /** Backoff between two readiness probes that both reached the broker but found it not ready. */
    private static final Duration PROBE_BACKOFF = Duration.ofMillis(50);

    /** Partitions of the consumer-offsets and transaction-state topics: few, so they are created fast. */
    private static final String INTERNAL_TOPIC_PARTITIONS = "4";

    /** Log cleaner dedupe buffer (Kafka's default is 128 MiB of heap per broker). */
    private static final String CLEANER_DEDUPE_BUFFER_BYTES = String.valueOf(8L * 1024 * 1024);

    private final KafkaRaftServer server;
    private final Path logDir;
    private final boolean temporaryLogDir;
    private final String clusterId;
    private final String host;
    private final int brokerPort;
    private final int controllerPort;
    private boolean closed;

    private EmbeddedKafka(KafkaRaftServer server, Path logDir, boolean temporaryLogDir, String clusterId,
                          String host, int brokerPort, int controllerPort) {
        this.server = server;
        this.logDir = logDir;
        this.temporaryLogDir = temporaryLogDir;
        this.clusterId = clusterId;
        this.host = host;
        this.brokerPort = brokerPort;
        this.controllerPort = controllerPort;
    }

    /**
     * Formats the log directory if needed, starts the broker and waits until it serves requests.
     *
     * @param config the settings
     * @return the running broker; close it to shut it down
     * @throws EmbeddedKafkaException if the log directory cannot be prepared, a port cannot be
     *                                bound, or the broker does not answer within
     *                                {@link EmbeddedKafkaConfig#startupTimeout()}
     */
    public static EmbeddedKafka start(EmbeddedKafkaConfig config) {
        Objects.requireNonNull(config, "config");
        long startNanos = System.nanoTime();
        long deadlineNanos = startNanos + config.startupTimeout().toNanos();
        boolean temporary = config.logDir() == null;
        Path dir = temporary ? createTempLogDir() : config.logDir().toAbsolutePath().normalize();
        try {
            String clusterId = formatIfNeeded(dir);
            EmbeddedKafka kafka = startServer(config, dir, temporary, clusterId);
            try {
                kafka.awaitReady(deadlineNanos, config.startupTimeout());
            } catch (RuntimeException e) {
                kafka.close();
                throw e;
            }
            LOG.info("Embedded Kafka broker serving at {} (cluster {}, log dir {}) after {} ms",
                    kafka.bootstrapServers(), clusterId, dir,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
            return kafka;
        } catch (RuntimeException e) {
            if (temporary) {
                deleteQuietly(dir);
            }
            throw e;
        }
    }

    /**
     * The {@code bootstrap.servers} value for clients.
     *
     * @return {@code host:port} of the client listener
     */
    public String bootstrapServers() {
        return hostForUrl(host) + ":" + brokerPort;
    }

    /**
     * The directory holding the data and metadata logs.
     *
     * @return the absolute log directory (a temporary one unless the configuration named one)
     */
    public Path logDir() {
        return logDir;
    }

    /**
     * The KRaft cluster id, read from the log directory or written there when it was formatted.
     *
     * @return the cluster id; stable across restarts on a persistent log directory
     */
    public String clusterId() {
        return clusterId;
    }

    /**
     * The port of the client listener, as bound (useful when the configuration asked for 0).
     *
     * @return the broker port
     */
    public int brokerPort() {
        return brokerPort;
    }

    /**
     * The port of the KRaft controller listener, as bound.
     *
     * @return the controller port
     */
    public int controllerPort() {
        return controllerPort;
    }

    /**
     * Shuts the broker down cleanly and waits until it has stopped; then deletes the log directory
     * if it was a temporary one. Calling it again does nothing.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            shutdown(server);
            LOG.info("Embedded Kafka broker at {} shut down", bootstrapServers());
        } finally {
            if (temporaryLogDir) {
                deleteQuietly(logDir);
            }
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafka[" + bootstrapServers() + ", cluster " + clusterId + ", " + logDir + "]";
    }

    private static EmbeddedKafka startServer(EmbeddedKafkaConfig config, Path dir, boolean temporary,
                                             String clusterId) {
        boolean randomPorts = config.brokerPort() == 0 || config.controllerPort() == 0;
        int attempts = randomPorts ? MAX_BIND_ATTEMPTS : 1;
        for (int attempt = 1; ; attempt++) {
            int[] ports = choosePorts(config);
            KafkaConfig kafkaConfig = kafkaConfig(config, dir, ports[0], ports[1]);
            KafkaRaftServer server = new KafkaRaftServer(kafkaConfig, Time.SYSTEM);
            try {
                server.startup();
                return new EmbeddedKafka(server, dir, temporary, clusterId, config.host(), ports[0], ports[1]);
            } catch (RuntimeException e) {
                shutdownAfterFailedStart(server, e);
                boolean portTaken = isBindFailure(e);
                if (portTaken && attempt < attempts) {
                    LOG.warn("Port {} or {} was taken before the embedded broker bound it; retrying with "
                            + "other ports (attempt {} of {})", ports[0], ports[1], attempt + 1, attempts);
                    continue;
                }
                String what = portTaken
                        ? "could not bind " + config.host() + " ports " + ports[0] + "/" + ports[1]
                        : "failed to start";
                throw new EmbeddedKafkaException("Embedded Kafka broker " + what + " (log dir " + dir + ")", e);
            }
        }
    }

    /**
     * The broker settings: KRaft combined mode with a static single-voter quorum, then the
     * single-node settings, then the user's overrides.
     */
    private static KafkaConfig kafkaConfig(EmbeddedKafkaConfig config, Path dir, int brokerPort, int controllerPort) {
        String host = hostForUrl(config.host());
        Map<String, String> props = new LinkedHashMap<>();
        props.put("process.roles", "broker,controller");
        props.put("node.id", String.valueOf(NODE_ID));
        // A static voter set (controller.quorum.voters) rather than a dynamic one: the voter's
        // endpoint is then read from this configuration on every start, not from the metadata
        // log, so a restart on a persistent log dir may use different ports.
        props.put("controller.quorum.voters", NODE_ID + "@" + host + ":" + controllerPort);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("listeners", BROKER_LISTENER + "://" + host + ":" + brokerPort + ","
                + CONTROLLER_LISTENER + "://" + host + ":" + controllerPort);
        props.put("advertised.listeners", BROKER_LISTENER + "://" + host + ":" + brokerPort);
        props.put("listener.security.protocol.map",
                BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("inter.broker.listener.name", BROKER_LISTENER);
        props.put("log.dirs", dir.toString());
        props.put("metadata.log.dir", dir.toString());
        props.put("num.partitions", String.valueOf(config.defaultPartitions()));

        // One node: every replication factor and min ISR is 1, or idempotence/EOS cannot work.
        props.put("default.replication.factor", "1");
        props.put("min.insync.replicas", "1");
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", INTERNAL_TOPIC_PARTITIONS);
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", INTERNAL_TOPIC_PARTITIONS);
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("share.coordinator.state.topic.num.partitions", "1");
        props.put("group.initial.rebalance.delay.ms", "0");

        // Small and prompt: fewer threads' worth of heap, and startup bounded by our deadline.
        props.put("log.cleaner.dedupe.buffer.size", CLEANER_DEDUPE_BUFFER_BYTES);
        props.put("initial.broker.registration.timeout.ms",
                String.valueOf(Math.max(1, config.startupTimeout().toMillis())));

        props.putAll(config.brokerOverrides());
        return new KafkaConfig(props, false);
    }

    /**
     * Formats {@code dir} as a KRaft metadata and data directory unless it already is one.
     *
     * @return the cluster id stored in the directory
     */
    private static String formatIfNeeded(Path dir) {
        try {
            Files.createDirectories(dir);
            MetaPropertiesEnsemble ensemble = new MetaPropertiesEnsemble.Loader()
                    .addLogDirs(List.of(dir.toString()))
                    .addMetadataLogDir(dir.toString())
                    .load();
            if (!ensemble.errorLogDirs().isEmpty()) {
                throw new EmbeddedKafkaException("Cannot read the Kafka log directory " + dir);
            }
            if (ensemble.emptyLogDirs().isEmpty()) {
                return existingClusterId(dir, ensemble);
            }
            String clusterId = Uuid.randomUuid().toString();
            ByteArrayOutputStream formatterOutput = new ByteArrayOutputStream();
            try (PrintStream printStream = new PrintStream(formatterOutput, true, StandardCharsets.UTF_8)) {
                new Formatter()
                        .setPrintStream(printStream)
                        .setNodeId(NODE_ID)
                        .setClusterId(clusterId)
                        .addDirectory(dir.toString())
                        .setMetadataLogDirectory(dir.toString())
                        .setControllerListenerName(CONTROLLER_LISTENER)
                        .run();
            }
            LOG.debug("Formatted {}: {}", dir, formatterOutput.toString(StandardCharsets.UTF_8).strip());
            return clusterId;
        } catch (EmbeddedKafkaException e) {
            throw e;
        } catch (Exception e) {
            throw new EmbeddedKafkaException("Cannot format the Kafka log directory " + dir, e);
        }
    }

    private static String existingClusterId(Path dir, MetaPropertiesEnsemble ensemble) {
        OptionalInt nodeId = ensemble.nodeId();
        if (nodeId.isPresent() && nodeId.getAsInt() != NODE_ID) {
            throw new EmbeddedKafkaException("The Kafka log directory " + dir + " belongs to node "
                    + nodeId.getAsInt() + ", not to the embedded node " + NODE_ID);
        }
        Optional<String> clusterId = ensemble.clusterId();
        return clusterId.orElseThrow(() -> new EmbeddedKafkaException(
                "The Kafka log directory " + dir + " is formatted but names no cluster id"));
    }

    /**
     * Waits until the broker answers a describeCluster request and lists itself: it is then
     * registered, unfenced and serving clients.
     */
    private void awaitReady(long deadlineNanos, Duration timeout) {
        Map<String, Object> adminProps = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.CLIENT_ID_CONFIG, "stormwatch-embedded-kafka-probe",
                AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50,
                AdminClientConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 200);
        Throwable lastFailure = null;
        try (Admin admin = Admin.create(adminProps)) {
            while (true) {
                long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
                if (remainingMs <= 0) {
                    break;
                }
                try {
                    Collection<Node> nodes = admin.describeCluster(
                                    new DescribeClusterOptions().timeoutMs((int) Math.min(remainingMs, Integer.MAX_VALUE)))
                            .nodes()
                            .get(remainingMs, TimeUnit.MILLISECONDS);
                    if (nodes.stream().anyMatch(node -> node.id() == NODE_ID)) {
                        return;
                    }
                    lastFailure = null;
                } catch (ExecutionException e) {
                    lastFailure = e.getCause();
                } catch (TimeoutException e) {
                    lastFailure = e;
                }
                TimeUnit.MILLISECONDS.sleep(Math.min(PROBE_BACKOFF.toMillis(), Math.max(0, remainingMs)));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedKafkaException("Interrupted while waiting for the embedded Kafka broker at "
                    + bootstrapServers(), e);
        }
        throw new EmbeddedKafkaException("The embedded Kafka broker at " + bootstrapServers()
                + " did not serve requests within " + timeout + " (log dir " + logDir + ")", lastFailure);
    }

    /**
     * Chooses the broker and controller ports: a fixed port is checked to be free (so a clash fails
     * fast with a clear message), a {@code 0} becomes a free port. All probes are bound at once so
     * the two ports differ; they are released just before the broker binds them, and a port taken
     * in between is handled by retrying {@link #startServer} with new random ports.
     */
    private static int[] choosePorts(EmbeddedKafkaConfig config) {
        List<ServerSocket> probes = new ArrayList<>();
        try {
            InetAddress address = InetAddress.getByName(config.host());
            int brokerPort = probe(address, config.brokerPort(), probes);
            int controllerPort = probe(address, config.controllerPort(), probes);
            return new int[] {brokerPort, controllerPort};
        } catch (IOException e) {
            throw new EmbeddedKafkaException("Cannot resolve the embedded broker host " + config.host(), e);
        } finally {
            probes.forEach(probe -> Utils.closeQuietly(probe, "port probe", LOG));
        }
    }

    private static int probe(InetAddress address, int port, List<ServerSocket> probes) throws IOException {
        ServerSocket socket = new ServerSocket();
        probes.add(socket);
        socket.setReuseAddress(true);
        try {
            socket.bind(new InetSocketAddress(address, port));
        } catch (IOException e) {
            throw new EmbeddedKafkaException("Embedded Kafka broker could not bind "
                    + hostForUrl(address.getHostAddress()) + ":" + port
                    + (port == 0 ? " (no free port)" : ": the port is in use"), e);
        }
        return socket.getLocalPort();
    }

    private static boolean isBindFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
            String message = t.getMessage();
            if (message != null && message.contains("Address already in use")) {
                return true;
            }
        }
        return false;
    }

    private static void shutdownAfterFailedStart(KafkaRaftServer server, RuntimeException startFailure) {
        try {
            shutdown(server);
        } catch (RuntimeException e) {
            startFailure.addSuppressed(e);
        }
    }

    private static void shutdown(KafkaRaftServer server) {
        server.shutdown();
        server.awaitShutdown();
    }

    private static Path createTempLogDir() {
        try {
            return Files.createTempDirectory("stormwatch-kafka-").toAbsolutePath();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary Kafka log directory", e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try {
            Utils.delete(dir.toFile());
        } catch (IOException e) {
            LOG.warn("Could not delete the temporary Kafka log directory {}", dir, e);
        }
    }

    private static String hostForUrl(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
