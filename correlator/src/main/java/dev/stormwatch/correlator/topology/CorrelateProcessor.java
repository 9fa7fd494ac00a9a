package dev.stormwatch.correlator.topology;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.Incident;
import dev.stormwatch.avro.IncidentCommand;
import dev.stormwatch.avro.IncidentStatus;
import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.correlator.domain.AlertState;
import dev.stormwatch.correlator.domain.Cap;
import dev.stormwatch.correlator.domain.CommandDecision;
import dev.stormwatch.correlator.domain.CorrelationDecision;
import dev.stormwatch.correlator.domain.Correlator;
import dev.stormwatch.correlator.domain.Escalation;
import dev.stormwatch.correlator.domain.IncidentChange;
import dev.stormwatch.correlator.domain.IncidentState;
import dev.stormwatch.correlator.domain.ServiceGraph;
import dev.stormwatch.correlator.topology.CorrelatorMetrics.CommandResult;
import dev.stormwatch.correlator.topology.CorrelatorMetrics.ExpiredState;
import dev.stormwatch.correlator.topology.CorrelatorMetrics.IncidentEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Map;
import java.util.List;
import java.util.Optional;
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
 */
final class CorrelateProcessor implements Processor<String, CorrelatorInput, String, CorrelatorOutput> {

  private static final Logger log = LoggerFactory.getLogger(CorrelateProcessor.class);
  /** The most deadlines handled by one punctuation; the rest wait for the next. */
  static final int MAX_DUE_PER_PUNCTUATION = 10_000;
  /** The most alert expiries handled by one punctuation; the rest wait for the next. */
  static final int MAX_ALERT_EXPIRIES_PER_PUNCTUATION = 10_000;
  private static final int MAX_REDIRECTS = 8;
  private static final StringSerializer KEYS = new StringSerializer();
  /** A cap is logged at most once per this much record time (every hit is counted). */
  static final Duration CAP_LOG_EVERY = Duration.ofMinutes(1);
  private final Map<Cap, Long> capLogged = new EnumMap<>(Cap.class);

  private final Correlator correlator;
  private final TopologyView view;
  private final CorrelatorMetrics metrics;
  private final Duration punctuateEvery;
  private ProcessorContext<String, CorrelatorOutput> context;
  private KeyValueStore<String, ServiceNode> topology;
  private KeyValueStore<String, AlertState> alerts;
  private KeyValueStore<String, String> alertIncident;
  private KeyValueStore<String, Incident> incidents;
  private KeyValueStore<String, String> domainIndex;
  private KeyValueStore<String, String> deadlines;
  private KeyValueStore<String, String> alertExpiry;
  /** Entries of {@code alerts}: counted at init, then kept exact. */
  private long tracked;

  CorrelateProcessor(Correlator correlator, TopologyView view, CorrelatorMetrics metrics, Duration punctuateEvery) {
    this.correlator = correlator;
    this.view = view;
    this.metrics = metrics;
    this.punctuateEvery = punctuateEvery;
  }

