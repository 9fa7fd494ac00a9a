package dev.stormwatch.ingest.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.AlertSource;
import dev.stormwatch.avro.ChangeEvent;
import dev.stormwatch.common.kafka.DeadLetterHeaders;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.serde.SpecificAvroSerde;
import dev.stormwatch.ingest.IngestConfig;
import dev.stormwatch.ingest.logs.LogParseResult;
import dev.stormwatch.ingest.logs.LogParser;
import dev.stormwatch.ingest.normalize.Normalized;
import dev.stormwatch.ingest.normalize.Normalizer;
import dev.stormwatch.ingest.normalize.prometheus.PrometheusNormalizer;
import dev.stormwatch.ingest.normalize.sentry.SentryNormalizer;
import dev.stormwatch.ingest.raw.RawHeaders;
import dev.stormwatch.ingest.raw.RawRecord;
import dev.stormwatch.testkit.KafkaIntegrationTest;
import dev.stormwatch.testkit.KafkaTestEnv;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
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
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue "Ingest", item 9: every fixture through the whole ingest topology on
 * {@link TopologyTestDriver} (with the real serde and the embedded registry): each Prometheus,
 * Alertmanager and Sentry payload comes out as exactly the events its normalizer makes of it,
 * keyed by fingerprint; every log payload yields its rule alerts; whatever cannot be parsed lands
 * in the dead-letter topic with its reason and source coordinates, and nothing throws.
 */
@KafkaIntegrationTest
class IngestTopologyFixturesTest {

  private static final Path FIXTURES = Path.of("src/test/resources/fixtures");
  private static final Instant T0 = Instant.parse("2026-11-27T15:10:00Z");

  private final Topics topics = Topics.defaults();
  @TempDir Path stateDir;
  private TopologyTestDriver driver;
  private SchemaRegistryClient client;
  private Map<String, TestInputTopic<byte[], byte[]>> raw;
  private TestOutputTopic<String, AlertEvent> normalized;
  private TestOutputTopic<byte[], byte[]> dead;

