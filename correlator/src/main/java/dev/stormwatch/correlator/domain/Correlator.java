package dev.stormwatch.correlator.domain;

import dev.stormwatch.avro.CommandKind;
import dev.stormwatch.avro.IncidentCommand;
import dev.stormwatch.avro.IncidentStatus;
import dev.stormwatch.correlator.domain.CorrelationDecision.Outcome;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.common.utils.Utils;

/**
 * The correlation rules: which incident an alert observation belongs to, what commands and the
 * passing of time do to an incident. Pure and deterministic: the decision depends only on the
 * arguments (event times come from the alerts, "now" is an argument), so replaying a recorded stream
 * gives the same incidents with the same ids. Processors only store and emit what it returns.
 *
 * <p><b>Joining</b> (item 4). A firing alert joins an incident of its domain that
 * <ul>
 *   <li>is open (OPEN, ACKNOWLEDGED, REOPENED) and active: the alert's event time is no earlier than
 *       {@code window} before the incident's first alert, and the incident has a firing alert or
 *       saw activity no more than {@code window} before the alert; or is RESOLVED (not merged) and
 *       the alert fires after the resolve, within {@code reopen-window} (the incident reopens);</li>
 *   <li>and is near: the alert's service is within {@code max-hops} undirected hops of a service
 *       of the incident, or (open incidents only) depends, at any depth, on one: an alert on a
 *       service whose dependency is already in an open incident attaches to that incident.</li>
 * </ul>
 * None: it opens a new incident (unless the domain has {@code max-open-incidents-per-domain} open
 * ones: then it is dropped and {@link Cap#OPEN_INCIDENTS_PER_DOMAIN} reported). One: it joins. Several:
 * they merge into the oldest (earliest {@code openedAt}, then smallest id), which takes the others'
 * alerts; the others become RESOLVED with {@code mergedInto}.
 *
 * <p><b>Members.</b> An observation of an alert that is already a member (found by the caller's
 * alert→incident index, following {@code mergedInto}, else by scanning the incidents) updates it
 * there; it never bridges incidents. A resolve of an alert in no incident is ignored. In a resolved
 * incident, a member's resolve, a repeat of the episode it had, or a firing that started before the
 * resolve update it quietly; only a new episode after the resolve can reopen it.
 *
 * An alert the index places in an incident that did not keep it (beyond {@code
 * max-alerts-per-incident}) is not counted again.
 *
 * <p><b>Ids</b> are {@code inc-}, 8 hex digits of {@link #domainHash} (the murmur2 of the domain, the
 * hash Kafka partitions the domain-keyed stream by, so a command keyed by incident id can be sent to
 * the partition that owns the incident's domain), a {@code -}, and 16 hex digits of SHA-256 over
 * domain, fingerprint and event time of the alert that opened it (a suffix {@code -2}, {@code -3}...
 * if that id is taken).
 *
 * <p><b>Time.</b> Auto-resolve happens at the due time ({@code lastActivityAt + resolve-after}),
 * not at the time the punctuator noticed, so a replay resolves at the same instant.
 */
public final class Correlator {

  private static final Comparator<IncidentState> OLDEST_FIRST =
      Comparator.comparing(IncidentState::openedAt).thenComparing(IncidentState::id);

  private final CorrelatorSettings settings;
  private final List<RankingSignal> signals;
  private final Escalation escalation;

  /** With no ranking signals. */
  public Correlator(CorrelatorSettings settings) {
    this(settings, List.of());
  }

  /** With these ranking signals (the seam for recent changes). */
  public Correlator(CorrelatorSettings settings, List<RankingSignal> signals) {
    this.settings = settings;
    this.signals = List.copyOf(signals);
    this.escalation = new Escalation(settings);
  }

  /** The settings. */
  public CorrelatorSettings settings() {
    return settings;
  }

  /** The escalation policy for these settings. */
  public Escalation escalation() {
    return escalation;
  }

