package dev.stormwatch.ingest.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.ChangeEvent;
import dev.stormwatch.avro.ChangeKind;
import dev.stormwatch.common.kafka.DeadLetterHeaders;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.serde.SpecificAvroSerde;
import dev.stormwatch.ingest.IngestConfig;
import dev.stormwatch.ingest.changes.ChangeNormalized;
import dev.stormwatch.ingest.changes.ChangeNormalizers;
import dev.stormwatch.ingest.changes.PagerDutyChangeNormalizer;
import dev.stormwatch.ingest.normalize.Fixtures;
import dev.stormwatch.ingest.normalize.NormalizeConfig;
import dev.stormwatch.ingest.raw.RawHeaders;
import dev.stormwatch.ingest.raw.RawRecord;
import dev.stormwatch.testkit.KafkaIntegrationTest;
import dev.stormwatch.testkit.KafkaTestEnv;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The changes branch of the ingest topology on {@link TopologyTestDriver}, with the real serde
 * and the embedded registry, as a timeline: raw change bodies at receive time T0 come out on
 * {@code changes.events} as ChangeEvents keyed by service, at the change's own time (never
 * later than T0); what cannot be normalized goes to the dead-letter topic with its reason.
 */
@KafkaIntegrationTest
class IngestTopologyChangesTest {

  private static final Instant T0 = Instant.parse("2026-11-27T15:10:00Z");

  private final Topics topics = Topics.defaults();
  @TempDir Path stateDir;
  private Topology topology;
  private TopologyTestDriver driver;
  private SchemaRegistryClient client;
  private TestInputTopic<byte[], byte[]> raw;
  private TestOutputTopic<String, ChangeEvent> changes;
  private TestOutputTopic<String, AlertEvent> normalized;
  private TestOutputTopic<byte[], byte[]> dead;

