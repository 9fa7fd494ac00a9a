package dev.stormwatch.correlator.rules;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Whether an alert is muted at an instant, and why: the one suppression interface that silences
 * ({@link SilenceSet}), maintenance windows (silences with a weekly recurrence) and inhibition rules
 * ({@link Inhibitor}) share, like Alertmanager's {@code Muter}. A muted alert stays in its incident,
 * marked with {@link Suppression#suppressedBy()}, and never pages; its resolve is still forwarded.
 *
 * <p>Pure with respect to time: {@code at} is the instant asked about (an alert's event time, or a
 * punctuation timestamp), never the wall clock.
 */
@FunctionalInterface
public interface Muter {

  /**
   * Why {@code alert} is muted at {@code at}.
   *
   * @return the suppression, or empty when the alert is not muted
   */
  Optional<Suppression> mutes(AlertView alert, Instant at);

  /** A muter that mutes nothing. */
  static Muter none() {
    return (alert, at) -> Optional.empty();
  }

  /** Asks each muter in order and answers with the first suppression (silences before inhibition, say). */
  static Muter firstOf(List<? extends Muter> muters) {
    List<? extends Muter> copy = List.copyOf(muters);
    return (alert, at) -> {
      for (Muter m : copy) {
        Optional<Suppression> s = m.mutes(alert, at);
        if (s.isPresent()) {
          return s;
        }
      }
      return Optional.empty();
    };
  }
}