  /**
   * Decides what an alert observation does.
   *
   * @param alert     the alert's state with the observation merged in
   * @param domain    the domain it was routed to ({@link AlertRoute})
   * @param indexed   the incident the alert→incident index has for it, if any
   * @param incidents the domain's incidents in state (open, resolved and merged ones not yet expired)
   * @param graph     the current topology
   */
  public CorrelationDecision correlate(AlertState alert, String domain, Optional<String> indexed,
                                       Collection<IncidentState> incidents, ServiceGraph graph) {
    return correlate(alert, domain, indexed, incidents, graph, Optional.empty());
  }

  /**
   * Decides what an alert observation does, for an alert that may be inhibited.
   *
   * @param inhibitedBy the incident of the alert that inhibits this one, if any: a firing alert that
   *                    is in no incident yet joins it (when it is open) instead of opening its own,
   *                    so an inhibited alert never pages on its own; see the other parameters at
   *                    {@link #correlate(AlertState, String, Optional, Collection, ServiceGraph)}
   */
  public CorrelationDecision correlate(AlertState alert, String domain, Optional<String> indexed,
                                       Collection<IncidentState> incidents, ServiceGraph graph,
                                       Optional<String> inhibitedBy) {
    Map<String, IncidentState> byId = new HashMap<>();
    incidents.forEach(i -> byId.put(i.id(), i));
    List<IncidentState> live = incidents.stream().filter(i -> !i.isMerged()).sorted(OLDEST_FIRST).toList();
    Instant at = alert.eventTime();
    Set<Cap> caps = EnumSet.noneOf(Cap.class);

    IncidentState home = home(alert, indexed, byId, live);
    if (home != null) {
      IncidentState.Member member = home.member(alert.fingerprint()).orElse(null);
      // indexed here but not a member: counted on arrival beyond the cap; counted once
      if (member == null && home.isFull(settings)) {
        return new CorrelationDecision(Outcome.UNCHANGED, IncidentState.describe(alert) + " is counted in "
            + home.id() + " beyond its member cap and not tracked", Optional.of(home.id()), List.of(), caps,
            Map.of());
      }
      boolean sameEpisode = member != null && member.firing() && member.startsAt().equals(alert.startsAt());
      if (home.isOpen() || !alert.firing() || sameEpisode || !at.isAfter(home.resolvedAt())) {
        IncidentState after = home.attach(alert, settings);
        if (after == home) {
          return new CorrelationDecision(Outcome.UNCHANGED, "no change to " + home.id(), Optional.of(home.id()),
              List.of(), caps, Map.of());
        }
        after = ranked(track(after, caps), graph);
        return new CorrelationDecision(Outcome.UPDATED, "member of " + home.id() + ": " + alert.status()
            + (home.isOpen() ? "" : " (incident stays " + home.status() + ")"), Optional.of(home.id()),
            List.of(new IncidentChange(home, after)), caps, Map.of());
      }
    }
    if (!alert.firing()) {
      return new CorrelationDecision(Outcome.IGNORED, "a resolve of an alert that is in no incident",
          Optional.empty(), List.of(), caps, Map.of());
    }

    if (inhibitedBy.isPresent()) {
      IncidentState target = follow(byId, inhibitedBy.get());
      if (target != null && target.isOpen() && !target.atAlertCap(alert, settings)) {
        IncidentState after = ranked(track(target.attach(alert, settings), caps), graph);
        return new CorrelationDecision(Outcome.JOINED, IncidentState.describe(alert) + " is inhibited by an alert of "
            + target.id() + " and joins it", Optional.of(target.id()), List.of(new IncidentChange(target, after)), caps,
            Map.of());
      }
    }

    List<IncidentState> matches = new ArrayList<>();
    List<String> why = new ArrayList<>();
    for (IncidentState incident : live) {
      String reason = match(incident, alert, at, graph);
      if (reason != null) {
        matches.add(incident);
        why.add(reason);
      }
    }

    if (matches.isEmpty()) {
      long open = live.stream().filter(IncidentState::isOpen).count();
      if (open >= settings.maxOpenIncidentsPerDomain()) {
        caps.add(Cap.OPEN_INCIDENTS_PER_DOMAIN);
        return new CorrelationDecision(Outcome.DROPPED, "domain " + domain + " has " + open
            + " open incidents, the most max-open-incidents-per-domain allows; " + IncidentState.describe(alert)
            + " opens none", Optional.empty(), List.of(), caps, Map.of());
      }
      String id = incidentId(domain, alert.fingerprint(), at);
      for (int n = 2; byId.containsKey(id); n++) {
        id = incidentId(domain, alert.fingerprint(), at) + "-" + n;
      }
      IncidentState created = ranked(track(IncidentState.open(id, domain, alert, settings), caps), graph);
      return new CorrelationDecision(Outcome.OPENED, "no open incident of " + domain + " is near "
          + alert.service() + " and active at " + at, Optional.of(id),
          List.of(new IncidentChange(null, created)), caps, Map.of());
    }

    IncidentState survivor = matches.get(0);
    IncidentState after = survivor;
    List<IncidentChange> absorbed = new ArrayList<>();
    Map<String, String> moved = new LinkedHashMap<>();
    for (IncidentState other : matches.subList(1, matches.size())) {
      int before = after.members().size();
      after = track(after.absorb(other, at, settings), caps);
      if (after.members().size() - before < other.members().size()) {
        caps.add(Cap.ALERTS_PER_INCIDENT);
      }
      absorbed.add(new IncidentChange(other, track(other.mergeInto(survivor.id(), at, settings), caps)));
      other.members().keySet().forEach(fp -> moved.put(fp, survivor.id()));
    }
    boolean reopened = after.status() == IncidentStatus.RESOLVED;
    if (reopened) {
      after = track(after.reopen(at, IncidentState.describe(alert) + " fired "
          + RootCause.human(Duration.between(after.resolvedAt(), at)) + " after the resolve", settings), caps);
    }
    if (after.atAlertCap(alert, settings)) {
      caps.add(Cap.ALERTS_PER_INCIDENT);
    }
    IncidentState attached = after.attach(alert, settings);
    after = ranked(attached == after ? after : track(attached, caps), graph);
    List<IncidentChange> changes = new ArrayList<>();
    changes.add(new IncidentChange(survivor, after));
    changes.addAll(absorbed);
    Outcome outcome = matches.size() > 1 ? Outcome.MERGED : reopened ? Outcome.REOPENED : Outcome.JOINED;
    String reason = switch (outcome) {
      case MERGED -> IncidentState.describe(alert) + " bridges " + String.join(", ",
          matches.stream().map(IncidentState::id).toList()) + " (" + String.join("; ", why) + "); "
          + survivor.id() + " is the oldest and survives";
      default -> why.get(0);
    };
    return new CorrelationDecision(outcome, reason, Optional.of(survivor.id()), changes, caps, moved);
  }

