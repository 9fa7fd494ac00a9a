package dev.stormwatch.notifier.api;

import dev.stormwatch.avro.IncidentCommand;
import java.util.concurrent.CompletableFuture;

/** Where the notifier API writes incident commands; a write completes when it is durable. */
@FunctionalInterface
public interface CommandSink {

  /**
   * Writes {@code command} to {@code incident.commands}, keyed by its incident id.
   *
   * @return completes when Kafka acknowledged it, or exceptionally when the write failed
   */
  CompletableFuture<Void> send(IncidentCommand command);
}
