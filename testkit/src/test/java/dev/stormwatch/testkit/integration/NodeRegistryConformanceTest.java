package dev.stormwatch.testkit.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.AlertSource;
import dev.stormwatch.avro.AlertStatus;
import dev.stormwatch.avro.Link;
import dev.stormwatch.avro.LinkKind;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.serde.GenericAvroSerde;
import dev.stormwatch.common.serde.SpecificAvroSerde;
import dev.stormwatch.testkit.KafkaIntegrationTest;
import dev.stormwatch.testkit.KafkaTestEnv;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Conformance against a client nobody here wrote: Confluent's official Node.js Schema Registry
 * client ({@code @confluentinc/schemaregistry}, pinned in
 * {@code src/test/node/registry-conformance/package.json}) registers, reads and tests schemas on
 * the embedded registry, reads bytes that Stormwatch's Java serde wrote to the real broker, and
 * writes bytes that the Java serde reads back from it.
 */
@KafkaIntegrationTest
class NodeRegistryConformanceTest {

  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void confluentsNodeClientAndSerdeInteroperateWithTheEmbeddedRegistryAndTheJavaSerde(KafkaTestEnv kafka)
      throws Exception {
    assumeFalse(Boolean.getBoolean("stormwatch.node.skip"),
        "Node.js conformance skipped by -Dskip.node=true (needs node and npm on PATH)");
    Path dir = Path.of(System.getProperty("stormwatch.node.conformance.dir",
        "src/test/node/registry-conformance"));

    String javaTopic = kafka.createTopic(kafka.uniqueName("alerts"), 1);
    String subject = kafka.uniqueName("readings") + "-value";
    AlertEvent javaWritten = alert("fp-java", "Java wrote this", "checkout");
    AlertEvent nodeWritten = alert("fp-node", "Node wrote this", "payment");

    try (SchemaRegistryClient client = new RestSchemaRegistryClient(
            SchemaRegistryConfig.builder().urls(kafka.registryUrl()).build());
         SpecificAvroSerde<AlertEvent> serde = SpecificAvroSerde.of(AlertEvent.class, client,
            AvroSerdeConfig.defaults(), false)) {
      // Java writes an AlertEvent to the broker (registering its schema); Node gets the raw bytes
      try (KafkaProducer<String, AlertEvent> producer = new KafkaProducer<>(kafka.producerProps(),
          new StringSerializer(), serde.serializer())) {
        producer.send(new ProducerRecord<>(javaTopic, "fp-java", javaWritten)).get(30, TimeUnit.SECONDS);
      }
      byte[] javaBytes = kafka.consumeUntil(javaTopic, 1, DEADLINE).get(0).value();

      JsonNode node = runNode(dir, Map.of(
          "REGISTRY_URL", kafka.registryUrl(),
          "SUBJECT", subject,
          "JAVA_TOPIC", javaTopic,
          "JAVA_VALUE_HEX", HexFormat.of().formatHex(javaBytes),
          "NODE_RECORD_JSON", nodeJson(nodeWritten)));

      // registry operations through Confluent's client
      int id = node.get("registeredId").asInt();
      assertThat(node.get("registerAgainSameId").asBoolean()).isTrue();
      assertThat(node.get("idBySubjectAndSchema").asInt()).isEqualTo(id);
      assertThat(node.at("/byIdSchema/name").asText()).isEqualTo("Reading");
      assertThat(node.at("/byVersion/id").asInt()).isEqualTo(id);
      assertThat(node.at("/byVersion/version").asInt()).isEqualTo(1);
      assertThat(node.at("/byVersion/subject").asText()).isEqualTo(subject);
      assertThat(node.at("/latest/id").asInt()).isEqualTo(id);
      assertThat(node.get("versions").toString()).isEqualTo("[1]");
      assertThat(node.get("subjectListed").asBoolean()).isTrue();
      assertThat(node.get("compatibleChangeAccepted").asBoolean()).isTrue();
      assertThat(node.get("incompatibleChangeAccepted").asBoolean()).isFalse();
      assertThat(node.get("compatibleAgainstVersion1").asBoolean()).isTrue();
      assertThat(node.at("/incompatibleRegisterError/status").asInt()).isEqualTo(409);
      assertThat(node.get("defaultCompatibility").asText()).isEqualTo("BACKWARD");
      // ... and the registry agrees when asked by the Java client
      assertThat(client.getSchemaById(id)).contains("Reading");

      // Java-serialized bytes read by Node's AvroDeserializer
      JsonNode javaRead = node.get("javaRecordReadByNode");
      assertThat(javaRead.get("fingerprint").asText()).isEqualTo("fp-java");
      assertThat(javaRead.get("summary").asText()).isEqualTo("Java wrote this");
      assertThat(javaRead.get("severity").asText()).isEqualTo("CRITICAL");
      assertThat(javaRead.at("/labels/service").asText()).isEqualTo("checkout");
      assertThat(javaRead.at("/links/0/url").asText()).isEqualTo("https://runbooks.example/checkout");

      // Node-serialized bytes, produced to the broker, read by the Java serde
      List<AlertEvent> fromNode = roundTripThroughKafka(kafka, node.get("nodeValueHex").asText(),
          serde.deserializer(), AlertEvent.class);
      assertThat(fromNode).containsExactly(nodeWritten);

      // a schema Node registered on its own (auto-registration), read by the generic Java serde
      try (GenericAvroSerde generic = GenericAvroSerde.of(client, AvroSerdeConfig.defaults(), false)) {
        List<GenericRecord> readings = roundTripThroughKafka(kafka, node.get("readingValueHex").asText(),
            generic.deserializer(), GenericRecord.class);
        assertThat(readings).singleElement().satisfies(r -> {
          assertThat(r.get("sensor").toString()).isEqualTo("s-1");
          assertThat(((Number) r.get("value")).doubleValue()).as("avsc infers float for 21.5").isEqualTo(21.5);
        });
      }
    }
  }

