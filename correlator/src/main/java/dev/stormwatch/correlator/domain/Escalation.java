package dev.stormwatch.correlator.domain;

import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.EscalationKind;
import dev.stormwatch.avro.IncidentStatus;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * "Should we page now?": a pure function of an incident before and after a change and the clock,
 * passed in (STYLE habit 7). Every answer has a reason.
 *
 * <ul>
 *   <li><b>OPENED</b> once, {@code group-wait} after the incident opened (its {@code openedAt}), if
 *       it is still open, not merged and not suppressed then: alerts that join or merge during the
 *       wait ride on the same escalation, so a storm becomes one page. Nothing happens at that
 *       instant without input, so {@link #dueAt} tells a punctuator when to ask (with the incident as
 *       both before and after).</li>
 *   <li><b>SEVERITY_RAISED</b> when an escalated, open incident's severity rises.</li>
 *   <li><b>REOPENED</b> when an escalated incident goes from RESOLVED to REOPENED (one never
 *       escalated gets its OPENED instead).</li>
 *   <li><b>RESOLVED</b> when an escalated incident resolves, or is merged into another (its page
 *       closes; the survivor pages on its own terms). An incident resolved before it was escalated
 *       never pages.</li>
 * </ul>
 * <b>Muted and flapping incidents</b> (issue 5): a {@link IncidentState#suppressed() suppressed}
 * incident (every firing alert silenced, in maintenance or inhibited) does not page OPENED,
 * SEVERITY_RAISED or REOPENED; when it is no longer muted while open, it pages then (OPENED once its
 * group wait is over). Muting never holds back a RESOLVED of a page that went out. An incident
 * reopened by a flapping alert does not page REOPENED while the alert flaps. Either kind of reopen
 * that did not page leaves the page closed: the incident pages REOPENED when it fires on unmuted and
 * not flapping, and its later resolve sends no second RESOLVED.
 *
 * An incident whose alerts all joined (or merged into) an incident of a dependency that is already
 * open never escalates on its own: it is merged before its group wait ends, or never existed.
 * After emitting, the caller records the escalation with {@link Decision#record}.
 */
public final class Escalation {

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private final Duration groupWait;
  private final CorrelatorSettings settings;

  /** The policy of these settings ({@code group-wait}; the timeline cap when recording). */
  public Escalation(CorrelatorSettings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.groupWait = settings.groupWait();
  }

  /**
   * An escalation decision.
   *
   * @param kind   what to emit, or empty for nothing
   * @param reason why (also when nothing is emitted)
   * @param dueAt  when to ask again without new input (the end of the group wait), if anything is pending
   */
  public record Decision(Optional<EscalationKind> kind, String reason, Optional<Instant> dueAt) {

    static Decision none(String reason) {
      return new Decision(Optional.empty(), reason, Optional.empty());
    }

    static Decision emit(EscalationKind kind, String reason) {
      return new Decision(Optional.of(kind), reason, Optional.empty());
    }

    /** Whether to emit an escalation event. */
    public boolean emits() {
      return kind.isPresent();
    }

    /**
     * The event to emit, for the incident as it is after the change; its id is incident id, kind
     * and revision, so a replayed decision is recognised.
     */
    public EscalationEvent event(IncidentState incident, Instant at) {
      EscalationKind k = kind.orElseThrow(() -> new IllegalStateException("nothing to emit: " + reason));
      Optional<RootCause.Candidate> top = incident.rootCauses().stream().findFirst();
      StringBuilder summary = new StringBuilder();
      top.ifPresent(c -> summary.append("Likely root cause: ").append(c.service())
          .append(c.inferred() ? " (inferred)" : "").append(" (").append(String.join("; ", c.reasons()))
          .append(").\n"));
      summary.append(incident.alertCount()).append(incident.alertCount() == 1 ? " alert" : " alerts").append(" on ")
          .append(String.join(", ", incident.services())).append(".\n").append(reason);
      return EscalationEvent.newBuilder()
          .setId(incident.id() + ":" + k + ":" + incident.revision())
          .setIncidentId(incident.id())
          .setKind(k)
          .setSeverity(incident.severity())
          .setTitle(incident.title())
          .setSummary(summary.toString())
          .setDomain(incident.domain())
          .setServices(new ArrayList<>(incident.services()))
          .setRootCause(top.map(RootCause.Candidate::service).orElse(null))
          .setRootCauseReasons(new ArrayList<>(top.map(RootCause.Candidate::reasons).orElse(List.of())))
          .setTeam(incident.team())
          .setAlertCount(incident.alertCount())
          .setLabels(new HashMap<>())
          .setLinks(new ArrayList<>())
          .setFirstAlertAt(incident.firstAlertAt())
          .setAt(at)
          .build();
    }

    /** The incident with this escalation recorded: {@code escalatedAt} (the first time) and a timeline entry. */
    public IncidentState record(IncidentState incident, Instant at, CorrelatorSettings settings) {
      if (!emits()) {
        return incident;
      }
      return incident.escalated(at, kind.get() + ": " + reason, settings);
    }
  }

  /**
   * When the incident's OPENED escalation falls due, if it is still pending: not while it is muted,
   * nor while none of its alerts fires (if they all resolved within the group wait it is transient and
   * never pages; if one fires again, it is due again).
   */
  public Optional<Instant> dueAt(IncidentState incident) {
    if (incident.escalatedAt() != null || !incident.isOpen() || incident.suppressed()
        || !incident.hasFiringAlerts()) {
      return Optional.empty();
    }
    return Optional.of(incident.groupWaitFrom().plus(groupWait));
  }

  /**
   * What to emit for a change of an incident, at {@code now}.
   *
   * @param before the incident before the change, or null when it is new
   * @param after  the incident after the change (pass the same incident twice when a punctuator asks)
   * @param now    the clock: record time, stream time or the punctuation timestamp
   */
  public Decision decide(IncidentState before, IncidentState after, Instant now) {
    boolean pageClosed = pageClosed(after);
    if (after.isMerged()) {
      boolean justMerged = before == null || !before.isMerged();
      if (justMerged && after.escalatedAt() != null && !pageClosed) {
        return Decision.emit(EscalationKind.RESOLVED, "merged into " + after.mergedInto()
            + ", which carries its alerts from now on");
      }
      return Decision.none("merged into " + after.mergedInto() + (after.escalatedAt() == null
          ? " before it was escalated: it never pages on its own" : "; already closed"));
    }
    if (after.escalatedAt() == null) {
      if (!after.isOpen()) {
        return Decision.none("resolved before it was escalated: nothing to page");
      }
      if (after.suppressed()) {
        return Decision.none("every firing alert is suppressed");
      }
      Instant due = after.groupWaitFrom().plus(groupWait);
      if (now.isBefore(due)) {
        return new Decision(Optional.empty(), "group wait: escalates at " + CLOCK.format(due)
            + " unless it merges or resolves first", Optional.of(due));
      }
      return Decision.emit(EscalationKind.OPENED, "open since " + CLOCK.format(after.openedAt()) + ", group wait of "
          + RootCause.human(groupWait) + " passed; " + after.alertCount() + " alerts on " + after.services().size()
          + " services, severity " + after.severity());
    }
    if (before == null || before == after) {
      return Decision.none("already escalated; nothing changed");
    }
    if (before.status() == IncidentStatus.RESOLVED && after.status() == IncidentStatus.REOPENED) {
      if (after.suppressed()) {
        return Decision.none("reopened by muted alerts: pages REOPENED if they fire on unmuted");
      }
      if (after.flapping()) {
        return Decision.none("reopened by a flapping alert: pages REOPENED if it keeps firing once it calms");
      }
      return Decision.emit(EscalationKind.REOPENED, "reopened (" + after.reopenCount() + (after.reopenCount() == 1
          ? " time" : " times") + "): a correlated alert fired within the reopen window");
    }
    if (before.status() != IncidentStatus.RESOLVED && after.status() == IncidentStatus.RESOLVED) {
      if (pageClosed) {
        return Decision.none("resolved; its page was already closed by the last RESOLVED");
      }
      return Decision.emit(EscalationKind.RESOLVED, IncidentState.AUTO.equals(after.resolvedBy())
          ? "every alert resolved and stayed quiet" : "resolved by " + after.resolvedBy());
    }
    if (pageClosed && after.isOpen() && after.hasFiringAlerts() && !after.suppressed() && !after.flapping()
        && (before.suppressed() || before.flapping())) {
      return Decision.emit(EscalationKind.REOPENED, "reopened while muted or flapping, "
          + (before.suppressed() ? "no longer muted" : "no longer flapping") + " and still firing");
    }
    if (after.suppressed() || pageClosed) {
      return Decision.none(after.suppressed() ? "every firing alert is muted" : "its page is closed");
    }
    if (after.isOpen() && after.severity().ordinal() > before.severity().ordinal()) {
      return Decision.emit(EscalationKind.SEVERITY_RAISED, "severity rose from " + before.severity() + " to "
          + after.severity());
    }
    return Decision.none("already escalated; no change that pages");
  }

  /**
   * Whether the incident's page is closed while the incident is not: the latest escalation it
   * recorded is a RESOLVED (it resolved, then reopened while muted or flapping, which does not page).
   */
  static boolean pageClosed(IncidentState incident) {
    return incident.escalatedAt() != null && incident.lastEscalation().map("RESOLVED"::equals).orElse(false);
  }

  /** {@code group-wait}. */
  public Duration groupWait() {
    return groupWait;
  }

  /** The settings. */
  public CorrelatorSettings settings() {
    return settings;
  }
}