  @BeforeEach
  void start(KafkaTestEnv kafka) {
    client = new RestSchemaRegistryClient(SchemaRegistryConfig.builder().urls(kafka.registryUrl()).build());
    SpecificAvroSerde<AlertEvent> alerts = SpecificAvroSerde.of(AlertEvent.class, client, AvroSerdeConfig.defaults(),
        false);
    SpecificAvroSerde<ChangeEvent> changeSerde = SpecificAvroSerde.of(ChangeEvent.class, client,
        AvroSerdeConfig.defaults(), false);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ingest-changes");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
    IngestConfig config = IngestConfig.defaults(stateDir).withNormalize(NormalizeConfig.fromMap(Map.of(
        "service", Map.of("aliases", Map.of("checkout-api", "checkout")))));
    topology = IngestTopology.build(config, topics, alerts, changeSerde, new IngestMetrics(new SimpleMeterRegistry()));
    driver = new TopologyTestDriver(topology, props);
    raw = driver.createInputTopic(topics.rawChanges(), new ByteArraySerializer(), new ByteArraySerializer());
    changes = driver.createOutputTopic(topics.changes(), new StringDeserializer(), changeSerde.deserializer());
    normalized = driver.createOutputTopic(topics.normalized(), new StringDeserializer(), alerts.deserializer());
    dead = driver.createOutputTopic(topics.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
    client.close();
  }

  @Test
  void changesComeOutKeyedByServiceAtTheirOwnTimeNeverLaterThanTheirReceipt() {
    // t=T0: a Stormwatch change from 5 minutes before, one without a time, one claiming to be from the future
    pipe("[{\"service\":\"Checkout-API\",\"kind\":\"deploy\",\"version\":\"v2\",\"time\":\"2026-11-27T15:05:00Z\"},"
        + "{\"service\":\"cart\",\"kind\":\"config\"},"
        + "{\"service\":\"payments\",\"kind\":\"feature-flag\",\"time\":\"2026-11-27T16:10:00Z\"}]",
        RawHeaders.FORMAT_STORMWATCH_CHANGE, T0);

    List<TestRecord<String, ChangeEvent>> out = changes.readRecordsToList();
    assertThat(out).extracting(TestRecord::key).containsExactly("checkout", "cart", "payments");
    assertThat(out).extracting(r -> r.value().getKind())
        .containsExactly(ChangeKind.DEPLOY, ChangeKind.CONFIG, ChangeKind.FEATURE_FLAG);
    assertThat(out.get(0).timestamp()).isEqualTo(Instant.parse("2026-11-27T15:05:00Z").toEpochMilli());
    assertThat(out.get(1).timestamp()).isEqualTo(T0.toEpochMilli());
    assertThat(out.get(1).value().getTime()).isEqualTo(T0);
    assertThat(out.get(2).value().getTime()).isEqualTo(Instant.parse("2026-11-27T16:10:00Z"));
    assertThat(out.get(2).timestamp()).as("clamped to the receive time").isEqualTo(T0.toEpochMilli());
    assertThat(out).allSatisfy(r -> assertThat(r.headers().toArray()).isEmpty());
    assertThat(normalized.isEmpty()).isTrue();
    assertThat(dead.isEmpty()).isTrue();
  }

  @Test
  void everyPagerDutyFixtureBecomesExactlyWhatItsNormalizerMakesOfIt() {
    ChangeNormalizers normalizers = new ChangeNormalizers(NormalizeConfig.fromMap(Map.of(
        "service", Map.of("aliases", Map.of("checkout-api", "checkout")))));
    for (String file : List.of("changes/pagerduty.change-events-v2.developer-docs.json",
        "changes/pagerduty.change-events-v2.build.api-schema-example.json",
        "changes/pagerduty.change-events-v2.git.api-schema-example.json")) {
      byte[] body = Fixtures.bytes(file);
      ChangeNormalized expected = normalizers.normalize(RawRecord.of(topics.rawChanges(), body,
          Map.of(RawHeaders.FORMAT, RawHeaders.FORMAT_PAGERDUTY_CHANGE), T0.toEpochMilli()));
      pipe(body, RawHeaders.FORMAT_PAGERDUTY_CHANGE, T0);

      TestRecord<String, ChangeEvent> out = changes.readRecord();
      assertThat(out.value()).as(file).isEqualTo(expected.changes().get(0));
      assertThat(out.key()).isEqualTo(out.value().getService());
      assertThat(out.value().getOrigin()).isEqualTo(PagerDutyChangeNormalizer.ORIGIN);
      assertThat(out.timestamp()).isEqualTo(out.value().getTime().toEpochMilli());
      assertThat(changes.isEmpty()).isTrue();
    }
    assertThat(dead.isEmpty()).isTrue();
  }

  @Test
  void whatCannotBeNormalizedIsDeadLetteredWithItsReasonAndTheRestGoesThrough() {
    pipe("deployed checkout v2".getBytes(StandardCharsets.UTF_8), null, T0);
    TestRecord<byte[], byte[]> notJson = dead.readRecord();
    assertThat(new String(notJson.value(), StandardCharsets.UTF_8)).isEqualTo("deployed checkout v2");
    assertThat(header(notJson, DeadLetterHeaders.REASON)).startsWith("not JSON: ");
    assertThat(header(notJson, DeadLetterHeaders.APP)).isEqualTo("ingest");
    assertThat(header(notJson, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(topics.rawChanges());
    assertThat(header(notJson, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("0");

    // a batch straight from a producer (no gateway to refuse it): the good change goes on, the bad one is dead-lettered
    pipe("[{\"service\":\"cart\"},{\"service\":\"cart\",\"kind\":\"migration\"}]", null, T0.plusSeconds(1));
    assertThat(changes.readKeyValuesToList()).singleElement().satisfies(kv -> assertThat(kv.key).isEqualTo("cart"));
    TestRecord<byte[], byte[]> element = dead.readRecord();
    assertThat(new String(element.value(), StandardCharsets.UTF_8))
        .isEqualTo("{\"service\":\"cart\",\"kind\":\"migration\"}");
    assertThat(header(element, DeadLetterHeaders.REASON))
        .isEqualTo("[1].kind: 'migration' is not one of other, deploy, rollback, config, feature-flag");
    assertThat(header(element, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("1");

    // a PagerDuty event that names no service anywhere
    pipe("{\"routing_key\":\"0123456789abcdef\",\"payload\":{\"summary\":\"deploy\"}}", RawHeaders.FORMAT_PAGERDUTY_CHANGE,
        T0.plusSeconds(2));
    TestRecord<byte[], byte[]> noService = dead.readRecord();
    assertThat(header(noService, DeadLetterHeaders.REASON)).startsWith("no service: ");
    assertThat(header(noService, RawHeaders.FORMAT)).as("the original headers are kept")
        .isEqualTo(RawHeaders.FORMAT_PAGERDUTY_CHANGE);
    assertThat(dead.isEmpty()).isTrue();
    assertThat(changes.isEmpty()).isTrue();
    assertThat(normalized.isEmpty()).isTrue();
  }

  @Test
  void everyNodeOfTheChangesBranchIsNamed() {
    String description = topology.describe().toString();
    assertThat(description).contains("read-raw-changes", "normalize-changes", "route-changes-ok", "route-changes-dead",
        "dead-letter-changes", "unwrap-changes", "changes-event-time", "count-changes", "write-changes",
        "merge-dead-letters-3");
    assertThat(description).doesNotContain("KSTREAM-");
  }

  private void pipe(String body, String format, Instant receivedAt) {
    pipe(body.getBytes(StandardCharsets.UTF_8), format, receivedAt);
  }

  private void pipe(byte[] body, String format, Instant receivedAt) {
    RecordHeaders headers = new RecordHeaders();
    if (format != null) {
      headers.add(RawHeaders.FORMAT, format.getBytes(StandardCharsets.UTF_8));
    }
    raw.pipeInput(new TestRecord<>(null, body, headers, receivedAt));
  }

  private static String header(TestRecord<byte[], byte[]> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
