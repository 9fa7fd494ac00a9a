package dev.stormwatch.correlator.query;

import dev.stormwatch.avro.Silence;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes {@link Silence}s to the compacted {@code silences} topic keyed by id, with an idempotent
 * producer ({@code acks=all}) and a bounded delivery timeout, like {@link KafkaCommandSink}. Owns its
 * producer.
 */
public final class KafkaSilenceSink implements SilenceSink, AutoCloseable {

  private final KafkaProducer<String, Silence> producer;
  private final String topic;

  /**
   * @param kafka      producer settings (bootstrap servers, security); serializers are set here
   * @param topic      the silences topic ({@code Topics.silences()})
   * @param serializer the value serializer (the registry-backed Avro serde's), configured
   * @param timeout    upper bound of one write, delivery retries included
   */
  public KafkaSilenceSink(Map<String, Object> kafka, String topic, Serializer<Silence> serializer, Duration timeout) {
    Map<String, Object> props = new HashMap<>(kafka);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(timeout.toMillis(), 30_000));
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeout.toMillis());
    props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "stormwatch-query-silences");
    this.producer = new KafkaProducer<>(props, new StringSerializer(), serializer);
    this.topic = topic;
  }

  @Override
  public CompletableFuture<Void> send(Silence silence) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      producer.send(new ProducerRecord<>(topic, silence.getId(), silence), (metadata, e) -> {
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
    producer.close(Duration.ofSeconds(10));
  }
}
