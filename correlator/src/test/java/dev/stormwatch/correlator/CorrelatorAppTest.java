package dev.stormwatch.correlator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.EscalationKind;
import dev.stormwatch.avro.Incident;
import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.correlator.domain.CorrelatorSettings;
import dev.stormwatch.correlator.topology.CorrelatorSerdes;
import dev.stormwatch.testkit.KafkaIntegrationTest;
import dev.stormwatch.testkit.KafkaTestEnv;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The correlator app on the in-process broker: alerts in, an incident and one OPENED escalation out (read_committed). */
@KafkaIntegrationTest
class CorrelatorAppTest {

  @Test
  void alertsBecomeAnIncidentAndAnOpenedEscalation(KafkaTestEnv kafka) throws Exception {
    Topics topics = new Topics(kafka.uniqueName("app") + ".");
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
      try (KafkaProducer<String, ServiceNode> nodes = new KafkaProducer<>(kafka.producerProps(),
          new StringSerializer(), serdes.services().serializer())) {
        for (var n : List.of(node("cartservice", List.of("redis-cart")), node("redis-cart", List.of()))) {
          nodes.send(new ProducerRecord<>(topics.topology(), n.getName(), n)).get();
        }
      }
      // a group wait long enough that both alerts are in before it ends, however slow the machine
      CorrelatorSettings settings = CorrelatorSettings.fromTree(
          new com.fasterxml.jackson.databind.ObjectMapper().readTree("{\"group-wait\": \"5s\"}"));
      Map<String, Object> overrides = Map.of(
          StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100,
          StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0,
          StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 0,
          StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
      try (CorrelatorApp app = CorrelatorApp.start(settings, Duration.ofMillis(200), kafka.bootstrapServers(),
          overrides, registry, topics, new SimpleMeterRegistry(), kafka.stateDir().resolve(kafka.uniqueName("s")),
          kafka.uniqueName("correlator"))) {
        assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
        // the alerts go in once the app runs, timed now: the group wait (wall clock) starts with them
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (KafkaProducer<String, AlertEvent> alerts = new KafkaProducer<>(kafka.producerProps(),
            new StringSerializer(), serdes.alerts().serializer())) {
          alerts.send(new ProducerRecord<>(topics.normalized(), "redis", alert("redis", "redis-cart", t0)));
          alerts.send(new ProducerRecord<>(topics.normalized(), "cart", alert("cart", "cartservice",
              t0.plusMillis(100)))).get();
        }
        List<ConsumerRecord<String, EscalationEvent>> escalations = kafka.consumeUntil(topics.escalations(), 1,
            Duration.ofSeconds(60), new StringDeserializer(), serdes.escalations().deserializer());
        assertThat(escalations).extracting(r -> r.value().getKind()).containsExactly(EscalationKind.OPENED);
        EscalationEvent opened = escalations.get(0).value();
        assertThat(opened.getRootCause()).isEqualTo("redis-cart");
        assertThat(opened.getAlertCount()).isEqualTo(2);
        List<ConsumerRecord<String, Incident>> incidents = kafka.consumeUntil(topics.incidents(), 2,
            Duration.ofSeconds(30), new StringDeserializer(), serdes.incidents().deserializer());
        assertThat(incidents).extracting(ConsumerRecord::key).containsOnly(opened.getIncidentId());
      }
    }
  }

  private static ServiceNode node(String name, List<String> deps) {
    return ServiceNode.newBuilder().setName(name).setDependsOn(deps).setOwner("team-" + name)
        .setUpdatedAt(Instant.EPOCH).build();
  }

  private static AlertEvent alert(String fp, String service, Instant startsAt) {
    return AlertEvent.newBuilder().setFingerprint(fp).setName("HighErrorRate").setService(service)
        .setSeverity(Severity.HIGH).setStatus(dev.stormwatch.avro.AlertStatus.FIRING).setSummary("errors")
        .setLabels(Map.of()).setStartsAt(startsAt).setObservedAt(startsAt).build();
  }
}
