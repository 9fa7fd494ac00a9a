package dev.stormwatch.common.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.common.registry.FakeSchemaRegistry;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.evolution.ProbeResult;
import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Records written with one version of a schema are read with another through the serdes:
 * v1 → v2 removes {@code legacyZone} (it had a default) and adds {@code region} (with a
 * default); v3 adds {@code attempt} (with a default). The generated class is v2. All versions are
 * registered under one subject, as a producer upgrade would do under BACKWARD compatibility.
 */
class SchemaEvolutionTest {

  static final String TOPIC = "probes";

  FakeSchemaRegistry registry;
  RestSchemaRegistryClient client;

  @BeforeEach
  void start() {
    registry = FakeSchemaRegistry.start();
    client = new RestSchemaRegistryClient(SchemaRegistryConfig.builder().urls(registry.url()).build());
  }

  @AfterEach
  void stop() {
    client.close();
    registry.close();
  }

  @Test
  void olderWriterV1IsReadIntoTheV2ClassWithTheAddedFieldsDefault() {
    byte[] bytes = GenericAvroSerde.of(client, AvroSerdeConfig.defaults(), false)
        .serializer().serialize(TOPIC, TestRecords.v1("checkout", 1200L, "eu-1a"));

    ProbeResult read = SpecificAvroSerde.of(ProbeResult.class, client, AvroSerdeConfig.defaults(), false)
        .deserializer().deserialize(TOPIC, bytes);

    assertThat(read.getService()).isEqualTo("checkout");
    assertThat(read.getLatencyMicros()).isEqualTo(1200L);
    assertThat(read.getLabels()).containsEntry("env", "prod");
    assertThat(read.getRegion()).isEqualTo("unknown");
  }

  @Test
  void newerWriterV2IsReadByAV1ReaderWithTheRemovedFieldsDefault() {
    registry.registerDirectly(TOPIC + "-value", TestRecords.V1.toString());
    byte[] bytes = SpecificAvroSerde.of(ProbeResult.class, client, AvroSerdeConfig.defaults(), false)
        .serializer().serialize(TOPIC, TestRecords.v2("checkout", 900L, "eu-west-1"));

    GenericRecord read = GenericAvroSerde.of(client, AvroSerdeConfig.defaults(), false, TestRecords.V1)
        .deserializer().deserialize(TOPIC, bytes);

    assertThat(read.getSchema()).isEqualTo(TestRecords.V1);
    assertThat(read.get("service")).hasToString("checkout");
    assertThat(read.get("latencyMicros")).isEqualTo(900L);
    assertThat(read.get("legacyZone")).hasToString("");
    assertThat(read.hasField("region")).isFalse();
    assertThat(client.listVersions(TOPIC + "-value")).containsExactly(1, 2);
  }

  @Test
  void newerWriterV3IsReadIntoTheV2ClassDroppingTheUnknownField() {
    registry.registerDirectly(TOPIC + "-value", TestRecords.V2.toString());
    byte[] bytes = GenericAvroSerde.of(client, AvroSerdeConfig.defaults(), false)
        .serializer().serialize(TOPIC, TestRecords.v3("checkout", 700L, "us-east-1", 3));

    ProbeResult read = SpecificAvroSerde.of(ProbeResult.class, client, AvroSerdeConfig.defaults(), false)
        .deserializer().deserialize(TOPIC, bytes);

    assertThat(read).isEqualTo(ProbeResult.newBuilder().setService("checkout").setLatencyMicros(700L)
        .setLabels(Map.of("env", "prod")).setRegion("us-east-1").build());
  }

  @Test
  void aGenericReaderWithoutReaderSchemaSeesEachWritersOwnFields() {
    GenericAvroSerde serde = GenericAvroSerde.of(client, AvroSerdeConfig.defaults(), false);
    byte[] v1 = serde.serializer().serialize(TOPIC, TestRecords.v1("a", 1L, "z"));
    byte[] v2 = SpecificAvroSerde.of(ProbeResult.class, client, AvroSerdeConfig.defaults(), false)
        .serializer().serialize(TOPIC, TestRecords.v2("b", 2L, "r"));

    assertThat(serde.deserializer().deserialize(TOPIC, v1).getSchema()).isEqualTo(TestRecords.V1);
    assertThat(serde.deserializer().deserialize(TOPIC, v2).getSchema()).isEqualTo(TestRecords.V2);
  }
}
