package dev.stormwatch.ingest.normalize;

import dev.stormwatch.avro.AlertEvent;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of normalizing one raw record: the events it yields (possibly none, e.g. a Sentry
 * "installation" hook), or why it was rejected (the record then goes to the dead-letter topic).
 * Normalizers return this and never throw for bad input.
 */
public sealed interface Normalized permits Normalized.Events, Normalized.Rejected {

  /** Zero or more events. */
  record Events(List<AlertEvent> events) implements Normalized {
    public Events {
      events = List.copyOf(events);
    }
  }

  /**
   * Rejected input.
   *
   * @param reason one line a human can act on, e.g. "not JSON: Unexpected character ('<')"
   * @param cause  the exception behind it, if any (null otherwise)
   */
  record Rejected(String reason, Throwable cause) implements Normalized {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }
  }

  static Normalized events(List<AlertEvent> events) {
    return new Events(events);
  }

  static Normalized rejected(String reason) {
    return new Rejected(reason, null);
  }

  static Normalized rejected(String reason, Throwable cause) {
    return new Rejected(reason, cause);
  }
}
