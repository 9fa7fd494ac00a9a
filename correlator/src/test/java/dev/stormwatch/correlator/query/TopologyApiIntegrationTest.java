package dev.stormwatch.correlator.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stormwatch.avro.ServiceKind;
import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.SpecificAvroSerde;
import dev.stormwatch.correlator.CorrelatorApp;
import dev.stormwatch.correlator.domain.CorrelatorSettings;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * {@code GET /api/topology} and the graph part of {@code GET /api/services/{name}} over the real
 * correlator's global store, fed through {@code topology.services}: the graph is listed by name,
 * limited on request, a tombstone removes a service, and a service's dependencies and dependents
 * come from it.
 */
@KafkaIntegrationTest
class TopologyApiIntegrationTest {

  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void theGraphIsListedAndEachServiceKnowsItsDependenciesAndDependents(KafkaTestEnv kafka) throws Exception {
    Topics topics = new Topics(kafka.uniqueName("topo-api") + ".");
    for (String t : List.of(topics.normalized(), topics.incidentCommands(), topics.escalations(),
        topics.deadLetters(), topics.changes())) {
      kafka.createTopic(t, 2);
    }
    kafka.createCompactedTopic(topics.topology(), 1);
    kafka.createCompactedTopic(topics.silences(), 1);
    kafka.createCompactedTopic(topics.incidents(), 2);
    SchemaRegistryConfig registry = SchemaRegistryConfig.builder().urls(kafka.registryUrl()).build();

    publish(kafka, topics.topology(), List.of(
        node("frontend", ServiceKind.FRONTEND, "web-team", List.of("checkout", "cart")),
        node("checkout", ServiceKind.SERVICE, "checkout-team", List.of("cart", "payment")),
        node("cart", ServiceKind.SERVICE, null, List.of("redis")),
        node("redis", ServiceKind.CACHE, "platform", List.of()),
        node("payment", ServiceKind.SERVICE, null, List.of())));

    QueryServer query = QueryServer.start(QueryServerConfig.defaults().withAddress("127.0.0.1", 0, "127.0.0.1"),
        new SimpleMeterRegistry(), command -> {
          throw new UnsupportedOperationException("no commands in this test");
        }, Clock.systemUTC());
    CorrelatorApp app = CorrelatorApp.start(CorrelatorSettings.defaults(), Duration.ofSeconds(1),
        kafka.bootstrapServers(), Map.of(StreamsConfig.APPLICATION_SERVER_CONFIG, query.applicationServer(),
            StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest"),
        registry, topics, new SimpleMeterRegistry(), kafka.stateDir().resolve("topology-api"), kafka.uniqueName("app"));
    String url = "http://" + query.applicationServer();
    try (query; app) {
      query.attach(app.streams());
      Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
          assertThat(names(ok(url + "/api/topology"))).hasSize(5));

      JsonNode graph = ok(url + "/api/topology");
      assertThat(names(graph)).containsExactly("cart", "checkout", "frontend", "payment", "redis");
      assertThat(graph.get("count").asInt()).isEqualTo(5);
      assertThat(graph.get("truncated").asBoolean()).isFalse();
      JsonNode frontend = graph.get("services").get(2);
      assertThat(frontend.get("kind").asText()).isEqualTo("frontend");
      assertThat(frontend.get("owner").asText()).isEqualTo("web-team");
      assertThat(frontend.get("dependsOn")).extracting(JsonNode::asText).containsExactly("checkout", "cart");
      assertThat(frontend.get("topology").asText()).isEqualTo("shop");
      assertThat(frontend.get("labels").get("language").asText()).isEqualTo("Go");

      JsonNode two = ok(url + "/api/topology?limit=2");
      assertThat(names(two)).containsExactly("cart", "checkout");
      assertThat(two.get("truncated").asBoolean()).isTrue();
      HttpResponse<String> bad = get(url + "/api/topology?limit=0");
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).isEqualTo("limit must be an integer 1..50000, was '0'\n");

      JsonNode cart = ok(url + "/api/services/cart");
      assertThat(cart.get("known").asBoolean()).isTrue();
      assertThat(cart.get("kind").asText()).isEqualTo("service");
      assertThat(cart.get("dependsOn")).extracting(JsonNode::asText).containsExactly("redis");
      assertThat(cart.get("dependents")).extracting(JsonNode::asText).containsExactly("checkout", "frontend");
      assertThat(cart.get("openIncidents")).isEmpty();

      // a tombstone removes payment from the graph; checkout still names it, so it has a dependent
      try (KafkaProducer<String, ServiceNode> producer = producer(kafka)) {
        producer.send(new ProducerRecord<>(topics.topology(), "payment", null)).get();
      }
      Awaitility.await().atMost(DEADLINE).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
          assertThat(names(ok(url + "/api/topology"))).containsExactly("cart", "checkout", "frontend", "redis"));
      JsonNode payment = ok(url + "/api/services/payment");
      assertThat(payment.get("known").asBoolean()).isFalse();
      assertThat(payment.get("dependsOn")).isEmpty();
      assertThat(payment.get("dependents")).extracting(JsonNode::asText).containsExactly("checkout");
    }
  }

  private static ServiceNode node(String name, ServiceKind kind, String owner, List<String> dependsOn) {
    return ServiceNode.newBuilder().setName(name).setKind(kind).setOwner(owner).setDependsOn(new ArrayList<>(dependsOn))
        .setTopology("shop").setLabels(name.equals("frontend") ? Map.of("language", "Go") : Map.of())
        .setUpdatedAt(Instant.parse("2026-03-01T10:00:00Z")).build();
  }

  private static KafkaProducer<String, ServiceNode> producer(KafkaTestEnv kafka) {
    SpecificAvroSerde<ServiceNode> serde = new SpecificAvroSerde<>(ServiceNode.class);
    serde.configure(kafka.serdeConfig(), false);
    return new KafkaProducer<>(kafka.producerProps(), new StringSerializer(), serde.serializer());
  }

  private static void publish(KafkaTestEnv kafka, String topic, List<ServiceNode> nodes) throws Exception {
    try (KafkaProducer<String, ServiceNode> producer = producer(kafka)) {
      for (ServiceNode n : nodes) {
        producer.send(new ProducerRecord<>(topic, n.getName(), n)).get();
      }
    }
  }

  private static List<String> names(JsonNode graph) {
    List<String> names = new ArrayList<>();
    graph.get("services").forEach(s -> names.add(s.get("name").asText()));
    return names;
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** The body of a 200; a 503 (still starting) fails this poll. */
  private JsonNode ok(String url) throws Exception {
    HttpResponse<String> response = get(url);
    assertThat(response.statusCode()).as(url + " -> " + response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }
}
