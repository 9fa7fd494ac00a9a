package dev.stormwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/** The helpers of {@link KafkaTestEnv} against the shared broker. */
@KafkaIntegrationTest
class KafkaTestEnvTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @Test
    void uniqueNamesUseSafeCharactersOnlyAndNeverRepeat(KafkaTestEnv kafka) {
        String first = kafka.uniqueName("my topic/v1.2_x");
        String second = kafka.uniqueName("my topic/v1.2_x");

        assertThat(first).matches("[A-Za-z0-9-]+").startsWith("my-topic-v1-2-x-");
        assertThat(second).matches("[A-Za-z0-9-]+").isNotEqualTo(first);
        assertThat(first).as("names the test, shortened").contains("-uniqueNamesUseSafeCharactersOnly");
    }

    @Test
    void createdTopicHasRequestedPartitionsAndCompactedTopicIsCompacted(KafkaTestEnv kafka) throws Exception {
        String plain = kafka.createTopic(kafka.uniqueName("plain"), 3);
        String compacted = kafka.createCompactedTopic(kafka.uniqueName("compacted"), 2);

        var descriptions = kafka.adminClient().describeTopics(Set.of(plain, compacted)).allTopicNames()
                .get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(descriptions.get(plain).partitions()).hasSize(3);
        assertThat(descriptions.get(compacted).partitions()).hasSize(2);

        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, compacted);
        Config config = kafka.adminClient().describeConfigs(Set.of(resource)).all()
                .get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS).get(resource);
        assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);
    }

    @Test
    void producerPropsAndConsumeUntilRoundTripRecords(KafkaTestEnv kafka) {
        String topic = kafka.createTopic(kafka.uniqueName("roundtrip"), 2);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProps())) {
            for (int i = 0; i < 5; i++) {
                producer.send(new ProducerRecord<>(topic, bytes("k" + i), bytes("v" + i)));
            }
        }

        List<ConsumerRecord<String, String>> records =
                kafka.consumeUntil(topic, 5, DEADLINE, new StringDeserializer(), new StringDeserializer());

        assertThat(records).extracting(ConsumerRecord::value)
                .containsExactlyInAnyOrder("v0", "v1", "v2", "v3", "v4");
        assertThat(kafka.consumeUntil(topic, 5, DEADLINE)).hasSize(5);
    }

    @Test
    void consumeUntilFailsAtTheDeadlineWhenTooFewRecordsArrive(KafkaTestEnv kafka) {
        String topic = kafka.createTopic(kafka.uniqueName("sparse"), 1);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProps())) {
            producer.send(new ProducerRecord<>(topic, bytes("only")));
        }

        assertThatThrownBy(() -> kafka.consumeUntil(topic, 2, Duration.ofSeconds(2)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("Expected at least 2")
                .hasMessageContaining("got 1");
    }

    @Test
    void consumerPropsReadCommittedWithAFreshGroup(KafkaTestEnv kafka) {
        Map<String, Object> first = kafka.consumerProps();
        Map<String, Object> second = kafka.consumerProps();

        assertThat(first).containsEntry("isolation.level", "read_committed")
                .containsEntry("auto.offset.reset", "earliest")
                .containsEntry("enable.auto.commit", false)
                .containsEntry("bootstrap.servers", kafka.bootstrapServers());
        assertThat(first.get("group.id")).isNotEqualTo(second.get("group.id"));
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }
}
