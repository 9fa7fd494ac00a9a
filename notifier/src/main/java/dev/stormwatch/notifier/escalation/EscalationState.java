package dev.stormwatch.notifier.escalation;

import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.Link;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.avro.Urgency;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The escalation of one incident, as the notifier keeps it (store {@code notifier-escalations}).
 * Immutable; {@link EscalationEngine} computes the next state.
 *
 * @param incidentId the incident
 * @param incident   what pages say about it (from the latest escalation event)
 * @param team       the team routed to, if any
 * @param policy     the escalation policy, if any
 * @param urgency    HIGH runs the policy, LOW notifies chat
 * @param phase      where the escalation stands
 * @param cycle      how many times the escalation was restarted by a reopen (0 first)
 * @param level      the policy level paged last (0 first)
 * @param repeat     the pass over the policy (0 first)
 * @param deadline   when something is due without new input: the current level's timeout while
 *                   escalating, else the instant the state leaves the store
 * @param paged      every destination paged in this cycle, with the page's level and repeat
 * @param seen       ids of the latest escalation events and commands applied, oldest first, so a
 *                   replayed one is recognised
 * @param updatedAt  when the latest input was applied
 * @param closedBy   who acknowledged or resolved it, if anyone
 */
public record EscalationState(String incidentId, IncidentInfo incident, Optional<String> team,
                              Optional<String> policy, Urgency urgency, Phase phase, int cycle, int level,
                              int repeat, Instant deadline, List<Paged> paged, List<String> seen,
                              Instant updatedAt, Optional<String> closedBy) {

  /** How many input ids are remembered for replay detection. */
  public static final int MAX_SEEN = 64;

  /** Validates and copies. */
  public EscalationState {
    Objects.requireNonNull(incidentId, "incidentId");
    Objects.requireNonNull(incident, "incident");
    Objects.requireNonNull(team, "team");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(urgency, "urgency");
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(deadline, "deadline");
    paged = List.copyOf(paged);
    seen = List.copyOf(seen);
    Objects.requireNonNull(updatedAt, "updatedAt");
    Objects.requireNonNull(closedBy, "closedBy");
  }

  /** Where an escalation stands. */
  public enum Phase {
    /** Paging level by level; {@code deadline} is the current level's timeout. */
    ESCALATING,
    /** Every level of every pass went unacknowledged; nothing more is paged until it reopens. */
    EXHAUSTED,
    /** LOW urgency: the chat contact was notified; nobody is paged. */
    CHAT,
    /** Nobody could be paged or notified (no team, policy, on-call person or chat contact). */
    UNROUTED,
    /** Acknowledged: no further levels. */
    ACKNOWLEDGED,
    /** Resolved: every paged destination was told; the state leaves the store after the retention. */
    RESOLVED;

    /** Whether the incident is still open (not acknowledged, not resolved). */
    public boolean unanswered() {
      return this == ESCALATING || this == EXHAUSTED || this == CHAT || this == UNROUTED;
    }
  }

  /**
   * What pages say about an incident, from its latest escalation event.
   *
   * @param title     incident title
   * @param summary   a few lines: root cause, alert count, suspect change
   * @param severity  severity now
   * @param rootCause top root-cause service, if known
   * @param services  services in the incident
   * @param links     incident page, runbook, suspect change...
   */
  public record IncidentInfo(String title, String summary, Severity severity, Optional<String> rootCause,
                             List<String> services, List<Link> links) {

    /** Validates and copies. */
    public IncidentInfo {
      Objects.requireNonNull(title, "title");
      Objects.requireNonNull(summary, "summary");
      Objects.requireNonNull(severity, "severity");
      Objects.requireNonNull(rootCause, "rootCause");
      services = List.copyOf(services);
      links = List.copyOf(links);
    }

    /** From an escalation event. */
    public static IncidentInfo of(EscalationEvent e) {
      List<Link> links = new ArrayList<>();
      for (Link l : e.getLinks()) {
        links.add(Link.newBuilder(l).build());
      }
      return new IncidentInfo(e.getTitle() == null ? e.getIncidentId() : e.getTitle(),
          e.getSummary() == null ? "" : e.getSummary(), e.getSeverity(), Optional.ofNullable(e.getRootCause()),
          e.getServices(), links);
    }
  }

  /**
   * A destination paged in the current cycle, and the page it got last.
   *
   * @param recipient the destination
   * @param level     the level of its latest page
   * @param repeat    the pass of its latest page
   * @param at        when it was paged last
   * @param dedupKey  the dedup key of that page; follow-ups derive theirs from it
   */
  public record Paged(PageRecipient recipient, int level, int repeat, Instant at, String dedupKey) {

    /** Validates. */
    public Paged {
      Objects.requireNonNull(recipient, "recipient");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(dedupKey, "dedupKey");
    }
  }

  /** Whether an input with this id was applied already. */
  public boolean saw(String inputId) {
    return seen.contains(inputId);
  }

  /** A copy that remembers {@code inputId} (the oldest is forgotten beyond {@link #MAX_SEEN}). */
  EscalationState seeing(String inputId, Instant at) {
    List<String> ids = new ArrayList<>(seen);
    if (!ids.contains(inputId)) {
      ids.add(inputId);
    }
    while (ids.size() > MAX_SEEN) {
      ids.remove(0);
    }
    return new EscalationState(incidentId, incident, team, policy, urgency, phase, cycle, level, repeat, deadline,
        paged, ids, at, closedBy);
  }

  /** A copy with {@code info}. */
  EscalationState withIncident(IncidentInfo info) {
    return new EscalationState(incidentId, info, team, policy, urgency, phase, cycle, level, repeat, deadline, paged,
        seen, updatedAt, closedBy);
  }

  /** A copy in {@code phase}, due at {@code deadline}. */
  EscalationState in(Phase phase, Instant deadline) {
    return new EscalationState(incidentId, incident, team, policy, urgency, phase, cycle, level, repeat, deadline,
        paged, seen, updatedAt, closedBy);
  }

  /** A copy closed by {@code who}. */
  EscalationState closedBy(String who) {
    return new EscalationState(incidentId, incident, team, policy, urgency, phase, cycle, level, repeat, deadline,
        paged, seen, updatedAt, Optional.ofNullable(who));
  }
}
