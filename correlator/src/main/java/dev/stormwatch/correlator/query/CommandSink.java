package dev.stormwatch.correlator.query;

import dev.stormwatch.avro.IncidentCommand;
import java.util.concurrent.CompletableFuture;

/** Where the query API writes incident commands; completes when the write is durable. */
@FunctionalInterface
public interface CommandSink {

  /**
   * Writes {@code command}, keyed by its incident id.
   *
   * @return completes when acknowledged, or exceptionally when the write failed
   */
  CompletableFuture<Void> send(IncidentCommand command);
}
