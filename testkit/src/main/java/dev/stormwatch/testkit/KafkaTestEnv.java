package dev.stormwatch.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import dev.stormwatch.common.kafka.TopicProvisioner;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.AvroSerdeConfig;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import org.awaitility.Awaitility;

/**
 * What a {@link KafkaIntegrationTest} gets: the shared broker's address, names unique to this
 * test, topic and client helpers, and a private state directory.
 *
 * <p>Created by {@link KafkaExtension} for each test (see there for class-level use) and closed
 * after it: the admin client is closed and the state directory deleted. Clients a test creates
 * from {@link #producerProps()} or {@link #consumerProps()} are the test's to close, as is any
 * Kafka Streams instance using {@link #stateDir()} (close it before the test ends).
 *
 * <p>Thread-safe.
 */
public final class KafkaTestEnv implements AutoCloseable {

    /** Longest prefix kept by {@link #uniqueName(String)}; keeps derived Streams topic names short. */
    private static final int MAX_PREFIX_LENGTH = 40;

    /** Longest test-name part of a unique name. */
    private static final int MAX_TEST_NAME_LENGTH = 40;

    /** Deadline of one admin operation (topic creation). */
    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    /** Longest single poll inside {@link #consumeUntil}; the overall deadline is the caller's. */
    private static final Duration MAX_POLL = Duration.ofMillis(200);

    private static final Pattern UNSAFE_NAME_CHARS = Pattern.compile("[^A-Za-z0-9-]+");

    private final SharedTestServices services;
    private final String testName;

    // guarded by this
    private Admin admin;
    private Path stateDir;
    private boolean closed;

    KafkaTestEnv(SharedTestServices services, String testName) {
        this.services = Objects.requireNonNull(services, "services");
        String safeTestName = sanitize(truncate(sanitize(testName), MAX_TEST_NAME_LENGTH));
        this.testName = safeTestName.isEmpty() ? "test" : safeTestName;
    }

    /**
     * The {@code bootstrap.servers} of the broker shared by every test of this JVM.
     *
     * @return {@code host:port}
     */
    public String bootstrapServers() {
        return services.kafka().bootstrapServers();
    }

    /**
     * The URL of the embedded Schema Registry shared by every test of this JVM (started on first
     * use, on the shared broker).
     *
     * @return e.g. {@code http://127.0.0.1:PORT}
     */
    public String registryUrl() {
        return services.registry().url();
    }

