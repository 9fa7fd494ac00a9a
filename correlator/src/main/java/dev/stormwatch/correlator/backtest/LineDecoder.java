package dev.stormwatch.correlator.backtest;

import java.util.List;
import java.util.Objects;

/**
 * Turns one line of a recorded stream into values, or says why it cannot, in one line.
 * Implementations should not throw on bad input; {@link #decodeSafely} turns a throw into a
 * rejection anyway, so a bad line never stops a replay.
 *
 * @param <T> what a line holds (alert events, changes)
 */
@FunctionalInterface
public interface LineDecoder<T> {

  /**
   * Decodes one line.
   *
   * @param line the line, without its line break
   * @return the values, or the rejection
   */
  Decoded<T> decode(String line);

  /**
   * {@link #decode}, with anything it throws as a rejection.
   *
   * @param line the line, without its line break
   * @return the values, or the rejection
   */
  default Decoded<T> decodeSafely(String line) {
    try {
      return decode(line);
    } catch (RuntimeException e) {
      return new Decoded.Rejected<>("cannot decode: " + e);
    }
  }

  /**
   * What one line decoded to.
   *
   * @param <T> what a line holds
   */
  sealed interface Decoded<T> permits Decoded.Values, Decoded.Rejected {

    /**
     * The line's values.
     *
     * @param values the values
     * @param <T>    what a line holds
     */
    record Values<T>(List<T> values) implements Decoded<T> {
      /** Copies. */
      public Values {
        values = List.copyOf(values);
      }
    }

    /**
     * Why the line was rejected, in one line.
     *
     * @param reason the reason
     * @param <T>    what a line holds
     */
    record Rejected<T>(String reason) implements Decoded<T> {
      /** Validates. */
      public Rejected {
        Objects.requireNonNull(reason, "reason");
      }
    }
  }
}
