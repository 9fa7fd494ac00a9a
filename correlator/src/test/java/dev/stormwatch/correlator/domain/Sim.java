package dev.stormwatch.correlator.domain;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.IncidentCommand;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a processor does with the domain classes, in memory: alert states by fingerprint, routes,
 * the alert→incident index, incidents by id, escalations emitted. Every decision is the domain's;
 * this only stores and emits, as the topology will. Time is the alerts' event time (stream time)
 * and what {@link #advance} is given.
 */
final class Sim {
  final Correlator correlator;
  ServiceGraph graph;
  final Map<String, AlertState> alerts = new HashMap<>();
  final Map<String, AlertRoute> routes = new HashMap<>();
  final Map<String, String> index = new HashMap<>();
  final Map<String, IncidentState> incidents = new LinkedHashMap<>();
  final List<EscalationEvent> escalations = new ArrayList<>();
  final List<CorrelationDecision> decisions = new ArrayList<>();
  final Map<Cap, Integer> caps = new EnumMap<>(Cap.class);
  Instant streamTime = Instant.EPOCH;

  Sim(CorrelatorSettings settings, ServiceGraph graph) {
    this.correlator = new Correlator(settings);
    this.graph = graph;
  }

  CorrelationDecision send(AlertEvent event) {
    AlertState previous = alerts.get(event.getFingerprint());
    AlertState alert = previous == null ? AlertState.of(event) : previous.observe(event);
    alerts.put(alert.fingerprint(), alert);
    AlertRoute route = AlertRoute.of(alert, routes.get(alert.fingerprint()), graph);
    routes.put(alert.fingerprint(), route);
    streamTime = streamTime.isAfter(alert.eventTime()) ? streamTime : alert.eventTime();
    List<IncidentState> domain = incidents.values().stream().filter(i -> i.domain().equals(route.domain())).toList();
    CorrelationDecision d = correlator.correlate(alert, route.domain(),
        Optional.ofNullable(index.get(alert.fingerprint())), domain, graph);
    decisions.add(d);
    d.capsHit().forEach(c -> caps.merge(c, 1, Integer::sum));
    d.incidentId().ifPresent(id -> index.put(alert.fingerprint(), id));
    index.putAll(d.movedAlerts());
    for (IncidentChange c : d.changes()) {
      apply(c, streamTime);
    }
    return d;
  }

  CommandDecision command(IncidentCommand command) {
    CommandDecision d = correlator.command(incidents.get(command.getIncidentId()), command);
    d.change().ifPresent(c -> apply(c, command.getAt()));
    return d;
  }

  /** A punctuator at {@code now}: group waits, auto-resolves, expiry. */
  void advance(Instant now) {
    for (IncidentState i : List.copyOf(incidents.values())) {
      correlator.tick(i, now).ifPresent(c -> apply(c, now));
      IncidentState current = incidents.get(i.id());
      Escalation.Decision e = correlator.escalation().decide(current, current, now);
      if (e.emits()) {
        escalations.add(e.event(current, now));
        incidents.put(current.id(), e.record(current, now, correlator.settings()));
      }
      if (correlator.expired(incidents.get(i.id()), now)) {
        incidents.remove(i.id());
      }
    }
  }

  private void apply(IncidentChange c, Instant now) {
    IncidentState after = c.after();
    Escalation.Decision e = correlator.escalation().decide(c.before(), after, now);
    if (e.emits()) {
      escalations.add(e.event(after, now));
      after = e.record(after, now, correlator.settings());
    }
    incidents.put(after.id(), after);
  }

  List<IncidentState> live() {
    return incidents.values().stream().filter(i -> !i.isMerged()).toList();
  }

  IncidentState incidentOf(String fingerprint) {
    return incidents.get(index.get(fingerprint));
  }

  List<String> escalationKinds() {
    return escalations.stream().map(e -> e.getIncidentId() + ":" + e.getKind()).toList();
  }
}
