package dev.stormwatch.correlator.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.AlertStatus;
import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.EscalationKind;
import dev.stormwatch.avro.IncidentCommand;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.avro.Silence;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.serde.SpecificAvroSerde;
import dev.stormwatch.correlator.CorrelatorApp;
import dev.stormwatch.correlator.domain.CorrelatorSettings;
import dev.stormwatch.correlator.rules.RulesSettings;
import dev.stormwatch.correlator.topology.CorrelatorSerdes;
import dev.stormwatch.testkit.KafkaIntegrationTest;
import dev.stormwatch.testkit.KafkaTestEnv;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The silences API on the in-process broker, against the running correlator: a silence POSTed to
 * the query API is written to the {@code silences} topic, shows in {@code GET /api/silences} once the
 * global store has it, and an alert matching it is marked suppressed in its incident and does not
 * page; expiring it with {@code DELETE} lets the incident page.
 */
@KafkaIntegrationTest
class SilencesApiIntegrationTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String TOKEN = "s3cret";

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void aSilencePostedToTheApiMutesAMatchingAlertUntilItIsExpired(KafkaTestEnv kafka) throws Exception {
    Topics topics = new Topics(kafka.uniqueName("silences") + ".");
    for (String t : List.of(topics.normalized(), topics.incidentCommands(), topics.escalations(),
        topics.deadLetters(), topics.changes())) {
      kafka.createTopic(t, 2);
    }
    kafka.createCompactedTopic(topics.topology(), 1);
    kafka.createCompactedTopic(topics.silences(), 1);
    kafka.createCompactedTopic(topics.incidents(), 2);
    SchemaRegistryConfig registry = SchemaRegistryConfig.builder().urls(kafka.registryUrl()).build();
    try (SchemaRegistryClient client = new RestSchemaRegistryClient(registry)) {
      CorrelatorSerdes serdes = CorrelatorSerdes.of(client, AvroSerdeConfig.defaults());
      SpecificAvroSerde<IncidentCommand> commandSerde = new SpecificAvroSerde<>(IncidentCommand.class);
      commandSerde.configure(kafka.serdeConfig(), false);
      SpecificAvroSerde<Silence> silenceSerde = new SpecificAvroSerde<>(Silence.class);
      silenceSerde.configure(kafka.serdeConfig(), false);
      try (KafkaCommandSink commands = new KafkaCommandSink(kafka.producerProps(), topics.incidentCommands(),
               commandSerde.serializer(), Duration.ofSeconds(10));
           KafkaSilenceSink silences = new KafkaSilenceSink(kafka.producerProps(), topics.silences(),
               silenceSerde.serializer(), Duration.ofSeconds(10));
           QueryServer query = QueryServer.start(QueryServerConfig.defaults()
                   .withAddress("127.0.0.1", 0, "127.0.0.1").withBearerToken(TOKEN), new SimpleMeterRegistry(),
               commands, silences, Clock.systemUTC())) {
        CorrelatorSettings settings = CorrelatorSettings.fromTree(json.readTree("{\"group-wait\": \"1s\"}"));
        Map<String, Object> overrides = Map.of(
            StreamsConfig.APPLICATION_SERVER_CONFIG, query.applicationServer(),
            StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100,
            StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0,
            StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        try (CorrelatorApp app = CorrelatorApp.start(settings, RulesSettings.defaults(), Duration.ofMillis(200),
            kafka.bootstrapServers(), overrides, registry, topics, new SimpleMeterRegistry(),
            kafka.stateDir().resolve(kafka.uniqueName("s")), kafka.uniqueName("correlator"))) {
          query.attach(app.streams());
          assertThat(app.awaitRunning(DEADLINE)).isTrue();
          String api = "http://127.0.0.1:" + query.port();

          // bad input: one line each; no token: 401
          String body = "{\"matchers\": \"{service=\\\"checkout\\\"}\", \"duration\": \"2h\", \"author\": \"alice\","
              + " \"comment\": \"deploy window\"}";
          assertThat(send("POST", api + "/api/silences", body, null).statusCode()).isEqualTo(401);
          HttpResponse<String> badRegex = send("POST", api + "/api/silences",
              "{\"matchers\": [{\"name\": \"service\", \"op\": \"=~\", \"value\": \"(checkout\"}], \"duration\": \"1h\"}",
              TOKEN);
          assertThat(badRegex.statusCode()).isEqualTo(400);
          assertThat(badRegex.body().strip()).startsWith("invalid regular expression").doesNotContain("\n");
          HttpResponse<String> noEnd = send("POST", api + "/api/silences",
              "{\"matchers\": \"{service=\\\"checkout\\\"}\"}", TOKEN);
          assertThat(noEnd.statusCode()).isEqualTo(400);
          assertThat(noEnd.body().strip()).isEqualTo("endsAt or duration is required");
          HttpResponse<String> badZone = send("POST", api + "/api/silences", "{\"matchers\": \"{service=\\\"x\\\"}\","
              + " \"recurrence\": {\"days\": [\"MON\"], \"startTime\": \"02:00\", \"duration\": \"2h\","
              + " \"timeZone\": \"Europe/Berln\"}}", TOKEN);
          assertThat(badZone.statusCode()).isEqualTo(400);
          assertThat(badZone.body()).contains("unknown time zone 'Europe/Berln'");

          // a silence: written, then visible from the global store
          HttpResponse<String> created = send("POST", api + "/api/silences", body, TOKEN);
          assertThat(created.statusCode()).as(created.body()).isEqualTo(202);
          String id = json.readTree(created.body()).get("id").asText();
          assertThat(json.readTree(created.body()).get("matchersText").asText()).isEqualTo("{service=\"checkout\"}");
          Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            JsonNode list = getJson(api + "/api/silences");
            assertThat(list).anySatisfy(s -> {
              assertThat(s.get("id").asText()).isEqualTo(id);
              assertThat(s.get("state").asText()).isEqualTo("active");
              assertThat(s.get("author").asText()).isEqualTo("alice");
            });
          });
          assertThat(getJson(api + "/api/silences/" + id).get("comment").asText()).isEqualTo("deploy window");
          assertThat(send("GET", api + "/api/silences/no-such", null, null).statusCode()).isEqualTo(404);

          // an alert on the silenced service: in its incident, marked, no page
          Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
          try (KafkaProducer<String, AlertEvent> alerts = new KafkaProducer<>(kafka.producerProps(),
              new StringSerializer(), serdes.alerts().serializer())) {
            AlertEvent alert = AlertEvent.newBuilder().setFingerprint("fp-checkout").setName("HighErrorRate")
                .setService("checkout").setSeverity(Severity.CRITICAL).setStatus(AlertStatus.FIRING)
                .setLabels(Map.of("service", "checkout")).setStartsAt(t0).setObservedAt(t0).build();
            alerts.send(new ProducerRecord<>(topics.normalized(), alert.getFingerprint(), alert)).get();
          }
          Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            JsonNode incidents = getJson(api + "/api/incidents");
            assertThat(incidents).hasSize(1);
            assertThat(incidents.get(0).get("alerts")).hasSize(1);
            JsonNode alert = incidents.get(0).get("alerts").get(0);
            assertThat(alert.get("suppressed").asBoolean()).isTrue();
            assertThat(alert.get("suppressedBy").asText()).isEqualTo("silence:" + id);
            assertThat(incidents.get(0).get("suppressed").asBoolean()).isTrue();
          });
          // the statistics' window store is written in the same task, but read on its own
          Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            JsonNode stats = getJson(api + "/api/stats");
            assertThat(stats.get("incidents").asInt()).isEqualTo(1);
            assertThat(stats.at("/bySeverity/critical").asInt()).isEqualTo(1);
          });
          assertThat(send("GET", api + "/api/stats?from=yesterday", null, null).statusCode()).isEqualTo(400);

          // expire it: kept for the record, listed only with all=true; the incident pages now
          assertThat(send("DELETE", api + "/api/silences/" + id, null, null).statusCode()).isEqualTo(401);
          HttpResponse<String> expired = send("DELETE", api + "/api/silences/" + id, null, TOKEN);
          assertThat(expired.statusCode()).as(expired.body()).isEqualTo(200);
          assertThat(json.readTree(expired.body()).get("state").asText()).isEqualTo("expired");
          Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(getJson(api + "/api/silences")).noneMatch(s -> s.get("id").asText().equals(id));
            assertThat(getJson(api + "/api/silences?all=true")).anyMatch(s -> s.get("id").asText().equals(id)
                && s.get("state").asText().equals("expired"));
          });
          List<EscalationEvent> pages = kafka.consumeUntil(topics.escalations(), 1, DEADLINE,
              new StringDeserializer(), serdes.escalations().deserializer()).stream().map(r -> r.value()).toList();
          assertThat(pages).extracting(EscalationEvent::getKind).containsExactly(EscalationKind.OPENED);
          assertThat(pages.get(0).getAt()).isAfter(t0.plusSeconds(1));
          JsonNode alert = getJson(api + "/api/incidents").get(0).get("alerts").get(0);
          assertThat(alert.get("suppressed").asBoolean()).isFalse();
        }
      }
    }
  }

  private HttpResponse<String> send(String method, String url, String body, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** A GET that must answer 200 (503 while the app is still settling counts as not yet). */
  private JsonNode getJson(String url) throws Exception {
    HttpResponse<String> r = send("GET", url, null, null);
    assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
    return json.readTree(r.body());
  }
}
