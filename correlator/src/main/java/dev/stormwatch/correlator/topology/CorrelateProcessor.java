package dev.stormwatch.correlator.topology;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.AlertSummary;
import dev.stormwatch.avro.ChangeEvent;
import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.EscalationKind;
import dev.stormwatch.avro.Incident;
import dev.stormwatch.avro.IncidentCommand;
import dev.stormwatch.avro.IncidentStatus;
import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.avro.Silence;
import dev.stormwatch.avro.SuspectChange;
import dev.stormwatch.correlator.domain.AlertState;
import dev.stormwatch.correlator.domain.Cap;
import dev.stormwatch.correlator.domain.CommandDecision;
import dev.stormwatch.correlator.domain.CorrelationDecision;
import dev.stormwatch.correlator.domain.Correlator;
import dev.stormwatch.correlator.domain.CorrelatorSettings;
import dev.stormwatch.correlator.domain.Escalation;
import dev.stormwatch.correlator.domain.IncidentChange;
import dev.stormwatch.correlator.domain.IncidentState;
import dev.stormwatch.correlator.domain.IncidentState.Mark;
import dev.stormwatch.correlator.domain.ServiceGraph;
import dev.stormwatch.correlator.rules.AlertView;
import dev.stormwatch.correlator.rules.ChangeSignal;
import dev.stormwatch.correlator.rules.ChangeSuspects;
import dev.stormwatch.correlator.rules.IncidentMetrics;
import dev.stormwatch.correlator.rules.Muter;
import dev.stormwatch.correlator.rules.RulesSettings;
import dev.stormwatch.correlator.rules.Suppression;
import dev.stormwatch.correlator.rules.Transients;
import dev.stormwatch.correlator.topology.CorrelatorMetrics.CommandResult;
import dev.stormwatch.correlator.topology.CorrelatorMetrics.ExpiredState;
import dev.stormwatch.correlator.topology.CorrelatorMetrics.IncidentEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The domain-keyed heart of the correlator: stores and emits what {@link Correlator} and
 * {@link Escalation} decide. Alerts and commands arrive on the partition that owns their domain; a
 * wall-clock punctuator range-scans the time-indexed {@code correlator-deadlines} store for due
 * group waits, auto-resolves and expiries, with the punctuation timestamp as the clock. Alert
 * decisions are made at the alert's event time, command decisions at the command's time.
 *
 * <p><b>Cost per alert does not grow with the incident.</b> An incident is stored as a header
 * ({@code correlator-incidents}: the Avro incident without its alerts) and its members one by one
 * ({@code correlator-incident-alerts}, {@code <id>|<fingerprint>}); a change writes the header and
 * the members that changed. Decoded incidents are cached per task. The full state goes to the
 * {@code incidents} topic at once when the incident was not emitted since the last punctuation, and
 * otherwise at the next punctuation ({@code correlator-incident-output} remembers which): a storm
 * into one incident emits at most two full states per punctuation interval. The timeline follows
 * services, not every alert (see {@link IncidentState#attach}).
 *
 * <p><b>Per-alert state is bounded.</b> Every alert in {@code correlator-alerts} has an entry in
 * the time-indexed {@code correlator-alert-expiry} store at {@link Correlator#alertExpiresAt}
 * (re-armed whenever its state changes). The same punctuator removes due alerts in bounded batches:
 * an alert whose indexed incident is still in state is kept and asked again a {@code retention}
 * later (members leave with their incident); any other alert (never attached: an ignored resolve,
 * dropped at the open-incidents cap; or its incident gone) leaves {@code correlator-alerts} and
 * {@code correlator-alert-incident}. At most {@code max-tracked-alerts} fingerprints are tracked per
 * task: beyond it, an observation of a new fingerprint is dropped and counted as
 * {@link Cap#TRACKED_ALERTS}. The count is taken once when the task starts (bounded by the cap) and
 * kept exact from then on.
 *
 * <p><b>Rules</b> (issue 5; per-task state in {@link TaskRules}). Every change of an incident goes
 * through one path: the observed alert is <em>marked</em> (muted by a silence, maintenance window or
 * inhibition rule, judged at the record's time; flapping, judged by its flap state), the incident's
 * <em>suspect changes</em> and ranking are looked up, {@link Escalation} decides what to page (an
 * OPENED of a transient incident, {@link Transients}, is held back), and {@link IncidentMetrics} and
 * the statistics stores record its milestones. An inhibited alert that is in no incident yet joins
 * the incident of the alert that inhibits it. Muting is looked at again without new alerts: for
 * every open incident of the task when the silences change or one of them starts, ends or enters or
 * leaves a maintenance slot ({@code SilenceSet.nextChangeAfter}); for a domain's open incidents when
 * its inhibition sources change; and for an incident whenever one of its deadlines is due (group wait,
 * auto-resolve, a flapping alert's calm-down). A resolved member keeps the mark it had when it
 * resolved. A change event refreshes the ranking and suspects of its domain's open incidents. The
 * task of partition 0 writes tombstones for silences that ended more than {@code silence-retention}
 * ago, so the compacted {@code silences} topic and the global stores stay bounded.
 */
final class CorrelateProcessor implements Processor<String, CorrelatorInput, String, CorrelatorOutput> {

  /**
   * A delay up to this between an alert's arrival ({@code observedAt}) and the correlator opening
   * its incident counts as none for the group wait; beyond it (a backlog) the wait runs from the
   * correlator's clock, less this.
   */
  static final Duration ARRIVAL_SLACK = Duration.ofSeconds(1);
  private static final Logger log = LoggerFactory.getLogger(CorrelateProcessor.class);
  /** The most deadlines handled by one punctuation; the rest wait for the next. */
  static final int MAX_DUE_PER_PUNCTUATION = 10_000;
  /** The most alert expiries handled by one punctuation; the rest wait for the next. */
  static final int MAX_ALERT_EXPIRIES_PER_PUNCTUATION = 10_000;
  private static final int MAX_REDIRECTS = 8;
  /**
   * Members of the decoded incidents kept in memory per task (an incident counts at least 1): the
   * cache holds tens of MB however large the storm; a miss costs one header read and one prefix scan.
   */
  static final int CACHED_MEMBERS = 100_000;
  /** Domains whose incident ids are kept in memory per task. */
  static final int CACHED_DOMAINS = 2_000;
  /** {@code correlator-incident-output}: emitted since the last punctuation. */
  private static final String SENT = "sent";
  /** {@code correlator-incident-output}: changed after it was emitted; the next punctuation emits it. */
  private static final String PENDING = "pending";
  private static final StringSerializer KEYS = new StringSerializer();
  /** A cap is logged at most once per this much record time (every hit is counted). */
  static final Duration CAP_LOG_EVERY = Duration.ofMinutes(1);
  private final Map<Cap, Long> capLogged = new EnumMap<>(Cap.class);

  /** How often inhibition sources and changes are pruned, and silences past retention tombstoned. */
  static final Duration HOUSEKEEPING_EVERY = Duration.ofMinutes(1);

  private final Correlator correlator;
  private final RulesSettings rulesSettings;
  private final TaskRules rules;
  private final TopologyView view;
  private final CorrelatorMetrics metrics;
  private final IncidentMetrics incidentMetrics;
  private final Duration punctuateEvery;
  private ProcessorContext<String, CorrelatorOutput> context;
  private KeyValueStore<String, Silence> silenceStore;
  /** The silences version the task's incidents were last marked with, and when that may change by itself. */
  private long silencesVersion;
  private Instant silencesNextChange;
  private long lastHousekeeping = Long.MIN_VALUE;
  private KeyValueStore<String, ServiceNode> topology;
  private KeyValueStore<String, AlertState> alerts;
  private KeyValueStore<String, String> alertIncident;
  private KeyValueStore<String, Incident> incidents;
  private KeyValueStore<String, AlertSummary> incidentAlerts;
  private KeyValueStore<String, String> incidentOutput;
  /**
   * Decoded incidents of this task, most recently used last: a read-through cache of
   * {@code correlator-incidents} + {@code correlator-incident-alerts}, which every change writes
   * through. Only this processor writes those stores, and a task that is closed or revived builds a
   * new processor, so the cache can never hold what the stores do not.
   */
  private final Map<String, IncidentState> cache = new LinkedHashMap<>(256, 0.75f, true);
  /** Members counted in {@link #cache} (each incident at least 1). */
  private long cachedMembers;
  private KeyValueStore<String, String> domainIndex;
  private KeyValueStore<String, String> deadlines;
  private KeyValueStore<String, String> alertExpiry;
  /**
   * Incident ids of a domain, most recently used last: a read-through cache of
   * {@code correlator-domain-index} (a RocksDB prefix scan per alert costs more than the rest of the
   * decision), written through like {@link #cache}.
   */
  private final Map<String, List<String>> domainIncidents = new LinkedHashMap<>(256, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, List<String>> eldest) {
      return size() > CACHED_DOMAINS;
    }
  };
  /** Entries of {@code alerts}: counted at init, then kept exact. */
  private long tracked;

  CorrelateProcessor(CorrelatorSettings settings, RulesSettings rulesSettings, TopologyView view, SilenceView silences,
                     CorrelatorMetrics metrics, IncidentMetrics incidentMetrics, Duration punctuateEvery) {
    this.rulesSettings = rulesSettings;
    this.rules = new TaskRules(rulesSettings, silences, metrics);
    this.correlator = new Correlator(settings, List.of(ChangeSignal.of(rules.changes(), rulesSettings)));
    this.view = view;
    this.metrics = metrics;
    this.incidentMetrics = incidentMetrics;
    this.punctuateEvery = punctuateEvery;
  }

  @Override
  public void init(ProcessorContext<String, CorrelatorOutput> context) {
    this.context = context;
    topology = context.getStateStore(CorrelatorStores.TOPOLOGY);
    alerts = context.getStateStore(CorrelatorStores.ALERTS);
    alertIncident = context.getStateStore(CorrelatorStores.ALERT_INCIDENT);
    incidents = context.getStateStore(CorrelatorStores.INCIDENTS);
    incidentAlerts = context.getStateStore(CorrelatorStores.INCIDENT_ALERTS);
    incidentOutput = context.getStateStore(CorrelatorStores.INCIDENT_OUTPUT);
    cache.clear();
    cachedMembers = 0;
    domainIncidents.clear();
    domainIndex = context.getStateStore(CorrelatorStores.DOMAIN_INDEX);
    deadlines = context.getStateStore(CorrelatorStores.DEADLINES);
    alertExpiry = context.getStateStore(CorrelatorStores.ALERT_EXPIRY);
    silenceStore = context.getStateStore(CorrelatorStores.SILENCES);
    rules.init(context);
    silencesVersion = -1;
    silencesNextChange = null;
    tracked = 0;
    try (KeyValueIterator<String, AlertState> it = alerts.all()) {
      while (it.hasNext()) {
        it.next();
        tracked++;
      }
    }
    context.schedule(punctuateEvery, PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  @Override
  public void process(Record<String, CorrelatorInput> record) {
    if (record.value() instanceof CorrelatorInput.Alert a) {
      alert(record.key(), a.event(), record.timestamp());
    } else if (record.value() instanceof CorrelatorInput.Command c) {
      command(c.command(), record.timestamp());
    } else if (record.value() instanceof CorrelatorInput.Change c) {
      change(record.key(), c.event(), record.timestamp());
    }
  }

  // ---- alerts --------------------------------------------------------------------------------

  private void alert(String domain, AlertEvent event, long timestamp) {
    String fp = event.getFingerprint();
    AlertState previous = alerts.get(fp);
    if (previous == null && tracked >= correlator.settings().maxTrackedAlerts()) {
      metrics.alerts(CorrelationDecision.Outcome.DROPPED).increment();
      capHit(Cap.TRACKED_ALERTS, domain, fp, "-", CorrelationDecision.Outcome.DROPPED, tracked
          + " alerts are tracked, the most max-tracked-alerts allows; a new fingerprint is not tracked", timestamp);
      return;
    }
    AlertState alert = previous == null ? AlertState.of(event) : previous.observe(event);
    if (alert.equals(previous)) {
      metrics.alerts(CorrelationDecision.Outcome.UNCHANGED).increment();
      return;
    }
    alerts.put(fp, alert);
    if (previous == null) {
      tracked++;
    }
    armExpiry(previous, alert);
    ServiceGraph graph = view.graph(topology);
    Instant at = Instant.ofEpochMilli(timestamp);
    boolean sourcesChanged = rules.observe(domain, alert, event, at);
    Optional<Suppression> mute = rules.muter(domain, at).mutes(AlertView.of(alert), at);
    Optional<String> inhibitedBy = mute.filter(m -> m.kind() == Suppression.Kind.INHIBITION)
        .map(m -> alertIncident.get(m.sourceFingerprint()));
    String home = alertIncident.get(fp);
    CorrelationDecision d = correlator.correlate(alert, domain, Optional.ofNullable(home),
        incidentsOf(domain), graph, inhibitedBy);
    metrics.alerts(d.outcome()).increment();
    for (Cap cap : d.capsHit()) {
      capHit(cap, domain, fp, d.incidentId().orElse("-"), d.outcome(), d.reason(), timestamp);
    }
    log.debug("alert {} in {}: {} ({})", fp, domain, d.outcome(), d.reason());
    d.incidentId().filter(id -> !id.equals(home)).ifPresent(id -> alertIncident.put(fp, id));
    d.movedAlerts().forEach(alertIncident::put);
    if (d.outcome() == CorrelationDecision.Outcome.OPENED) {
      metrics.incidents(IncidentEvent.OPENED).increment();
    } else if (d.outcome() == CorrelationDecision.Outcome.REOPENED) {
      metrics.incidents(IncidentEvent.REOPENED).increment();
    }
    Instant now = alert.eventTime();
    TaskRules.Marked marked = rules.mark(fp, mute, at);
    for (IncidentChange change : d.changes()) {
      IncidentState after = change.after();
      if (change.before() == null) {
        // the group wait runs from when the correlator saw the storm too: catching up on a backlog,
        // the rest of it (the failing dependency's alert in another router's backlog) still joins
        after = after.groupWaitFromAtLeast(Instant.ofEpochMilli(context.currentSystemTimeMs())
            .minus(ARRIVAL_SLACK));
      }
      if (after.members().containsKey(fp)) {
        after = applyMarks(after, Map.of(fp, marked), at);
      }
      after = withSuspects(after, graph, at, false);
      save(change.before(), escalate(new IncidentChange(change.before(), after), now, timestamp), timestamp, true);
    }
    if (sourcesChanged) {
      remarkDomain(domain, at, timestamp);
    }
  }

  // ---- changes -------------------------------------------------------------------------------

  /**
   * A change routed to {@code domain}: kept, and the ranking and suspects of the domain's open
   * incidents looked at again (a change that arrives after the incident opened may be a suspect).
   */
  private void change(String domain, ChangeEvent event, long timestamp) {
    Instant now = Instant.ofEpochMilli(Math.max(timestamp, context.currentStreamTimeMs()));
    if (!rules.addChange(event, now)) {
      return;
    }
    ServiceGraph graph = view.graph(topology);
    Instant at = Instant.ofEpochMilli(timestamp);
    for (IncidentState incident : incidentsOf(domain)) {
      if (!incident.isOpen()) {
        continue;
      }
      IncidentState after = withSuspects(correlator.rerank(incident, graph), graph, at, true);
      if (!after.equals(incident)) {
        save(incident, escalate(new IncidentChange(incident, after), at, timestamp), timestamp, true);
      }
    }
  }

  /**
   * The incident with its suspect changes looked up (and the new ones counted for the change failure
   * rate). With {@code note}, a change of the ranking or suspects is a new revision with a timeline
   * line (a change that arrived late); else it is part of the caller's change.
   */
  private IncidentState withSuspects(IncidentState incident, ServiceGraph graph, Instant at, boolean note) {
    if (incident.isMerged()) {
      return incident;
    }
    List<ChangeSuspects.Suspect> suspects = rules.suspects(incident, graph);
    List<SuspectChange> avro = suspects.stream().map(ChangeSuspects.Suspect::toAvro).toList();
    IncidentState after = incident.withSuspectChanges(avro);
    if (after == incident && !note) {
      return incident;
    }
    Set<String> known = new HashSet<>();
    incident.suspectChanges().forEach(c -> known.add(c.getChangeId()));
    List<String> fresh = new ArrayList<>();
    for (ChangeSuspects.Suspect suspect : suspects) {
      incidentMetrics.suspected(suspect.change().service(), suspect.change().id());
      if (!known.contains(suspect.change().id())) {
        fresh.add(suspect.reason());
      }
    }
    if (note && !after.equals(incident)) {
      return after.noted(at, fresh.isEmpty() ? "root causes ranked again for a change that arrived late"
          : "suspect change" + (fresh.size() == 1 ? "" : "s") + ": " + String.join("; ", fresh), correlator.settings());
    }
    return after;
  }

  // ---- marks ---------------------------------------------------------------------------------

  /** Applies marks; a flapping member gets a deadline at its calm-down, when its mark is looked at again. */
  private IncidentState applyMarks(IncidentState incident, Map<String, TaskRules.Marked> marks, Instant at) {
    Map<String, Mark> plain = new HashMap<>();
    marks.forEach((fp, m) -> {
      plain.put(fp, m.mark());
      if (m.calmsAt() != null && incident.isOpen()) {
        deadlines.put(deadlineKey(m.calmsAt(), incident.id()), incident.id());
      }
    });
    return incident.withMarks(plain, at, correlator.settings());
  }

  /**
   * Every member of an open incident marked again at {@code now}: a firing member's muting and every
   * member's flapping (a resolved member keeps the muting it resolved with).
   */
  private IncidentState remark(IncidentState incident, Instant now) {
    if (!incident.isOpen()) {
      return incident;
    }
    Muter muter = rules.muter(incident.domain(), now);
    Map<String, TaskRules.Marked> marks = new HashMap<>();
    for (IncidentState.Member m : incident.members().values()) {
      AlertState alert = m.firing() ? alerts.get(m.fingerprint()) : null;
      marks.put(m.fingerprint(), alert != null ? rules.mark(m.fingerprint(), muter.mutes(AlertView.of(alert), now), now)
          : rules.mark(m.fingerprint(), m.mark(), now));
    }
    return applyMarks(incident, marks, now);
  }

  /** Marks an incident again at {@code now} and, when that changes it, escalates and saves it. */
  private void reevaluate(IncidentState before, Instant now, long timestamp) {
    IncidentState marked = remark(before, now);
    if (marked != before) {
      save(before, escalate(new IncidentChange(before, marked), now, timestamp), timestamp, true);
    }
  }

  /** Every open incident of a domain marked again (its inhibition sources changed). */
  private void remarkDomain(String domain, Instant now, long timestamp) {
    for (IncidentState incident : incidentsOf(domain)) {
      reevaluate(incident, now, timestamp);
    }
  }

  /**
   * Every open incident of the task marked again, when the silences changed or one of them starts,
   * ends or enters or leaves a slot at or before {@code now}.
   */
  private void remarkOnSilences(Instant now, long timestamp) {
    SilenceView.Snapshot silences = rules.silences(now);
    boolean due = silencesNextChange != null && !now.isBefore(silencesNextChange);
    if (silences.version() == silencesVersion && !due) {
      return;
    }
    silencesVersion = silences.version();
    silencesNextChange = silences.set().nextChangeAfter(now).orElse(null);
    List<String> ids = new ArrayList<>();
    try (KeyValueIterator<String, String> it = domainIndex.all()) {
      while (it.hasNext()) {
        ids.add(it.next().value);
      }
    }
    for (String id : ids) {
      IncidentState incident = load(id);
      if (incident != null) {
        reevaluate(incident, now, timestamp);
      }
    }
  }

  /** Counts a cap hit; logs it as a structured WARN line at most once per {@link #CAP_LOG_EVERY} of record time. */
  private void capHit(Cap cap, String domain, String fp, String incident, CorrelationDecision.Outcome outcome,
                      String reason, long timestamp) {
    metrics.caps(cap).increment();
    Long last = capLogged.get(cap);
    if (last == null || timestamp - last >= CAP_LOG_EVERY.toMillis() || timestamp < last) {
      capLogged.put(cap, timestamp);
      log.warn("correlator cap reached: cap={} domain={} fingerprint={} incident={} outcome={} reason=\"{}\""
          + " (further hits of this cap within {} are only counted)", cap, domain, fp, incident, outcome, reason,
          CAP_LOG_EVERY);
    }
  }

  /**
   * Indexes a new alert's expiry. An alert's expiry only moves later (its last-seen instant is a
   * maximum), so a known alert keeps the entry it has: when that entry comes due,
   * {@link #expireAlerts} finds the later expiry and indexes it then. A repeat costs no index write.
   */
  private void armExpiry(AlertState previous, AlertState alert) {
    if (previous == null) {
      alertExpiry.put(deadlineKey(correlator.alertExpiresAt(alert), alert.fingerprint()), alert.fingerprint());
    }
  }

  private List<IncidentState> incidentsOf(String domain) {
    List<String> ids = domainIncidents.get(domain);
    if (ids == null) {
      ids = new ArrayList<>();
      try (KeyValueIterator<String, String> it = domainIndex.prefixScan(domain + "|", KEYS)) {
        while (it.hasNext()) {
          String key = it.next().key;
          int bar = key.lastIndexOf('|');
          if (key.substring(0, bar).equals(domain)) {
            ids.add(key.substring(bar + 1));
          }
        }
      }
      domainIncidents.put(domain, ids);
    }
    List<IncidentState> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      IncidentState stored = load(id);
      if (stored != null) {
        out.add(stored);
      }
    }
    return out;
  }

  /** The incident with this id, or null: from the cache, else from its header and members in the stores. */
  private IncidentState load(String id) {
    IncidentState cached = cache.get(id);
    if (cached != null) {
      return cached;
    }
    Incident header = incidents.get(id);
    if (header == null) {
      return null;
    }
    List<AlertSummary> members = new ArrayList<>();
    try (KeyValueIterator<String, AlertSummary> it = incidentAlerts.prefixScan(id + "|", KEYS)) {
      while (it.hasNext()) {
        members.add(it.next().value);
      }
    }
    IncidentState loaded = IncidentState.fromAvro(header, members);
    cachePut(id, loaded);
    return loaded;
  }

  // ---- commands ------------------------------------------------------------------------------

  private void command(IncidentCommand command, long timestamp) {
    IncidentState incident = load(command.getIncidentId());
    if (incident == null) {
      metrics.commands(CommandResult.IGNORED).increment();
      log.info("command {} ({}) ignored: no incident {} in state", command.getId(), command.getKind(),
          command.getIncidentId());
      return;
    }
    CommandDecision d = correlator.command(incident, command);
    for (int hops = 0; d.redirectTo().isPresent() && hops < MAX_REDIRECTS; hops++) {
      IncidentState survivor = load(d.redirectTo().get());
      if (survivor == null) {
        break;
      }
      incident = survivor;
      d = correlator.command(incident, command);
    }
    if (!d.applied() || d.change().isEmpty()) {
      metrics.commands(CommandResult.IGNORED).increment();
      log.info("command {} ({}) on {} ignored: {}", command.getId(), command.getKind(), command.getIncidentId(),
          d.reason());
      return;
    }
    metrics.commands(CommandResult.APPLIED).increment();
    log.info("command {} applied to {}: {}", command.getId(), incident.id(), d.reason());
    save(incident, escalate(d.change().get(), command.getAt(), timestamp), timestamp, true);
  }

  // ---- time ----------------------------------------------------------------------------------

  private void punctuate(long timestamp) {
    Instant now = Instant.ofEpochMilli(timestamp);
    remarkOnSilences(now, timestamp);
    incidentDeadlines(now, timestamp);
    expireAlerts(now);
    if (lastHousekeeping == Long.MIN_VALUE || timestamp - lastHousekeeping >= HOUSEKEEPING_EVERY.toMillis()
        || timestamp < lastHousekeeping) {
      lastHousekeeping = timestamp;
      for (String domain : rules.prune(now)) {
        remarkDomain(domain, now, timestamp);
      }
      tombstoneOldSilences(now, timestamp);
    }
    emitPending(timestamp);
  }

  /**
   * On the task of partition 0 only (one writer): a tombstone for every silence in the global store
   * that ended {@code silence-retention} or more ago, and for every value that cannot be decoded.
   */
  private void tombstoneOldSilences(Instant now, long timestamp) {
    if (context.taskId().partition() != 0) {
      return;
    }
    List<String> gone = new ArrayList<>();
    try (KeyValueIterator<String, Silence> it = silenceStore.all()) {
      while (it.hasNext()) {
        KeyValue<String, Silence> kv = it.next();
        if (kv.value == null || kv.value.getEndsAt() == null
            || !now.isBefore(kv.value.getEndsAt().plus(rulesSettings.silenceRetention()))) {
          gone.add(kv.key);
        }
      }
    }
    for (String id : gone) {
      log.info("silence {} ended more than {} ago: tombstoned", id, rulesSettings.silenceRetention());
      context.forward(new Record<>(id, new CorrelatorOutput.SilenceGone(id), timestamp));
    }
  }

  /**
   * Emits the full state of every incident that changed after it was last emitted, and starts a new
   * interval: the next change of any incident goes out at once again.
   */
  private void emitPending(long timestamp) {
    List<KeyValue<String, String>> marks = new ArrayList<>();
    try (KeyValueIterator<String, String> it = incidentOutput.all()) {
      while (it.hasNext()) {
        marks.add(it.next());
      }
    }
    for (KeyValue<String, String> mark : marks) {
      incidentOutput.delete(mark.key);
      if (PENDING.equals(mark.value)) {
        IncidentState incident = load(mark.key);
        if (incident != null) {
          context.forward(new Record<>(mark.key, new CorrelatorOutput.IncidentUpdate(incident.toAvro()), timestamp));
        }
      }
    }
  }

  /**
   * Removes the state of alerts due at {@code now} (at most {@value #MAX_ALERT_EXPIRIES_PER_PUNCTUATION}),
   * unless the incident they are indexed to is still in state: those are asked again a
   * {@code retention} later.
   */
  private void expireAlerts(Instant now) {
    List<KeyValue<String, String>> due = new ArrayList<>();
    try (KeyValueIterator<String, String> it = alertExpiry.range(null, deadlineKey(now, "~"))) {
      while (it.hasNext() && due.size() < MAX_ALERT_EXPIRIES_PER_PUNCTUATION) {
        due.add(it.next());
      }
    }
    int removed = 0;
    int kept = 0;
    for (KeyValue<String, String> entry : due) {
      alertExpiry.delete(entry.key);
      String fp = entry.value;
      AlertState alert = alerts.get(fp);
      if (alert == null) {
        continue;
      }
      Instant at = correlator.alertExpiresAt(alert);
      if (at.isAfter(now)) {
        alertExpiry.put(deadlineKey(at, fp), fp);
        continue;
      }
      String home = alertIncident.get(fp);
      if (home != null && (cache.containsKey(home) || incidents.get(home) != null)) {
        alertExpiry.put(deadlineKey(now.plus(correlator.settings().retention()), fp), fp);
        kept++;
        continue;
      }
      alerts.delete(fp);
      rules.forget(fp);
      if (home != null) {
        alertIncident.delete(fp);
      }
      tracked--;
      removed++;
      metrics.expired(ExpiredState.ALERT).increment();
    }
    if (removed > 0 || kept > 0) {
      log.debug("alert state expired: removed={} kept-for-incident={} due={} batch-limit={} tracked={}", removed,
          kept, due.size(), MAX_ALERT_EXPIRIES_PER_PUNCTUATION, tracked);
    }
  }

  private void incidentDeadlines(Instant now, long timestamp) {
    List<KeyValue<String, String>> due = new ArrayList<>();
    try (KeyValueIterator<String, String> it = deadlines.range(null, deadlineKey(now, "~"))) {
      while (it.hasNext() && due.size() < MAX_DUE_PER_PUNCTUATION) {
        due.add(it.next());
      }
    }
    for (KeyValue<String, String> entry : due) {
      deadlines.delete(entry.key);
      IncidentState before = load(entry.value);
      if (before == null) {
        continue;
      }
      IncidentState current = before;
      IncidentState marked = remark(current, now);
      if (marked != current) {
        current = escalate(new IncidentChange(current, marked), now, timestamp);
      }
      Optional<IncidentChange> ticked = correlator.tick(current, now);
      if (ticked.isPresent()) {
        current = escalate(ticked.get(), now, timestamp);
      }
      current = escalate(new IncidentChange(current, current), now, timestamp);
      if (correlator.expired(current, now)) {
        if (!current.equals(before)) {
          // resolved and past its retention in one punctuation (the clock jumped): its last milestones count
          incidentMetrics.record(before, current);
          rules.recordStats(before, current);
        }
        expire(current, timestamp);
      } else if (!current.equals(before)) {
        save(before, current, timestamp, false);
      } else {
        correlator.nextDeadlineAfter(before, now)
            .ifPresent(t -> deadlines.put(deadlineKey(t, before.id()), before.id()));
      }
    }
  }

  // ---- state and output ----------------------------------------------------------------------

  /** Asks {@link Escalation} about a change, emits what it decides, and returns the incident with it recorded. */
  private IncidentState escalate(IncidentChange change, Instant now, long timestamp) {
    IncidentState before = change.before();
    IncidentState after = change.after();
    Escalation.Decision e = correlator.escalation().decide(before, after, now);
    if (e.emits() && e.kind().get() == EscalationKind.OPENED) {
      Transients.Verdict transientVerdict = Transients.check(after, correlator.settings().groupWait());
      if (transientVerdict.isTransient()) {
        log.debug("incident {} does not page: {}", after.id(), transientVerdict.reason());
        e = new Escalation.Decision(Optional.empty(), transientVerdict.reason(), Optional.empty());
      }
    }
    if (e.emits()) {
      EscalationEvent event = e.event(after, now);
      after = e.record(after, now, correlator.settings());
      metrics.escalations(event.getKind()).increment();
      log.info("escalation {} for {}: {}", event.getKind(), after.id(), e.reason());
      context.forward(new Record<>(after.id(), new CorrelatorOutput.Escalated(event), timestamp));
      // a page is read committed downstream: commit after this loop, not at the next interval
      context.commit();
    }
    boolean wasResolved = before != null && before.status() == IncidentStatus.RESOLVED;
    if (after.isMerged() && (before == null || !before.isMerged())) {
      metrics.incidents(IncidentEvent.MERGED).increment();
    } else if (!after.isMerged() && after.status() == IncidentStatus.RESOLVED && !wasResolved) {
      metrics.incidents(IncidentEvent.RESOLVED).increment();
      if (after.escalatedAt() == null && after.reopenCount() == 0) {
        unpaged(after);
      }
    }
    return after;
  }

  /** Counts an incident that resolved without ever paging, by why: transient, silenced or inhibited. */
  private void unpaged(IncidentState incident) {
    if (Transients.check(incident, correlator.settings().groupWait()).isTransient()) {
      incidentMetrics.unpaged(IncidentMetrics.Unpaged.TRANSIENT);
    } else if (incident.suppressed()) {
      boolean inhibited = incident.members().values().stream()
          .anyMatch(m -> m.suppressed() && m.suppressedBy() != null && m.suppressedBy().startsWith("inhibit:"));
      incidentMetrics.unpaged(inhibited ? IncidentMetrics.Unpaged.INHIBITED : IncidentMetrics.Unpaged.SILENCED);
    }
  }

  /**
   * Writes an incident (its header, and the members that differ from the state it had in the store,
   * {@code stored}), its domain-index entry and its next deadline (replacing the deadline of
   * {@code stored}), and emits its full state: at once when it was not emitted since the last
   * punctuation, else at the next punctuation.
   *
   * @param storedDeadlineIndexed whether the deadline of {@code stored} is still in the deadline
   *                              store (the punctuator removes a due one before it asks)
   */
  private void save(IncidentState stored, IncidentState after, long timestamp, boolean storedDeadlineIndexed) {
    String id = after.id();
    Optional<Instant> deadline = correlator.nextDeadline(after);
    Optional<Instant> storedDeadline = stored == null || !storedDeadlineIndexed ? Optional.empty()
        : correlator.nextDeadline(stored);
    if (!deadline.equals(storedDeadline)) {
      storedDeadline.ifPresent(t -> deadlines.delete(deadlineKey(t, id)));
      deadline.ifPresent(t -> deadlines.put(deadlineKey(t, id), id));
    }
    // members before the header: a query that finds the header also finds the members it names
    Map<String, IncidentState.Member> old = stored == null ? Map.of() : stored.members();
    for (IncidentState.Member m : after.members().values()) {
      if (!m.equals(old.get(m.fingerprint()))) {
        incidentAlerts.put(id + "|" + m.fingerprint(), m.toAvro());
      }
    }
    for (String fp : old.keySet()) {
      if (!after.members().containsKey(fp)) {
        incidentAlerts.delete(id + "|" + fp);
      }
    }
    incidents.put(id, after.toAvroHeader());
    cachePut(id, after);
    if (stored == null) {
      domainIndex.put(after.domain() + "|" + id, id);
      List<String> known = domainIncidents.get(after.domain());
      if (known != null && !known.contains(id)) {
        known.add(id);
      }
    }
    incidentMetrics.record(stored, after);
    rules.recordStats(stored, after);
    String mark = incidentOutput.get(id);
    if (mark == null) {
      incidentOutput.put(id, SENT);
      context.forward(new Record<>(id, new CorrelatorOutput.IncidentUpdate(after.toAvro()), timestamp));
    } else if (SENT.equals(mark)) {
      incidentOutput.put(id, PENDING);
    }
  }

  /** Removes a closed incident after its retention, with its index entries; emits a tombstone. */
  private void expire(IncidentState incident, long timestamp) {
    String id = incident.id();
    incidents.delete(id);
    for (String fp : incident.members().keySet()) {
      incidentAlerts.delete(id + "|" + fp);
    }
    IncidentState gone = cache.remove(id);
    if (gone != null) {
      cachedMembers -= weight(gone);
    }
    incidentOutput.delete(id);
    domainIndex.delete(incident.domain() + "|" + id);
    List<String> known = domainIncidents.get(incident.domain());
    if (known != null) {
      known.remove(id);
    }
    for (String fp : incident.members().keySet()) {
      if (id.equals(alertIncident.get(fp))) {
        alertIncident.delete(fp);
        AlertState alert = alerts.get(fp);
        rules.forget(fp);
        if (alert != null) {
          alerts.delete(fp);
          alertExpiry.delete(deadlineKey(correlator.alertExpiresAt(alert), fp));
          tracked--;
        }
      }
    }
    metrics.incidents(IncidentEvent.EXPIRED).increment();
    log.info("incident {} left state: closed since {} (retention {})", id, incident.resolvedAt(),
        correlator.settings().retention());
    context.forward(new Record<>(id, new CorrelatorOutput.IncidentUpdate(null), timestamp));
  }

  /** Caches a decoded incident, evicting the least recently used beyond {@link #CACHED_MEMBERS}. */
  private void cachePut(String id, IncidentState incident) {
    IncidentState replaced = cache.put(id, incident);
    cachedMembers += weight(incident) - (replaced == null ? 0 : weight(replaced));
    var eldest = cache.entrySet().iterator();
    while (cachedMembers > CACHED_MEMBERS && cache.size() > 1 && eldest.hasNext()) {
      IncidentState out = eldest.next().getValue();
      eldest.remove();
      cachedMembers -= weight(out);
    }
  }

  private static int weight(IncidentState incident) {
    return Math.max(1, incident.members().size());
  }

  /** {@code <13-digit zero-padded epoch millis>|<suffix>}: sorts by time as strings. */
  static String deadlineKey(Instant at, String suffix) {
    String millis = Long.toString(Math.max(0, at.toEpochMilli()));
    StringBuilder key = new StringBuilder(14 + suffix.length());
    for (int i = millis.length(); i < 13; i++) {
      key.append('0');
    }
    return key.append(millis).append('|').append(suffix).toString();
  }
}