  /**
   * Applies an ACK or RESOLVE command. A command id already in the incident's timeline is ignored
   * (applying one id twice has no further effect); other kinds are not handled by the correlator yet.
   */
  public CommandDecision command(IncidentState incident, IncidentCommand command) {
    String tag = "command " + command.getId();
    if (incident.timeline().stream().anyMatch(e -> e.detail().contains(tag))) {
      return CommandDecision.ignored(tag + " was already applied");
    }
    if (incident.isMerged()) {
      return new CommandDecision(false, incident.id() + " was merged into " + incident.mergedInto(),
          Optional.empty(), Optional.of(incident.mergedInto()));
    }
    String by = command.getActor() + " via " + command.getVia();
    String note = command.getComment() == null ? "" : ": " + command.getComment();
    IncidentState after;
    if (command.getKind() == CommandKind.ACK) {
      if (!incident.isOpen()) {
        return CommandDecision.ignored("cannot acknowledge a " + incident.status() + " incident");
      }
      after = incident.acknowledge(command.getActor(), command.getAt(), "acknowledged by " + by + " (" + tag + ")"
          + note, settings);
      if (after == incident) {
        return CommandDecision.ignored("already acknowledged by " + incident.acknowledgedBy());
      }
    } else if (command.getKind() == CommandKind.RESOLVE) {
      if (!incident.isOpen()) {
        return CommandDecision.ignored("already " + incident.status());
      }
      after = incident.resolve(command.getActor(), command.getAt(), "resolved by " + by + " (" + tag + ")" + note,
          settings);
    } else {
      return CommandDecision.ignored(command.getKind() + " commands are not handled by the correlator");
    }
    return new CommandDecision(true, command.getKind() + " by " + by, Optional.of(new IncidentChange(incident, after)),
        Optional.empty());
  }

