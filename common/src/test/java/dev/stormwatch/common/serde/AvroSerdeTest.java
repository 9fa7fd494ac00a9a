package dev.stormwatch.common.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stormwatch.common.registry.FakeSchemaRegistry;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.registry.SchemaRegistryException;
import dev.stormwatch.common.serde.evolution.ProbeResult;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

  static final String TOPIC = "alerts.normalized";

  FakeSchemaRegistry registry;
  RestSchemaRegistryClient client;

  @BeforeEach
  void start() {
    registry = FakeSchemaRegistry.start();
    client = new RestSchemaRegistryClient(SchemaRegistryConfig.builder().urls(registry.url())
        .retryBackoff(Duration.ofMillis(5)).retryBackoffMax(Duration.ofMillis(10)).build());
  }

  @AfterEach
  void stop() {
    client.close();
    registry.close();
  }

  private Map<String, Object> configs(Object... keyValues) {
    Map<String, Object> m = new HashMap<>();
    m.put(SchemaRegistryConfig.URL, registry.url());
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put((String) keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  @Test
  void specificRecordRoundTripsInTheConfluentWireFormat() {
    SpecificAvroSerde<ProbeResult> serde = SpecificAvroSerde.of(ProbeResult.class, client, AvroSerdeConfig.defaults(), false);
    ProbeResult probe = TestRecords.v2("checkout", 1500L, "eu-west-1");

    byte[] bytes = serde.serializer().serialize(TOPIC, probe);

    int id = client.getLatestVersion(TOPIC + "-value").id();
    assertThat(bytes[0]).isZero();
    assertThat(ByteBuffer.wrap(bytes, 1, 4).getInt()).isEqualTo(id);
    assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(probe);
  }

  @Test
  void genericRecordRoundTripsWithItsWriterSchema() {
    GenericAvroSerde serde = GenericAvroSerde.of(client, AvroSerdeConfig.defaults(), false);
    GenericRecord record = TestRecords.v1("db", 10L, "z1");

    GenericRecord read = serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, record));

    assertThat(read.getSchema()).isEqualTo(TestRecords.V1);
    assertThat(read.toString()).isEqualTo(record.toString());
  }

  @Test
  void keysUseTheKeySubject() {
    SpecificAvroSerde<ProbeResult> keySerde = SpecificAvroSerde.of(ProbeResult.class, client, AvroSerdeConfig.defaults(), true);

    keySerde.serializer().serialize(TOPIC, TestRecords.v2("a", 1L, "r"));

    assertThat(client.listSubjects()).containsExactly(TOPIC + "-key");
  }

  @Test
  void nullIsATombstoneBothWays() {
    SpecificAvroSerde<ProbeResult> serde = SpecificAvroSerde.of(ProbeResult.class, client, AvroSerdeConfig.defaults(), false);

    assertThat(serde.serializer().serialize(TOPIC, null)).isNull();
    assertThat(serde.deserializer().deserialize(TOPIC, null)).isNull();
    assertThat(registry.requests()).isEmpty();
  }

  @Test
  void afterTheFirstRecordNoRecordCostsARegistryCall() {
    SpecificAvroSerde<ProbeResult> serde = SpecificAvroSerde.of(ProbeResult.class, client, AvroSerdeConfig.defaults(), false);
    SpecificAvroSerde<ProbeResult> otherReader = SpecificAvroSerde.of(ProbeResult.class,
        new RestSchemaRegistryClient(SchemaRegistryConfig.builder().urls(registry.url()).build()),
        AvroSerdeConfig.defaults(), false);

    for (int i = 0; i < 10_000; i++) {
      ProbeResult probe = TestRecords.v2("svc-" + (i % 7), i, "r");
      byte[] bytes = serde.serializer().serialize(TOPIC, probe);
      assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(probe);
      assertThat(otherReader.deserializer().deserialize(TOPIC, bytes)).isEqualTo(probe);
    }

    // one registration; the writer's client knows the schema of the id it registered; the
    // other reader fetches it once
    assertThat(registry.requests()).extracting(FakeSchemaRegistry.Request::pathAndQuery)
        .containsExactly("/subjects/" + TOPIC + "-value/versions", "/schemas/ids/101");
  }

  @Test
  void subjectNameStrategiesAreChosenWithConfluentKeysAndClassNames() {
    AvroSerializer<IndexedRecord> record = new AvroSerializer<>();
    record.configure(configs(AvroSerdeConfig.VALUE_SUBJECT_NAME_STRATEGY,
        "io.confluent.kafka.serializers.subject.RecordNameStrategy"), false);
    AvroSerializer<IndexedRecord> topicRecord = new AvroSerializer<>();
    topicRecord.configure(configs(AvroSerdeConfig.KEY_SUBJECT_NAME_STRATEGY,
        TopicRecordNameStrategy.class.getName()), true);

    record.serialize(TOPIC, TestRecords.v2("a", 1L, "r"));
    topicRecord.serialize(TOPIC, TestRecords.v2("a", 1L, "r"));

    assertThat(client.listSubjects()).containsExactlyInAnyOrder(
        "dev.stormwatch.common.serde.evolution.ProbeResult",
        TOPIC + "-dev.stormwatch.common.serde.evolution.ProbeResult");
    record.close();
    topicRecord.close();
  }

  @Test
  void withoutAutoRegistrationAnUnregisteredSchemaFailsNamingTopicAndSubject() {
    AvroSerdeConfig noAutoRegister = AvroSerdeConfig.builder().autoRegisterSchemas(false).build();
    SpecificAvroSerde<ProbeResult> serde = SpecificAvroSerde.of(ProbeResult.class, client, noAutoRegister, false);

    assertThatThrownBy(() -> serde.serializer().serialize(TOPIC, TestRecords.v2("a", 1L, "r")))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining(TOPIC).hasMessageContaining(TOPIC + "-value")
        .cause().isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
          assertThat(e.isSubjectNotFound()).isTrue();
          assertThat(e.isRetriable()).isFalse();
        });
    assertThat(client.listSubjects()).isEmpty();
  }

  @Test
  void withoutAutoRegistrationARegisteredSchemaIsLookedUp() {
    int id = registry.registerDirectly(TOPIC + "-value", TestRecords.V2.toString());
    AvroSerdeConfig noAutoRegister = AvroSerdeConfig.fromMap(Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, "false"));

    byte[] bytes = SpecificAvroSerde.of(ProbeResult.class, client, noAutoRegister, false)
        .serializer().serialize(TOPIC, TestRecords.v2("a", 1L, "r"));

    assertThat(WireFormat.schemaId(TOPIC, bytes)).isEqualTo(id);
    assertThat(registry.requests()).extracting(FakeSchemaRegistry.Request::method).containsExactly("POST");
    assertThat(registry.requests().get(0).pathAndQuery()).isEqualTo("/subjects/" + TOPIC + "-value");
  }

  @Test
  void useLatestVersionWritesWithTheLatestSchemaConvertingTheRecord() {
    registry.registerDirectly(TOPIC + "-value", TestRecords.V2.toString());
    int v3 = registry.registerDirectly(TOPIC + "-value", TestRecords.V3.toString());
    AvroSerdeConfig latest = AvroSerdeConfig.builder().autoRegisterSchemas(false).useLatestVersion(true).build();

    byte[] bytes = SpecificAvroSerde.of(ProbeResult.class, client, latest, false)
        .serializer().serialize(TOPIC, TestRecords.v2("a", 5L, "eu"));

    assertThat(WireFormat.schemaId(TOPIC, bytes)).isEqualTo(v3);
    GenericRecord read = GenericAvroSerde.of(client, AvroSerdeConfig.defaults(), false)
        .deserializer().deserialize(TOPIC, bytes);
    assertThat(read.getSchema()).isEqualTo(TestRecords.V3);
    assertThat(read.get("region")).hasToString("eu");
    assertThat(read.get("attempt")).isEqualTo(1);
  }

  @Test
  void useLatestVersionWithTheRecordsOwnSchemaWritesItUnchanged() {
    int v2 = registry.registerDirectly(TOPIC + "-value", TestRecords.V2.toString());
    AvroSerdeConfig latest = AvroSerdeConfig.builder().autoRegisterSchemas(false).useLatestVersion(true).build();
    SpecificAvroSerde<ProbeResult> serde = SpecificAvroSerde.of(ProbeResult.class, client, latest, false);
    ProbeResult probe = TestRecords.v2("a", 5L, "eu");

    byte[] bytes = serde.serializer().serialize(TOPIC, probe);

    assertThat(WireFormat.schemaId(TOPIC, bytes)).isEqualTo(v2);
    assertThat(serde.deserializer().deserialize(TOPIC, bytes)).isEqualTo(probe);
  }

  @Test
  void strictLatestCompatibilityRefusesALatestSchemaThatCannotReadTheRecord() {
    // same record name, but a required field the record does not have
    Schema needsZone = new Schema.Parser().parse("""
        {"type":"record","name":"ProbeResult","namespace":"dev.stormwatch.common.serde.evolution",
         "fields":[{"name":"service","type":"string"},{"name":"zoneId","type":"string"}]}""");
    registry.registerDirectly("strict-value", needsZone.toString());
    AvroSerdeConfig latest = AvroSerdeConfig.builder().autoRegisterSchemas(false).useLatestVersion(true).build();

    assertThatThrownBy(() -> SpecificAvroSerde.of(ProbeResult.class, client, latest, false)
        .serializer().serialize("strict", TestRecords.v2("a", 5L, "eu")))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("strict").hasMessageContaining("latest.compatibility.strict");
  }

  @Test
  void anUnreachableRegistryOnWriteIsASerializationExceptionWithARetriableCause() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    RestSchemaRegistryClient dead = new RestSchemaRegistryClient(SchemaRegistryConfig.builder()
        .urls("http://127.0.0.1:" + port).maxRetries(1).retryBackoff(Duration.ofMillis(5)).build());
    SpecificAvroSerde<ProbeResult> serde = SpecificAvroSerde.of(ProbeResult.class, dead, AvroSerdeConfig.defaults(), false);

    assertThatThrownBy(() -> serde.serializer().serialize(TOPIC, TestRecords.v2("a", 1L, "r")))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining(TOPIC)
        .satisfies(e -> assertThat(SchemaRegistryException.isRetriableCause(e)).isTrue());
  }

  @Test
  void anUnknownSchemaIdOnReadNamesTopicAndId() {
    byte[] bytes = new byte[] {0, 0, 0, 0x30, 0x39, 2, 'a'};

    assertThatThrownBy(() -> GenericAvroSerde.of(client, AvroSerdeConfig.defaults(), false)
        .deserializer().deserialize(TOPIC, bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining(TOPIC).hasMessageContaining("12345").hasMessageContaining("unknown schema id")
        .cause().isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isSchemaNotFound()).isTrue());
  }

  @Test
  void aRegistryOutageOnReadIsNotMistakenForPoison() {
    SpecificAvroSerde<ProbeResult> writer = SpecificAvroSerde.of(ProbeResult.class, client, AvroSerdeConfig.defaults(), false);
    byte[] bytes = writer.serializer().serialize(TOPIC, TestRecords.v2("a", 1L, "r"));
    RestSchemaRegistryClient flaky = new RestSchemaRegistryClient(SchemaRegistryConfig.builder().urls(registry.url())
        .maxRetries(1).retryBackoff(Duration.ofMillis(5)).retryBackoffMax(Duration.ofMillis(5)).build());
    registry.failNext(503, "{}").failNext(503, "{}");

    assertThatThrownBy(() -> SpecificAvroSerde.of(ProbeResult.class, flaky, AvroSerdeConfig.defaults(), false)
        .deserializer().deserialize(TOPIC, bytes))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("unavailable")
        .satisfies(e -> assertThat(SchemaRegistryException.isRetriableCause(e)).isTrue());
  }

  @Test
  void badPayloadsAreSerializationExceptionsNamingTheTopic() {
    SpecificAvroSerde<ProbeResult> serde = SpecificAvroSerde.of(ProbeResult.class, client, AvroSerdeConfig.defaults(), false);
    byte[] good = serde.serializer().serialize(TOPIC, TestRecords.v2("checkout", 1L, "r"));
    int id = WireFormat.schemaId(TOPIC, good);
    Deserializer<ProbeResult> d = serde.deserializer();

    assertThatThrownBy(() -> d.deserialize(TOPIC, new byte[] {0, 0, 1}))
        .isInstanceOf(SerializationException.class).hasMessageContaining(TOPIC).hasMessageContaining("fewer than");
    byte[] badMagic = good.clone();
    badMagic[0] = 1;
    assertThatThrownBy(() -> d.deserialize(TOPIC, badMagic))
        .isInstanceOf(SerializationException.class).hasMessageContaining(TOPIC).hasMessageContaining("magic byte 1");
    byte[] truncated = Arrays.copyOf(good, good.length - 3);
    assertThatThrownBy(() -> d.deserialize(TOPIC, truncated))
        .isInstanceOf(SerializationException.class).hasMessageContaining(TOPIC)
        .hasMessageContaining("schema id " + id).hasMessageContaining("ProbeResult");
    byte[] negativeLength = Arrays.copyOf(good, good.length);
    negativeLength[5] = 0x03; // zig-zag -2: a negative string length
    assertThatThrownBy(() -> d.deserialize(TOPIC, negativeLength))
        .isInstanceOf(SerializationException.class).hasMessageContaining("schema id " + id);
    byte[] hugeLength = Arrays.copyOf(good, WireFormat.HEADER_SIZE + 5);
    System.arraycopy(new byte[] {(byte) 0x80, (byte) 0xa8, (byte) 0xd6, (byte) 0xb9, 0x07}, 0,
        hugeLength, WireFormat.HEADER_SIZE, 5); // varint of zig-zag(1e9): a 1 GB string length
    assertThatThrownBy(() -> d.deserialize(TOPIC, hugeLength))
        .isInstanceOf(SerializationException.class).hasMessageContaining("schema id " + id);
    // a good record still reads afterwards (no decoder left in a broken state)
    assertThat(d.deserialize(TOPIC, good).getService()).isEqualTo("checkout");
  }

  @Test
  void aCorruptCollectionCountDoesNotPreallocateGigabytes() {
    int id = registry.registerDirectly("lists-value", """
        {"type":"record","name":"Lists","namespace":"t","fields":[
          {"name":"items","type":{"type":"array","items":"string"}}]}""");
    // header, then the varint of zig-zag(1e9) as the array's item count, then nothing
    byte[] payload = {0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id,
        (byte) 0x80, (byte) 0xa8, (byte) 0xd6, (byte) 0xb9, 0x07};

    assertThatThrownBy(() -> GenericAvroSerde.of(client, AvroSerdeConfig.defaults(), false)
        .deserializer().deserialize("lists", payload))
        .isInstanceOf(SerializationException.class).hasMessageContaining("schema id " + id);
  }

  @Test
  void configuredFromAMapLikeKafkaDoes() {
    Map<String, Object> configs = configs(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS, true);
    try (Serde<ProbeResult> specific = new SpecificAvroSerde<>(ProbeResult.class);
        Serde<ProbeResult> byWriterName = new SpecificAvroSerde<>();
        AvroDeserializer<IndexedRecord> plainGeneric = new AvroDeserializer<>();
        AvroDeserializer<IndexedRecord> plainSpecific = new AvroDeserializer<>()) {
      specific.configure(configs, false);
      byWriterName.configure(configs, false);
      plainGeneric.configure(configs, false);
      Map<String, Object> specificReader = new HashMap<>(configs);
      specificReader.put(AvroSerdeConfig.SPECIFIC_AVRO_READER, "true");
      plainSpecific.configure(specificReader, false);
      ProbeResult probe = TestRecords.v2("a", 1L, "r");

      byte[] bytes = specific.serializer().serialize(TOPIC, probe);

      assertThat(specific.deserializer().deserialize(TOPIC, bytes)).isEqualTo(probe);
      assertThat(byWriterName.deserializer().deserialize(TOPIC, bytes)).isEqualTo(probe);
      assertThat(plainSpecific.deserialize(TOPIC, bytes)).isEqualTo(probe);
      assertThat(plainGeneric.deserialize(TOPIC, bytes)).isInstanceOf(GenericData.Record.class);
    }
  }

  @Test
  void aSpecificReaderWithoutAGeneratedClassForTheWriterFails() {
    Schema unknown = new Schema.Parser().parse(
        "{\"type\":\"record\",\"name\":\"NoSuchClass\",\"namespace\":\"nowhere\",\"fields\":[]}");
    byte[] bytes = GenericAvroSerde.of(client, AvroSerdeConfig.defaults(), false)
        .serializer().serialize(TOPIC, new GenericData.Record(unknown));
    Serde<ProbeResult> byWriterName = new SpecificAvroSerde<>();
    byWriterName.configure(configs(), false);

    assertThatThrownBy(() -> byWriterName.deserializer().deserialize(TOPIC, bytes))
        .isInstanceOf(SerializationException.class).hasMessageContaining("nowhere.NoSuchClass");
  }

  @Test
  void isSafeToShareAcrossThreads() throws Exception {
    SpecificAvroSerde<ProbeResult> serde = SpecificAvroSerde.of(ProbeResult.class, client, AvroSerdeConfig.defaults(), false);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        results.add(pool.submit(() -> {
          int ok = 0;
          for (int i = 0; i < 2_000; i++) {
            ProbeResult probe = TestRecords.v2("svc-" + thread + "-" + i, i, "r" + "x".repeat(i % 50));
            if (serde.deserializer().deserialize(TOPIC, serde.serializer().serialize(TOPIC, probe)).equals(probe)) {
              ok++;
            }
          }
          return ok;
        }));
      }
      for (Future<Integer> f : results) {
        assertThat(f.get()).isEqualTo(2_000);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
