package dev.stormwatch.correlator.backtest;

import dev.stormwatch.avro.ChangeEvent;
import java.util.List;
import java.util.Objects;

/**
 * Turns one line of a recorded change stream into {@link ChangeEvent}s (deploys, rollbacks, config
 * changes, feature flags), or says why it cannot. Each change's {@code time} is its event time: the
 * backtest orders and pipes changes by it. Implementations never throw on bad input.
 */
@FunctionalInterface
public interface ChangeDecoder {

  /**
   * Decodes one line.
   *
   * @param line the line, without its line break
   * @return the changes, or the rejection
   */
  Decoded decode(String line);

  /** What one line decoded to. */
  sealed interface Decoded permits Decoded.Changes, Decoded.Rejected {

    /**
     * The line's changes.
     *
     * @param changes the changes
     */
    record Changes(List<ChangeEvent> changes) implements Decoded {
      /** Copies. */
      public Changes {
        changes = List.copyOf(changes);
      }
    }

    /**
     * Why the line was rejected, in one line.
     *
     * @param reason the reason
     */
    record Rejected(String reason) implements Decoded {
      /** Validates. */
      public Rejected {
        Objects.requireNonNull(reason, "reason");
      }
    }
  }
}
