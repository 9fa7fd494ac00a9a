package dev.stormwatch.correlator.query;

import dev.stormwatch.avro.Silence;
import java.util.concurrent.CompletableFuture;

/** Where the query API writes silences; completes when the write is durable. */
@FunctionalInterface
public interface SilenceSink {

  /** A sink that writes nothing: every write fails, so the API answers 503. */
  SilenceSink NONE = silence -> CompletableFuture.failedFuture(
      new IllegalStateException("this query server has no silence sink"));

  /**
   * Writes {@code silence}, keyed by its id.
   *
   * @return completes when acknowledged, or exceptionally when the write failed
   */
  CompletableFuture<Void> send(Silence silence);
}
