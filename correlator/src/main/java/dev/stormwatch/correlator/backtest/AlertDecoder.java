package dev.stormwatch.correlator.backtest;

import dev.stormwatch.avro.AlertEvent;
import java.util.List;
import java.util.Objects;

/**
 * Turns one line of a recorded alert stream into {@link AlertEvent}s, or says why it cannot. Each
 * event's {@code observedAt} must be its event time (when it fired, or resolved): the backtest
 * orders and pipes events by it. Implementations never throw on bad input.
 */
@FunctionalInterface
public interface AlertDecoder {

  /** Decodes {@code line} (without its line break). */
  Decoded decode(String line);

  /** What one line decoded to. */
  sealed interface Decoded permits Decoded.Events, Decoded.Rejected {

    /** The line's alert events. */
    record Events(List<AlertEvent> events) implements Decoded {
      /** Copies. */
      public Events {
        events = List.copyOf(events);
      }
    }

    /** Why the line was rejected, in one line. */
    record Rejected(String reason) implements Decoded {
      /** Validates. */
      public Rejected {
        Objects.requireNonNull(reason, "reason");
      }
    }
  }
}