    /**
     * Serde configuration for the shared registry, as Kafka clients and Streams take it:
     * {@code schema.registry.url} and {@code auto.register.schemas=true}. Mutable; add to it.
     *
     * @return a new map
     */
    public Map<String, Object> serdeConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(SchemaRegistryConfig.URL, registryUrl());
        config.put(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, true);
        return config;
    }

    /**
     * A name no other call in this JVM returns, for topics, application ids, group ids or
     * transactional ids: {@code <prefix>-<test name>-<sequence>}, made of {@code [A-Za-z0-9-]}
     * only (anything else in the prefix becomes {@code -}), so it is valid everywhere Kafka takes
     * a name and never collides in metric names.
     *
     * @param prefix what the name is for, e.g. {@code "alerts"} or {@code "correlator"}
     * @return the unique name
     */
    public String uniqueName(String prefix) {
        Objects.requireNonNull(prefix, "prefix");
        String safePrefix = sanitize(truncate(sanitize(prefix), MAX_PREFIX_LENGTH));
        return (safePrefix.isEmpty() ? "" : safePrefix + "-") + testName + "-" + services.nextNameSequence();
    }

    /**
     * Creates a topic with replication factor 1 and waits until the controller has created it.
     *
     * @param name       the topic name, usually from {@link #uniqueName(String)}
     * @param partitions the partition count, at least 1
     * @return {@code name}, for chaining
     * @throws IllegalStateException if the broker refuses or does not answer in time
     */
    public String createTopic(String name, int partitions) {
        return createTopic(new NewTopic(name, partitions, (short) 1));
    }

    /**
     * Creates a log-compacted topic ({@code cleanup.policy=compact}) with replication factor 1 and
     * waits until the controller has created it.
     *
     * @param name       the topic name, usually from {@link #uniqueName(String)}
     * @param partitions the partition count, at least 1
     * @return {@code name}, for chaining
     * @throws IllegalStateException if the broker refuses or does not answer in time
     */
    public String createCompactedTopic(String name, int partitions) {
        return createTopic(new NewTopic(name, partitions, (short) 1)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
    }

    /**
     * An admin client on the shared broker, created on first use and closed after the test. Do
     * not close it yourself.
     *
     * @return the admin client of this test
     */
    public synchronized Admin adminClient() {
        ensureOpen();
        if (admin == null) {
            admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                    AdminClientConfig.CLIENT_ID_CONFIG, uniqueName("admin")));
        }
        return admin;
    }

    /**
     * Fresh producer settings: the shared broker, byte-array serializers, {@code acks=all} and
     * idempotence. Add a {@code transactional.id} (from {@link #uniqueName(String)}) for
     * transactions.
     *
     * @return a new mutable map the caller may change
     */
    public Map<String, Object> producerProps() {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        return props;
    }

    /**
     * Fresh Kafka Streams settings for an application on the shared broker: {@code exactly_once_v2},
     * {@link #stateDir()} as state directory, explicit internal resource naming enforced, no record
     * cache (every input record yields its output at once), a 100 ms commit interval so
     * read_committed output shows up quickly, one stream thread, and the consumer starting at the
     * earliest offset.
     *
     * @param applicationId the application id, usually from {@link #uniqueName(String)}
     * @return new mutable properties the caller may change
     */
    public Properties streamsProps(String applicationId) {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir().toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        return props;
    }

    /**
     * Fresh consumer settings: the shared broker, byte-array deserializers, a unique group id,
     * {@code auto.offset.reset=earliest}, {@code isolation.level=read_committed} and no
     * auto-commit.
     *
     * @return a new mutable map the caller may change
     */
    public Map<String, Object> consumerProps() {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, uniqueName("group"));
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return props;
    }

    /**
     * Reads {@code topic} from the beginning of every partition, read_committed, until at least
     * {@code count} records have arrived, waiting at most {@code deadline} (for the topic to
     * exist, too).
     *
     * @param topic    the topic
     * @param count    how many records to wait for, at least 1
     * @param deadline how long to wait in all
     * @return the records read, at least {@code count}, in order within each partition
     * @throws AssertionError if fewer than {@code count} records arrive before the deadline
     */
    public List<ConsumerRecord<byte[], byte[]>> consumeUntil(String topic, int count, Duration deadline) {
        return consumeUntil(topic, count, deadline, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Like {@link #consumeUntil(String, int, Duration)}, deserializing keys and values.
     *
     * @param topic             the topic
     * @param count             how many records to wait for, at least 1
     * @param deadline          how long to wait in all
     * @param keyDeserializer   the key deserializer (closed with the consumer)
     * @param valueDeserializer the value deserializer (closed with the consumer)
     * @param <K>               the key type
     * @param <V>               the value type
     * @return the records read, at least {@code count}, in order within each partition
     * @throws AssertionError if fewer than {@code count} records arrive before the deadline
     */
    public <K, V> List<ConsumerRecord<K, V>> consumeUntil(String topic, int count, Duration deadline,
                                                          Deserializer<K> keyDeserializer,
                                                          Deserializer<V> valueDeserializer) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(deadline, "deadline");
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, was " + count);
        }
        long deadlineNanos = System.nanoTime() + deadline.toNanos();
        Map<String, Object> props = consumerProps();
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(props, keyDeserializer, valueDeserializer)) {
            List<TopicPartition> partitions = awaitPartitions(consumer, topic, deadlineNanos, deadline);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            List<ConsumerRecord<K, V>> records = new ArrayList<>();
            while (records.size() < count) {
                Duration remaining = remaining(deadlineNanos);
                if (remaining.isZero()) {
                    throw new AssertionError("Expected at least " + count + " committed records in topic "
                            + topic + " within " + deadline + " but got " + records.size());
                }
                consumer.poll(remaining.compareTo(MAX_POLL) < 0 ? remaining : MAX_POLL).forEach(records::add);
            }
            return records;
        }
    }

    /**
     * Reads every committed record of {@code topic} up to its current end (the last stable offset
     * of each partition when this is called), read_committed. Use it, after the producer or
     * application has committed everything it should, to check that a topic holds exactly the
     * expected records and nothing more.
     *
     * @param topic             the topic; it must exist
     * @param deadline          how long to wait in all
     * @param keyDeserializer   the key deserializer (closed with the consumer)
     * @param valueDeserializer the value deserializer (closed with the consumer)
     * @param <K>               the key type
     * @param <V>               the value type
     * @return the records, in order within each partition
     * @throws AssertionError if the end is not reached before the deadline
     */
    public <K, V> List<ConsumerRecord<K, V>> consumeAll(String topic, Duration deadline,
                                                        Deserializer<K> keyDeserializer,
                                                        Deserializer<V> valueDeserializer) {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(deadline, "deadline");
        long deadlineNanos = System.nanoTime() + deadline.toNanos();
        Map<String, Object> props = consumerProps();
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        try (KafkaConsumer<K, V> consumer = new KafkaConsumer<>(props, keyDeserializer, valueDeserializer)) {
            List<TopicPartition> partitions = awaitPartitions(consumer, topic, deadlineNanos, deadline);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> endOffsets =
                    consumer.endOffsets(partitions, atLeastOneMilli(remaining(deadlineNanos)));
            List<ConsumerRecord<K, V>> records = new ArrayList<>();
            while (!reachedEnd(consumer, endOffsets, deadlineNanos)) {
                Duration remaining = remaining(deadlineNanos);
                if (remaining.isZero()) {
                    throw new AssertionError("Could not read topic " + topic + " up to its end offsets "
                            + endOffsets + " within " + deadline + "; read " + records.size() + " records");
                }
                consumer.poll(remaining.compareTo(MAX_POLL) < 0 ? remaining : MAX_POLL).forEach(records::add);
            }
            return records;
        }
    }

    /**
     * Waits until consumer group {@code groupId} (a Kafka Streams application id) has committed
     * every partition of {@code topic} up to its current end: the application has processed, and
     * under exactly-once committed the output of, everything written to the topic so far. After
     * this, a read_committed read of its output is complete.
     *
     * @param groupId  the consumer group or Streams application id
     * @param topic    an input topic of the group
     * @param deadline how long to wait at most
     * @throws org.awaitility.core.ConditionTimeoutException if it has not caught up in time
     */
    public void awaitCommitted(String groupId, String topic, Duration deadline) {
        long deadlineNanos = System.nanoTime() + deadline.toNanos();
        Map<TopicPartition, Long> ends = endOffsets(topic, deadline);
        Awaitility.await(groupId + " to commit " + topic + " up to " + ends)
                .atMost(deadline)
                .pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    Map<TopicPartition, OffsetAndMetadata> committed = adminClient()
                            .listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()
                            .get(atLeastOneMilli(remaining(deadlineNanos)).toMillis(), TimeUnit.MILLISECONDS);
                    // an empty partition has nothing to commit: Streams never commits an offset for it
                    return ends.entrySet().stream().allMatch(end -> end.getValue() == 0
                            || committed.get(end.getKey()) != null
                            && committed.get(end.getKey()).offset() >= end.getValue());
                });
    }

    private Map<TopicPartition, Long> endOffsets(String topic, Duration deadline) {
        try {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            adminClient().describeTopics(List.of(topic)).allTopicNames()
                    .get(deadline.toMillis(), TimeUnit.MILLISECONDS).get(topic).partitions()
                    .forEach(info -> latest.put(new TopicPartition(topic, info.partition()), OffsetSpec.latest()));
            Map<TopicPartition, Long> ends = new HashMap<>();
            adminClient().listOffsets(latest).all().get(deadline.toMillis(), TimeUnit.MILLISECONDS)
                    .forEach((tp, info) -> ends.put(tp, info.offset()));
            return ends;
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot read the end offsets of " + topic, e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("No end offsets of " + topic + " within " + deadline, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while reading the end offsets of " + topic, e);
        }
    }

    /**
     * A directory private to this test for Kafka Streams {@code state.dir}, created on first use
     * and deleted after the test.
     *
     * @return the directory
     */
    public synchronized Path stateDir() {
        ensureOpen();
        if (stateDir == null) {
            try {
                stateDir = Files.createTempDirectory("stormwatch-streams-" + testName + "-");
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot create a Kafka Streams state directory", e);
            }
        }
        return stateDir;
    }

    /** Closes the admin client and deletes the state directory; called by the extension. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (admin != null) {
                admin.close(ADMIN_TIMEOUT);
            }
        } finally {
            if (stateDir != null) {
                try {
                    Utils.delete(stateDir.toFile());
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot delete the test state directory " + stateDir, e);
                }
            }
        }
    }

    private String createTopic(NewTopic topic) {
        try {
            adminClient().createTopics(List.of(topic)).all()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            // the controller has created it; wait until every partition is served, so a test's
            // first describe, produce or consume does not race the metadata propagation
            TopicProvisioner.awaitLeaders(adminClient(), List.of(topic.name()), topic.numPartitions(), ADMIN_TIMEOUT);
            return topic.name();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Cannot create topic " + topic, e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("Topic " + topic + " was not created within " + ADMIN_TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topic " + topic, e);
        }
    }

    private static List<TopicPartition> awaitPartitions(KafkaConsumer<?, ?> consumer, String topic,
                                                        long deadlineNanos, Duration deadline) {
        List<PartitionInfo> infos = Awaitility.await("topic " + topic + " to exist within " + deadline)
                .pollInSameThread()
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(50))
                .atMost(atLeastOneMilli(remaining(deadlineNanos)))
                .until(() -> consumer.partitionsFor(topic, atLeastOneMilli(remaining(deadlineNanos))),
                        found -> found != null && !found.isEmpty());
        return infos.stream().map(info -> new TopicPartition(info.topic(), info.partition())).toList();
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> endOffsets,
                                      long deadlineNanos) {
        return endOffsets.entrySet().stream().allMatch(end ->
                consumer.position(end.getKey(), atLeastOneMilli(remaining(deadlineNanos))) >= end.getValue());
    }

    private synchronized void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("This KafkaTestEnv was closed at the end of its test");
        }
    }

    private static Duration remaining(long deadlineNanos) {
        long nanos = deadlineNanos - System.nanoTime();
        return nanos <= 0 ? Duration.ZERO : Duration.ofNanos(nanos);
    }

    private static Duration atLeastOneMilli(Duration duration) {
        return duration.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : duration;
    }

    private static String sanitize(String raw) {
        String replaced = UNSAFE_NAME_CHARS.matcher(raw).replaceAll("-");
        int start = 0;
        int end = replaced.length();
        while (start < end && replaced.charAt(start) == '-') {
            start++;
        }
        while (end > start && replaced.charAt(end - 1) == '-') {
            end--;
        }
        return replaced.substring(start, end);
    }

    private static String truncate(String value, int maxLength) {
        return value.length() <= maxLength ? value : value.substring(0, maxLength);
    }
}
