package dev.stormwatch.correlator.rules;

import dev.stormwatch.correlator.domain.IncidentState;
import dev.stormwatch.correlator.domain.RankingSignal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The recent-change {@link RankingSignal}: a root-cause candidate whose own service changed within
 * {@code change-lookback} before the incident's onset gets evidence with the change as its reason,
 * e.g. {@code deployed v1.4.2 by alice 5m before onset}. The weight is {@code change-signal-weight}
 * for a change at onset, falling linearly to half of it for a change a whole lookback before, so
 * of two otherwise tied candidates the more recently changed ranks first. With several changes the
 * latest speaks, and the reason counts the others.
 */
public final class ChangeSignal implements RankingSignal {

  private final ChangeLookup changes;
  private final Duration lookback;
  private final double weight;

  /**
   * A signal.
   *
   * @param changes  where recent changes are found
   * @param lookback how long before onset a change counts
   * @param weight   the weight of a change at onset
   */
  public ChangeSignal(ChangeLookup changes, Duration lookback, double weight) {
    this.changes = Objects.requireNonNull(changes, "changes");
    this.lookback = Objects.requireNonNull(lookback, "lookback");
    if (lookback.isNegative() || lookback.isZero()) {
      throw new IllegalArgumentException("change-lookback must be positive, was " + lookback);
    }
    this.weight = weight;
  }

  /** A signal with {@code change-lookback} and {@code change-signal-weight}. */
  public static ChangeSignal of(ChangeLookup changes, RulesSettings settings) {
    return new ChangeSignal(changes, settings.changeLookback(), settings.changeSignalWeight());
  }

  @Override
  public Optional<Evidence> evidence(String service, IncidentState incident) {
    Instant onset = incident.firstAlertAt();
    if (onset == null) {
      return Optional.empty();
    }
    List<Change> recent = changes.changes(service, onset.minus(lookback), onset).stream()
        .filter(c -> !c.time().isBefore(onset.minus(lookback)) && !c.time().isAfter(onset)).toList();
    if (recent.isEmpty()) {
      return Optional.empty();
    }
    Change latest = recent.get(0);
    for (Change c : recent) {
      if (c.time().isAfter(latest.time()) || c.time().equals(latest.time()) && c.id().compareTo(latest.id()) > 0) {
        latest = c;
      }
    }
    Duration age = Duration.between(latest.time(), onset);
    double w = weight * (1.0 - 0.5 * age.toMillis() / (double) lookback.toMillis());
    String when = age.isZero() ? " at onset" : " " + Text.duration(age) + " before onset";
    int others = recent.size() - 1;
    String more = others == 0 ? "" : " (and " + others + " earlier " + (others == 1 ? "change" : "changes")
        + " within " + Text.duration(lookback) + ")";
    return Optional.of(new Evidence(w, latest.describe() + when + more));
  }
}
