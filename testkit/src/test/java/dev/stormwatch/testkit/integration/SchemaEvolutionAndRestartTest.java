package dev.stormwatch.testkit.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.common.registry.RegisteredSchema;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.registry.SchemaRegistryException;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.serde.GenericAvroSerde;
import dev.stormwatch.common.serde.SpecificAvroSerde;
import dev.stormwatch.devstack.registry.EmbeddedSchemaRegistry;
import dev.stormwatch.devstack.registry.RegistryServerConfig;
import dev.stormwatch.testkit.KafkaIntegrationTest;
import dev.stormwatch.testkit.KafkaTestEnv;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Schema evolution and registry durability on the real broker: records written with one schema
 * version are read with another through Stormwatch's serde, and a registry restarted on its topic
 * keeps every id.
 */
@KafkaIntegrationTest
class SchemaEvolutionAndRestartTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  private static final Schema V1 = new Schema.Parser().parse("""
      {"type": "record", "name": "Probe", "namespace": "evolution",
       "fields": [
         {"name": "id", "type": "string"},
         {"name": "legacy", "type": "string", "default": "none"}
       ]}""");
  /** v2: adds {@code zone} with a default, drops {@code legacy} (which had one): BACKWARD and FORWARD. */
  private static final Schema V2 = new Schema.Parser().parse("""
      {"type": "record", "name": "Probe", "namespace": "evolution",
       "fields": [
         {"name": "id", "type": "string"},
         {"name": "zone", "type": "string", "default": "eu-1"}
       ]}""");

  @Test
  void aV1WriterIsReadByAV2ReaderAndAV2WriterByAV1Reader(KafkaTestEnv kafka) {
    String topic = kafka.createTopic(kafka.uniqueName("probes"), 1);
    try (SchemaRegistryClient client = client(kafka.registryUrl())) {
      produce(kafka, topic, GenericAvroSerde.of(client, AvroSerdeConfig.defaults(), false).serializer(), List.of(
          new GenericRecordBuilder(V1).set("id", "written-by-v1").set("legacy", "old").build()));
      produce(kafka, topic, GenericAvroSerde.of(client, AvroSerdeConfig.defaults(), false).serializer(), List.of(
          new GenericRecordBuilder(V2).set("id", "written-by-v2").set("zone", "us-2").build()));

      List<Integer> versions = client.listVersions(topic + "-value");
      assertThat(versions).as("v2 registered as a compatible second version").containsExactly(1, 2);

      List<GenericRecord> readByV2 = readAll(kafka, topic,
          GenericAvroSerde.of(client, AvroSerdeConfig.defaults(), false, V2).deserializer());
      assertThat(readByV2).extracting(r -> r.get("id") + "/" + r.get("zone"))
          .containsExactly("written-by-v1/eu-1", "written-by-v2/us-2");
      assertThat(readByV2.get(0).getSchema().getField("legacy")).isNull();

      List<GenericRecord> readByV1 = readAll(kafka, topic,
          GenericAvroSerde.of(client, AvroSerdeConfig.defaults(), false, V1).deserializer());
      assertThat(readByV1).extracting(r -> r.get("id") + "/" + r.get("legacy"))
          .containsExactly("written-by-v1/old", "written-by-v2/none");
    }
  }

  @Test
  void recordsWrittenWithEveryReleasedAlertEventSchemaReadIntoTheCurrentClass(KafkaTestEnv kafka) throws IOException {
    String topic = kafka.createTopic(kafka.uniqueName("alerts"), 1);
    Schema released = new Schema.Parser().parse(Path.of("../schemas/released/AlertEvent/v1.avsc").toFile());
    GenericRecord written = new GenericRecordBuilder(released)
        .set("fingerprint", "fp-1")
        .set("name", "HighLatency")
        .set("service", "checkout")
        .set("startsAt", Instant.parse("2026-11-27T10:00:00Z").toEpochMilli())
        .set("observedAt", Instant.parse("2026-11-27T10:00:01Z").toEpochMilli())
        .build();
    try (SchemaRegistryClient client = client(kafka.registryUrl())) {
      produce(kafka, topic, GenericAvroSerde.of(client, AvroSerdeConfig.defaults(), false).serializer(),
          List.of(written));
      List<AlertEvent> read = readAll(kafka, topic,
          SpecificAvroSerde.of(AlertEvent.class, client, AvroSerdeConfig.defaults(), false).deserializer());
      assertThat(read).singleElement().satisfies(a -> {
        assertThat(a.getFingerprint()).isEqualTo("fp-1");
        assertThat(a.getService()).isEqualTo("checkout");
        assertThat(a.getStartsAt()).isEqualTo(Instant.parse("2026-11-27T10:00:00Z"));
      });
    }
  }

  @Test
  void anIncompatibleChangeIsRefusedByTheRegistryWithItsErrorCode(KafkaTestEnv kafka) {
    String subject = kafka.uniqueName("strict") + "-value";
    Schema incompatible = new Schema.Parser().parse("""
        {"type": "record", "name": "Probe", "namespace": "evolution",
         "fields": [{"name": "id", "type": "long"}]}""");
    try (SchemaRegistryClient client = client(kafka.registryUrl())) {
      client.register(subject, V1.toString(), false);
      assertThat(client.testCompatibility(subject, V2.toString()).compatible()).isTrue();
      assertThat(client.testCompatibility(subject, incompatible.toString()).compatible()).isFalse();
      assertThatThrownBy(() -> client.register(subject, incompatible.toString(), false))
          .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
            assertThat(e.httpStatus()).hasValue(409);
            assertThat(e.isIncompatible()).isTrue();
          });
    }
  }

  @Test
  void aRestartedRegistryKeepsEveryIdAndVersionAndOldBytesStillDecode(KafkaTestEnv kafka) {
    String schemasTopic = kafka.uniqueName("schemas-log");
    String dataTopic = kafka.createTopic(kafka.uniqueName("probes"), 1);
    RegistryServerConfig config = RegistryServerConfig.defaults(kafka.bootstrapServers()).withTopic(schemasTopic);

    RegisteredSchema before;
    int v1Id;
    try (EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(config);
         SchemaRegistryClient client = client(registry.url())) {
      v1Id = client.register("probe-history", V1.toString(), false);
      client.register("probe-history", V2.toString(), false);
      before = client.getLatestVersion("probe-history");
      produce(kafka, dataTopic, GenericAvroSerde.of(client, AvroSerdeConfig.defaults(), false).serializer(),
          List.of(new GenericRecordBuilder(V1).set("id", "before-restart").set("legacy", "x").build()));
    }

    try (EmbeddedSchemaRegistry restarted = EmbeddedSchemaRegistry.start(config);
         SchemaRegistryClient fresh = client(restarted.url())) {
      assertThat(fresh.getLatestVersion("probe-history")).isEqualTo(before);
      assertThat(fresh.getVersion("probe-history", 1).id()).isEqualTo(v1Id);
      assertThat(fresh.register("probe-history", V1.toString(), false))
          .as("re-registering an existing schema returns its id").isEqualTo(v1Id);
      int newId = fresh.register("another-subject", """
          {"type": "record", "name": "Other", "fields": [{"name": "n", "type": "int"}]}""", false);
      assertThat(newId).as("ids keep counting after a restart").isGreaterThan(before.id());

      List<GenericRecord> read = readAll(kafka, dataTopic,
          GenericAvroSerde.of(fresh, AvroSerdeConfig.defaults(), false).deserializer());
      assertThat(read).extracting(r -> r.get("id").toString()).containsExactly("before-restart");
    }
  }

  private static SchemaRegistryClient client(String url) {
    return new RestSchemaRegistryClient(SchemaRegistryConfig.builder().urls(url).build());
  }

  private static <V> void produce(KafkaTestEnv kafka, String topic, Serializer<V> serializer, List<V> values) {
    try (KafkaProducer<String, V> producer = new KafkaProducer<>(kafka.producerProps(), new StringSerializer(),
        serializer)) {
      for (V value : values) {
        producer.send(new ProducerRecord<>(topic, "k", value));
      }
      producer.flush();
    }
  }

  private static <V> List<V> readAll(KafkaTestEnv kafka, String topic, Deserializer<V> deserializer) {
    return kafka.consumeAll(topic, DEADLINE, new StringDeserializer(), deserializer).stream()
        .map(ConsumerRecord::value).toList();
  }
}
