package dev.stormwatch.testkit.integration;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.AlertSource;
import dev.stormwatch.avro.AlertStatus;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.serde.SpecificAvroSerde;
import dev.stormwatch.testkit.KafkaIntegrationTest;
import dev.stormwatch.testkit.KafkaTestEnv;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * The foundation end to end: a Kafka Streams app with {@code exactly_once_v2} and a named RocksDB
 * store reads and writes Avro {@link AlertEvent}s through Stormwatch's serde and the embedded
 * registry, on the real broker. The app folds repeated observations of one fingerprint (as the
 * correlator will): it keeps the latest observation per fingerprint in the store and emits it with
 * the running occurrence count.
 */
@KafkaIntegrationTest
class AvroStreamsExactlyOnceTest {

  private static final String STORE = "alerts-by-fingerprint";
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @Test
  void avroRecordsFlowThroughAnExactlyOnceAppWithARocksDbStore(KafkaTestEnv kafka) {
    String input = kafka.createTopic(kafka.uniqueName("alerts-in"), 2);
    String output = kafka.createTopic(kafka.uniqueName("alerts-out"), 2);
    String appId = kafka.uniqueName("folder");
    Instant t0 = Instant.parse("2026-11-27T10:00:00Z");

    try (SchemaRegistryClient client = new RestSchemaRegistryClient(
            SchemaRegistryConfig.builder().urls(kafka.registryUrl()).build());
         SpecificAvroSerde<AlertEvent> serde = SpecificAvroSerde.of(AlertEvent.class, client, AvroSerdeConfig.defaults(), false)) {
      produce(kafka, input, serde, List.of(
          alert("fp-a", "checkout", AlertStatus.FIRING, t0),
          alert("fp-b", "cart", AlertStatus.FIRING, t0.plusSeconds(5)),
          alert("fp-a", "checkout", AlertStatus.FIRING, t0.plusSeconds(30)),
          alert("fp-a", "checkout", AlertStatus.RESOLVED, t0.plusSeconds(90))));

      Properties props = kafka.streamsProps(appId);
      try (KafkaStreams streams = new KafkaStreams(topology(input, output, props, kafka.serdeConfig()), props)) {
        streams.setUncaughtExceptionHandler(e -> StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        streams.start();

        List<ConsumerRecord<String, AlertEvent>> out = kafka.consumeUntil(output, 4, DEADLINE,
            new StringDeserializer(), serde.deserializer());

        assertThat(out).extracting(ConsumerRecord::key).containsExactlyInAnyOrder("fp-a", "fp-a", "fp-a", "fp-b");
        assertThat(out).filteredOn(r -> r.key().equals("fp-a"))
            .extracting(r -> r.value().getOccurrences() + ":" + r.value().getStatus())
            .containsExactly("1:FIRING", "2:FIRING", "3:RESOLVED");
        AlertEvent b = out.stream().filter(r -> r.key().equals("fp-b")).findFirst().orElseThrow().value();
        assertThat(b.getService()).isEqualTo("cart");
        assertThat(b.getStartsAt()).isEqualTo(t0.plusSeconds(5));
        assertThat(b.getLabels()).containsEntry("service", "cart");

        // once the app has committed all its input, its read_committed output holds nothing more
        kafka.awaitCommitted(appId, input, DEADLINE);
        assertThat(kafka.consumeAll(output, DEADLINE, new StringDeserializer(), serde.deserializer())).hasSize(4);
      }

      // the serde registered the input, output and store-changelog subjects in the embedded registry
      assertThat(client.listSubjects()).contains(input + "-value", output + "-value",
          appId + "-" + STORE + "-changelog-value");
      int inputId = client.getLatestVersion(input + "-value").id();
      int outputId = client.getLatestVersion(output + "-value").id();
      assertThat(outputId).as("one schema, one global id, whatever the subject").isEqualTo(inputId);
    }
  }

  private static Topology topology(String input, String output, Properties props, Map<String, Object> serdeConfig) {
    SpecificAvroSerde<AlertEvent> alertSerde = new SpecificAvroSerde<>(AlertEvent.class);
    alertSerde.configure(serdeConfig, false);
    StreamsBuilder builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(props)));
    builder.addStateStore(Stores.keyValueStoreBuilder(
        Stores.persistentKeyValueStore(STORE), Serdes.String(), alertSerde));
    builder.stream(input, Consumed.with(Serdes.String(), alertSerde).withName("read-alerts"))
        .process(FoldObservations::new, Named.as("fold-observations"), STORE)
        .to(output, Produced.with(Serdes.String(), alertSerde).withName("write-alerts"));
    return builder.build();
  }

  /** Latest observation per fingerprint, with the running count of observations. */
  private static final class FoldObservations implements Processor<String, AlertEvent, String, AlertEvent> {
    private KeyValueStore<String, AlertEvent> store;
    private ProcessorContext<String, AlertEvent> context;

    @Override
    public void init(ProcessorContext<String, AlertEvent> context) {
      this.context = context;
      this.store = context.getStateStore(STORE);
    }

    @Override
    public void process(Record<String, AlertEvent> record) {
      AlertEvent previous = store.get(record.key());
      AlertEvent merged = AlertEvent.newBuilder(record.value())
          .setOccurrences(previous == null ? 1 : previous.getOccurrences() + 1)
          .build();
      store.put(record.key(), merged);
      context.forward(record.withValue(merged));
    }
  }

  private static void produce(KafkaTestEnv kafka, String topic, SpecificAvroSerde<AlertEvent> serde,
                              List<AlertEvent> alerts) {
    try (KafkaProducer<String, AlertEvent> producer = new KafkaProducer<>(kafka.producerProps(),
        new StringSerializer(), serde.serializer())) {
      for (AlertEvent alert : alerts) {
        producer.send(new ProducerRecord<>(topic, alert.getFingerprint(), alert));
      }
      producer.flush();
    }
  }

  static AlertEvent alert(String fingerprint, String service, AlertStatus status, Instant startsAt) {
    return AlertEvent.newBuilder()
        .setFingerprint(fingerprint)
        .setSource(AlertSource.PROMETHEUS)
        .setName("HighErrorRate")
        .setService(service)
        .setSeverity(Severity.CRITICAL)
        .setStatus(status)
        .setLabels(Map.of("alertname", "HighErrorRate", "service", service))
        .setStartsAt(startsAt)
        .setObservedAt(startsAt.plusMillis(250))
        .build();
  }
}
