package dev.stormwatch.correlator.topology;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.ChangeEvent;
import dev.stormwatch.avro.Silence;
import dev.stormwatch.correlator.domain.AlertState;
import dev.stormwatch.correlator.domain.Cap;
import dev.stormwatch.correlator.domain.IncidentState;
import dev.stormwatch.correlator.domain.IncidentState.Mark;
import dev.stormwatch.correlator.domain.ServiceGraph;
import dev.stormwatch.correlator.rules.AlertView;
import dev.stormwatch.correlator.rules.Change;
import dev.stormwatch.correlator.rules.ChangeLookup;
import dev.stormwatch.correlator.rules.ChangeSuspects;
import dev.stormwatch.correlator.rules.FlapDetector;
import dev.stormwatch.correlator.rules.FlapState;
import dev.stormwatch.correlator.rules.IncidentMilestones;
import dev.stormwatch.correlator.rules.InhibitRule;
import dev.stormwatch.correlator.rules.Inhibitor;
import dev.stormwatch.correlator.rules.Muter;
import dev.stormwatch.correlator.rules.RecentChanges;
import dev.stormwatch.correlator.rules.RulesSettings;
import dev.stormwatch.correlator.rules.ServiceChanges;
import dev.stormwatch.correlator.rules.Suppression;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state one correlate task keeps for the rules of issue 5, and the questions the processor asks
 * of it. Not thread-safe: one per task, built with its processor.
 *
 * <ul>
 *   <li><b>Muting.</b> Silences come from the shared {@link SilenceView} (one {@code SilenceSet} per
 *       instance); inhibition from one {@link Inhibitor} per correlation domain, its sources persisted
 *       in {@value CorrelatorStores#INHIBIT_SOURCES} ({@code <domain>|<fingerprint>}) and put back
 *       when the task starts. Inhibition works within a domain: an alert in another domain (on
 *       another task, or on this task by the chance of partitioning) is never a source, so the
 *       answer does not depend on the partition count. At most {@code max-inhibit-sources} sources
 *       per task.</li>
 *   <li><b>Flapping.</b> A {@link FlapState} per alert in {@value CorrelatorStores#FLAP_STATES},
 *       removed with the alert's state.</li>
 *   <li><b>Changes.</b> {@link RecentChanges} of the services this task has seen changes of, persisted
 *       in {@value CorrelatorStores#CHANGES} and put back when the task starts; the change
 *       {@link ChangeLookup} of the task's ranking signal and suspects.</li>
 *   <li><b>Statistics.</b> Incident milestones and changes in the window stores
 *       {@value CorrelatorStores#STATS_INCIDENTS} and {@value CorrelatorStores#STATS_CHANGES}.</li>
 * </ul>
 */
final class TaskRules {

  private static final Logger log = LoggerFactory.getLogger(TaskRules.class);

  /**
   * A mark for one alert, and when its flapping verdict may change by itself.
   *
   * @param mark    the mark
   * @param calmsAt when a flapping alert stops flapping if nothing else happens, else null
   */
  record Marked(Mark mark, Instant calmsAt) {}

  private final RulesSettings rules;
  private final SilenceView silences;
  private final CorrelatorMetrics metrics;
  private final FlapDetector flaps;
  private final RecentChanges changes;
  private final Map<String, Inhibitor> inhibitors = new HashMap<>();
  private int sources;
  private boolean changeStoreDirty;
  private ReadOnlyKeyValueStore<String, Silence> silenceStore;
  private KeyValueStore<String, byte[]> sourceStore;
  private KeyValueStore<String, FlapState> flapStore;
  private KeyValueStore<String, ServiceChanges> changeStore;
  private WindowStore<String, byte[]> statsIncidents;
  private WindowStore<String, byte[]> statsChanges;

  TaskRules(RulesSettings rules, SilenceView silences, CorrelatorMetrics metrics) {
    this.rules = Objects.requireNonNull(rules, "rules");
    this.silences = silences;
    this.metrics = metrics;
    this.flaps = FlapDetector.of(rules);
    this.changes = RecentChanges.of(rules);
  }

  /** Opens the stores and puts back the inhibition sources and recent changes of this task. */
  void init(ProcessorContext<?, ?> context) {
    silenceStore = context.getStateStore(CorrelatorStores.SILENCES);
    sourceStore = context.getStateStore(CorrelatorStores.INHIBIT_SOURCES);
    flapStore = context.getStateStore(CorrelatorStores.FLAP_STATES);
    changeStore = context.getStateStore(CorrelatorStores.CHANGES);
    statsIncidents = context.getStateStore(CorrelatorStores.STATS_INCIDENTS);
    statsChanges = context.getStateStore(CorrelatorStores.STATS_CHANGES);
    inhibitors.clear();
    sources = 0;
    List<String> unreadable = new ArrayList<>();
    try (KeyValueIterator<String, byte[]> it = sourceStore.all()) {
      while (it.hasNext()) {
        KeyValue<String, byte[]> kv = it.next();
        int bar = kv.key.lastIndexOf('|');
        try {
          Inhibitor.Source source = Inhibitor.Source.decode(kv.value);
          if (bar < 0 || sources >= rules.maxInhibitSources()
              || inhibitor(kv.key.substring(0, bar)).restore(source) == Inhibitor.Outcome.REJECTED_CAP) {
            unreadable.add(kv.key);
          } else {
            sources++;
          }
        } catch (IllegalArgumentException e) {
          unreadable.add(kv.key);
        }
      }
    }
    unreadable.forEach(sourceStore::delete);
    try (KeyValueIterator<String, ServiceChanges> it = changeStore.all()) {
      while (it.hasNext()) {
        KeyValue<String, ServiceChanges> kv = it.next();
        if (kv.value != null) {
          changes.restore(kv.value);
        }
      }
    }
    changeStoreDirty = true;
  }

  // ---- muting and flapping ---------------------------------------------------------------------

  /** The silences as of {@code now} (rebuilt when they changed). */
  SilenceView.Snapshot silences(Instant now) {
    return silences.snapshot(silenceStore, now);
  }

  /** Silences first, then the domain's inhibition rules. */
  Muter muter(String domain, Instant now) {
    Inhibitor inhibitor = inhibitors.get(domain);
    return inhibitor == null ? silences(now).set() : Muter.firstOf(List.of(silences(now).set(), inhibitor));
  }

  /**
   * Records an alert observation: its flap state (at the observation's event time) and, when inhibition
   * rules are configured, its place in the domain's source index (as of {@code at}, the record time).
   *
   * @return whether the domain's inhibition sources changed (one was added or removed), so its other
   *         alerts' muting must be looked at again
   */
  boolean observe(String domain, AlertState alert, AlertEvent event, Instant at) {
    FlapState old = flapStore.get(alert.fingerprint());
    FlapState next = flaps.observe(old == null ? FlapState.empty() : old, event);
    if (!next.equals(old)) {
      flapStore.put(alert.fingerprint(), next);
    }
    if (rules.inhibitRules().isEmpty()) {
      return false;
    }
    AlertView view = AlertView.of(alert);
    String key = domain + "|" + alert.fingerprint();
    Inhibitor inhibitor = inhibitors.get(domain);
    boolean indexed = inhibitor != null && inhibitor.source(alert.fingerprint()).isPresent();
    if (!indexed && sources >= rules.maxInhibitSources() && isSource(view)) {
      metrics.caps(Cap.INHIBIT_SOURCES).increment();
      log.warn("correlator cap reached: cap=inhibit_sources domain={} fingerprint={} reason=\"{} sources indexed, the"
          + " most max-inhibit-sources allows; what it would inhibit pages\"", domain, alert.fingerprint(), sources);
      return false;
    }
    if (inhibitor == null) {
      if (!isSource(view)) {
        return false;
      }
      inhibitor = inhibitor(domain);
    }
    Inhibitor.Outcome outcome = inhibitor.observe(view, at);
    switch (outcome) {
      case ADDED -> {
        sources++;
        sourceStore.put(key, inhibitor.source(alert.fingerprint()).orElseThrow().encode());
      }
      case UPDATED -> sourceStore.put(key, inhibitor.source(alert.fingerprint()).orElseThrow().encode());
      case REMOVED -> {
        sources--;
        sourceStore.delete(key);
      }
      case REJECTED_CAP -> metrics.caps(Cap.INHIBIT_SOURCES).increment();
      default -> { }
    }
    if (inhibitor.size() == 0) {
      inhibitors.remove(domain);
    }
    return outcome == Inhibitor.Outcome.ADDED || outcome == Inhibitor.Outcome.REMOVED;
  }

  /** The mark of an alert at {@code at}: muted by {@code mute} (if any), flapping by its flap state. */
  Marked mark(String fingerprint, Optional<Suppression> mute, Instant at) {
    return mark(fingerprint, mute.map(s -> new Mark(true, s.suppressedBy(), s.reason(), false)).orElse(Mark.NONE), at);
  }

  /** The mark of an alert at {@code at}: the muting of {@code muting}, flapping by its flap state. */
  Marked mark(String fingerprint, Mark muting, Instant at) {
    FlapState state = flapStore.get(fingerprint);
    FlapDetector.Verdict verdict = flaps.verdict(state == null ? FlapState.empty() : state, at);
    Mark mark = new Mark(muting.suppressed(), muting.suppressed() ? muting.suppressedBy() : null, muting.reason(),
        verdict.flapping());
    return new Marked(mark, verdict.flapping() ? verdict.calmsAt() : null);
  }

  /** Forgets an alert whose state left the stores. */
  void forget(String fingerprint) {
    flapStore.delete(fingerprint);
  }

  /**
   * Drops inhibition sources not seen for {@code inhibit-source-ttl} and changes past their
   * retention, as of {@code now}.
   *
   * @return the domains whose sources changed (their alerts' muting must be looked at again)
   */
  Set<String> prune(Instant now) {
    Set<String> touched = new TreeSet<>();
    for (Map.Entry<String, Inhibitor> e : List.copyOf(inhibitors.entrySet())) {
      Inhibitor inhibitor = e.getValue();
      List<String> stale = inhibitor.sources().stream()
          .filter(s -> !now.isBefore(s.lastSeenAt().plus(rules.inhibitSourceTtl())))
          .map(s -> s.alert().fingerprint()).toList();
      if (stale.isEmpty()) {
        continue;
      }
      inhibitor.prune(now);
      stale.forEach(fp -> sourceStore.delete(e.getKey() + "|" + fp));
      sources -= stale.size();
      touched.add(e.getKey());
      if (inhibitor.size() == 0) {
        inhibitors.remove(e.getKey());
      }
      log.info("inhibition sources of {} not seen for {} stop inhibiting: {}", e.getKey(), rules.inhibitSourceTtl(),
          stale);
    }
    for (String service : changes.prune(now)) {
      changeStore.delete(service);
    }
    if (changeStoreDirty) {
      // services evicted at the cap (or restored beyond it) are in the store but no longer in memory
      changeStoreDirty = false;
      Set<String> kept = new HashSet<>(changes.services());
      List<String> gone = new ArrayList<>();
      try (KeyValueIterator<String, ServiceChanges> it = changeStore.all()) {
        while (it.hasNext()) {
          String service = it.next().key;
          if (!kept.contains(service)) {
            gone.add(service);
          }
        }
      }
      gone.forEach(changeStore::delete);
    }
    return touched;
  }

  // ---- changes ---------------------------------------------------------------------------------

  /** Where the ranking signal and the suspects find recent changes. */
  ChangeLookup changes() {
    return changes;
  }

  /**
   * Keeps a change (already checked by {@link CheckedChange}), as of {@code now} (stream time).
   *
   * @return whether it is new or changed (so open incidents' suspects must be looked at again)
   */
  boolean addChange(ChangeEvent event, Instant now) {
    Change change = Change.of(event);
    RecentChanges.Added added = changes.add(change, now);
    if (added.capped()) {
      metrics.caps(Cap.CHANGES).increment();
      changeStoreDirty = true;
      log.warn("correlator cap reached: cap=changes service={} change={} reason=\"max-changes-per-service or"
          + " max-change-services: the oldest changes or services were dropped\"", change.service(), change.id());
    }
    if (added.outcome() == RecentChanges.Outcome.ADDED || added.outcome() == RecentChanges.Outcome.UPDATED) {
      changeStore.put(change.service(), added.changes());
      statsChanges.put(change.id(), StatsCodec.bytes(StatsCodec.toJson(change)), change.time().toEpochMilli());
      return true;
    }
    return false;
  }

  /** The suspect changes of an incident, closest first. */
  List<ChangeSuspects.Suspect> suspects(IncidentState incident, ServiceGraph graph) {
    if (incident.isMerged() || incident.firstAlertAt() == null) {
      return List.of();
    }
    return ChangeSuspects.forIncident(incident, graph, changes, rules);
  }

  // ---- statistics ------------------------------------------------------------------------------

  /** Writes an incident's milestones when they differ from those of {@code stored} (null when new). */
  void recordStats(IncidentState stored, IncidentState after) {
    IncidentMilestones now = IncidentMilestones.of(after);
    if (stored != null && now.equals(IncidentMilestones.of(stored)) || after.openedAt() == null) {
      return;
    }
    statsIncidents.put(after.id(), StatsCodec.bytes(StatsCodec.toJson(now)), after.openedAt().toEpochMilli());
  }

  // ---- internals -------------------------------------------------------------------------------

  private Inhibitor inhibitor(String domain) {
    return inhibitors.computeIfAbsent(domain, d -> new Inhibitor(rules.inhibitRules(), rules.maxInhibitSources(),
        rules.inhibitSourceTtl()));
  }

  private boolean isSource(AlertView view) {
    if (!view.firing()) {
      return false;
    }
    for (InhibitRule r : rules.inhibitRules()) {
      if (r.source().matches(view)) {
        return true;
      }
    }
    return false;
  }
}
