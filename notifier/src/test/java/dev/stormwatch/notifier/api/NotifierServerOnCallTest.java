package dev.stormwatch.notifier.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stormwatch.avro.oncall.OnCallEntry;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.notifier.NotifierApp;
import dev.stormwatch.notifier.NotifierSettings;
import dev.stormwatch.notifier.oncall.OnCallEntries;
import dev.stormwatch.notifier.oncall.OnCallYaml;
import dev.stormwatch.notifier.topology.NotifierSerdes;
import dev.stormwatch.testkit.KafkaIntegrationTest;
import dev.stormwatch.testkit.KafkaTestEnv;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/oncall} and {@code GET /api/oncall/{schedule}.ics} over real HTTP, answered from a
 * running {@link NotifierApp} whose global store holds the shipped demo file
 * ({@code deploy/config/oncall-demo.yaml}, published as {@code oncall load} does); 503 with
 * {@code Retry-After} once the app is no longer queryable.
 */
@KafkaIntegrationTest
class NotifierServerOnCallTest {

  private static final Path DEMO = Path.of("../deploy/config/oncall-demo.yaml");
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @Test
  void answersWhoIsOnCallAndExportsTheCalendarThen503WhenTheStoreIsGone(KafkaTestEnv kafka) throws Exception {
    Topics topics = new Topics(kafka.uniqueName("oncall-api") + ".");
    for (String t : List.of(topics.escalations(), topics.incidentCommands(), topics.pagesOutbox(),
        topics.deadLetters(), topics.pagesLog())) {
      kafka.createTopic(t, 1);
    }
    kafka.createCompactedTopic(topics.oncall(), 1);
    kafka.createCompactedTopic(topics.topology(), 1);
    SchemaRegistryConfig registry = SchemaRegistryConfig.builder().urls(kafka.registryUrl()).build();
    try (SchemaRegistryClient client = new RestSchemaRegistryClient(registry);
         KafkaProducer<String, OnCallEntry> producer = new KafkaProducer<>(kafka.producerProps(),
             new StringSerializer(), NotifierSerdes.of(client, AvroSerdeConfig.defaults()).oncall().serializer())) {
      for (Map.Entry<String, OnCallEntry> e : OnCallEntries.toEntries(OnCallYaml.read(DEMO), "oncall-demo.yaml",
          Instant.now()).entrySet()) {
        producer.send(new ProducerRecord<>(topics.oncall(), e.getKey(), e.getValue())).get();
      }
    }
    Map<String, Object> overrides = Map.of(
        StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100,
        StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 0,
        StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    NotifierApp app = NotifierApp.start(NotifierSettings.defaults(), kafka.bootstrapServers(), overrides, registry,
        topics, meters, kafka.stateDir().resolve(kafka.uniqueName("s")), kafka.uniqueName("notifier"));
    try (NotifierServer server = NotifierServer.start(
        NotifierServerConfig.defaults().withAddress("127.0.0.1", 0), kafka.bootstrapServers(), Map.of(), registry,
        topics, app::onCallConfig, null, meters, Clock.systemUTC())) {
      URI api = server.url();
      assertThat(app.awaitRunning(DEADLINE)).isTrue();
      await("the demo configuration is queryable").atMost(DEADLINE).until(() ->
          Http.get(api, "/api/oncall?team=platform").statusCode() == 200);

      // one team, at an instant in alice's first week (the rotation starts Monday 2025-01-06 09:00 Berlin)
      HttpResponse<String> week1 = Http.get(api, "/api/oncall?team=platform&at=2025-01-07T12:00:00Z");
      assertThat(week1.statusCode()).isEqualTo(200);
      assertThat(Http.contentType(week1)).startsWith("application/json");
      JsonNode body = Http.json(week1);
      assertThat(body.get("at").asText()).isEqualTo("2025-01-07T12:00:00Z");
      JsonNode platform = body.get("teams").get(0);
      assertThat(platform.get("id").asText()).isEqualTo("platform");
      assertThat(platform.get("policy").asText()).isEqualTo("platform");
      assertThat(platform.get("chat").asText()).isEqualTo("inbox:platform-chat");
      assertThat(platform.get("onCall").findValuesAsText("id")).containsExactly("alice");
      assertThat(platform.get("onCall").get(0).get("timeZone").asText()).isEqualTo("Europe/Berlin");
      assertThat(platform.get("levels").get(0).get("wait").asText()).isEqualTo("PT5M");
      assertThat(platform.get("levels").get(0).get("targets").get(0).get("target").asText())
          .isEqualTo("schedule:platform-primary");
      assertThat(platform.get("levels").get(1).get("people").findValuesAsText("id")).containsExactly("alice", "bob");
      JsonNode primary = body.get("schedules").get(0);
      assertThat(primary.get("id").asText()).isEqualTo("platform-primary");
      assertThat(primary.get("person").get("id").asText()).isEqualTo("alice");
      assertThat(primary.get("source").asText()).isEqualTo("layer");
      assertThat(primary.get("until").asText()).as("the Monday 09:00 Berlin handoff").isEqualTo("2025-01-13T08:00:00Z");

      // all teams, the next week, with an offset time
      JsonNode week2 = Http.json(Http.get(api, "/api/oncall?at=2025-01-14T13:00:00%2B01:00"));
      assertThat(week2.get("at").asText()).isEqualTo("2025-01-14T12:00:00Z");
      assertThat(week2.get("teams")).hasSize(1);
      assertThat(week2.get("teams").get(0).get("onCall").findValuesAsText("id")).containsExactly("bob");
      assertThat(week2.get("schedules").get(0).get("person").get("id").asText()).isEqualTo("bob");
      // before the rotation starts nobody is on call
      JsonNode before = Http.json(Http.get(api, "/api/oncall?at=2024-12-01T00:00:00Z"));
      assertThat(before.get("schedules").get(0).get("person").isNull()).isTrue();
      assertThat(before.get("teams").get(0).get("levels").get(0).get("targets").get(0).get("problem").asText())
          .contains("nobody is on call");

      // bad parameters and unknown teams: one-line JSON errors
      HttpResponse<String> badAt = Http.get(api, "/api/oncall?at=yesterday");
      assertThat(badAt.statusCode()).isEqualTo(400);
      assertThat(Http.error(badAt)).startsWith("at must be an ISO-8601 instant");
      assertThat(badAt.body().strip()).doesNotContain("\n");
      assertThat(Http.get(api, "/api/oncall?at=1969-12-31T23:59:59Z").statusCode()).isEqualTo(400);
      HttpResponse<String> farFuture = Http.get(api, "/api/oncall?at=9998-12-31T23:00:00Z");
      assertThat(farFuture.statusCode()).as(farFuture.body()).isEqualTo(200);
      assertThat(Http.error(Http.get(api, "/api/oncall?taem=platform"))).startsWith("unknown parameter 'taem'");
      HttpResponse<String> unknown = Http.get(api, "/api/oncall?team=payments");
      assertThat(unknown.statusCode()).isEqualTo(404);
      assertThat(Http.error(unknown)).isEqualTo("no team payments");

      // iCalendar
      HttpResponse<String> ics = Http.get(api,
          "/api/oncall/platform-primary.ics?from=2025-01-06T00:00:00Z&to=2025-01-20T00:00:00Z");
      assertThat(ics.statusCode()).isEqualTo(200);
      assertThat(Http.contentType(ics)).startsWith("text/calendar");
      assertThat(ics.headers().firstValue("Content-Disposition")).contains("inline; filename=\"platform-primary.ics\"");
      assertThat(ics.body()).startsWith("BEGIN:VCALENDAR\r\n").endsWith("END:VCALENDAR\r\n")
          .contains("DTSTART:20250106T080000Z\r\nDTEND:20250113T080000Z\r\nSUMMARY:On call: Alice Adams")
          .contains("DTSTART:20250113T080000Z\r\nDTEND:20250120T080000Z\r\nSUMMARY:On call: Bob Brown");
      assertThat(ics.body().split("BEGIN:VEVENT", -1)).hasSize(3);
      assertThat(Http.get(api, "/api/oncall/platform-primary.ics").statusCode()).as("default range").isEqualTo(200);
      assertThat(Http.get(api, "/api/oncall/nights.ics").statusCode()).isEqualTo(404);
      HttpResponse<String> tooLong = Http.get(api,
          "/api/oncall/platform-primary.ics?from=2025-01-01T00:00:00Z&to=2027-01-01T00:00:00Z");
      assertThat(tooLong.statusCode()).isEqualTo(400);
      assertThat(Http.error(tooLong)).contains("366 days");
      assertThat(Http.get(api, "/api/oncall/platform-primary.json").statusCode()).isEqualTo(404);

      // the request meters
      assertThat(meters.get("stormwatch.notifier.api.requests").tag("endpoint", "oncall").tag("outcome", "ok")
          .counter().count()).isGreaterThanOrEqualTo(4);
      assertThat(meters.get("stormwatch.notifier.api.requests").tag("endpoint", "oncall_ics")
          .tag("outcome", "bad_request").counter().count()).isEqualTo(1);

      // the store goes away: 503 with Retry-After, never a hang or a 500
      app.close();
      HttpResponse<String> gone = Http.get(api, "/api/oncall?team=platform");
      assertThat(gone.statusCode()).isEqualTo(503);
      assertThat(gone.headers().firstValue("Retry-After")).contains("1");
      assertThat(Http.error(gone)).startsWith("the on-call configuration is not queryable");
      assertThat(Http.get(api, "/api/oncall/platform-primary.ics").statusCode()).isEqualTo(503);
    } finally {
      app.close();
    }
  }
}
