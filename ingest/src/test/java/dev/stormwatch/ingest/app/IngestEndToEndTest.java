package dev.stormwatch.ingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.common.kafka.DeadLetterHeaders;
import dev.stormwatch.common.kafka.TopicProvisioner;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.serde.SpecificAvroSerde;
import dev.stormwatch.ingest.IngestApp;
import dev.stormwatch.ingest.IngestConfig;
import dev.stormwatch.ingest.gateway.Gateway;
import dev.stormwatch.ingest.gateway.GatewayConfig;
import dev.stormwatch.ingest.normalize.Normalized;
import dev.stormwatch.ingest.normalize.Normalizer;
import dev.stormwatch.ingest.normalize.prometheus.PrometheusNormalizer;
import dev.stormwatch.ingest.normalize.sentry.SentryNormalizer;
import dev.stormwatch.ingest.raw.RawHeaders;
import dev.stormwatch.ingest.raw.RawRecord;
import dev.stormwatch.testkit.KafkaIntegrationTest;
import dev.stormwatch.testkit.KafkaTestEnv;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Issue "Ingest", item 10, end to end on the real in-process broker and registry: every
 * Prometheus, Alertmanager and Sentry fixture POSTed to the gateway comes out of ingest as the
 * expected AlertEvents on {@code alerts.normalized}, read back through the registry serde; what
 * cannot be normalized lands in the dead-letter topic with its reason; a Sentry webhook with a bad
 * signature is refused and writes nothing.
 */
@KafkaIntegrationTest
class IngestEndToEndTest {

  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final String SECRET = "e2e-client-secret";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** One POST and what the normalizer makes of exactly those bytes. */
  private record Sent(String name, List<AlertEvent> expected, boolean rejected) {
  }

