package dev.stormwatch.correlator.domain;

import dev.stormwatch.avro.AlertStatus;
import dev.stormwatch.avro.AlertSummary;
import dev.stormwatch.avro.Incident;
import dev.stormwatch.avro.IncidentStatus;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.avro.SuspectChange;
import dev.stormwatch.avro.TimelineEntry;
import dev.stormwatch.avro.TimelineKind;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One incident: its member alerts, lifecycle, ranked root causes and timeline. Immutable; every
 * transition returns a new state with {@link #revision()} one higher, or this very instance when
 * nothing changed. It converts losslessly to and from the Avro {@link Incident}
 * ({@link #toAvro()}, {@link #fromAvro(Incident)}), which is what the stores and the
 * {@code incidents} topic hold.
 *
 * <p>Lifecycle: {@code OPEN → ACKNOWLEDGED → RESOLVED → REOPENED} (and back to
 * {@code ACKNOWLEDGED}/{@code RESOLVED}); an incident merged into another is {@code RESOLVED} with
 * {@link #mergedInto()} set and never reopens. Which alerts join, and when, is decided by
 * {@link Correlator}; this class only applies the decision.
 *
 * <p>Bounds: {@code max-alerts-per-incident} members are kept, and beyond it only the first alert of
 * a service and of each higher severity on that service (so a failing dependency whose alert arrives
 * after its callers' storm filled the incident is still ranked, and a critical alert still raises the
 * severity): at most the cap plus five per service of the domain. Any other new alert beyond the cap
 * is counted in {@link #alertCount()} but not tracked, so it does not hold the incident open. At most
 * {@code max-timeline-entries} timeline entries are kept, the oldest dropped first
 * ({@link #droppedTimelineEntries()} says how many the transition that produced this state dropped).
 */
public final class IncidentState {

  /** {@code resolvedBy} of an incident resolved because its alerts resolved and stayed quiet. */
  public static final String AUTO = "auto";
  /** {@code resolvedBy} of an incident merged into another. */
  public static final String MERGE = "merge";

  /**
   * What an incident keeps of one member alert (the Avro {@link AlertSummary}).
   *
   * @param fingerprint  alert fingerprint
   * @param name         alert name
   * @param service      canonical service
   * @param severity     latest severity
   * @param status       latest status
   * @param summary      one-line summary, or null
   * @param startsAt     onset of its current (or last) episode
   * @param endsAt       end of its last episode, once resolved
   * @param lastSeenAt   event time of its latest observation
   * @param suppressed   muted by a silence, maintenance window or inhibition rule
   * @param suppressedBy what mutes it ({@code silence:<id>}, {@code inhibit:<rule>}), or null
   * @param flapping     changes state too often
   */
  public record Member(String fingerprint, String name, String service, Severity severity, AlertStatus status,
                       String summary, Instant startsAt, Instant endsAt, Instant lastSeenAt, boolean suppressed,
                       String suppressedBy, boolean flapping) {

    /** The member for this alert state. */
    public static Member of(AlertState a) {
      return new Member(a.fingerprint(), a.name(), a.service(), a.severity(), a.status(), a.summary(), a.startsAt(),
          a.endsAt(), a.lastSeenAt(), false, null, false);
    }

    /** The member an Avro alert summary (from a store or topic) describes. */
    public static Member of(AlertSummary s) {
      return new Member(s.getFingerprint(), s.getName(), s.getService(), s.getSeverity(), s.getStatus(),
          s.getSummary(), s.getStartsAt(), s.getEndsAt(), s.getLastSeenAt(), s.getSuppressed(), s.getSuppressedBy(),
          s.getFlapping());
    }

    /** Whether it is firing. */
    public boolean firing() {
      return status != AlertStatus.RESOLVED;
    }

    /** Its suppression and flapping marks. */
    public Mark mark() {
      return new Mark(suppressed, suppressedBy, null, flapping);
    }

    /** This member with other suppression and flapping marks. */
    Member marked(Mark mark) {
      return new Member(fingerprint, name, service, severity, status, summary, startsAt, endsAt, lastSeenAt,
          mark.suppressed(), mark.suppressed() ? mark.suppressedBy() : null, mark.flapping());
    }

    /** This member with the alert's latest state, keeping the suppression and flapping marks. */
    Member updatedBy(AlertState a) {
      Member m = of(a);
      return new Member(m.fingerprint, m.name, m.service, m.severity, m.status, m.summary, m.startsAt, m.endsAt,
          m.lastSeenAt, suppressed, suppressedBy, flapping);
    }

    /** The Avro alert summary, a fresh mutable copy. */
    public AlertSummary toAvro() {
      return AlertSummary.newBuilder()
          .setFingerprint(fingerprint).setName(name).setService(service).setSeverity(severity).setStatus(status)
          .setSummary(summary).setStartsAt(startsAt).setEndsAt(endsAt).setLastSeenAt(lastSeenAt)
          .setSuppressed(suppressed).setSuppressedBy(suppressedBy).setFlapping(flapping)
          .build();
    }
  }

  /**
   * What the rules say about one member alert at an instant: muted or not (and by what), flapping or
   * not. {@link IncidentState#withMarks} applies marks to members.
   *
   * @param suppressed   muted by a silence, maintenance window or inhibition rule
   * @param suppressedBy {@code silence:<id>} or {@code inhibit:<rule>} when muted, else null
   * @param reason       human-readable, for the timeline (not stored with the member), or null
   * @param flapping     changes state too often
   */
  public record Mark(boolean suppressed, String suppressedBy, String reason, boolean flapping) {

    /** Not muted, not flapping. */
    public static final Mark NONE = new Mark(false, null, null, false);

    /** Whether two marks put the same state on a member (the reason is not stored). */
    boolean sameAs(Mark other) {
      return suppressed == other.suppressed && flapping == other.flapping
          && (!suppressed || Objects.equals(suppressedBy, other.suppressedBy));
    }
  }

  /**
   * One timeline entry.
   *
   * @param at     when it happened (event time, or the command's time)
   * @param kind   what happened
   * @param detail human-readable detail
   * @param actor  who caused it, for human actions; else null
   */
  public record Entry(Instant at, TimelineKind kind, String detail, String actor) {
    TimelineEntry toAvro() {
      return TimelineEntry.newBuilder().setAt(at).setKind(kind).setDetail(detail).setActor(actor).build();
    }

    static Entry of(TimelineEntry e) {
      return new Entry(e.getAt(), e.getKind(), e.getDetail(), e.getActor());
    }
  }

  private final String id;
  private final String domain;
  private final String title;
  private final IncidentStatus status;
  private final Severity severity;
  private final List<String> services;
  private final String team;
  private final SortedMap<String, Member> members;
  private final int alertCount;
  private final List<RootCause.Candidate> rootCauses;
  private final List<SuspectChange> suspectChanges;
  private final Instant firstAlertAt;
  private final Instant openedAt;
  private final Instant groupWaitFrom;
  private final Instant lastActivityAt;
  private final Instant escalatedAt;
  private final Instant acknowledgedAt;
  private final String acknowledgedBy;
  private final Instant resolvedAt;
  private final String resolvedBy;
  private final int reopenCount;
  private final String mergedInto;
  private final List<String> mergedFrom;
  private final boolean suppressed;
  private final List<Entry> timeline;
  private final long revision;
  private final int droppedTimelineEntries;
  /** Whether a member fires: asked several times an alert, so known from construction. */
  private final boolean firing;

  private IncidentState(Draft d) {
    this.id = Objects.requireNonNull(d.id, "id");
    this.domain = Objects.requireNonNull(d.domain, "domain");
    this.title = d.title == null ? "" : d.title;
    this.status = d.status;
    this.severity = d.severity;
    this.services = List.copyOf(d.services);
    this.team = d.team;
    this.members = d.sealMembers();
    this.alertCount = d.alertCount;
    this.rootCauses = List.copyOf(d.rootCauses);
    this.suspectChanges = d.suspectChanges.stream().map(c -> SuspectChange.newBuilder(c).build()).toList();
    this.firstAlertAt = d.firstAlertAt;
    this.openedAt = d.openedAt;
    this.groupWaitFrom = d.groupWaitFrom;
    this.lastActivityAt = d.lastActivityAt;
    this.escalatedAt = d.escalatedAt;
    this.acknowledgedAt = d.acknowledgedAt;
    this.acknowledgedBy = d.acknowledgedBy;
    this.resolvedAt = d.resolvedAt;
    this.resolvedBy = d.resolvedBy;
    this.reopenCount = d.reopenCount;
    this.mergedInto = d.mergedInto;
    this.mergedFrom = List.copyOf(d.mergedFrom);
    this.suppressed = mutedOnly(this.members.values());
    this.firing = this.members.values().stream().anyMatch(Member::firing);
    this.timeline = List.copyOf(d.timeline);
    this.revision = d.revision;
    this.droppedTimelineEntries = d.dropped;
  }

  // ---- creation ----------------------------------------------------------------------------

  /**
   * A new OPEN incident with one firing alert, opened at the alert's event time, revision 1.
   *
   * @param id     its id (see {@link Correlator#incidentId})
   * @param domain the correlation domain
   * @param first  the alert that opens it
   */
  public static IncidentState open(String id, String domain, AlertState first, CorrelatorSettings settings) {
    Draft d = new Draft();
    d.id = id;
    d.domain = domain;
    d.title = first.name() + " on " + first.service();
    d.status = IncidentStatus.OPEN;
    d.severity = first.severity();
    d.firstAlertAt = first.startsAt();
    d.openedAt = first.eventTime();
    // the group wait runs from when the storm reached us: an alert that fired an hour before it was
    // forwarded must still wait for the alerts that follow it (in a replay, observedAt is event time)
    d.groupWaitFrom = max(first.eventTime(), first.latest().observedAt());
    d.lastActivityAt = first.eventTime();
    d.revision = 0;
    d.entry(settings, first.eventTime(), TimelineKind.OPENED, "opened by " + describe(first), null);
    d.addMember(first, settings);
    return d.bump();
  }

  /** The state an Avro incident (from a store or topic) describes. */
  public static IncidentState fromAvro(Incident i) {
    return fromAvro(i, i.getAlerts());
  }

  /**
   * The state an Avro incident header (an {@link Incident} whose {@code alerts} are kept elsewhere,
   * see {@link #toAvroHeader()}) and its member alerts describe.
   */
  public static IncidentState fromAvro(Incident i, Iterable<AlertSummary> alerts) {
    Draft d = new Draft();
    d.id = i.getId();
    d.domain = i.getDomain();
    d.title = i.getTitle();
    d.status = i.getStatus();
    d.severity = i.getSeverity();
    d.services.addAll(i.getServices());
    d.team = i.getTeam();
    for (AlertSummary s : alerts) {
      d.editMembers().put(s.getFingerprint(), Member.of(s));
    }
    d.alertCount = i.getAlertCount();
    i.getRootCauses().forEach(c -> d.rootCauses.add(RootCause.Candidate.of(c)));
    d.suspectChanges.addAll(i.getSuspectChanges());
    d.firstAlertAt = i.getFirstAlertAt();
    d.openedAt = i.getOpenedAt();
    d.groupWaitFrom = i.getGroupWaitFrom();
    d.lastActivityAt = i.getLastActivityAt();
    d.escalatedAt = i.getEscalatedAt();
    d.acknowledgedAt = i.getAcknowledgedAt();
    d.acknowledgedBy = i.getAcknowledgedBy();
    d.resolvedAt = i.getResolvedAt();
    d.resolvedBy = i.getResolvedBy();
    d.reopenCount = i.getReopenCount();
    d.mergedInto = i.getMergedInto();
    d.mergedFrom.addAll(i.getMergedFrom());
    i.getTimeline().forEach(e -> d.timeline.add(Entry.of(e)));
    d.revision = i.getRevision();
    return new IncidentState(d);
  }

  /** The Avro incident, a fresh mutable copy. */
  public Incident toAvro() {
    return toAvro(new ArrayList<>(members.values().stream().map(Member::toAvro).toList()));
  }

  /**
   * The Avro incident without its member alerts ({@code alerts} empty): what a store keeps when the
   * members are stored one by one, so a change of one alert does not rewrite all of them.
   * {@link #fromAvro(Incident, Iterable)} puts them back together.
   */
  public Incident toAvroHeader() {
    return toAvro(new ArrayList<>());
  }

  private Incident toAvro(List<AlertSummary> alerts) {
    return Incident.newBuilder()
        .setId(id).setDomain(domain).setTitle(title).setStatus(status).setSeverity(severity)
        .setServices(new ArrayList<>(services)).setTeam(team)
        .setAlerts(alerts)
        .setAlertCount(alertCount)
        .setRootCauses(new ArrayList<>(rootCauses.stream().map(RootCause.Candidate::toAvro).toList()))
        .setSuspectChanges(new ArrayList<>(suspectChanges.stream().map(c -> SuspectChange.newBuilder(c).build())
            .toList()))
        .setFirstAlertAt(firstAlertAt).setOpenedAt(openedAt).setGroupWaitFrom(groupWaitFrom)
        .setLastActivityAt(lastActivityAt)
        .setEscalatedAt(escalatedAt).setAcknowledgedAt(acknowledgedAt).setAcknowledgedBy(acknowledgedBy)
        .setResolvedAt(resolvedAt).setResolvedBy(resolvedBy).setReopenCount(reopenCount)
        .setMergedInto(mergedInto).setMergedFrom(new ArrayList<>(mergedFrom)).setSuppressed(suppressed)
        .setTimeline(new ArrayList<>(timeline.stream().map(Entry::toAvro).toList()))
        .setRevision(revision)
        .build();
  }

  // ---- transitions -------------------------------------------------------------------------

  /**
   * This incident with the alert's latest state: a new member (counted, and kept while under the
   * cap), or an update of a member (its status, severity, summary, times). Activity and severity
   * follow. Does not change the lifecycle status: see {@link #reopen}.
   */
  public IncidentState attach(AlertState alert, CorrelatorSettings settings) {
    Member old = members.get(alert.fingerprint());
    if (old != null) {
      Member updated = old.updatedBy(alert);
      Instant activity = max(lastActivityAt, alert.eventTime());
      if (updated.equals(old) && activity.equals(lastActivityAt)) {
        return this;
      }
      Draft d = draft();
      d.editMembers().put(alert.fingerprint(), updated);
      d.lastActivityAt = activity;
      if (updated.firing()) {
        d.firstAlertAt = min(d.firstAlertAt, updated.startsAt());
      }
      if (old.firing() != updated.firing() && !d.firingOn(alert.service(), alert.fingerprint())) {
        // the timeline follows services, not every alert: a storm of one service is one line
        d.entry(settings, alert.eventTime(), updated.firing() ? TimelineKind.ALERT_FIRING : TimelineKind.ALERT_RESOLVED,
            updated.firing() ? alert.service() + " fires again: " + describe(alert)
                : "every alert on " + alert.service() + " resolved, the last " + describe(alert), null);
      }
      d.severity = d.firingSeverity();
      return d.bump();
    }
    Draft d = draft();
    d.lastActivityAt = max(lastActivityAt, alert.eventTime());
    d.addMember(alert, settings);
    return d.bump();
  }

  /**
   * Whether attaching this alert would be beyond the member cap: it is new, the incident is full,
   * and a member on its service at its severity or higher is kept already. The first alert of each
   * service, and of each higher severity on it, is always kept: a failing dependency whose alert
   * reaches us after its callers' storm filled the incident is still a member, ranked and named,
   * and a critical alert still raises the severity. Members stay bounded by the cap plus five per
   * service of one correlation domain.
   */
  public boolean atAlertCap(AlertState alert, CorrelatorSettings settings) {
    return !keeps(members, alert, settings);
  }

  /**
   * This incident with its group wait running from {@code from} when that is later: part of its
   * opening (the revision does not move); this instance otherwise.
   */
  public IncidentState groupWaitFromAtLeast(Instant from) {
    if (from == null || !from.isAfter(groupWaitFrom())) {
      return this;
    }
    Draft d = draft();
    d.groupWaitFrom = from;
    d.dropped = droppedTimelineEntries;
    return d.build();
  }

  /** Whether the incident holds {@code max-alerts-per-incident} members or more. */
  public boolean isFull(CorrelatorSettings settings) {
    return members.size() >= settings.maxAlertsPerIncident();
  }

  /**
   * Whether {@code members} keep {@code alert}: already in, room under the cap, or no kept member
   * on its service is as severe.
   */
  private static boolean keeps(SortedMap<String, Member> members, AlertState alert, CorrelatorSettings settings) {
    if (members.containsKey(alert.fingerprint()) || members.size() < settings.maxAlertsPerIncident()) {
      return true;
    }
    for (Member m : members.values()) {
      if (m.service().equals(alert.service()) && m.severity().ordinal() >= alert.severity().ordinal()) {
        return false;
      }
    }
    return true;
  }

  /** A RESOLVED incident back to REOPENED, because a correlated alert fired at {@code at}. */
  public IncidentState reopen(Instant at, String why, CorrelatorSettings settings) {
    require(status == IncidentStatus.RESOLVED && mergedInto == null, "only a resolved, unmerged incident reopens");
    Draft d = draft();
    d.status = IncidentStatus.REOPENED;
    d.reopenCount++;
    d.entry(settings, at, TimelineKind.REOPENED, why, null);
    return d.bump();
  }

  /** ACKNOWLEDGED by {@code actor} at {@code at}; this instance when not open or already acknowledged. */
  public IncidentState acknowledge(String actor, Instant at, String detail, CorrelatorSettings settings) {
    if (!isOpen() || status == IncidentStatus.ACKNOWLEDGED) {
      return this;
    }
    Draft d = draft();
    d.status = IncidentStatus.ACKNOWLEDGED;
    d.acknowledgedAt = at;
    d.acknowledgedBy = actor;
    d.entry(settings, at, TimelineKind.ACKNOWLEDGED, detail, actor);
    return d.bump();
  }

  /**
   * RESOLVED by {@code by} ({@link #AUTO} or a person) at {@code at}; this instance when not open.
   */
  public IncidentState resolve(String by, Instant at, String detail, CorrelatorSettings settings) {
    if (!isOpen()) {
      return this;
    }
    Draft d = draft();
    d.status = IncidentStatus.RESOLVED;
    d.resolvedAt = at;
    d.resolvedBy = by;
    d.entry(settings, at, TimelineKind.RESOLVED, detail, AUTO.equals(by) ? null : by);
    return d.bump();
  }

  /** The survivor of a merge: this incident with the other's alerts, services and history pointer. */
  public IncidentState absorb(IncidentState other, Instant at, CorrelatorSettings settings) {
    Draft d = draft();
    int kept = 0;
    for (Member m : other.members.values()) {
      if (d.members().containsKey(m.fingerprint())) {
        continue;
      }
      if (d.members().size() < settings.maxAlertsPerIncident()) {
        d.editMembers().put(m.fingerprint(), m);
        kept++;
      }
    }
    d.alertCount += other.alertCount;
    for (String s : other.services) {
      if (!d.services.contains(s)) {
        d.services.add(s);
      }
    }
    d.firstAlertAt = min(d.firstAlertAt, other.firstAlertAt);
    d.lastActivityAt = max(d.lastActivityAt, other.lastActivityAt);
    d.mergedFrom.add(other.id);
    d.severity = d.firingSeverity();
    d.entry(settings, at, TimelineKind.MERGED, "merged " + other.id + " (" + other.alertCount + " alerts, " + kept
        + " kept) into this incident", null);
    return d.bump();
  }

  /** This incident merged into {@code survivorId}: RESOLVED with {@code mergedInto}, its alerts moved out. */
  public IncidentState mergeInto(String survivorId, Instant at, CorrelatorSettings settings) {
    Draft d = draft();
    d.editMembers().clear();
    d.mergedInto = survivorId;
    if (d.status != IncidentStatus.RESOLVED) {
      d.status = IncidentStatus.RESOLVED;
      d.resolvedAt = at;
      d.resolvedBy = MERGE;
    }
    d.entry(settings, at, TimelineKind.MERGED, "merged into " + survivorId, null);
    return d.bump();
  }

  /** Marked as escalated at {@code at} (first escalation only sets {@code escalatedAt}). */
  public IncidentState escalated(Instant at, String detail, CorrelatorSettings settings) {
    Draft d = draft();
    if (d.escalatedAt == null) {
      d.escalatedAt = at;
    }
    d.entry(settings, at, TimelineKind.ESCALATED, detail, null);
    return d.bump();
  }

  /**
   * This incident with a new ranking, and the title and team that follow from it. Part of the change
   * that caused the re-ranking, so the revision does not move.
   */
  public IncidentState withRanking(List<RootCause.Candidate> ranked, ServiceGraph graph) {
    Draft d = draft();
    d.rootCauses.clear();
    d.rootCauses.addAll(ranked);
    if (!ranked.isEmpty()) {
      RootCause.Candidate top = ranked.get(0);
      int n = alertCount;
      d.title = top.service() + (top.inferred() ? " (inferred)" : "") + ": " + n + (n == 1 ? " alert" : " alerts")
          + " on " + services.size() + (services.size() == 1 ? " service" : " services");
      d.team = graph.owner(top.service()).orElse(null);
    }
    d.dropped = droppedTimelineEntries;
    IncidentState out = new IncidentState(d);
    return out.title.equals(title) && out.rootCauses.equals(rootCauses) && Objects.equals(out.team, team) ? this : out;
  }

  /**
   * This incident with its suspect changes. Part of the change that caused them to be looked up, so
   * the revision does not move; this instance when they are the same.
   */
  public IncidentState withSuspectChanges(List<SuspectChange> suspects) {
    if (suspects.equals(suspectChanges)) {
      return this;
    }
    Draft d = draft();
    d.suspectChanges.clear();
    d.suspectChanges.addAll(suspects);
    d.dropped = droppedTimelineEntries;
    return d.build();
  }

  /**
   * This incident with new marks on some members (by fingerprint; other members keep theirs): muted
   * or not, flapping or not. One revision and at most two timeline lines per call (a storm muted by
   * one silence is one line); this instance when no mark changes.
   *
   * @param marks the marks, by fingerprint; fingerprints that are not members are ignored
   * @param at    the instant the marks are about (record time or punctuation)
   */
  public IncidentState withMarks(Map<String, Mark> marks, Instant at, CorrelatorSettings settings) {
    Draft d = null;
    List<String> muted = new ArrayList<>();
    String mutedReason = null;
    List<String> unmuted = new ArrayList<>();
    List<String> flapped = new ArrayList<>();
    List<String> calmed = new ArrayList<>();
    for (Map.Entry<String, Mark> e : marks.entrySet()) {
      Member m = members.get(e.getKey());
      if (m == null || m.mark().sameAs(e.getValue())) {
        continue;
      }
      if (d == null) {
        d = draft();
      }
      Mark mark = e.getValue();
      d.editMembers().put(m.fingerprint(), m.marked(mark));
      String who = m.name() + " on " + m.service();
      if (mark.suppressed() && (!m.suppressed() || !Objects.equals(m.suppressedBy(), mark.suppressedBy()))) {
        muted.add(who);
        if (mutedReason == null) {
          mutedReason = mark.reason() != null ? mark.reason() : mark.suppressedBy();
        }
      } else if (!mark.suppressed() && m.suppressed()) {
        unmuted.add(who);
      }
      if (mark.flapping() && !m.flapping()) {
        flapped.add(who);
      } else if (!mark.flapping() && m.flapping()) {
        calmed.add(who);
      }
    }
    if (d == null) {
      return this;
    }
    boolean nowMuted = mutedOnly(d.members().values());
    String incidentWide = nowMuted == suppressed ? ""
        : nowMuted ? "; every firing alert is muted, the incident does not page"
        : "; the incident is no longer muted";
    if (!muted.isEmpty() || !unmuted.isEmpty()) {
      StringBuilder detail = new StringBuilder();
      if (!muted.isEmpty()) {
        detail.append(countOf(muted)).append(" muted: ").append(mutedReason);
      }
      if (!unmuted.isEmpty()) {
        detail.append(detail.length() == 0 ? "" : "; ").append(countOf(unmuted)).append(" no longer muted");
      }
      d.entry(settings, at, TimelineKind.SUPPRESSED, detail + incidentWide, null);
    } else if (!incidentWide.isEmpty()) {
      d.entry(settings, at, TimelineKind.SUPPRESSED, incidentWide.substring(2), null);
    }
    if (!flapped.isEmpty() || !calmed.isEmpty()) {
      StringBuilder detail = new StringBuilder();
      if (!flapped.isEmpty()) {
        detail.append(countOf(flapped)).append(" flapping: its changes ride on the incident's page");
      }
      if (!calmed.isEmpty()) {
        detail.append(detail.length() == 0 ? "" : "; ").append(countOf(calmed)).append(" no longer flapping");
      }
      d.entry(settings, at, TimelineKind.OTHER, detail.toString(), null);
    }
    return d.bump();
  }

  /** A new revision with a timeline line saying what changed (e.g. new suspect changes). */
  public IncidentState noted(Instant at, String detail, CorrelatorSettings settings) {
    Draft d = draft();
    d.entry(settings, at, TimelineKind.OTHER, detail, null);
    return d.bump();
  }

  // ---- questions ---------------------------------------------------------------------------

  /** OPEN, ACKNOWLEDGED or REOPENED (and not merged). */
  public boolean isOpen() {
    return mergedInto == null && (status == IncidentStatus.OPEN || status == IncidentStatus.ACKNOWLEDGED
        || status == IncidentStatus.REOPENED || status == IncidentStatus.UNKNOWN);
  }

  /** Merged into another incident. */
  public boolean isMerged() {
    return mergedInto != null;
  }

  /** Whether a kept member alert is firing. */
  public boolean hasFiringAlerts() {
    return firing;
  }

  /** Whether a kept member alert is marked flapping. */
  public boolean hasFlappingAlerts() {
    return members.values().stream().anyMatch(Member::flapping);
  }

  /** Whether a member fires and every firing member is flapping: a change it makes is one more flap. */
  public boolean flapping() {
    boolean any = false;
    for (Member m : members.values()) {
      if (m.firing()) {
        if (!m.flapping()) {
          return false;
        }
        any = true;
      }
    }
    return any;
  }

  /**
   * The kind of the latest escalation in the timeline ({@code OPENED}, {@code RESOLVED}...), or
   * empty when the timeline has none (never escalated, or its entry fell off the capped timeline).
   */
  public Optional<String> lastEscalation() {
    for (int i = timeline.size() - 1; i >= 0; i--) {
      Entry e = timeline.get(i);
      if (e.kind() == TimelineKind.ESCALATED) {
        int colon = e.detail().indexOf(':');
        return Optional.of(colon < 0 ? e.detail() : e.detail().substring(0, colon));
      }
    }
    return Optional.empty();
  }

  /**
   * When it auto-resolves if nothing else happens: open, every kept alert resolved, then quiet. An
   * incident with a flapping member does not auto-resolve until the member calms down (its flapping
   * mark is cleared), so a flapping alert does not resolve and reopen it on every flap.
   */
  public Optional<Instant> resolveDueAt(Duration resolveAfter) {
    if (!isOpen() || members.isEmpty() || hasFiringAlerts() || hasFlappingAlerts()) {
      return Optional.empty();
    }
    return Optional.of(lastActivityAt.plus(resolveAfter));
  }

  /** Whether it should auto-resolve at {@code now}. */
  public boolean resolveDue(Instant now, Duration resolveAfter) {
    return resolveDueAt(resolveAfter).map(due -> !now.isBefore(due)).orElse(false);
  }

  /** When a closed (resolved or merged) incident may leave state; empty while open. */
  public Optional<Instant> expiresAt(Duration retention) {
    return isOpen() || resolvedAt == null ? Optional.empty() : Optional.of(resolvedAt.plus(retention));
  }

  /** The kept member of this fingerprint. */
  public Optional<Member> member(String fingerprint) {
    return Optional.ofNullable(members.get(fingerprint));
  }

  // ---- accessors ---------------------------------------------------------------------------

  /** Incident id. */
  public String id() {
    return id;
  }

  /** Correlation domain. */
  public String domain() {
    return domain;
  }

  /** Title, naming the top root-cause candidate. */
  public String title() {
    return title;
  }

  /** Lifecycle status. */
  public IncidentStatus status() {
    return status;
  }

  /** Highest severity among firing kept alerts (the last one it had when none fires). */
  public Severity severity() {
    return severity;
  }

  /** Services with alerts, in order of first alert (also of alerts beyond the member cap). */
  public List<String> services() {
    return services;
  }

  /** Owner of the top root-cause service, or null. */
  public String team() {
    return team;
  }

  /** Kept member alerts by fingerprint, in order of joining. */
  public Map<String, Member> members() {
    return members;
  }

  /** Distinct alerts ever correlated into it, also beyond the cap. */
  public int alertCount() {
    return alertCount;
  }

  /** Ranked root-cause candidates, best first. */
  public List<RootCause.Candidate> rootCauses() {
    return rootCauses;
  }

  /** Earliest onset of its alerts. */
  public Instant firstAlertAt() {
    return firstAlertAt;
  }

  /** Event time it was opened at. */
  public Instant openedAt() {
    return openedAt;
  }

  /**
   * When its group wait started: the later of the opening alert's event time and its arrival
   * ({@code observedAt}); {@link #openedAt()} for incidents stored before this was kept.
   */
  public Instant groupWaitFrom() {
    return groupWaitFrom == null ? openedAt : groupWaitFrom;
  }

  /** Latest event time of an alert observation attached to it. */
  public Instant lastActivityAt() {
    return lastActivityAt;
  }

  /** First escalation, or null. */
  public Instant escalatedAt() {
    return escalatedAt;
  }

  /** Acknowledgement time, or null. */
  public Instant acknowledgedAt() {
    return acknowledgedAt;
  }

  /** Who acknowledged, or null. */
  public String acknowledgedBy() {
    return acknowledgedBy;
  }

  /** Last resolve time, or null. */
  public Instant resolvedAt() {
    return resolvedAt;
  }

  /** Who resolved it last: a person, {@link #AUTO} or {@link #MERGE}; or null. */
  public String resolvedBy() {
    return resolvedBy;
  }

  /** Times reopened. */
  public int reopenCount() {
    return reopenCount;
  }

  /** The incident this one was merged into, or null. */
  public String mergedInto() {
    return mergedInto;
  }

  /** Incidents merged into this one. */
  public List<String> mergedFrom() {
    return mergedFrom;
  }

  /**
   * Whether it is muted: it has kept alerts, and every firing one is suppressed (when none fires,
   * every one was suppressed when it last changed). Derived from the members' marks; an incident
   * that is muted does not page ({@link Escalation}).
   */
  public boolean suppressed() {
    return suppressed;
  }

  /** The changes named as suspects, closest first (Avro, fresh copies). */
  public List<SuspectChange> suspectChanges() {
    return suspectChanges.stream().map(c -> SuspectChange.newBuilder(c).build()).toList();
  }

  /** Timeline, oldest first, capped to the latest entries. */
  public List<Entry> timeline() {
    return timeline;
  }

  /** Incremented on every change. */
  public long revision() {
    return revision;
  }

  /** Timeline entries the transition that produced this state dropped for the cap (not persisted). */
  public int droppedTimelineEntries() {
    return droppedTimelineEntries;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof IncidentState s && revision == s.revision && id.equals(s.id) && domain.equals(s.domain)
        && title.equals(s.title) && status == s.status && severity == s.severity && alertCount == s.alertCount
        && reopenCount == s.reopenCount && suppressed == s.suppressed && services.equals(s.services)
        && Objects.equals(team, s.team) && members.equals(s.members) && rootCauses.equals(s.rootCauses)
        && suspectChanges.equals(s.suspectChanges) && Objects.equals(firstAlertAt, s.firstAlertAt)
        && Objects.equals(openedAt, s.openedAt) && Objects.equals(groupWaitFrom, s.groupWaitFrom)
        && Objects.equals(lastActivityAt, s.lastActivityAt)
        && Objects.equals(escalatedAt, s.escalatedAt) && Objects.equals(acknowledgedAt, s.acknowledgedAt)
        && Objects.equals(acknowledgedBy, s.acknowledgedBy) && Objects.equals(resolvedAt, s.resolvedAt)
        && Objects.equals(resolvedBy, s.resolvedBy) && Objects.equals(mergedInto, s.mergedInto)
        && mergedFrom.equals(s.mergedFrom) && timeline.equals(s.timeline);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, revision);
  }

  @Override
  public String toString() {
    return "Incident{" + id + " " + status + " " + severity + " rev " + revision + ", " + alertCount + " alerts on "
        + services + (mergedInto == null ? "" : ", merged into " + mergedInto) + "}";
  }

  // ---- internals ---------------------------------------------------------------------------

  /** Whether these members make a muted incident (see {@link #suppressed()}). */
  static boolean mutedOnly(Collection<Member> members) {
    if (members.isEmpty()) {
      return false;
    }
    boolean anyFiring = false;
    for (Member m : members) {
      if (m.firing()) {
        anyFiring = true;
        if (!m.suppressed()) {
          return false;
        }
      }
    }
    return anyFiring || members.stream().allMatch(Member::suppressed);
  }

  private static String countOf(List<String> alerts) {
    return alerts.size() == 1 ? alerts.get(0) : alerts.size() + " alerts (" + alerts.get(0) + ", ...)";
  }

  static String describe(AlertState a) {
    return a.name() + " on " + a.service() + " (" + a.fingerprint() + ")";
  }

  private Draft draft() {
    Draft d = new Draft();
    d.id = id;
    d.domain = domain;
    d.title = title;
    d.status = status;
    d.severity = severity;
    d.services.addAll(services);
    d.team = team;
    d.shareMembers(members);
    d.alertCount = alertCount;
    d.rootCauses.addAll(rootCauses);
    d.suspectChanges.addAll(suspectChanges);
    d.firstAlertAt = firstAlertAt;
    d.openedAt = openedAt;
    d.groupWaitFrom = groupWaitFrom;
    d.lastActivityAt = lastActivityAt;
    d.escalatedAt = escalatedAt;
    d.acknowledgedAt = acknowledgedAt;
    d.acknowledgedBy = acknowledgedBy;
    d.resolvedAt = resolvedAt;
    d.resolvedBy = resolvedBy;
    d.reopenCount = reopenCount;
    d.mergedInto = mergedInto;
    d.mergedFrom.addAll(mergedFrom);
    d.timeline.addAll(timeline);
    d.revision = revision;
    return d;
  }

  /** The mutable working copy a transition edits. */
  private static final class Draft {
    String id;
    String domain;
    String title;
    IncidentStatus status = IncidentStatus.OPEN;
    Severity severity = Severity.UNKNOWN;
    final List<String> services = new ArrayList<>();
    String team;
    /**
     * The members, copied on the first edit ({@link #editMembers()}): most transitions of a large
     * incident leave its members alone, or change one of hundreds.
     */
    private SortedMap<String, Member> shared = Collections.emptySortedMap();
    private TreeMap<String, Member> own;
    int alertCount;
    final List<RootCause.Candidate> rootCauses = new ArrayList<>();
    final List<SuspectChange> suspectChanges = new ArrayList<>();
    Instant firstAlertAt;
    Instant openedAt;
    Instant groupWaitFrom;
    Instant lastActivityAt;
    Instant escalatedAt;
    Instant acknowledgedAt;
    String acknowledgedBy;
    Instant resolvedAt;
    String resolvedBy;
    int reopenCount;
    String mergedInto;
    final List<String> mergedFrom = new ArrayList<>();
    final List<Entry> timeline = new ArrayList<>();
    long revision;
    int dropped;

    void entry(CorrelatorSettings settings, Instant at, TimelineKind kind, String detail, String actor) {
      timeline.add(new Entry(at, kind, detail, actor));
      while (timeline.size() > settings.maxTimelineEntries()) {
        timeline.remove(0);
        dropped++;
      }
    }

    /**
     * Counts and (under the cap) keeps a new alert. The timeline gets a line when the alert brings a
     * new service, or its service back to firing, and when the first alert beyond the cap is only
     * counted: a storm of one service is a few lines, not one per alert.
     */
    void addMember(AlertState alert, CorrelatorSettings settings) {
      alertCount++;
      boolean newService = !services.contains(alert.service());
      if (newService) {
        services.add(alert.service());
      }
      if (alert.firing()) {
        firstAlertAt = min(firstAlertAt, alert.startsAt());
      }
      if (keeps(members(), alert, settings)) {
        boolean serviceWasFiring = firingOn(alert.service(), alert.fingerprint());
        editMembers().put(alert.fingerprint(), Member.of(alert));
        if (newService || alert.firing() && !serviceWasFiring) {
          entry(settings, alert.eventTime(), alert.firing() ? TimelineKind.ALERT_FIRING : TimelineKind.ALERT_RESOLVED,
              describe(alert) + " joined", null);
        }
        severity = firingSeverity();
      } else if (alertCount == members().size() + 1) {
        entry(settings, alert.eventTime(), TimelineKind.OTHER, describe(alert) + " and any later alert counted but"
            + " not kept: the incident holds " + members().size() + " alerts, the most max-alerts-per-incident allows",
            null);
      }
    }

    /** The members, to read. */
    SortedMap<String, Member> members() {
      return own != null ? own : shared;
    }

    /** The members, to edit: a copy of the shared ones the first time. */
    TreeMap<String, Member> editMembers() {
      if (own == null) {
        own = new TreeMap<>(shared);
      }
      return own;
    }

    void shareMembers(SortedMap<String, Member> members) {
      shared = members;
      own = null;
    }

    /**
     * The members as an unmodifiable map for a built state, without a copy; an edit after this
     * copies again, so the built state never sees it.
     */
    SortedMap<String, Member> sealMembers() {
      if (own != null) {
        shared = Collections.unmodifiableSortedMap(own);
        own = null;
      }
      return shared;
    }

    /** Whether a member other than {@code exceptFingerprint} on {@code service} is firing. */
    boolean firingOn(String service, String exceptFingerprint) {
      for (Member m : members().values()) {
        if (m.firing() && m.service().equals(service) && !m.fingerprint().equals(exceptFingerprint)) {
          return true;
        }
      }
      return false;
    }

    Severity firingSeverity() {
      Severity max = null;
      for (Member m : members().values()) {
        if (m.firing() && (max == null || m.severity().ordinal() > max.ordinal())) {
          max = m.severity();
        }
      }
      return max == null ? severity : max;
    }

    IncidentState bump() {
      revision++;
      return build();
    }

    IncidentState build() {
      return new IncidentState(this);
    }
  }

  static Instant min(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isBefore(b) ? a : b;
  }

  static Instant max(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    return b == null || a.isAfter(b) ? a : b;
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalStateException(message);
    }
  }
}
