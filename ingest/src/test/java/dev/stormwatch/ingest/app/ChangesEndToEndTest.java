package dev.stormwatch.ingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.ChangeEvent;
import dev.stormwatch.avro.ChangeKind;
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
import dev.stormwatch.ingest.changes.PagerDutyChangeNormalizer;
import dev.stormwatch.ingest.gateway.Gateway;
import dev.stormwatch.ingest.gateway.GatewayConfig;
import dev.stormwatch.ingest.normalize.NormalizeConfig;
import dev.stormwatch.testkit.KafkaIntegrationTest;
import dev.stormwatch.testkit.KafkaTestEnv;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Issue 5, item 1, end to end on the real in-process broker and registry: changes POSTed to the
 * gateway as Stormwatch JSON and as PagerDuty Change Events v2 come out of ingest as ChangeEvents
 * on {@code changes.events}, keyed by service and read back through the registry serde; a retried
 * POST gives the same id; a bad record produced straight to {@code changes.raw} is dead-lettered.
 */
@KafkaIntegrationTest
class ChangesEndToEndTest {

  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final Path FIXTURES = Path.of("src/test/resources/fixtures/changes");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @Test
  void changesPostedToTheGatewayComeOutOnChangesEventsKeyedByService(KafkaTestEnv kafka) throws Exception {
    Topics topics = new Topics(kafka.uniqueName("e2e-changes") + ".");
    TopicProvisioner.ensure(kafka.adminClient(), topics, 2, (short) 1, DEADLINE);
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    SchemaRegistryConfig registryConfig = SchemaRegistryConfig.builder().urls(kafka.registryUrl()).build();
    IngestConfig config = IngestConfig.defaults(kafka.stateDir()).withApplicationId(kafka.uniqueName("ingest"))
        .withNormalize(NormalizeConfig.fromMap(Map.of("pagerduty",
            Map.of("routing-keys", Map.of("737ea619db564d41bd9824063e1f6b08", "payments")))));

    try (IngestApp ingest = IngestApp.start(config, kafka.bootstrapServers(), Map.of(), registryConfig, topics, meters);
         Gateway gateway = Gateway.start(GatewayConfig.builder(kafka.bootstrapServers()).port(0).topics(topics).build(),
             meters);
         SchemaRegistryClient client = new RestSchemaRegistryClient(registryConfig);
         SpecificAvroSerde<ChangeEvent> serde = SpecificAvroSerde.of(ChangeEvent.class, client,
             AvroSerdeConfig.defaults(), false)) {
      assertThat(ingest.awaitRunning(DEADLINE)).isTrue();

      String retried = "{\"service\":\"search\",\"version\":\"7.1\",\"summary\":\"reindex\"}";
      assertThat(post(gateway, "/api/changes", Files.readAllBytes(FIXTURES.resolve("stormwatch.deploy.json"))))
          .isEqualTo(202);
      assertThat(post(gateway, "/api/changes", Files.readAllBytes(FIXTURES.resolve("stormwatch.batch.json"))))
          .isEqualTo(202);
      assertThat(post(gateway, "/api/changes", retried.getBytes(StandardCharsets.UTF_8))).isEqualTo(202);
      assertThat(post(gateway, "/api/changes", retried.getBytes(StandardCharsets.UTF_8))).isEqualTo(202);
      for (String file : List.of("developer-docs", "build.api-schema-example", "git.api-schema-example")) {
        assertThat(post(gateway, "/v2/change/enqueue",
            Files.readAllBytes(FIXTURES.resolve("pagerduty.change-events-v2." + file + ".json")))).isEqualTo(202);
      }
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProps(),
          new ByteArraySerializer(), new ByteArraySerializer())) {
        producer.send(new ProducerRecord<>(topics.rawChanges(), "{\"kind\":\"deploy\"}".getBytes(StandardCharsets.UTF_8)))
            .get();
      }

      List<ConsumerRecord<String, ChangeEvent>> out = kafka.consumeUntil(topics.changes(), 9, DEADLINE,
          new StringDeserializer(), serde.deserializer());
      kafka.awaitCommitted(config.applicationId(), topics.rawChanges(), DEADLINE);
      List<ConsumerRecord<String, ChangeEvent>> all = kafka.consumeAll(topics.changes(), DEADLINE,
          new StringDeserializer(), serde.deserializer());
      assertThat(all).as("one record per change, nothing doubled").hasSize(9);
      assertThat(out).allSatisfy(r -> assertThat(r.key()).isEqualTo(r.value().getService()));
      Map<String, List<ChangeEvent>> byService = out.stream().map(ConsumerRecord::value)
          .collect(Collectors.groupingBy(ChangeEvent::getService));
      assertThat(byService.keySet()).containsExactlyInAnyOrder("checkout", "payments", "frontend", "cart", "search",
          "acme-build-pipeline-tool-default-i-9999", "git");
      assertThat(byService.get("search")).as("a retried POST is the same change").hasSize(2)
          .extracting(ChangeEvent::getId).containsOnly(byService.get("search").get(0).getId());
      assertThat(byService.get("payments")).extracting(ChangeEvent::getOrigin)
          .containsExactlyInAnyOrder("api", PagerDutyChangeNormalizer.ORIGIN);
      ChangeEvent checkout = byService.get("checkout").get(0);
      assertThat(checkout.getKind()).isEqualTo(ChangeKind.DEPLOY);
      assertThat(checkout.getTime()).isEqualTo(Instant.parse("2026-11-27T15:04:05Z"));
      Map<String, Long> timestamps = out.stream().collect(Collectors.toMap(r -> r.value().getId(),
          ConsumerRecord::timestamp, (a, b) -> a));
      assertThat(timestamps.get(checkout.getId())).as("record time = change time")
          .isEqualTo(checkout.getTime().toEpochMilli());

      List<ConsumerRecord<byte[], byte[]>> dead = kafka.consumeAll(topics.deadLetters(), DEADLINE,
          new ByteArrayDeserializer(), new ByteArrayDeserializer());
      assertThat(dead).singleElement().satisfies(d -> {
        assertThat(new String(d.headers().lastHeader(DeadLetterHeaders.REASON).value(), StandardCharsets.UTF_8))
            .isEqualTo("service: missing");
        assertThat(new String(d.headers().lastHeader(DeadLetterHeaders.SOURCE_TOPIC).value(), StandardCharsets.UTF_8))
            .isEqualTo(topics.rawChanges());
      });
      assertThat(meters.scrape()).contains("stormwatch_ingest_events_total{source=\"changes\"} 9.0");
    }
  }

  private static int post(Gateway gateway, String path, byte[] body) throws Exception {
    HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(gateway.url() + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    return response.statusCode();
  }
}