  @Test
  void fixturesPostedToTheGatewayComeOutNormalizedOrDeadLettered(KafkaTestEnv kafka) throws Exception {
    Topics topics = new Topics(kafka.uniqueName("e2e") + ".");
    TopicProvisioner.ensure(kafka.adminClient(), topics, 2, (short) 1, DEADLINE);
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SchemaRegistryConfig registryConfig = SchemaRegistryConfig.builder().urls(kafka.registryUrl()).build();
    IngestConfig config = IngestConfig.defaults(kafka.stateDir()).withApplicationId(kafka.uniqueName("ingest"));

    try (IngestApp ingest = IngestApp.start(config, kafka.bootstrapServers(), Map.of(), registryConfig, topics, meters);
         Gateway gateway = Gateway.start(GatewayConfig.builder(kafka.bootstrapServers()).port(0).topics(topics)
             .sentryClientSecret(SECRET).build(), meters);
         SchemaRegistryClient client = new RestSchemaRegistryClient(registryConfig);
         SpecificAvroSerde<AlertEvent> serde = SpecificAvroSerde.of(AlertEvent.class, client,
             AvroSerdeConfig.defaults(), false)) {
      assertThat(ingest.awaitRunning(DEADLINE)).isTrue();
      List<Sent> sent = new ArrayList<>();
      PrometheusNormalizer prometheus = PrometheusNormalizer.withDefaults();
      SentryNormalizer sentry = SentryNormalizer.withDefaults();

      for (Path file : fixtures("prometheus", "prometheus-to-alertmanager-v2-alerts*.json")) {
        sent.add(post(gateway, "/api/v2/alerts", file, Map.of(), prometheus, RawHeaders.FORMAT_PROMETHEUS_API, null));
      }
      for (Path file : fixtures("prometheus", "alertmanager-webhook-*.json")) {
        sent.add(post(gateway, "/webhooks/alertmanager", file, Map.of(), prometheus,
            RawHeaders.FORMAT_ALERTMANAGER_WEBHOOK, null));
      }
      for (Path file : fixtures("sentry", "*.json")) {
        String name = file.getFileName().toString();
        String resource = name.startsWith("legacy-") ? null : name.substring(0, name.indexOf('.'));
        // the legacy plugin cannot sign, so it is sent before a secret matters: see below
        if (resource == null) {
          continue;
        }
        sent.add(post(gateway, "/webhooks/sentry", file, Map.of("Sentry-Hook-Resource", resource,
            "Sentry-Hook-Signature", sign(Files.readAllBytes(file))), sentry, RawHeaders.FORMAT_SENTRY, resource));
      }

      // a forged signature is refused, and nothing of it reaches Kafka
      byte[] forged = Files.readAllBytes(fixtures("sentry", "issue.created.docs.json").get(0));
      HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.url() + "/webhooks/sentry"))
          .header("Content-Type", "application/json").header("Sentry-Hook-Resource", "issue")
          .header("Sentry-Hook-Signature", sign("something else".getBytes(StandardCharsets.UTF_8)))
          .POST(HttpRequest.BodyPublishers.ofByteArray(forged)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(refused.statusCode()).isEqualTo(401);

      List<AlertEvent> expected = sent.stream().flatMap(s -> s.expected().stream()).toList();
      long rejected = sent.stream().filter(Sent::rejected).count();
      assertThat(expected).as("the fixtures yield events").hasSizeGreaterThan(20);

      List<AlertEvent> out = kafka.consumeUntil(topics.normalized(), expected.size(), DEADLINE,
          new StringDeserializer(), serde.deserializer()).stream().map(ConsumerRecord::value).toList();
      kafka.awaitCommitted(config.applicationId(), topics.rawPrometheus(), DEADLINE);
      kafka.awaitCommitted(config.applicationId(), topics.rawSentry(), DEADLINE);
      List<ConsumerRecord<String, AlertEvent>> all = kafka.consumeAll(topics.normalized(), DEADLINE,
          new StringDeserializer(), serde.deserializer());
      assertThat(all).as("exactly the expected events, nothing doubled").hasSize(expected.size());
      assertThat(out.stream().map(IngestEndToEndTest::comparable).toList())
          .containsExactlyInAnyOrderElementsOf(expected.stream().map(IngestEndToEndTest::comparable).toList());
      assertThat(all).allSatisfy(r -> assertThat(r.key()).isEqualTo(r.value().getFingerprint()));
      assertThat(out).allSatisfy(e -> assertThat(e.getOrigin()).isNotNull());

      List<ConsumerRecord<byte[], byte[]>> dead = kafka.consumeAll(topics.deadLetters(), DEADLINE,
          new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
          new org.apache.kafka.common.serialization.ByteArrayDeserializer());
      assertThat(dead).as("each rejected fixture is one dead letter").hasSize((int) rejected);
      assertThat(dead).allSatisfy(d -> {
        assertThat(d.headers().lastHeader(DeadLetterHeaders.REASON)).isNotNull();
        assertThat(new String(d.headers().lastHeader(DeadLetterHeaders.SOURCE_TOPIC).value(), StandardCharsets.UTF_8))
            .startsWith(topics.prefix() + "alerts.raw.");
      });

      String metrics = meters.scrape();
      assertThat(metrics).contains("stormwatch_ingest_events_total{source=\"prometheus\"}")
          .contains("kafka_stream_");
    }
  }

  /**
   * The fields that must match; observedAt and origin depend on when and where the bytes were
   * stored, and so does startsAt when the payload's own time was unreadable (it is the receive time).
   */
  private static String comparable(AlertEvent e) {
    boolean receiveTime = e.getAnnotations().containsKey(SentryNormalizer.UNPARSED_TIMESTAMPS);
    return String.join("|", e.getFingerprint(), e.getStatus().name(), e.getService(), e.getSeverity().name(),
        e.getName(), receiveTime ? "receive-time" : String.valueOf(e.getStartsAt()), e.getSource().name(), String.valueOf(e.getSourceFormat()),
        String.valueOf(new java.util.TreeMap<>(e.getLabels())), String.valueOf(e.getSummary()),
        String.valueOf(e.getLinks()));
  }

  private static Sent post(Gateway gateway, String path, Path file, Map<String, String> headers,
                           Normalizer normalizer, String format, String sentryResource)
      throws IOException, InterruptedException {
    byte[] body = Files.readAllBytes(file);
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway.url() + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(request::header);
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(file.getFileName().toString()).isEqualTo(200);

    Map<String, String> raw = sentryResource == null ? Map.of(RawHeaders.FORMAT, format)
        : Map.of(RawHeaders.FORMAT, format, RawHeaders.SENTRY_RESOURCE, sentryResource);
    Normalized normalized = normalizer.normalize(RawRecord.of("direct", body, raw, System.currentTimeMillis()));
    return normalized instanceof Normalized.Events events
        ? new Sent(file.getFileName().toString(), events.events(), false)
        : new Sent(file.getFileName().toString(), List.of(), true);
  }

  private static String sign(byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(body));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Path> fixtures(String folder, String glob) {
    Path dir = Path.of("src/test/resources/fixtures").resolve(folder);
    List<Path> files = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, glob)) {
      stream.forEach(files::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    files.sort(null);
    return files;
  }
}
