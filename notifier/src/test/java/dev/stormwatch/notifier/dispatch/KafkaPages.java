package dev.stormwatch.notifier.dispatch;

import dev.stormwatch.avro.PageOutcome;
import dev.stormwatch.avro.PageRequest;
import dev.stormwatch.avro.PageResult;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.serde.SpecificAvroSerde;
import dev.stormwatch.testkit.KafkaTestEnv;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Test access to the dispatcher's topics on the shared broker: writes PageRequests (and raw
 * bytes) to {@code pages.outbox}, reads {@code pages.log} back as PageOutcomes.
 */
final class KafkaPages implements AutoCloseable {

  private final Topics topics;
  private final RestSchemaRegistryClient registry;
  private final SpecificAvroSerde<PageRequest> requests;
  private final SpecificAvroSerde<PageOutcome> outcomes;
  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaConsumer<byte[], byte[]> logReader;
  private final List<PageOutcome> log = new ArrayList<>();

  KafkaPages(KafkaTestEnv kafka, Topics topics) {
    this.topics = topics;
    this.registry = new RestSchemaRegistryClient(registryConfig(kafka));
    this.requests = SpecificAvroSerde.of(PageRequest.class, registry, AvroSerdeConfig.defaults(), false);
    this.outcomes = SpecificAvroSerde.of(PageOutcome.class, registry, AvroSerdeConfig.defaults(), false);
    this.producer = new KafkaProducer<>(kafka.producerProps());
    Map<String, Object> props = kafka.consumerProps();
    props.remove("group.id");
    this.logReader = new KafkaConsumer<>(props);
  }

  static SchemaRegistryConfig registryConfig(KafkaTestEnv kafka) {
    return SchemaRegistryConfig.builder().urls(kafka.registryUrl()).build();
  }

  /** Creates the dispatcher's topics under {@code topics}' prefix. */
  static void createTopics(KafkaTestEnv kafka, Topics topics, int outboxPartitions) {
    kafka.createTopic(topics.pagesOutbox(), outboxPartitions);
    kafka.createTopic(topics.pagesLog(), 2);
    kafka.createTopic(topics.deadLetters(), 1);
    kafka.createTopic(topics.pagerInbox(), 1);
  }

  void send(PageRequest page) throws Exception {
    // as the notifier writes them: keyed by incident, so one incident's pages are in order
    sendRaw(page.getIncidentId(), requests.serializer().serialize(topics.pagesOutbox(), page));
  }

  void sendRaw(String key, byte[] value) throws Exception {
    producer.send(new ProducerRecord<>(topics.pagesOutbox(), key.getBytes(StandardCharsets.UTF_8), value))
        .get(30, TimeUnit.SECONDS);
  }

  /** Every pages.log record written so far, in partition order (per key, in the order written). */
  synchronized List<PageOutcome> log() {
    if (logReader.assignment().isEmpty()) {
      List<TopicPartition> partitions = logReader.partitionsFor(topics.pagesLog(), Duration.ofSeconds(10)).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      logReader.assign(partitions);
      logReader.seekToBeginning(partitions);
    }
    // read up to the end as of now, so the result is a consistent snapshot of every partition
    Map<TopicPartition, Long> ends = logReader.endOffsets(logReader.assignment(), Duration.ofSeconds(10));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (ends.entrySet().stream().anyMatch(e -> logReader.position(e.getKey()) < e.getValue())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("pages.log not read to its end " + ends + " within 30 s");
      }
      for (ConsumerRecord<byte[], byte[]> record : logReader.poll(Duration.ofMillis(100))) {
        log.add(outcomes.deserializer().deserialize(record.topic(), record.headers(), record.value()));
      }
    }
    return List.copyOf(log);
  }

  /** The final outcome (DELIVERED or FAILED) of each key that has one. */
  Map<String, PageOutcome> finals() {
    Map<String, PageOutcome> finals = new LinkedHashMap<>();
    for (PageOutcome o : log()) {
      if (o.getOutcome() == PageResult.DELIVERED || o.getOutcome() == PageResult.FAILED) {
        finals.putIfAbsent(o.getDedupKey(), o);
      }
    }
    return finals;
  }

  /** The results recorded for {@code dedupKey}, in order. */
  List<PageResult> results(String dedupKey) {
    return log().stream().filter(o -> o.getDedupKey().equals(dedupKey)).map(PageOutcome::getOutcome).toList();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
    logReader.close(CloseOptions.timeout(Duration.ofSeconds(10)));
    registry.close();
  }
}