  @Override
  public void init(ProcessorContext<String, CorrelatorOutput> context) {
    this.context = context;
    topology = context.getStateStore(CorrelatorStores.TOPOLOGY);
    alerts = context.getStateStore(CorrelatorStores.ALERTS);
    alertIncident = context.getStateStore(CorrelatorStores.ALERT_INCIDENT);
    incidents = context.getStateStore(CorrelatorStores.INCIDENTS);
    domainIndex = context.getStateStore(CorrelatorStores.DOMAIN_INDEX);
    deadlines = context.getStateStore(CorrelatorStores.DEADLINES);
    alertExpiry = context.getStateStore(CorrelatorStores.ALERT_EXPIRY);
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
    CorrelationDecision d = correlator.correlate(alert, domain, Optional.ofNullable(alertIncident.get(fp)),
        incidentsOf(domain), graph);
    metrics.alerts(d.outcome()).increment();
    for (Cap cap : d.capsHit()) {
      capHit(cap, domain, fp, d.incidentId().orElse("-"), d.outcome(), d.reason(), timestamp);
    }
    log.debug("alert {} in {}: {} ({})", fp, domain, d.outcome(), d.reason());
    d.incidentId().ifPresent(id -> alertIncident.put(fp, id));
    d.movedAlerts().forEach(alertIncident::put);
    if (d.outcome() == CorrelationDecision.Outcome.OPENED) {
      metrics.incidents(IncidentEvent.OPENED).increment();
    } else if (d.outcome() == CorrelationDecision.Outcome.REOPENED) {
      metrics.incidents(IncidentEvent.REOPENED).increment();
    }
    Instant now = alert.eventTime();
    for (IncidentChange change : d.changes()) {
      save(change.before(), escalate(change, now, timestamp), timestamp);
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

  /** Indexes an alert's expiry, replacing the entry of the state it had ({@code previous}, or null). */
  private void armExpiry(AlertState previous, AlertState alert) {
    String key = deadlineKey(correlator.alertExpiresAt(alert), alert.fingerprint());
    if (previous != null) {
      String old = deadlineKey(correlator.alertExpiresAt(previous), previous.fingerprint());
      if (!old.equals(key)) {
        alertExpiry.delete(old);
      }
    }
    alertExpiry.put(key, alert.fingerprint());
  }

  private List<IncidentState> incidentsOf(String domain) {
    List<String> ids = new ArrayList<>();
    try (KeyValueIterator<String, String> it = domainIndex.prefixScan(domain + "|", KEYS)) {
      while (it.hasNext()) {
        String key = it.next().key;
        int bar = key.lastIndexOf('|');
        if (key.substring(0, bar).equals(domain)) {
          ids.add(key.substring(bar + 1));
        }
      }
    }
    List<IncidentState> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      Incident stored = incidents.get(id);
      if (stored != null) {
        out.add(IncidentState.fromAvro(stored));
      }
    }
    return out;
  }

  // ---- commands ------------------------------------------------------------------------------

  private void command(IncidentCommand command, long timestamp) {
    Incident stored = incidents.get(command.getIncidentId());
    if (stored == null) {
      metrics.commands(CommandResult.IGNORED).increment();
      log.info("command {} ({}) ignored: no incident {} in state", command.getId(), command.getKind(),
          command.getIncidentId());
      return;
    }
    IncidentState incident = IncidentState.fromAvro(stored);
    CommandDecision d = correlator.command(incident, command);
    for (int hops = 0; d.redirectTo().isPresent() && hops < MAX_REDIRECTS; hops++) {
      Incident survivor = incidents.get(d.redirectTo().get());
      if (survivor == null) {
        break;
      }
      incident = IncidentState.fromAvro(survivor);
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
    save(incident, escalate(d.change().get(), command.getAt(), timestamp), timestamp);
  }

  // ---- time ----------------------------------------------------------------------------------

  private void punctuate(long timestamp) {
    Instant now = Instant.ofEpochMilli(timestamp);
    incidentDeadlines(now, timestamp);
    expireAlerts(now);
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
      if (home != null && incidents.get(home) != null) {
        alertExpiry.put(deadlineKey(now.plus(correlator.settings().retention()), fp), fp);
        kept++;
        continue;
      }
      alerts.delete(fp);
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
      Incident stored = incidents.get(entry.value);
      if (stored == null) {
        continue;
      }
      IncidentState before = IncidentState.fromAvro(stored);
      IncidentState current = before;
      Optional<IncidentChange> ticked = correlator.tick(current, now);
      if (ticked.isPresent()) {
        current = escalate(ticked.get(), now, timestamp);
      }
      current = escalate(new IncidentChange(current, current), now, timestamp);
      if (correlator.expired(current, now)) {
        expire(current, timestamp);
      } else if (!current.equals(before)) {
        save(before, current, timestamp);
      } else {
        correlator.nextDeadline(before).filter(t -> t.isAfter(now))
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
    if (e.emits()) {
      EscalationEvent event = e.event(after, now);
      after = e.record(after, now, correlator.settings());
      metrics.escalations(event.getKind()).increment();
      log.info("escalation {} for {}: {}", event.getKind(), after.id(), e.reason());
      context.forward(new Record<>(after.id(), new CorrelatorOutput.Escalated(event), timestamp));
    }
    boolean wasResolved = before != null && before.status() == IncidentStatus.RESOLVED;
    if (after.isMerged() && (before == null || !before.isMerged())) {
      metrics.incidents(IncidentEvent.MERGED).increment();
    } else if (!after.isMerged() && after.status() == IncidentStatus.RESOLVED && !wasResolved) {
      metrics.incidents(IncidentEvent.RESOLVED).increment();
    }
    return after;
  }

  /**
   * Writes an incident, its domain-index entry and its next deadline (replacing the deadline of the
   * state it had in the store, {@code stored}), and emits its full state.
   */
  private void save(IncidentState stored, IncidentState after, long timestamp) {
    String id = after.id();
    if (stored != null) {
      correlator.nextDeadline(stored).ifPresent(t -> deadlines.delete(deadlineKey(t, id)));
    }
    Incident avro = after.toAvro();
    incidents.put(id, avro);
    if (stored == null) {
      domainIndex.put(after.domain() + "|" + id, id);
    }
    correlator.nextDeadline(after).ifPresent(t -> deadlines.put(deadlineKey(t, id), id));
    context.forward(new Record<>(id, new CorrelatorOutput.IncidentUpdate(avro), timestamp));
  }

  /** Removes a closed incident after its retention, with its index entries; emits a tombstone. */
  private void expire(IncidentState incident, long timestamp) {
    String id = incident.id();
    incidents.delete(id);
    domainIndex.delete(incident.domain() + "|" + id);
    for (String fp : incident.members().keySet()) {
      if (id.equals(alertIncident.get(fp))) {
        alertIncident.delete(fp);
        AlertState alert = alerts.get(fp);
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

  /** {@code <13-digit zero-padded epoch millis>|<suffix>}: sorts by time as strings. */
  static String deadlineKey(Instant at, String suffix) {
    return String.format("%013d|%s", Math.max(0, at.toEpochMilli()), suffix);
  }
}
