package dev.stormwatch.ingest.topology;

import java.util.Objects;
import org.apache.kafka.common.header.Headers;

/**
 * What a raw-record step hands on: a value to carry on with, under a key, or a dead letter.
 * Lives only between two processors of one sub-topology (never serialized).
 *
 * @param <T> the value type carried on
 */
sealed interface Routed<T> permits Routed.Ok, Routed.Dead {

  /** A value to forward under {@code key}. */
  record Ok<T>(String key, T value) implements Routed<T> {
    public Ok {
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * Input to dead-letter, as it was.
   *
   * @param key     original key bytes (may be null)
   * @param value   the bytes to keep: the whole raw record, or the offending line of it
   * @param headers the original headers
   * @param reason  one line a human can act on
   * @param cause   what was thrown, or null
   */
  record Dead<T>(byte[] key, byte[] value, Headers headers, String reason, Throwable cause) implements Routed<T> {
    public Dead {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
