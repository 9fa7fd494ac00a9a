package dev.stormwatch.common.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes single records of one type to one topic, each keyed by a string taken from the record,
 * with an idempotent producer ({@code acks=all}, no linger, no transactions) whose every write is
 * bounded by one timeout, delivery retries included. Used where an HTTP request writes one record
 * and answers once it is durable (incident commands, silences). Owns its producer.
 *
 * @param <V> the record type
 */
public final class RecordSink<V> implements AutoCloseable {

  private static final int MAX_REQUEST_TIMEOUT_MS = 30_000;
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private final KafkaProducer<String, V> producer;
  private final String topic;
  private final Function<V, String> key;

  /**
   * @param kafka      producer settings (bootstrap servers, security); serializers, idempotence and
   *                   timeouts are set here and a {@code transactional.id} is dropped
   * @param topic      the topic written to
   * @param key        the key of a record (e.g. {@code IncidentCommand::getIncidentId})
   * @param serializer the value serializer (the registry-backed Avro serde's), configured
   * @param timeout    upper bound of one write, delivery retries included
   * @param clientId   the producer's {@code client.id} unless {@code kafka} sets one
   */
  public RecordSink(Map<String, ?> kafka, String topic, Function<V, String> key, Serializer<V> serializer,
                    Duration timeout, String clientId) {
    this.topic = Objects.requireNonNull(topic, "topic");
    this.key = Objects.requireNonNull(key, "key");
    Objects.requireNonNull(serializer, "serializer");
    Map<String, Object> props = new HashMap<>(kafka);
    props.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(millis, MAX_REQUEST_TIMEOUT_MS));
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (long) millis);
    props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    this.producer = new KafkaProducer<>(props, new StringSerializer(), serializer);
  }

  /** The topic this sink writes to. */
  public String topic() {
    return topic;
  }

  /**
   * Writes {@code value} keyed by its key.
   *
   * @return completes when Kafka acknowledged the write, or exceptionally with the producer's
   *         exception (serialization, timeout, broker error) when it failed
   */
  public CompletableFuture<Void> send(V value) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      producer.send(new ProducerRecord<>(topic, key.apply(value), value), (metadata, e) -> {
        if (e == null) {
          done.complete(null);
        } else {
          done.completeExceptionally(e);
        }
      });
    } catch (RuntimeException e) {
      done.completeExceptionally(e);
    }
    return done;
  }

  @Override
  public void close() {
    producer.close(CLOSE_TIMEOUT);
  }
}
