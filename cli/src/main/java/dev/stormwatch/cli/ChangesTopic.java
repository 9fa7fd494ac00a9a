package dev.stormwatch.cli;

import dev.stormwatch.avro.ChangeEvent;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.serde.SpecificAvroSerde;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The {@code changes.events} topic as the CLI sees it: one change written, keyed by service, with
 * an idempotent {@code acks=all} producer; the changes recorded since a time, read to the end.
 * Every wait is bounded by {@code --timeout}; failures are {@link IllegalStateException}s with a
 * one-line message naming the cluster or registry. Not thread-safe; close it.
 */
final class ChangesTopic implements AutoCloseable {

  private final KafkaOptions options;
  private final String topic;
  private final SchemaRegistryClient registry;
  private final SpecificAvroSerde<ChangeEvent> serde;

  ChangesTopic(KafkaOptions options) {
    this.options = options;
    this.topic = options.topics().changes();
    this.registry = new RestSchemaRegistryClient(options.registry());
    this.serde = SpecificAvroSerde.of(ChangeEvent.class, registry, AvroSerdeConfig.defaults(), false);
  }

  String name() {
    return topic;
  }

  /**
   * Creates the topic (delete policy, the broker's default partitions and replication) unless it
   * exists; also proves the cluster answers. {@code stormwatch up} creates it with the others.
   */
  void ensureExists() {
    KafkaCalls.probe(options);
    Admin admin = Admin.create(KafkaCalls.clientProps(options, AdminClientConfig.CLIENT_ID_CONFIG,
        "stormwatch-cli-admin"));
    try {
      long millis = options.timeout.toMillis();
      if (admin.listTopics().names().get(millis, TimeUnit.MILLISECONDS).contains(topic)) {
        return;
      }
      try {
        admin.createTopics(List.of(new NewTopic(topic, Optional.empty(), Optional.empty()))).all()
            .get(millis, TimeUnit.MILLISECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) { // created meanwhile by someone else: fine
          throw e;
        }
      }
    } catch (TimeoutException e) {
      throw KafkaCalls.unreachable(options, e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw KafkaCalls.unreachable(options, e.getCause());
      }
      throw new IllegalStateException("cannot create " + topic + " on Kafka at " + options.bootstrapServers + ": "
          + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating " + topic, e);
    } finally {
      // a bounded wait: an admin whose calls a silent broker never answered would wait forever in close()
      admin.close(Duration.ofSeconds(2));
    }
  }

  /**
   * Writes the change keyed by its service, with the record time of the change (never later than
   * now, as ingest does), and waits for the cluster's acknowledgement.
   */
  void write(ChangeEvent change, Instant now) {
    Map<String, Object> props = KafkaCalls.writerProps(options);
    long timestamp = Math.min(change.getTime().toEpochMilli(), now.toEpochMilli());
    try (KafkaProducer<String, ChangeEvent> producer = new KafkaProducer<>(props, new StringSerializer(),
        serde.serializer())) {
      producer.send(new ProducerRecord<>(topic, null, timestamp, change.getService(), change)).get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw KafkaCalls.unreachable(options, e.getCause());
      }
      throw KafkaCalls.writeFailed(options, topic, e);
    } catch (KafkaException | InterruptedException e) { // a TimeoutException is a KafkaException too
      throw KafkaCalls.writeFailed(options, topic, e);
    }
  }

  /**
   * The changes of every partition from the first record whose timestamp is at or after
   * {@code from} up to the end offsets seen at the start, in partition then offset order;
   * committed records only. A topic that does not exist yet has none.
   */
  List<ChangeEvent> readSince(Instant from) {
    KafkaCalls.probe(options);
    long deadline = System.nanoTime() + options.timeout.toNanos();
    List<ChangeEvent> changes = new ArrayList<>();
    Deserializer<ChangeEvent> values = serde.deserializer();
    try (KafkaConsumer<String, byte[]> consumer = KafkaCalls.reader(options)) {
      List<TopicPartition> partitions = KafkaCalls.assignAll(consumer, topic, options);
      if (partitions.isEmpty()) {
        return changes;
      }
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions,
          KafkaCalls.atLeastOneMilli(KafkaCalls.remaining(deadline)));
      Map<TopicPartition, Long> query = new HashMap<>();
      partitions.forEach(p -> query.put(p, from.toEpochMilli()));
      Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(query,
          KafkaCalls.atLeastOneMilli(KafkaCalls.remaining(deadline)));
      for (TopicPartition partition : partitions) {
        OffsetAndTimestamp start = starts.get(partition);
        consumer.seek(partition, start == null ? ends.get(partition) : start.offset());
      }
      KafkaCalls.readToEnd(consumer, ends, deadline, options, topic, record -> {
        if (record.value() != null) {
          changes.add(read(values, record));
        }
      });
      return changes;
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw KafkaCalls.unreachable(options, e);
    }
  }

  private ChangeEvent read(Deserializer<ChangeEvent> values, ConsumerRecord<String, byte[]> record) {
    try {
      return values.deserialize(topic, record.headers(), record.value());
    } catch (KafkaException e) {
      throw new IllegalStateException("cannot read " + topic + " partition " + record.partition() + " offset "
          + record.offset() + " as a ChangeEvent: " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    serde.close();
    registry.close();
  }
}
