package dev.stormwatch.ingest.topology;

import dev.stormwatch.ingest.raw.RawRecord;
import java.util.List;
import java.util.Objects;

/**
 * One source's pure step from a raw record to what the topology carries on with. Must not throw
 * for any input; {@link RawProcessor} still catches what a bug lets through.
 *
 * @param <T> what the step yields: AlertEvents, or LogEntries for the log rules
 */
@FunctionalInterface
public interface RawStep<T> {

  /** Values to carry on with, and the parts of the record that were rejected. */
  Result<T> apply(RawRecord raw);

  /** A value and the key to forward it under. */
  record Keyed<T>(String key, T value) {
    public Keyed {
      Objects.requireNonNull(value, "value");
    }
  }

  /**
   * A rejected record or part of one.
   *
   * @param reason one line a human can act on
   * @param cause  what was thrown, or null
   * @param part   the offending bytes (e.g. one NDJSON line), or null for the whole record
   */
  record Rejection(String reason, Throwable cause, byte[] part) {
    public Rejection {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /** The outcome for one raw record. */
  record Result<T>(List<Keyed<T>> values, List<Rejection> rejections) {
    public Result {
      values = List.copyOf(values);
      rejections = List.copyOf(rejections);
    }

    public static <T> Result<T> of(List<Keyed<T>> values) {
      return new Result<>(values, List.of());
    }

    public static <T> Result<T> rejected(String reason, Throwable cause) {
      return new Result<>(List.of(), List.of(new Rejection(reason, cause, null)));
    }
  }
}
