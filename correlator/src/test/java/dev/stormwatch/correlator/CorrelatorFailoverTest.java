package dev.stormwatch.correlator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.AlertStatus;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.correlator.domain.CorrelatorSettings;
import dev.stormwatch.correlator.query.CommandSink;
import dev.stormwatch.correlator.query.QueryServer;
import dev.stormwatch.correlator.query.QueryServerConfig;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Issue "Correlator", item 11, with the real correlator: two instances of {@link CorrelatorApp},
 * each with its own {@link QueryServer}, on one broker answer every query identically whichever is
 * asked; after one stops, the other serves everything once the rebalance completes.
 */
@KafkaIntegrationTest
class CorrelatorFailoverTest {

  private static final Duration DEADLINE = Duration.ofSeconds(120);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** One correlator instance and its query API. */
  private record Instance(CorrelatorApp app, QueryServer query) implements AutoCloseable {
    String url() {
      return "http://" + query.applicationServer();
    }

    @Override
    public void close() {
      app.close();
      query.close();
    }
  }

  @Test
  void twoInstancesAnswerAlikeAndOneServesAllAfterTheOtherStops(KafkaTestEnv kafka) throws Exception {
    Topics topics = new Topics(kafka.uniqueName("ha") + ".");
    for (String t : List.of(topics.normalized(), topics.incidentCommands(), topics.escalations(),
        topics.deadLetters(), topics.changes())) {
      kafka.createTopic(t, 4);
    }
    kafka.createCompactedTopic(topics.topology(), 1);
    kafka.createCompactedTopic(topics.silences(), 1);
    kafka.createCompactedTopic(topics.incidents(), 4);
    SchemaRegistryConfig registry = SchemaRegistryConfig.builder().urls(kafka.registryUrl()).build();
    String appId = kafka.uniqueName("correlator");
    // services unknown to the (empty) topology: each is its own domain, spread over the partitions
    List<String> services = List.of("alpha", "bravo", "charlie", "delta", "echo", "foxtrot");

    try (SchemaRegistryClient client = new RestSchemaRegistryClient(registry)) {
      CorrelatorSerdes serdes = CorrelatorSerdes.of(client, AvroSerdeConfig.defaults());
      Instance first = start(kafka, registry, topics, appId, 1);
      Instance second = start(kafka, registry, topics, appId, 2);
      try {
        Instant t0 = Instant.now();
        try (KafkaProducer<String, AlertEvent> alerts = new KafkaProducer<>(kafka.producerProps(),
            new StringSerializer(), serdes.alerts().serializer())) {
          for (String service : services) {
            AlertEvent alert = AlertEvent.newBuilder().setFingerprint("fp-" + service).setName("Down")
                .setService(service).setSeverity(Severity.HIGH).setStatus(AlertStatus.FIRING)
                .setStartsAt(t0).setObservedAt(t0).build();
            alerts.send(new ProducerRecord<>(topics.normalized(), alert.getFingerprint(), alert)).get();
          }
        }

        // both instances list the same incidents, one per service, and serve every id alike
        Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
          JsonNode fromFirst = get(first.url() + "/api/incidents?limit=100");
          assertThat(servicesOf(fromFirst)).containsExactlyInAnyOrderElementsOf(services);
          assertThat(get(second.url() + "/api/incidents?limit=100")).isEqualTo(fromFirst);
        });
        List<String> ids = new ArrayList<>();
        get(first.url() + "/api/incidents?limit=100").forEach(i -> ids.add(i.path("id").asText()));
        for (String id : ids) {
          assertThat(get(first.url() + "/api/incidents/" + id)).isEqualTo(get(second.url() + "/api/incidents/" + id));
        }

        // one instance stops; the other serves everything once the rebalance completes
        second.close();
        Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
          assertThat(servicesOf(get(first.url() + "/api/incidents?limit=100")))
              .containsExactlyInAnyOrderElementsOf(services);
          for (String id : ids) {
            assertThat(get(first.url() + "/api/incidents/" + id).path("id").asText()).isEqualTo(id);
          }
        });
      } finally {
        first.close();
        second.close();
      }
    }
  }

  private Instance start(KafkaTestEnv kafka, SchemaRegistryConfig registry, Topics topics, String appId, int n) {
    CommandSink noCommands = command -> {
      throw new UnsupportedOperationException("no commands in this test");
    };
    QueryServer query = QueryServer.start(QueryServerConfig.defaults().withAddress("127.0.0.1", 0, "127.0.0.1"),
        new SimpleMeterRegistry(), noCommands, Clock.systemUTC());
    Map<String, Object> overrides = Map.of(
        StreamsConfig.APPLICATION_SERVER_CONFIG, query.applicationServer(),
        StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100,
        StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    CorrelatorApp app = CorrelatorApp.start(CorrelatorSettings.defaults(), Duration.ofSeconds(1),
        kafka.bootstrapServers(), overrides, registry, topics, new SimpleMeterRegistry(),
        kafka.stateDir().resolve("instance-" + n), appId);
    query.attach(app.streams());
    return new Instance(app, query);
  }

  /** The body of a 200 answer; anything else (503 during a rebalance) fails this poll. */
  private JsonNode get(String url) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url + " -> " + response.body()).isIn(200, 503);
    if (response.statusCode() == 503) {
      assertThat(response.headers().firstValue("Retry-After")).isPresent();
    }
    assertThat(response.statusCode()).as(url).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static Set<String> servicesOf(JsonNode incidents) {
    Set<String> services = new TreeSet<>();
    incidents.forEach(i -> i.path("services").forEach(s -> services.add(s.asText())));
    return services;
  }
}