  @BeforeEach
  void start(KafkaTestEnv kafka) {
    client = new RestSchemaRegistryClient(SchemaRegistryConfig.builder().urls(kafka.registryUrl()).build());
    SpecificAvroSerde<AlertEvent> serde = SpecificAvroSerde.of(AlertEvent.class, client, AvroSerdeConfig.defaults(),
        false);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ingest-fixtures");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
    driver = new TopologyTestDriver(IngestTopology.build(IngestConfig.defaults(stateDir), topics, serde,
        SpecificAvroSerde.of(ChangeEvent.class, client, AvroSerdeConfig.defaults(), false),
        new IngestMetrics(new SimpleMeterRegistry())), props);
    raw = Map.of(
        "prometheus", driver.createInputTopic(topics.rawPrometheus(), new ByteArraySerializer(), new ByteArraySerializer()),
        "sentry", driver.createInputTopic(topics.rawSentry(), new ByteArraySerializer(), new ByteArraySerializer()),
        "logs", driver.createInputTopic(topics.rawLogs(), new ByteArraySerializer(), new ByteArraySerializer()));
    normalized = driver.createOutputTopic(topics.normalized(), new StringDeserializer(), serde.deserializer());
    dead = driver.createOutputTopic(topics.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
    client.close();
  }

  @Test
  void everyPrometheusAndAlertmanagerFixtureBecomesItsEventsOrADeadLetter() {
    PrometheusNormalizer normalizer = PrometheusNormalizer.withDefaults();
    int events = 0;
    int rejected = 0;
    List<Path> files = new ArrayList<>(files("prometheus", "*.json*"));
    files.addAll(files("prometheus/raw", "*.json"));
    for (Path file : files) {
      String name = file.getFileName().toString();
      String format = name.startsWith("prometheus-to-alertmanager") ? RawHeaders.FORMAT_PROMETHEUS_API
          : name.startsWith("alertmanager-webhook") ? RawHeaders.FORMAT_ALERTMANAGER_WEBHOOK : null;
      Outcome outcome = pipe("prometheus", file, format == null ? Map.of() : Map.of(RawHeaders.FORMAT, format),
          normalizer);
      events += outcome.events;
      rejected += outcome.rejected ? 1 : 0;
    }
    assertThat(events).isGreaterThan(20);
    assertThat(rejected).as("the docs template (not JSON) is rejected").isGreaterThanOrEqualTo(1);
  }

  @Test
  void everySentryFixtureBecomesItsEventsOrADeadLetter() {
    SentryNormalizer normalizer = SentryNormalizer.withDefaults();
    int events = 0;
    for (Path file : files("sentry", "*.json")) {
      String name = file.getFileName().toString();
      Map<String, String> headers = name.startsWith("legacy-")
          ? Map.of(RawHeaders.FORMAT, RawHeaders.FORMAT_SENTRY_LEGACY)
          : Map.of(RawHeaders.FORMAT, RawHeaders.FORMAT_SENTRY,
              RawHeaders.SENTRY_RESOURCE, name.substring(0, name.indexOf('.')));
      events += pipe("sentry", file, headers, normalizer).events;
    }
    assertThat(events).isGreaterThanOrEqualTo(5);
  }

  @Test
  void everyLogFixtureParsesAndItsRejectedPartsAreDeadLettered() {
    LogParser parser = LogParser.defaults();
    int rejectedParts = 0;
    for (Path file : files("logs", "*")) {
      if (file.getFileName().toString().equals("README.md")) {
        continue;
      }
      byte[] body = bytes(file);
      String format = file.getFileName().toString().startsWith("loki.") ? RawHeaders.FORMAT_LOKI_PUSH
          : RawHeaders.FORMAT_LOGS_NDJSON;
      LogParseResult expected = parser.parse(RawRecord.of(topics.rawLogs(), body, Map.of(RawHeaders.FORMAT, format),
          T0.toEpochMilli()));
      raw.get("logs").pipeInput(new TestRecord<>(null, body, headers(Map.of(RawHeaders.FORMAT, format)), T0));
      List<TestRecord<byte[], byte[]>> deadLetters = dead.readRecordsToList();
      assertThat(deadLetters).as(file.toString()).hasSize(expected.rejects().size());
      deadLetters.forEach(d -> assertDeadLetter(d, topics.rawLogs()));
      rejectedParts += deadLetters.size();
    }
    assertThat(rejectedParts).as("the INVALID fixture's bad document is dead-lettered").isGreaterThanOrEqualTo(1);

    // the Elasticsearch ERROR with a Java stack trace is one exception alert, named by its type
    List<AlertEvent> alerts = normalized.readValuesToList();
    assertThat(alerts).isNotEmpty().allSatisfy(a -> assertThat(a.getSource()).isEqualTo(AlertSource.LOGS));
    assertThat(alerts).anySatisfy(a -> assertThat(a.getLabels()).containsKey("exception_type"));
  }

  /** What one fixture gave. */
  private record Outcome(int events, boolean rejected) {
  }

  private Outcome pipe(String source, Path file, Map<String, String> headers, Normalizer normalizer) {
    byte[] body = bytes(file);
    Normalized expected = normalizer.normalize(RawRecord.of(topics.raw().get(0), body, headers, T0.toEpochMilli()));
    raw.get(source).pipeInput(new TestRecord<>(null, body, headers(headers), T0));
    List<TestRecord<String, AlertEvent>> out = normalized.readRecordsToList();
    List<TestRecord<byte[], byte[]>> deadLetters = dead.readRecordsToList();
    String topic = source.equals("prometheus") ? topics.rawPrometheus() : topics.rawSentry();
    if (expected instanceof Normalized.Events events) {
      assertThat(deadLetters).as(file.toString()).isEmpty();
      assertThat(out).as(file.toString()).hasSize(events.events().size());
      for (int i = 0; i < out.size(); i++) {
        AlertEvent want = AlertEvent.newBuilder(events.events().get(i))
            .setOrigin(out.get(i).value().getOrigin()).build();
        assertThat(out.get(i).value()).as(file + " event " + i).isEqualTo(want);
        assertThat(out.get(i).key()).isEqualTo(want.getFingerprint());
        assertThat(out.get(i).value().getOrigin().getTopic()).isEqualTo(topic);
      }
      return new Outcome(out.size(), false);
    }
    assertThat(out).as(file.toString()).isEmpty();
    assertThat(deadLetters).as(file.toString()).singleElement().satisfies(d -> {
      assertThat(d.value()).isEqualTo(body);
      assertThat(new String(d.headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8))
          .isEqualTo(((Normalized.Rejected) expected).reason());
      assertDeadLetter(d, topic);
    });
    return new Outcome(0, true);
  }

  private static void assertDeadLetter(TestRecord<byte[], byte[]> d, String topic) {
    assertThat(d.headers().lastHeader(DeadLetterHeaders.REASON)).isNotNull();
    assertThat(new String(d.headers().lastHeader(DeadLetterHeaders.APP).value(), StandardCharsets.UTF_8))
        .isEqualTo("ingest");
    assertThat(new String(d.headers().lastHeader(DeadLetterHeaders.SOURCE_TOPIC).value(), StandardCharsets.UTF_8))
        .isEqualTo(topic);
    assertThat(d.headers().lastHeader(DeadLetterHeaders.SOURCE_OFFSET)).isNotNull();
  }

  private static RecordHeaders headers(Map<String, String> values) {
    RecordHeaders headers = new RecordHeaders();
    values.forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
    return headers;
  }

  private static byte[] bytes(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> files(String folder, String glob) {
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(FIXTURES.resolve(folder), glob)) {
      stream.forEach(p -> {
        if (Files.isRegularFile(p) && !p.getFileName().toString().endsWith(".headers.txt")
            && !p.getFileName().toString().endsWith(".md")) {
          files.add(p);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    files.sort(null);
    return files;
  }
}
