package dev.stormwatch.notifier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stormwatch.avro.CommandKind;
import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.IncidentCommand;
import dev.stormwatch.avro.PageAction;
import dev.stormwatch.avro.PageRequest;
import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.avro.oncall.OnCallEntry;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.notifier.oncall.OnCall;
import dev.stormwatch.notifier.oncall.OnCallEntries;
import dev.stormwatch.notifier.oncall.OnCallYaml;
import dev.stormwatch.notifier.oncall.Person;
import dev.stormwatch.notifier.testing.Fixtures;
import dev.stormwatch.notifier.topology.NotifierSerdes;
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

/**
 * The notifier app on the in-process broker with the embedded registry: the on-call configuration and
 * an escalation in, pages out (read_committed), a level timeout on the wall clock, an ack, and the
 * configuration readable for the HTTP API.
 */
@KafkaIntegrationTest
class NotifierAppTest {

  /** One team; alice is always on call; bob is level 1 after a two-second wait. */
  private static final String YAML = """
      people:
        - {id: alice, contacts: [{inbox: alice}]}
        - {id: bob, contacts: [{inbox: bob}]}
      teams:
        - {id: platform, members: [alice, bob], escalation-policy: platform}
      escalation-policies:
        - id: platform
          levels:
            - {wait: 2s, targets: [{schedule: primary}]}
            - {wait: 2s, targets: [{person: bob}]}
      schedules:
        - id: primary
          time-zone: Europe/Berlin
          layers:
            - {start: 2020-01-06, rotation: weekly, participants: [alice]}
      routing:
        default: {team: platform}
      """;

  @Test
  void anEscalationPagesLevel0ThenLevel1AfterTheWaitAndAnAckTellsBoth(KafkaTestEnv kafka) throws Exception {
    Topics topics = new Topics(kafka.uniqueName("notifier") + ".");
    for (String t : List.of(topics.escalations(), topics.incidentCommands(), topics.pagesOutbox(),
        topics.deadLetters())) {
      kafka.createTopic(t, 2);
    }
    kafka.createCompactedTopic(topics.oncall(), 1);
    kafka.createCompactedTopic(topics.topology(), 1);
    SchemaRegistryConfig registry = SchemaRegistryConfig.builder().urls(kafka.registryUrl()).build();
    try (SchemaRegistryClient client = new RestSchemaRegistryClient(registry)) {
      NotifierSerdes serdes = NotifierSerdes.of(client, AvroSerdeConfig.defaults());
      try (KafkaProducer<String, OnCallEntry> config = new KafkaProducer<>(kafka.producerProps(),
          new StringSerializer(), serdes.oncall().serializer());
           KafkaProducer<String, ServiceNode> nodes = new KafkaProducer<>(kafka.producerProps(),
               new StringSerializer(), serdes.services().serializer())) {
        for (Map.Entry<String, OnCallEntry> e : OnCallEntries.toEntries(OnCallYaml.parse(YAML), "test",
            Instant.now()).entrySet()) {
          config.send(new ProducerRecord<>(topics.oncall(), e.getKey(), e.getValue())).get();
        }
        ServiceNode checkout = Fixtures.node("checkoutservice", "platform");
        nodes.send(new ProducerRecord<>(topics.topology(), checkout.getName(), checkout)).get();
      }
      Map<String, Object> overrides = Map.of(
          StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100,
          StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0,
          StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 0,
          StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
      NotifierSettings settings = NotifierSettings.defaults().withPunctuateEvery(Duration.ofMillis(200));
      try (NotifierApp app = NotifierApp.start(settings, kafka.bootstrapServers(), overrides, registry, topics,
          new SimpleMeterRegistry(), kafka.stateDir().resolve(kafka.uniqueName("s")), kafka.uniqueName("notifier"))) {
        assertThat(app.awaitRunning(Duration.ofSeconds(60))).isTrue();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
            assertThat(OnCall.team(app.onCallConfig(), "platform", Instant.now()).orElseThrow().first())
                .extracting(Person::id).containsExactly("alice"));

        Instant t0 = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        try (KafkaProducer<String, EscalationEvent> escalations = new KafkaProducer<>(kafka.producerProps(),
            new StringSerializer(), serdes.escalations().serializer())) {
          escalations.send(new ProducerRecord<>(topics.escalations(), "inc-1", Fixtures.opened("inc-1", t0))).get();
        }
        List<ConsumerRecord<String, PageRequest>> pages = kafka.consumeUntil(topics.pagesOutbox(), 2,
            Duration.ofSeconds(60), new StringDeserializer(), serdes.pages().deserializer());
        assertThat(pages).extracting(ConsumerRecord::key).containsOnly("inc-1");
        assertThat(pages).extracting(r -> r.value().getDedupKey()).containsExactly("inc-1:c0:l0:r0:alice:inbox:alice",
            "inc-1:c0:l1:r0:bob:inbox:bob");
        assertThat(Duration.between(pages.get(0).value().getRequestedAt(), pages.get(1).value().getRequestedAt()))
            .as("level 1 after the wait").isGreaterThanOrEqualTo(Duration.ofSeconds(2));

        try (KafkaProducer<String, IncidentCommand> commands = new KafkaProducer<>(kafka.producerProps(),
            new StringSerializer(), serdes.commands().serializer())) {
          commands.send(new ProducerRecord<>(topics.incidentCommands(), "inc-1",
              Fixtures.command("ack-1", "inc-1", CommandKind.ACK, "bob", Instant.now()))).get();
        }
        List<ConsumerRecord<String, PageRequest>> all = kafka.consumeUntil(topics.pagesOutbox(), 4,
            Duration.ofSeconds(60), new StringDeserializer(), serdes.pages().deserializer());
        assertThat(all.subList(2, all.size())).extracting(r -> r.value().getAction())
            .containsOnly(PageAction.ACKNOWLEDGE);
        assertThat(all.subList(2, all.size())).extracting(r -> r.value().getDedupKey()).containsExactlyInAnyOrder(
            "inc-1:c0:l0:r0:alice:inbox:alice:acknowledge", "inc-1:c0:l1:r0:bob:inbox:bob:acknowledge");
      }
    }
  }
}
