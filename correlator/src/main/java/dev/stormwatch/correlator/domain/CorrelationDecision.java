package dev.stormwatch.correlator.domain;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@link Correlator#correlate} decided for one alert observation.
 *
 * @param outcome     what happened
 * @param reason      why, human-readable (for the debug log and the backtest report)
 * @param incidentId  the incident the alert belongs to now (for the alert→incident index); empty
 *                    when it belongs to none
 * @param changes     every incident that changed, the alert's own first; emit each {@code after}
 *                    and ask {@link Escalation} about each pair
 * @param capsHit     the caps this decision hit
 * @param movedAlerts fingerprints that moved to another incident in a merge, with their new
 *                    incident id (for the index)
 */
public record CorrelationDecision(Outcome outcome, String reason, Optional<String> incidentId,
                                  List<IncidentChange> changes, Set<Cap> capsHit, Map<String, String> movedAlerts) {

  /** Copies the collections. */
  public CorrelationDecision {
    changes = List.copyOf(changes);
    capsHit = Set.copyOf(capsHit);
    movedAlerts = Map.copyOf(movedAlerts);
  }

  /** What happened to the alert. */
  public enum Outcome {
    /** It opened a new incident. */
    OPENED,
    /** It joined an open incident. */
    JOINED,
    /** It fired within the reopen window of a resolved incident, which reopened. */
    REOPENED,
    /** It touched several incidents, which merged into the oldest; it joined the survivor. */
    MERGED,
    /** It was already a member; the incident took its new state. */
    UPDATED,
    /** It was already a member and nothing changed. */
    UNCHANGED,
    /** A resolve (or other non-firing observation) of an alert that is in no incident. */
    IGNORED,
    /** It would have opened an incident, but the domain is at its open-incident cap. */
    DROPPED
  }

  /** The alert's incident after the decision, when it is in one. */
  public Optional<IncidentState> incident() {
    return changes.isEmpty() || incidentId.isEmpty() ? Optional.empty() : Optional.of(changes.get(0).after());
  }
}