  private static <V> List<V> roundTripThroughKafka(KafkaTestEnv kafka, String hex,
      org.apache.kafka.common.serialization.Deserializer<V> deserializer, Class<V> type) throws Exception {
    String topic = kafka.createTopic(kafka.uniqueName("from-node"), 1);
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(kafka.producerProps(),
        new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, "node", HexFormat.of().parseHex(hex))).get(30, TimeUnit.SECONDS);
    }
    return kafka.consumeUntil(topic, 1, DEADLINE, new StringDeserializer(), deserializer).stream()
        .map(ConsumerRecord::value).map(type::cast).toList();
  }

  private static JsonNode runNode(Path dir, Map<String, String> env) throws IOException, InterruptedException {
    Path output = Files.createTempFile("node-conformance-", ".json");
    Path errors = Files.createTempFile("node-conformance-", ".err");
    try {
      ProcessBuilder pb = new ProcessBuilder("node", "conformance.mjs")
          .directory(dir.toFile())
          .redirectOutput(output.toFile())
          .redirectError(errors.toFile());
      pb.environment().putAll(env);
      Process process = pb.start();
      if (!process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("node conformance.mjs did not finish within " + DEADLINE);
      }
      String out = Files.readString(output, StandardCharsets.UTF_8);
      if (process.exitValue() != 0) {
        throw new AssertionError("node conformance.mjs failed (exit " + process.exitValue() + "): " + out
            + "\n" + Files.readString(errors, StandardCharsets.UTF_8));
      }
      return JSON.readTree(out);
    } finally {
      Files.deleteIfExists(output);
      Files.deleteIfExists(errors);
    }
  }

  private static AlertEvent alert(String fingerprint, String summary, String service) {
    Instant startsAt = Instant.parse("2026-11-27T10:00:00Z");
    return AlertEvent.newBuilder()
        .setFingerprint(fingerprint)
        .setSource(AlertSource.ALERTMANAGER)
        .setSourceFormat("alertmanager-webhook-v4")
        .setName("HighErrorRate")
        .setService(service)
        .setEnvironment("production")
        .setSeverity(Severity.CRITICAL)
        .setStatus(AlertStatus.FIRING)
        .setSummary(summary)
        .setLabels(Map.of("alertname", "HighErrorRate", "service", service))
        .setAnnotations(Map.of("summary", summary))
        .setStartsAt(startsAt)
        .setObservedAt(startsAt.plusMillis(1500))
        .setLinks(List.of(Link.newBuilder().setKind(LinkKind.RUNBOOK)
            .setUrl("https://runbooks.example/" + service).build()))
        .setOccurrences(3)
        .build();
  }

  /** The record as avsc (Node) takes it: timestamps as epoch millis, unions unwrapped, enums as names. */
  private static String nodeJson(AlertEvent a) throws IOException {
    Map<String, Object> json = new java.util.LinkedHashMap<>();
    json.put("fingerprint", a.getFingerprint());
    json.put("source", a.getSource().name());
    json.put("sourceFormat", a.getSourceFormat());
    json.put("name", a.getName());
    json.put("service", a.getService());
    json.put("environment", a.getEnvironment());
    json.put("severity", a.getSeverity().name());
    json.put("status", a.getStatus().name());
    json.put("summary", a.getSummary());
    json.put("description", null);
    json.put("labels", a.getLabels());
    json.put("annotations", a.getAnnotations());
    json.put("startsAt", a.getStartsAt().toEpochMilli());
    json.put("endsAt", null);
    json.put("observedAt", a.getObservedAt().toEpochMilli());
    json.put("links", a.getLinks().stream()
        .map(l -> {
          Map<String, Object> link = new java.util.LinkedHashMap<>();
          link.put("kind", l.getKind().name());
          link.put("url", l.getUrl());
          link.put("title", null);
          return link;
        }).toList());
    json.put("occurrences", a.getOccurrences());
    json.put("origin", null);
    return JSON.writeValueAsString(json);
  }
}
