package dev.stormwatch.notifier.api;

import dev.stormwatch.avro.IncidentCommand;
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
 * Writes {@link IncidentCommand}s keyed by incident id with an idempotent producer
 * ({@code acks=all}) and a bounded delivery time. Owns its producer.
 */
public final class KafkaCommandSink implements CommandSink, AutoCloseable {

  private final KafkaProducer<String, IncidentCommand> producer;
  private final String topic;

  /**
   * @param kafka      producer settings (bootstrap servers, security); serializers, idempotence
   *                   and timeouts are set here
   * @param topic      the commands topic ({@code Topics.incidentCommands()})
   * @param serializer the value serializer (the registry-backed Avro serde's), configured
   * @param timeout    upper bound of one write, delivery retries included
   */
  public KafkaCommandSink(Map<String, ?> kafka, String topic, Serializer<IncidentCommand> serializer,
                          Duration timeout) {
    Map<String, Object> props = new HashMap<>(kafka);
    props.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.min(millis, 30_000));
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (long) millis);
    props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "stormwatch-notifier-commands");
    this.producer = new KafkaProducer<>(props, new StringSerializer(), serializer);
    this.topic = topic;
  }

  @Override
  public CompletableFuture<Void> send(IncidentCommand command) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    try {
      producer.send(new ProducerRecord<>(topic, command.getIncidentId(), command), (metadata, e) -> {
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
