package dev.stormwatch.notifier.api;

import dev.stormwatch.avro.IncidentCommand;
import dev.stormwatch.common.kafka.RecordSink;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes {@link IncidentCommand}s keyed by incident id: a {@link RecordSink} (idempotent,
 * {@code acks=all}, bounded delivery time) behind {@link CommandSink}. Owns its producer.
 */
public final class KafkaCommandSink implements CommandSink, AutoCloseable {

  private final RecordSink<IncidentCommand> sink;

  /**
   * @param kafka      producer settings (bootstrap servers, security); serializers, idempotence
   *                   and timeouts are set by {@link RecordSink}
   * @param topic      the commands topic ({@code Topics.incidentCommands()})
   * @param serializer the value serializer (the registry-backed Avro serde's), configured
   * @param timeout    upper bound of one write, delivery retries included
   */
  public KafkaCommandSink(Map<String, ?> kafka, String topic, Serializer<IncidentCommand> serializer, Duration timeout) {
    this.sink = new RecordSink<>(kafka, topic, IncidentCommand::getIncidentId, serializer, timeout, "stormwatch-notifier-commands");
  }

  @Override
  public CompletableFuture<Void> send(IncidentCommand command) {
    return sink.send(command);
  }

  @Override
  public void close() {
    sink.close();
  }
}
