package dev.stormwatch.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka Streams application with {@code exactly_once_v2} and a named persistent (RocksDB)
 * store, run on the shared test broker: it counts records per key, and the read_committed output
 * holds exactly one running count per input record.
 */
@KafkaIntegrationTest
class ExactlyOnceCountTest {

    private static final Logger LOG = LoggerFactory.getLogger(ExactlyOnceCountTest.class);

    private static final String STORE = "counts-per-key-store";
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @Test
    void countsPerKeyExactlyOnceWithPersistentStore(KafkaTestEnv kafka) throws Exception {
        String input = kafka.createTopic(kafka.uniqueName("events"), 3);
        String output = kafka.createTopic(kafka.uniqueName("counts"), 3);
        String applicationId = kafka.uniqueName("counter");
        Map<String, Long> expectedCounts = new LinkedHashMap<>();
        expectedCounts.put("alpha", 4L);
        expectedCounts.put("bravo", 2L);
        expectedCounts.put("charlie", 1L);
        expectedCounts.put("delta", 3L);
        int inputCount = Math.toIntExact(expectedCounts.values().stream().mapToLong(Long::longValue).sum());

        produceInterleaved(kafka, input, expectedCounts);

        Properties props = kafka.streamsProps(applicationId);
        try (KafkaStreams streams = new KafkaStreams(countPerKey(input, output, props), props)) {
            streams.setUncaughtExceptionHandler(e -> {
                LOG.error("Stream thread of {} died", applicationId, e);
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            });
            streams.start();

            List<ConsumerRecord<String, Long>> firstRead =
                    kafka.consumeUntil(output, inputCount, DEADLINE, new StringDeserializer(), new LongDeserializer());
            assertThat(firstRead).hasSize(inputCount);

            kafka.awaitCommitted(applicationId, input, DEADLINE);
            List<ConsumerRecord<String, Long>> all =
                    kafka.consumeAll(output, DEADLINE, new StringDeserializer(), new LongDeserializer());

            // One running count per input record, nothing duplicated, nothing lost: per key
            // exactly 1, 2, ..., n in order (a key's records share one partition).
            Map<String, List<Long>> countsByKey = all.stream().collect(Collectors.groupingBy(
                    ConsumerRecord::key, LinkedHashMap::new,
                    Collectors.mapping(ConsumerRecord::value, Collectors.toList())));
            Map<String, List<Long>> expectedSequences = new LinkedHashMap<>();
            expectedCounts.forEach((key, n) ->
                    expectedSequences.put(key, LongStream.rangeClosed(1, n).boxed().toList()));
            assertThat(all).hasSize(inputCount);
            assertThat(countsByKey).containsExactlyInAnyOrderEntriesOf(expectedSequences);
        }

        assertThat(kafka.adminClient().listTopics().names().get(DEADLINE.toMillis(), TimeUnit.MILLISECONDS))
                .as("the store's changelog has the explicit store name")
                .contains(applicationId + "-" + STORE + "-changelog");
        try (Stream<Path> files = Files.walk(kafka.stateDir())) {
            assertThat(files.filter(path -> path.endsWith(Path.of("rocksdb", STORE))))
                    .as("a RocksDB directory for the named store under the test's state dir")
                    .isNotEmpty();
        }
    }

    /** The topology under test: a pure factory, no I/O. */
    static Topology countPerKey(String input, String output, Properties props) {
        StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
        builder.addStateStore(Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.Long()));
        builder.stream(input, Consumed.with(Serdes.String(), Serdes.String()).withName("read-events"))
                .process(CountPerKey::new, Named.as("count-per-key"), STORE)
                .to(output, Produced.with(Serdes.String(), Serdes.Long()).withName("write-counts"));
        return builder.build();
    }

    /** Keeps a running count per key in {@link #STORE} and forwards it. */
    static final class CountPerKey implements Processor<String, String, String, Long> {

        private ProcessorContext<String, Long> context;
        private KeyValueStore<String, Long> store;

        @Override
        public void init(ProcessorContext<String, Long> processorContext) {
            this.context = processorContext;
            this.store = processorContext.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, String> record) {
            Long previous = store.get(record.key());
            long count = previous == null ? 1 : previous + 1;
            store.put(record.key(), count);
            context.forward(record.withValue(count));
        }
    }

    /** Sends the records round-robin over the keys, so the keys' records interleave. */
    private static void produceInterleaved(KafkaTestEnv kafka, String topic, Map<String, Long> counts) {
        Map<String, Object> props = kafka.producerProps();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, kafka.uniqueName("input-producer"));
        Map<String, Long> remaining = new HashMap<>(counts);
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            int sent = 0;
            while (!remaining.isEmpty()) {
                for (String key : counts.keySet()) {
                    Long left = remaining.get(key);
                    if (left != null) {
                        producer.send(new ProducerRecord<>(topic, key, "event-" + sent++));
                        remaining.compute(key, (k, n) -> n == 1 ? null : n - 1);
                    }
                }
            }
            producer.commitTransaction();
        }
    }
}