  /**
   * What the passing of time does to an incident at {@code now}: it auto-resolves when every kept
   * alert is resolved and quiet for {@code resolve-after} (resolved at the due time, by
   * {@link IncidentState#AUTO}). For the group wait, ask {@link #escalation()}.
   */
  public Optional<IncidentChange> tick(IncidentState incident, Instant now) {
    if (!incident.resolveDue(now, settings.resolveAfter())) {
      return Optional.empty();
    }
    Instant due = incident.resolveDueAt(settings.resolveAfter()).orElseThrow();
    IncidentState after = incident.resolve(IncidentState.AUTO, due, "every alert resolved and quiet for "
        + RootCause.human(settings.resolveAfter()), settings);
    return Optional.of(new IncidentChange(incident, after));
  }

  /** Whether a closed incident may leave state at {@code now} (after {@code retention}). */
  public boolean expired(IncidentState incident, Instant now) {
    return incident.expiresAt(settings.retention()).map(t -> !now.isBefore(t)).orElse(false);
  }

  /**
   * The next instant at which {@link #tick}, {@link Escalation#decide} or {@link #expired} may
   * change their answer for this incident without new input: the earliest of the group-wait
   * deadline, the auto-resolve deadline and the expiry. For a punctuator's time index.
   */
  public Optional<Instant> nextDeadline(IncidentState incident) {
    return Stream.of(escalation.dueAt(incident), incident.resolveDueAt(settings.resolveAfter()),
            incident.expiresAt(settings.retention()))
        .flatMap(Optional::stream)
        .min(Instant::compareTo);
  }

  /** The earliest of the instants of {@link #nextDeadline} that are after {@code now}. */
  public Optional<Instant> nextDeadlineAfter(IncidentState incident, Instant now) {
    return Stream.of(escalation.dueAt(incident), incident.resolveDueAt(settings.resolveAfter()),
            incident.expiresAt(settings.retention()))
        .flatMap(Optional::stream)
        .filter(t -> t.isAfter(now))
        .min(Instant::compareTo);
  }

  /**
   * When an alert's state may leave the per-alert stores: {@code retention} after its latest event
   * time ({@link AlertState#lastSeenAt()}), provided the incident it is indexed to (if any) has left
   * state by then (the caller keeps it, and asks again later, while that incident is in state: an
   * incident's members are removed with it). {@code retention} is at least {@code reopen-window} and
   * covers the window in which a late or repeated observation of the same episode could still join,
   * reopen or dedup against it; after it, a repeat of the alert is treated as a new alert.
   */
  public Instant alertExpiresAt(AlertState alert) {
    return alert.lastSeenAt().plus(settings.retention());
  }

