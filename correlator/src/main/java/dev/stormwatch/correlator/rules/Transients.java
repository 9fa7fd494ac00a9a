package dev.stormwatch.correlator.rules;

import dev.stormwatch.correlator.domain.IncidentState;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

/**
 * Transient incidents: an incident whose alerts all resolved within {@code group-wait} of its opening
 * never pages; it is counted as transient instead. Pure.
 */
public final class Transients {

  private Transients() {}

  /**
   * The answer, with its reason either way.
   *
   * @param isTransient whether the incident is transient (must not page)
   * @param reason     human-readable
   */
  public record Verdict(boolean isTransient, String reason) {}

  /**
   * Whether {@code incident} is transient: not escalated yet, it has kept alerts, every one is
   * resolved, and the last of them ended no later than {@code groupWaitFrom + groupWait}. Ask it when the
   * group wait is over, before escalating.
   */
  public static Verdict check(IncidentState incident, Duration groupWait) {
    if (incident.escalatedAt() != null) {
      return new Verdict(false, "already escalated at " + incident.escalatedAt());
    }
    Collection<IncidentState.Member> members = incident.members().values();
    if (members.isEmpty()) {
      return new Verdict(false, "no alerts kept");
    }
    Instant deadline = incident.groupWaitFrom().plus(groupWait);
    Instant lastEnd = null;
    for (IncidentState.Member m : members) {
      if (m.firing() || m.endsAt() == null) {
        return new Verdict(false, "alert " + m.name() + " on " + m.service() + " (" + m.fingerprint()
            + ") is still firing");
      }
      if (lastEnd == null || m.endsAt().isAfter(lastEnd)) {
        lastEnd = m.endsAt();
      }
    }
    int n = members.size();
    String all = n == 1 ? "its alert" : "all " + n + " alerts";
    if (lastEnd.isAfter(deadline)) {
      return new Verdict(false, all + " resolved, the last " + Text.duration(Duration.between(incident.openedAt(),
          lastEnd)) + " after opening, later than group-wait " + Text.duration(groupWait));
    }
    return new Verdict(true, "transient: " + all + " resolved within group-wait " + Text.duration(groupWait)
        + " (the last " + Text.duration(Duration.between(incident.openedAt(), lastEnd)) + " after opening)");
  }
}
