package dev.stormwatch.common.serde;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.common.registry.FakeSchemaRegistry;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.evolution.ProbeResult;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.constraints.Size;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Deserializing arbitrary bytes either yields a record or throws {@link SerializationException}
 * — never another exception, so a dead-letter handler can catch exactly that.
 */
class DeserializerFuzzPropertyTest {

  static final String TOPIC = "fuzz";
  static FakeSchemaRegistry registry;
  static RestSchemaRegistryClient client;
  static int v1Id;
  static int v2Id;

  @BeforeContainer
  static void start() {
    registry = FakeSchemaRegistry.start();
    client = new RestSchemaRegistryClient(SchemaRegistryConfig.builder().urls(registry.url()).build());
    v1Id = registry.registerDirectly(TOPIC + "-value", TestRecords.V1.toString());
    v2Id = registry.registerDirectly(TOPIC + "-value", TestRecords.V2.toString());
  }

  @AfterContainer
  static void stop() {
    client.close();
    registry.close();
  }

  @Property(tries = 3000, seed = "4242")
  void arbitraryBodiesBehindAKnownIdOnlyEverThrowSerializationException(
      @ForAll boolean v1, @ForAll @Size(max = 64) byte[] body) {
    byte[] payload = new byte[WireFormat.HEADER_SIZE + body.length];
    WireFormat.writeHeader(payload, 0, v1 ? v1Id : v2Id);
    System.arraycopy(body, 0, payload, WireFormat.HEADER_SIZE, body.length);

    assertOnlySerializationException(SpecificAvroSerde.of(ProbeResult.class, client,
        AvroSerdeConfig.defaults(), false).deserializer(), payload);
    assertOnlySerializationException(GenericAvroSerde.of(client, AvroSerdeConfig.defaults(), false)
        .deserializer(), payload);
  }

  @Property(tries = 1000, seed = "4343")
  void arbitraryPayloadsOnlyEverThrowSerializationException(@ForAll @Size(max = 32) byte[] payload) {
    Deserializer<GenericRecord> d = GenericAvroSerde.of(client, AvroSerdeConfig.defaults(), false).deserializer();

    assertOnlySerializationException(d, payload);
  }

  private static <T> void assertOnlySerializationException(Deserializer<T> d, byte[] payload) {
    try {
      d.deserialize(TOPIC, payload);
    } catch (SerializationException expected) {
      assertThat(expected).hasMessageContaining(TOPIC);
    }
  }
}