  /** The deterministic id of an incident opened in {@code domain} by alert {@code fingerprint} at {@code at}. */
  public static String incidentId(String domain, String fingerprint, Instant at) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] hash = sha.digest((domain + "\n" + fingerprint + "\n" + at.toEpochMilli())
          .getBytes(StandardCharsets.UTF_8));
      return "inc-" + String.format("%08x", domainHash(domain)) + "-" + HexFormat.of().formatHex(hash, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JVM", e);
    }
  }

  /**
   * Kafka's murmur2 of the domain's UTF-8 bytes: what Kafka's default partitioner hashes a String
   * key by, so {@code toPositive(domainHash(d)) % partitions} is the partition of domain {@code d}.
   */
  public static int domainHash(String domain) {
    return Utils.murmur2(domain.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The {@link #domainHash} embedded in an incident id, or empty when the id does not have the
   * form {@code inc-<8 hex>-<rest>} (a malformed command id).
   */
  public static OptionalInt domainHashOf(String incidentId) {
    if (incidentId == null || !ID.matcher(incidentId).matches()) {
      return OptionalInt.empty();
    }
    return OptionalInt.of(Integer.parseUnsignedInt(incidentId.substring(4, 12), 16));
  }

  private static final Pattern ID = Pattern.compile("inc-[0-9a-f]{8}-[0-9a-f]{16}(-[1-9][0-9]{0,8})?");

  // ---- internals ---------------------------------------------------------------------------

  /** The incident with this id, or the one it was merged into (transitively); null when not in state. */
  private static IncidentState follow(Map<String, IncidentState> byId, String id) {
    IncidentState i = byId.get(id);
    for (int hops = 0; i != null && i.isMerged() && hops < byId.size(); hops++) {
      i = byId.get(i.mergedInto());
    }
    return i != null && !i.isMerged() ? i : null;
  }

  private IncidentState home(AlertState alert, Optional<String> indexed, Map<String, IncidentState> byId,
                             List<IncidentState> live) {
    if (indexed.isPresent()) {
      IncidentState i = follow(byId, indexed.get());
      if (i != null) {
        return i;
      }
    }
    IncidentState best = null;
    for (IncidentState i : live) {
      if (i.members().containsKey(alert.fingerprint())) {
        if (best == null || i.isOpen() && !best.isOpen()
            || i.isOpen() == best.isOpen() && i.openedAt().isAfter(best.openedAt())) {
          best = i;
        }
      }
    }
    return best;
  }

  /** Why the alert belongs with this incident, or null when it does not. */
  private String match(IncidentState incident, AlertState alert, Instant at, ServiceGraph graph) {
    if (incident.isOpen()) {
      boolean started = !at.isBefore(incident.firstAlertAt().minus(settings.window()));
      boolean active = incident.hasFiringAlerts() || !at.isAfter(incident.lastActivityAt().plus(settings.window()));
      if (!started || !active) {
        return null;
      }
    } else {
      if (incident.resolvedAt() == null || !at.isAfter(incident.resolvedAt())
          || at.isAfter(incident.resolvedAt().plus(settings.reopenWindow()))) {
        return null;
      }
    }
    String nearest = null;
    int best = Integer.MAX_VALUE;
    for (String s : incident.services()) {
      OptionalInt d = graph.distance(alert.service(), s, settings.maxHops());
      if (d.isPresent() && d.getAsInt() < best) {
        best = d.getAsInt();
        nearest = s;
      }
    }
    if (nearest != null) {
      return alert.service() + (best == 0 ? " is already in " : " is " + best + (best == 1 ? " hop" : " hops")
          + " from " + nearest + " in ") + incident.id();
    }
    if (incident.isOpen()) {
      int everything = Math.max(1, graph.services().size());
      for (String s : incident.services()) {
        if (graph.dependsOn(alert.service(), s, everything)) {
          return alert.service() + " depends on " + s + ", already in open " + incident.id();
        }
      }
    }
    return null;
  }

  /**
   * The incident ranked again with the current signals (a change that arrived after it opened may
   * raise a candidate); this instance when the ranking does not change. Part of the caller's change:
   * the revision does not move.
   */
  public IncidentState rerank(IncidentState incident, ServiceGraph graph) {
    return incident.isMerged() ? incident : ranked(incident, graph);
  }

  private IncidentState ranked(IncidentState incident, ServiceGraph graph) {
    return incident.withRanking(RootCause.rank(incident, graph, settings, signals), graph);
  }

  private static IncidentState track(IncidentState state, Set<Cap> caps) {
    if (state.droppedTimelineEntries() > 0) {
      caps.add(Cap.TIMELINE_ENTRIES);
    }
    return state;
  }
}
