package dev.stormwatch.ingest.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.ChangeEvent;
import dev.stormwatch.common.kafka.DeadLetterHeaders;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.serde.SpecificAvroSerde;
import dev.stormwatch.devstack.kafka.EmbeddedKafka;
import dev.stormwatch.devstack.kafka.EmbeddedKafkaConfig;
import dev.stormwatch.devstack.registry.EmbeddedSchemaRegistry;
import dev.stormwatch.devstack.registry.RegistryServerConfig;
import dev.stormwatch.ingest.IngestConfig;
import dev.stormwatch.ingest.testsupport.JsonArbitraries;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Issue "Ingest", item 9, properties (jqwik, seeded): arbitrary bytes and arbitrary JSON on each
 * raw topic (changes.raw too) yield valid events or dead letters — never an exception out of the
 * topology. Bytes that are not JSON at all are always dead-lettered with a reason.
 */
class IngestTopologyPropertyTest {

  private static final Topics TOPICS = Topics.defaults();
  private static final List<String> RAW = withChanges(TOPICS.raw());
  /** Index of changes.raw in {@link #RAW}. */
  private static final int CHANGES = 3;
  private static final List<String> KEYS = List.of("alerts", "labels", "annotations", "status", "startsAt",
      "endsAt", "fingerprint", "alertname", "data", "issue", "action", "project", "streams", "values",
      "resourceLogs", "scopeLogs", "logRecords", "message", "log", "@timestamp", "level", "service", "version", "x",
      "routing_key", "payload", "summary", "kind", "time", "links", "labels", "custom_details", "source", "href");

  private static EmbeddedKafka kafka;
  private static EmbeddedSchemaRegistry registry;
  private static SchemaRegistryClient client;
  private static Path stateDir;
  private static TopologyTestDriver driver;
  private static List<TestInputTopic<byte[], byte[]>> inputs;
  private static TestOutputTopic<String, AlertEvent> normalized;
  private static TestOutputTopic<byte[], byte[]> dead;
  private static TestOutputTopic<String, ChangeEvent> changes;

  @BeforeContainer
  static void start() throws IOException {
    kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.defaults());
    registry = EmbeddedSchemaRegistry.start(RegistryServerConfig.defaults(kafka.bootstrapServers()));
    client = new RestSchemaRegistryClient(SchemaRegistryConfig.builder().urls(registry.url()).build());
    SpecificAvroSerde<AlertEvent> serde = SpecificAvroSerde.of(AlertEvent.class, client, AvroSerdeConfig.defaults(),
        false);
    stateDir = Files.createTempDirectory("ingest-properties");
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ingest-properties");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    SpecificAvroSerde<ChangeEvent> changeSerde = SpecificAvroSerde.of(ChangeEvent.class, client,
        AvroSerdeConfig.defaults(), false);
    driver = new TopologyTestDriver(IngestTopology.build(IngestConfig.defaults(stateDir), TOPICS, serde, changeSerde,
        new IngestMetrics(new SimpleMeterRegistry())), props);
    inputs = RAW.stream().map(t -> driver.createInputTopic(t, new ByteArraySerializer(), new ByteArraySerializer()))
        .toList();
    normalized = driver.createOutputTopic(TOPICS.normalized(), new StringDeserializer(), serde.deserializer());
    dead = driver.createOutputTopic(TOPICS.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    changes = driver.createOutputTopic(TOPICS.changes(), new StringDeserializer(), changeSerde.deserializer());
  }

  private static List<String> withChanges(List<String> raw) {
    List<String> all = new ArrayList<>(raw);
    all.add(TOPICS.rawChanges());
    return List.copyOf(all);
  }

  @AfterContainer
  static void stop() throws IOException {
    driver.close();
    client.close();
    registry.close();
    kafka.close();
    Utils.delete(stateDir.toFile());
  }

  @Property(tries = 300, seed = "20261127")
  void arbitraryBytesNeverEscapeAndNonJsonIsDeadLettered(@ForAll("topicIndex") int topic, @ForAll byte[] body) {
    pipe(topic, body);
    List<TestRecord<byte[], byte[]>> deadLetters = dead.readRecordsToList();
    List<AlertEvent> events = normalized.readValuesToList();
    events.forEach(IngestTopologyPropertyTest::assertValid);
    List<TestRecord<String, ChangeEvent>> changeEvents = changes.readRecordsToList();
    changeEvents.forEach(IngestTopologyPropertyTest::assertValid);
    deadLetters.forEach(d -> assertThat(d.headers().lastHeader(DeadLetterHeaders.REASON)).isNotNull());
    if ((topic < 2 || topic == CHANGES) && !looksLikeJson(body)) {
      assertThat(events).isEmpty();
      assertThat(changeEvents).isEmpty();
      assertThat(deadLetters).hasSize(1);
    }
  }

  @Property(tries = 400, seed = "20261127")
  void arbitraryJsonYieldsValidEventsOrDeadLetters(@ForAll("topicIndex") int topic, @ForAll("json") String json) {
    pipe(topic, json.getBytes(StandardCharsets.UTF_8));
    normalized.readValuesToList().forEach(IngestTopologyPropertyTest::assertValid);
    changes.readRecordsToList().forEach(IngestTopologyPropertyTest::assertValid);
    dead.readRecordsToList().forEach(d -> assertThat(d.headers().lastHeader(DeadLetterHeaders.REASON)).isNotNull());
  }

  private static void pipe(int topic, byte[] body) {
    inputs.get(topic).pipeInput(new TestRecord<>(null, body, new RecordHeaders(), Instant.now()));
  }

  private static void assertValid(AlertEvent event) {
    assertThat(event.getFingerprint()).isNotBlank();
    assertThat(event.getName()).isNotNull();
    assertThat(event.getService()).isNotBlank();
    assertThat(event.getStartsAt()).isNotNull();
  }

  private static void assertValid(TestRecord<String, ChangeEvent> record) {
    assertThat(record.key()).isNotBlank().isEqualTo(record.value().getService());
    assertThat(record.value().getId()).isNotBlank();
    assertThat(record.value().getTime()).isNotNull();
  }

  private static boolean looksLikeJson(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8).strip();
    return text.startsWith("{") || text.startsWith("[");
  }

  @Provide
  Arbitrary<Integer> topicIndex() {
    return Arbitraries.integers().between(0, RAW.size() - 1);
  }

  /** JSON values shaped like the payloads: objects with the keys the normalizers look for. */
  @Provide
  Arbitrary<String> json() {
    return JsonArbitraries.value(KEYS, 4);
  }
}
