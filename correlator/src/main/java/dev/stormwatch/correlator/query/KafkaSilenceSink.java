package dev.stormwatch.correlator.query;

import dev.stormwatch.avro.Silence;
import dev.stormwatch.common.kafka.RecordSink;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes {@link Silence}s to the compacted {@code silences} topic keyed by id: a {@link RecordSink}
 * (idempotent, {@code acks=all}, bounded delivery time) behind {@link SilenceSink}. Owns its producer.
 */
public final class KafkaSilenceSink implements SilenceSink, AutoCloseable {

  private final RecordSink<Silence> sink;

  /**
   * @param kafka      producer settings (bootstrap servers, security); serializers, idempotence
   *                   and timeouts are set by {@link RecordSink}
   * @param topic      the silences topic ({@code Topics.silences()})
   * @param serializer the value serializer (the registry-backed Avro serde's), configured
   * @param timeout    upper bound of one write, delivery retries included
   */
  public KafkaSilenceSink(Map<String, ?> kafka, String topic, Serializer<Silence> serializer, Duration timeout) {
    this.sink = new RecordSink<>(kafka, topic, Silence::getId, serializer, timeout, "stormwatch-query-silences");
  }

  @Override
  public CompletableFuture<Void> send(Silence silence) {
    return sink.send(silence);
  }

  @Override
  public void close() {
    sink.close();
  }
}
