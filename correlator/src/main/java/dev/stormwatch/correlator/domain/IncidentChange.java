package dev.stormwatch.correlator.domain;

import java.util.Objects;

/**
 * One incident before and after a decision, for emitting it and for asking {@link Escalation}.
 *
 * @param before the state before, or null when the decision created it
 * @param after  the state after
 */
public record IncidentChange(IncidentState before, IncidentState after) {

  /** Validates. */
  public IncidentChange {
    Objects.requireNonNull(after, "after");
  }
}
