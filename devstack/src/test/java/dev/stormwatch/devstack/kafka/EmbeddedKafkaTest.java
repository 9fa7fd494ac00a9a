package dev.stormwatch.devstack.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs the embedded broker for real: start, produce and consume, restart, and two at once. */
@Tag("integration")
class EmbeddedKafkaTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Test
    void readCommittedConsumerSeesOnlyCommittedTransaction() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.defaults())) {
            createTopic(kafka, "tx-topic", 2);

            try (KafkaProducer<String, String> producer = transactionalProducer(kafka, "tx-test")) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("tx-topic", "k1", "committed-1"));
                producer.send(new ProducerRecord<>("tx-topic", "k2", "committed-2"));
                producer.commitTransaction();

                producer.beginTransaction();
                producer.send(new ProducerRecord<>("tx-topic", "k3", "aborted-3"));
                producer.flush();
                producer.abortTransaction();
            }

            assertThat(values(readToEnd(kafka, "tx-topic", "read_committed")))
                    .containsExactlyInAnyOrder("committed-1", "committed-2");
            // The aborted record did reach the log: only the isolation level hides it.
            assertThat(values(readToEnd(kafka, "tx-topic", "read_uncommitted")))
                    .containsExactlyInAnyOrder("committed-1", "committed-2", "aborted-3");
        }
    }

    @Test
    void restartOnPersistentLogDirKeepsTopicsAndRecords(@TempDir Path dir) throws Exception {
        Path logDir = dir.resolve("kafka");
        EmbeddedKafkaConfig config = EmbeddedKafkaConfig.defaults().withLogDir(logDir);
        String clusterId;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(config)) {
            clusterId = kafka.clusterId();
            createTopic(kafka, "kept", 3);
            try (KafkaProducer<String, String> producer = transactionalProducer(kafka, "restart-test")) {
                producer.initTransactions();
                producer.beginTransaction();
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>("kept", "key-" + i, "value-" + i));
                }
                producer.commitTransaction();
            }
        }
        assertThat(logDir.resolve("meta.properties")).exists();

        try (EmbeddedKafka kafka = EmbeddedKafka.start(config)) {
            assertThat(kafka.clusterId()).isEqualTo(clusterId);
            try (Admin admin = admin(kafka)) {
                assertThat(admin.listTopics().names().get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS))
                        .contains("kept");
                assertThat(admin.describeTopics(Set.of("kept")).allTopicNames()
                        .get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS).get("kept").partitions())
                        .hasSize(3);
            }
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                expected.add("value-" + i);
            }
            assertThat(values(readToEnd(kafka, "kept", "read_committed")))
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
        assertThat(logDir).as("a persistent log dir survives close").isDirectory();
    }

    @Test
    void twoBrokersOnRandomPortsDoNotClash() throws Exception {
        try (EmbeddedKafka first = EmbeddedKafka.start(EmbeddedKafkaConfig.defaults());
             EmbeddedKafka second = EmbeddedKafka.start(EmbeddedKafkaConfig.defaults())) {
            assertThat(first.bootstrapServers()).isNotEqualTo(second.bootstrapServers());
            assertThat(Set.of(first.brokerPort(), first.controllerPort(), second.brokerPort(), second.controllerPort()))
                    .hasSize(4);
            assertThat(first.clusterId()).isNotEqualTo(second.clusterId());
            assertThat(first.logDir()).isNotEqualTo(second.logDir());

            for (EmbeddedKafka kafka : List.of(first, second)) {
                createTopic(kafka, "same-name", 1);
                try (KafkaProducer<String, String> producer = transactionalProducer(kafka, "same-id")) {
                    producer.initTransactions();
                    producer.beginTransaction();
                    producer.send(new ProducerRecord<>("same-name", "k", kafka.clusterId()));
                    producer.commitTransaction();
                }
            }
            assertThat(values(readToEnd(first, "same-name", "read_committed"))).containsExactly(first.clusterId());
            assertThat(values(readToEnd(second, "same-name", "read_committed"))).containsExactly(second.clusterId());
        }
    }

    @Test
    void temporaryLogDirIsDeletedOnCloseAndCloseIsIdempotent() {
        EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.defaults());
        Path logDir = kafka.logDir();
        assertThat(logDir).isDirectory();

        kafka.close();
        kafka.close();

        assertThat(Files.exists(logDir)).isFalse();
    }

    @Test
    void fixedPortAlreadyInUseFailsWithClearMessage() {
        try (EmbeddedKafka running = EmbeddedKafka.start(EmbeddedKafkaConfig.defaults())) {
            EmbeddedKafkaConfig clashing = EmbeddedKafkaConfig.defaults().withBrokerPort(running.brokerPort());
            assertThatThrownBy(() -> EmbeddedKafka.start(clashing))
                    .isInstanceOf(EmbeddedKafkaException.class)
                    .hasMessageContaining("could not bind")
                    .hasMessageContaining(String.valueOf(running.brokerPort()));
        }
    }

    @Test
    void configRejectsInvalidValues() {
        EmbeddedKafkaConfig defaults = EmbeddedKafkaConfig.defaults();
        assertThatThrownBy(() -> defaults.withBrokerPort(70_000)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withDefaultPartitions(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withHost(" ")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withBrokerPort(9092).withControllerPort(9092))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> defaults.withStartupTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);

        Map<String, String> overrides = new HashMap<>(Map.of("log.retention.hours", "1"));
        EmbeddedKafkaConfig config = defaults.withBrokerOverrides(overrides).withBrokerProperty("num.io.threads", "2");
        overrides.put("mutated", "later");
        assertThat(config.brokerOverrides())
                .containsExactlyInAnyOrderEntriesOf(Map.of("log.retention.hours", "1", "num.io.threads", "2"));
    }

    private static void createTopic(EmbeddedKafka kafka, String topic, int partitions) throws Exception {
        try (Admin admin = admin(kafka)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1)))
                    .all().get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private static Admin admin(EmbeddedKafka kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    private static KafkaProducer<String, String> transactionalProducer(EmbeddedKafka kafka, String transactionalId) {
        Map<String, Object> props = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    /**
     * Reads every partition of {@code topic} from the beginning up to its end offset as seen at the
     * given isolation level (the last stable offset for read_committed), with a deadline.
     */
    private static List<ConsumerRecord<String, String>> readToEnd(EmbeddedKafka kafka, String topic,
                                                                  String isolationLevel) {
        Map<String, Object> props = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, DEADLINE).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> endOffsets = consumer.endOffsets(partitions, DEADLINE);
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (!reachedEnd(consumer, endOffsets.keySet(), endOffsets)) {
                assertThat(System.nanoTime()).as("read %s to its end offsets %s before the deadline", topic, endOffsets)
                        .isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Collection<TopicPartition> partitions,
                                      Map<TopicPartition, Long> endOffsets) {
        return partitions.stream().allMatch(tp -> consumer.position(tp, DEADLINE) >= endOffsets.get(tp));
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }

}
