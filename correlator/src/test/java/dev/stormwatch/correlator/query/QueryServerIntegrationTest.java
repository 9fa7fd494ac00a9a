package dev.stormwatch.correlator.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stormwatch.avro.Incident;
import dev.stormwatch.avro.IncidentCommand;
import dev.stormwatch.avro.IncidentStatus;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.common.serde.SpecificAvroSerde;
import dev.stormwatch.correlator.domain.Correlator;
import dev.stormwatch.testkit.KafkaIntegrationTest;
import dev.stormwatch.testkit.KafkaTestEnv;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two Kafka Streams instances of a small topology laid out like the correlator's (incidents
 * partitioned by domain, stored under their id), each with its own query server: every query
 * answers the same whichever instance is asked; after one stops, the other answers everything.
 */
@KafkaIntegrationTest
class QueryServerIntegrationTest {

  private static final int PARTITIONS = 4;
  private static final int INCIDENTS = 12;
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");

  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<AutoCloseable> closeLast = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeLast.size() - 1; i >= 0; i--) {
      closeLast.get(i).close();
    }
  }

  @Test
  void everyInstanceAnswersAlikeAndTheSurvivorAnswersEverythingAfterTheOtherStops(KafkaTestEnv kafka)
      throws Exception {
    String input = kafka.createTopic(kafka.uniqueName("incidents-by-domain"), PARTITIONS);
    String commandsTopic = kafka.createTopic(kafka.uniqueName("commands"), PARTITIONS);
    String app = kafka.uniqueName("query-it");
    List<String> ids = produceIncidents(kafka, input);

    SpecificAvroSerde<IncidentCommand> commandSerde = new SpecificAvroSerde<>(IncidentCommand.class);
    commandSerde.configure(kafka.serdeConfig(), false);
    KafkaCommandSink sink = new KafkaCommandSink(kafka.producerProps(), commandsTopic, commandSerde.serializer(),
        Duration.ofSeconds(10));
    closeLast.add(sink);

    Instance a = start(kafka, app, input, sink, "a");
    Instance b = start(kafka, app, input, sink, "b");
    List<String> both = List.of(a.url(), b.url());

    // wait until both instances answer the full list
    for (String url : both) {
      awaitOk(url + "/api/incidents?limit=1000", body -> body.size() == INCIDENTS);
    }

    // lists: the same from either instance, newest first, filters and limit applied
    String listA = get(a.url() + "/api/incidents?limit=1000").body();
    assertThat(get(b.url() + "/api/incidents?limit=1000").body()).isEqualTo(listA);
    JsonNode list = json.readTree(listA);
    for (int i = 1; i < list.size(); i++) {
      assertThat(Instant.parse(list.get(i - 1).get("openedAt").asText()))
          .isAfter(Instant.parse(list.get(i).get("openedAt").asText()));
    }
    assertThat(list.get(0).get("status").asText()).isIn("OPEN", "RESOLVED");
    assertThat(list.get(0).get("firstAlertAt").asText()).endsWith("Z");
    String five = get(a.url() + "/api/incidents?limit=5").body();
    assertThat(json.readTree(five)).hasSize(5);
    assertThat(get(b.url() + "/api/incidents?limit=5").body()).isEqualTo(five);
    String open = get(a.url() + "/api/incidents?status=open").body();
    assertThat(json.readTree(open)).hasSize(INCIDENTS / 2);
    assertThat(get(b.url() + "/api/incidents?status=OPEN").body()).isEqualTo(open);
    assertThat(get(a.url() + "/api/services/svc-0").body()).isEqualTo(get(b.url() + "/api/services/svc-0").body());
    assertThat(json.readTree(get(a.url() + "/api/services/svc-0").body()).get("openIncidents")).isNotEmpty();

    // by id: each instance answers every id, whether it owns it or forwards
    for (String id : ids) {
      HttpResponse<String> fromA = get(a.url() + "/api/incidents/" + id);
      HttpResponse<String> fromB = get(b.url() + "/api/incidents/" + id);
      assertThat(fromA.statusCode()).as(id).isEqualTo(200);
      assertThat(fromB.body()).isEqualTo(fromA.body());
      assertThat(json.readTree(fromA.body()).get("id").asText()).isEqualTo(id);
    }
    String unknown = Correlator.incidentId("domain-3", "never-seen", T0);
    for (String url : both) {
      assertThat(get(url + "/api/incidents/" + unknown).statusCode()).isEqualTo(404);
      HttpResponse<String> malformed = get(url + "/api/incidents/inc-nothex");
      assertThat(malformed.statusCode()).isEqualTo(400);
      assertThat(malformed.body().strip()).doesNotContain("\n");
      assertThat(get(url + "/api/incidents?limit=0").statusCode()).isEqualTo(400);
      assertThat(get(url + "/api/incidents?severity=loud").statusCode()).isEqualTo(400);
      assertThat(get(url + "/api/openapi.yaml").body()).contains("openapi: 3");
    }

    // a command is written keyed by incident id
    HttpResponse<String> ack = http.send(HttpRequest.newBuilder(URI.create(b.url() + "/api/incidents/" + ids.get(0)
        + "/ack")).POST(HttpRequest.BodyPublishers.ofString("{\"actor\":\"alice\"}"))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(ack.statusCode()).isEqualTo(202);
    String commandId = json.readTree(ack.body()).get("commandId").asText();
    SpecificAvroSerde<IncidentCommand> reader = new SpecificAvroSerde<>(IncidentCommand.class);
    reader.configure(kafka.serdeConfig(), false);
    var written = kafka.consumeUntil(commandsTopic, 1, Duration.ofSeconds(20), new StringDeserializer(),
        reader.deserializer());
    assertThat(written).singleElement().satisfies(r -> {
      assertThat(r.key()).isEqualTo(ids.get(0));
      assertThat(r.value().getId()).isEqualTo(commandId);
      assertThat(r.value().getActor()).isEqualTo("alice");
      assertThat(r.value().getVia()).isEqualTo("api");
    });

    // stop b: a answers everything once the rebalance completes; 503 meanwhile, never a 500 or a hang
    b.close();
    awaitOk(a.url() + "/api/incidents?limit=1000", body -> body.size() == INCIDENTS);
    assertThat(get(a.url() + "/api/incidents?limit=1000").body()).isEqualTo(listA);
    for (String id : ids) {
      awaitOk(a.url() + "/api/incidents/" + id, body -> body.get("id").asText().equals(id));
    }
    assertThat(get(a.url() + "/api/incidents/" + unknown).statusCode()).isEqualTo(404);
  }

  private List<String> produceIncidents(KafkaTestEnv kafka, String topic) {
    SpecificAvroSerde<Incident> serde = new SpecificAvroSerde<>(Incident.class);
    serde.configure(kafka.serdeConfig(), false);
    List<String> ids = new ArrayList<>();
    try (KafkaProducer<String, Incident> producer = new KafkaProducer<>(kafka.producerProps(),
        new StringSerializer(), serde.serializer())) {
      for (int i = 0; i < INCIDENTS; i++) {
        String domain = "domain-" + i;
        Instant opened = T0.plusSeconds(60L * i);
        String id = Correlator.incidentId(domain, "fp-" + i, opened);
        ids.add(id);
        Incident incident = Incident.newBuilder()
            .setId(id).setDomain(domain).setTitle("incident " + i)
            .setStatus(i % 2 == 0 ? IncidentStatus.OPEN : IncidentStatus.RESOLVED)
            .setSeverity(i % 3 == 0 ? Severity.CRITICAL : Severity.WARNING)
            .setServices(List.of("svc-" + (i % 4), "db"))
            .setFirstAlertAt(opened).setOpenedAt(opened).setLastActivityAt(opened)
            .build();
        producer.send(new ProducerRecord<>(topic, domain, incident));
      }
      producer.flush();
    }
    return ids;
  }

  /** Materializes incidents keyed by domain into {@code correlator-incidents} under their id. */
  private static Topology topology(String input, SpecificAvroSerde<Incident> serde) {
    Topology topology = new Topology();
    topology.addSource("read-incidents", Serdes.String().deserializer(), serde.deserializer(), input);
    topology.addProcessor("store-incidents", () -> new Processor<String, Incident, Void, Void>() {
      private KeyValueStore<String, Incident> store;

      @Override
      public void init(ProcessorContext<Void, Void> context) {
        store = context.getStateStore(QueryServerConfig.INCIDENTS_STORE);
      }

      @Override
      public void process(Record<String, Incident> record) {
        store.put(record.value().getId(), record.value());
      }
    }, "read-incidents");
    topology.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(QueryServerConfig.INCIDENTS_STORE), Serdes.String(), serde),
        "store-incidents");
    // the member alerts of these incidents: none (the correlator's store of them, empty)
    topology.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(QueryServerConfig.MEMBERS_STORE), Serdes.String(), Serdes.String()),
        "store-incidents");
    return topology;
  }

  private Instance start(KafkaTestEnv kafka, String app, String input, KafkaCommandSink sink, String name) {
    QueryServer server = QueryServer.start(QueryServerConfig.defaults().withAddress("127.0.0.1", 0, "127.0.0.1"),
        new SimpleMeterRegistry(), sink, Clock.systemUTC());
    SpecificAvroSerde<Incident> serde = new SpecificAvroSerde<>(Incident.class);
    serde.configure(kafka.serdeConfig(), false);
    Properties props = kafka.streamsProps(app);
    props.put(StreamsConfig.APPLICATION_SERVER_CONFIG, server.applicationServer());
    props.put(StreamsConfig.STATE_DIR_CONFIG, Path.of(kafka.stateDir().toString(), name).toString());
    KafkaStreams streams = new KafkaStreams(topology(input, serde), props);
    server.attach(streams);
    streams.start();
    Instance instance = new Instance(server, streams);
    closeLast.add(instance);
    return instance;
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** Polls until 200 and {@code accept}; only 200 and 503 with Retry-After are allowed meanwhile. */
  private void awaitOk(String url, java.util.function.Predicate<JsonNode> accept) {
    Awaitility.await(url).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
      HttpResponse<String> r = get(url);
      if (r.statusCode() == 503) {
        assertThat(r.headers().firstValue("Retry-After")).as(url).isPresent();
        return false;
      }
      assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
      return accept.test(json.readTree(r.body()));
    });
  }

  private static final class Instance implements AutoCloseable {
    private final QueryServer server;
    private final KafkaStreams streams;
    private boolean closed;

    Instance(QueryServer server, KafkaStreams streams) {
      this.server = server;
      this.streams = streams;
    }

    String url() {
      return "http://127.0.0.1:" + server.port();
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      server.close();
      streams.close(CloseOptions.timeout(Duration.ofSeconds(30))
          .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
    }
  }
}
