package dev.stormwatch.devstack.registry.kafka;

import dev.stormwatch.devstack.registry.RegistryServerConfig;
import dev.stormwatch.devstack.registry.domain.ErrorCode;
import dev.stormwatch.devstack.registry.domain.LogEntry;
import dev.stormwatch.devstack.registry.domain.RegistryException;
import dev.stormwatch.devstack.registry.domain.RegistryLog;
import dev.stormwatch.devstack.registry.domain.RegistryState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's log on a compacted, single-partition Kafka topic.
 *
 * <p>Writes go through an idempotent producer with {@code acks=all}. One reader thread consumes the
 * topic from the beginning and applies every record to the {@link RegistryState}; {@link #append}
 * returns only once that thread has applied past the written offsets, so a client that got an
 * answer reads its own write. {@link #start} returns once the state has caught up with the topic.
 */
public final class KafkaRegistryLog implements RegistryLog, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaRegistryLog.class);
    private static final Duration POLL = Duration.ofMillis(100);

    private final RegistryState state;
    private final RecordCodec codec = new RecordCodec();
    private final String topic;
    private final TopicPartition partition;
    private final Duration timeout;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Thread reader;
    private final Object progress = new Object();
    /** The next offset the reader will apply; guarded by {@link #progress}. */
    private long appliedUpTo;
    private volatile boolean closed;
    private volatile String readerFailure;

    private KafkaRegistryLog(RegistryServerConfig config, RegistryState state) {
        this.state = state;
        this.topic = config.topic();
        this.partition = new TopicPartition(topic, 0);
        this.timeout = config.timeout();
        this.producer = new KafkaProducer<>(producerProps(config), new ByteArraySerializer(), new ByteArraySerializer());
        this.consumer = new KafkaConsumer<>(consumerProps(config), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.reader = new Thread(this::readLoop, "schema-registry-reader-" + topic);
        this.reader.setDaemon(true);
    }

    /**
     * Creates the topic if missing, then reads it to its end into {@code state}.
     *
     * @throws IllegalStateException when Kafka cannot be reached or the topic is unusable in time
     */
    public static KafkaRegistryLog start(RegistryServerConfig config, RegistryState state) {
        ensureTopic(config);
        KafkaRegistryLog kafkaLog = new KafkaRegistryLog(config, state);
        try {
            kafkaLog.consumer.assign(List.of(kafkaLog.partition));
            kafkaLog.consumer.seekToBeginning(List.of(kafkaLog.partition));
            long end = kafkaLog.consumer.endOffsets(List.of(kafkaLog.partition), config.timeout()).get(kafkaLog.partition);
            kafkaLog.reader.start();
            kafkaLog.awaitApplied(end, config.timeout());
            log.info("Schema registry state loaded from {} up to offset {}", kafkaLog.topic, end);
            return kafkaLog;
        } catch (RuntimeException e) {
            kafkaLog.close();
            throw new IllegalStateException("Could not load the schema registry state from topic " + config.topic(), e);
        }
    }

    private static void ensureTopic(RegistryServerConfig config) {
        Map<String, Object> props = new HashMap<>(config.kafkaProperties());
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        long millis = config.timeout().toMillis();
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, millis));
        try (Admin admin = Admin.create(props)) {
            NewTopic newTopic = new NewTopic(config.topic(), 1, config.replicationFactor())
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            try {
                admin.createTopics(List.of(newTopic)).all().get(millis, TimeUnit.MILLISECONDS);
                log.info("Created schema registry topic {} (compacted, replication factor {})",
                        config.topic(), config.replicationFactor());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
            long deadline = System.nanoTime() + config.timeout().toNanos();
            // a topic just created may not be known to the broker yet: retry retriable errors until the deadline
            TopicDescription description = retrying(deadline, () -> admin.describeTopics(List.of(config.topic()))
                    .allTopicNames().get(millis, TimeUnit.MILLISECONDS).get(config.topic()));
            if (description.partitions().size() != 1) {
                throw new IllegalStateException("Schema registry topic " + config.topic() + " has "
                        + description.partitions().size() + " partitions; it must have exactly 1");
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, config.topic());
            Config topicConfig = retrying(deadline, () -> admin.describeConfigs(List.of(resource)).all()
                    .get(millis, TimeUnit.MILLISECONDS).get(resource));
            String policy = topicConfig.get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
            if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT) || policy.contains(TopicConfig.CLEANUP_POLICY_DELETE)) {
                log.warn("Schema registry topic {} has cleanup.policy={}; it should be compact only, or schemas may be lost",
                        config.topic(), policy);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while preparing topic " + config.topic(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Could not prepare schema registry topic " + config.topic()
                    + " on " + config.bootstrapServers(), e);
        }
    }

    /** A step of topic preparation that Kafka may answer with a retriable error. */
    private interface AdminCall<T> {
        T call() throws InterruptedException, ExecutionException, TimeoutException;
    }

    /** Runs {@code call}, retrying with a short backoff while it fails retriably and the deadline allows. */
    private static <T> T retrying(long deadline, AdminCall<T> call)
            throws InterruptedException, ExecutionException, TimeoutException {
        long backoffMillis = 50;
        while (true) {
            try {
                return call.call();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException) || System.nanoTime() + backoffMillis * 1_000_000 > deadline) {
                    throw e;
                }
            }
            Thread.sleep(backoffMillis);
            backoffMillis = Math.min(1_000, backoffMillis * 2);
        }
    }

    private static Map<String, Object> producerProps(RegistryServerConfig config) {
        Map<String, Object> props = new HashMap<>(config.kafkaProperties());
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        int millis = (int) Math.min(Integer.MAX_VALUE, config.timeout().toMillis());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(millis, 30_000));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(millis, Math.min(millis, 30_000)));
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "schema-registry-writer-" + config.topic());
        return props;
    }

    private static Map<String, Object> consumerProps(RegistryServerConfig config) {
        Map<String, Object> props = new HashMap<>(config.kafkaProperties());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "schema-registry-reader-" + config.topic());
        return props;
    }

    @Override
    public void append(List<LogEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        if (closed) {
            throw new RegistryException(ErrorCode.STORE_ERROR, "The schema registry is shutting down");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Future<RecordMetadata>> sends = new ArrayList<>();
        try {
            for (LogEntry entry : entries) {
                sends.add(producer.send(new ProducerRecord<>(topic, 0, codec.encodeKey(entry.key()),
                        codec.encodeValue(entry.value()))));
            }
            long lastOffset = -1;
            for (Future<RecordMetadata> send : sends) {
                lastOffset = Math.max(lastOffset, send.get(remaining(deadline), TimeUnit.NANOSECONDS).offset());
            }
            awaitApplied(lastOffset + 1, Duration.ofNanos(remaining(deadline)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegistryException(ErrorCode.STORE_ERROR, "Interrupted while writing to the Kafka store", e);
        } catch (ExecutionException | KafkaException e) {
            throw new RegistryException(ErrorCode.STORE_ERROR,
                    "Error while writing to the Kafka store: " + rootMessage(e), e);
        } catch (TimeoutException e) {
            throw new RegistryException(ErrorCode.OPERATION_TIMEOUT, "Write to the Kafka store timed out after " + timeout, e);
        }
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    /** Waits until the reader has applied every record before {@code offset}. */
    private void awaitApplied(long offset, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        synchronized (progress) {
            while (appliedUpTo < offset) {
                if (closed) {
                    throw new RegistryException(ErrorCode.STORE_ERROR, "The schema registry is shutting down");
                }
                long left = remaining(deadline);
                if (left == 0) {
                    String failure = readerFailure;
                    throw new RegistryException(ErrorCode.OPERATION_TIMEOUT, "The registry did not read its own write back"
                            + " from " + topic + " within " + within + (failure == null ? "" : ": " + failure));
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(progress, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RegistryException(ErrorCode.STORE_ERROR, "Interrupted while waiting for the Kafka store", e);
                }
            }
        }
    }

    private void readLoop() {
        String lastError = null;
        while (!closed) {
            try {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    Optional<LogEntry> entry = codec.decode(record.key(), record.value());
                    if (entry.isPresent()) {
                        state.apply(entry.get());
                    } else {
                        log.warn("Skipping a record of {} this registry does not understand, at offset {}",
                                topic, record.offset());
                    }
                }
                long position = consumer.position(partition);
                synchronized (progress) {
                    appliedUpTo = position;
                    progress.notifyAll();
                }
                if (lastError != null) {
                    log.info("Reading {} again after: {}", topic, lastError);
                    lastError = null;
                    readerFailure = null;
                }
            } catch (WakeupException e) {
                // close() woke us up
            } catch (RuntimeException e) {
                String error = rootMessage(e);
                if (!error.equals(lastError)) {
                    log.error("Error reading schema registry topic {}; retrying", topic, e);
                    lastError = error;
                }
                readerFailure = error;
                sleepQuietly(Duration.ofSeconds(1));
            }
        }
    }

    private static void sleepQuietly(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    @Override
    public void close() {
        closed = true;
        synchronized (progress) {
            progress.notifyAll();
        }
        consumer.wakeup();
        if (reader.isAlive()) {
            try {
                reader.join(timeout.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!reader.isAlive()) {
            consumer.close(Duration.ofSeconds(5));
        } else {
            log.warn("Reader of {} did not stop in time", topic);
        }
        producer.close(Duration.ofSeconds(5));
    }
}
