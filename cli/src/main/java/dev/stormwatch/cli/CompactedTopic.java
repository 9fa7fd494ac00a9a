package dev.stormwatch.cli;

import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.serde.SpecificAvroSerde;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/**
 * A compacted topic of Avro records keyed by string, as the CLI sees it: its current state (read to
 * the end), and writes of records and tombstones with an idempotent {@code acks=all} producer. Every
 * wait is bounded by the configured timeout; failures are {@link IllegalStateException}s with a
 * one-line message naming the cluster or registry. {@code topology.services} holds
 * {@code ServiceNode}s, {@code oncall.config} {@code OnCallEntry}s. Not thread-safe; close it.
 *
 * @param <V> the value type
 */
final class CompactedTopic<V extends SpecificRecord> implements AutoCloseable {

  private final KafkaOptions options;
  private final String topic;
  private final SchemaRegistryClient registry;
  private final Class<V> type;
  private final SpecificAvroSerde<V> serde;

  CompactedTopic(KafkaOptions options, String topic, Class<V> type) {
    this.options = options;
    this.topic = topic;
    this.type = type;
    this.registry = new RestSchemaRegistryClient(options.registry());
    this.serde = SpecificAvroSerde.of(type, registry, AvroSerdeConfig.defaults(), false);
  }

  String name() {
    return topic;
  }

  /**
   * Creates the topic (compacted, the broker's default partitions and replication) unless it
   * exists; also proves the cluster answers.
   *
   * @return whether it created the topic
   */
  boolean ensureExists() {
    probe();
    // closed with a bounded wait: an admin whose calls a silent broker never answered would
    // otherwise wait for them forever in close()
    try (BoundedAdmin bounded = new BoundedAdmin(
        Admin.create(clientProps(AdminClientConfig.CLIENT_ID_CONFIG, "stormwatch-cli-admin")))) {
      Admin admin = bounded.admin();
      boolean exists = admin.listTopics().names().get(millis(), TimeUnit.MILLISECONDS).contains(topic);
      if (exists) {
        return false;
      }
      NewTopic compacted = new NewTopic(topic, Optional.empty(), Optional.empty())
          .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      try {
        admin.createTopics(List.of(compacted)).all().get(millis(), TimeUnit.MILLISECONDS);
        return true;
      } catch (ExecutionException e) {
        if (e.getCause() instanceof TopicExistsException) {
          return false; // created meanwhile by someone else: fine
        }
        throw e;
      }
    } catch (TimeoutException e) {
      throw unreachable(e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw unreachable(e.getCause());
      }
      throw new IllegalStateException("cannot create " + topic + " on Kafka at " + options.bootstrapServers + ": "
          + e.getCause().getMessage(), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating " + topic, e);
    }
  }

  /**
   * The current state: every record of the topic, by key, after applying tombstones. Reads
   * committed records of every partition from the beginning up to the end offsets seen at the
   * start. A topic that does not exist yet is empty.
   */
  Map<String, V> readAll() {
    probe();
    long deadline = System.nanoTime() + options.timeout.toNanos();
    Map<String, V> records = new TreeMap<>();
    Deserializer<V> values = serde.deserializer();
    try (KafkaConsumer<String, byte[]> consumer = KafkaCalls.reader(options)) {
      List<TopicPartition> partitions = KafkaCalls.assignAll(consumer, topic, options);
      if (partitions.isEmpty()) {
        return records;
      }
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, KafkaCalls.atLeastOneMilli(KafkaCalls.remaining(deadline)));
      KafkaCalls.readToEnd(consumer, ends, deadline, options, topic, record -> {
        if (record.key() == null) {
          return; // the topic is keyed: nothing to apply
        }
        if (record.value() == null) {
          records.remove(record.key());
        } else {
          records.put(record.key(), read(values, record));
        }
      });
      return records;
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw unreachable(e);
    }
  }

  /**
   * Writes every record under its key, then a tombstone for each of {@code removals}, and waits
   * until the cluster has acknowledged all of them.
   */
  void write(Map<String, V> records, Collection<String> removals) {
    Map<String, Object> props = KafkaCalls.writerProps(options);
    Serializer<V> values = serde.serializer();
    try (KafkaProducer<String, V> producer = new KafkaProducer<>(props, new StringSerializer(), values)) {
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (Map.Entry<String, V> record : records.entrySet()) {
        sent.add(producer.send(new ProducerRecord<>(topic, record.getKey(), record.getValue())));
      }
      for (String name : removals) {
        sent.add(producer.send(new ProducerRecord<>(topic, name, null)));
      }
      producer.flush();
      for (Future<RecordMetadata> result : sent) {
        result.get();
      }
    } catch (ExecutionException | KafkaException | InterruptedException e) { // a TimeoutException is a KafkaException
      throw KafkaCalls.writeFailed(options, topic, e);
    }
  }

  /** What a load prints when done: {@code loaded SUMMARY into TOPIC; removed N (a, b)}. */
  static String loadedLine(String summary, String topic, List<String> removals) {
    return "loaded " + summary + " into " + topic + "; removed " + removals.size()
        + (removals.isEmpty() ? "" : " (" + String.join(", ", removals) + ")");
  }

  /** What a load with {@code --dry-run} prints: {@code dry run: would load SUMMARY into TOPIC; nothing written}. */
  static String dryRunLine(String summary, String topic) {
    return "dry run: would load " + summary + " into " + topic + "; nothing written";
  }

  /** An admin client closed with a bounded wait. */
  private record BoundedAdmin(Admin admin) implements AutoCloseable {
    @Override
    public void close() {
      admin.close(Duration.ofSeconds(2));
    }
  }

  @Override
  public void close() {
    serde.close();
    registry.close();
  }

  private V read(Deserializer<V> values, ConsumerRecord<String, byte[]> record) {
    try {
      return values.deserialize(topic, record.headers(), record.value());
    } catch (KafkaException e) {
      throw new IllegalStateException("cannot read " + topic + " partition " + record.partition() + " offset "
          + record.offset() + " (key '" + record.key() + "') as a " + type.getSimpleName() + ": " + e.getMessage(),
          e);
    }
  }

  private void probe() {
    KafkaCalls.probe(options);
  }

  private IllegalStateException unreachable(Throwable e) {
    return KafkaCalls.unreachable(options, e);
  }

  private Map<String, Object> clientProps(String clientIdKey, String clientId) {
    return KafkaCalls.clientProps(options, clientIdKey, clientId);
  }

  private long millis() {
    return options.timeout.toMillis();
  }
}
