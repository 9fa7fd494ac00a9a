package dev.stormwatch.correlator.topology;

import dev.stormwatch.avro.EscalationKind;
import dev.stormwatch.correlator.domain.Cap;
import dev.stormwatch.correlator.domain.CorrelationDecision.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * The correlator's meters, on one injected registry, every label set bounded by an enum and
 * pre-registered at zero (STYLE habit 13).
 *
 * <ul>
 *   <li>{@code stormwatch_correlator_alerts_total{outcome}}: alert observations by what they did
 *       ({@link Outcome}: opened, joined, merged, ...)</li>
 *   <li>{@code stormwatch_correlator_incidents_total{event}}: incidents opened, merged (absorbed),
 *       resolved, reopened, expired</li>
 *   <li>{@code stormwatch_correlator_escalations_total{kind}}</li>
 *   <li>{@code stormwatch_correlator_caps_total{cap}}: caps hit ({@link Cap})</li>
 *   <li>{@code stormwatch_correlator_state_expired_total{state}}: per-alert state that left the
 *       stores after its lifetime ({@link ExpiredState}: alert, route)</li>
 *   <li>{@code stormwatch_correlator_commands_total{result}}: applied, ignored, rejected (dead-lettered)</li>
 *   <li>{@code stormwatch_correlator_domain_moves_total}: services whose domain changed on a topology update</li>
 *   <li>{@code stormwatch_correlator_unknown_services_total}: alerts on services missing from the topology</li>
 *   <li>{@code stormwatch_correlator_silences_total{outcome}}: silence records stored, deleted (tombstones)
 *       or ignored as invalid ({@link SilenceOutcome})</li>
 *   <li>{@code stormwatch_correlator_changes_total{result}}: change events routed to their domains, or
 *       rejected to the dead-letter topic ({@link ChangeResult})</li>
 * </ul>
 * The incident metrics (MTTD, MTTA, MTTR, volume, change failure rate) are
 * {@code dev.stormwatch.correlator.rules.IncidentMetrics}, on the same registry ({@link #registry()}).
 */
public final class CorrelatorMetrics {

  /** What happened to an incident. */
  public enum IncidentEvent { OPENED, MERGED, RESOLVED, REOPENED, EXPIRED }

  /** Per-alert state that expired: an alert's state on the domain side, or its route. */
  public enum ExpiredState { ALERT, ROUTE }

  /** What happened to a command. */
  public enum CommandResult { APPLIED, IGNORED, REJECTED }

  /** What happened to a silence record. */
  public enum SilenceOutcome { STORED, DELETED, INVALID }

  /** What happened to a change event. */
  public enum ChangeResult { ROUTED, REJECTED }

  private final Map<Outcome, Counter> alerts = new EnumMap<>(Outcome.class);
  private final Map<IncidentEvent, Counter> incidents = new EnumMap<>(IncidentEvent.class);
  private final Map<EscalationKind, Counter> escalations = new EnumMap<>(EscalationKind.class);
  private final Map<Cap, Counter> caps = new EnumMap<>(Cap.class);
  private final Map<CommandResult, Counter> commands = new EnumMap<>(CommandResult.class);
  private final Map<ExpiredState, Counter> expired = new EnumMap<>(ExpiredState.class);
  private final Map<SilenceOutcome, Counter> silences = new EnumMap<>(SilenceOutcome.class);
  private final Map<ChangeResult, Counter> changes = new EnumMap<>(ChangeResult.class);
  private final Counter domainMoves;
  private final Counter unknownServices;
  private final MeterRegistry registry;

  /** Registers every meter at zero. */
  public CorrelatorMetrics(MeterRegistry meters) {
    this.registry = meters;
    for (SilenceOutcome o : SilenceOutcome.values()) {
      silences.put(o, Counter.builder("stormwatch.correlator.silences").description("Silence records by outcome")
          .tag("outcome", label(o)).register(meters));
    }
    for (ChangeResult r : ChangeResult.values()) {
      changes.put(r, Counter.builder("stormwatch.correlator.changes").description("Change events by result")
          .tag("result", label(r)).register(meters));
    }
    for (Outcome o : Outcome.values()) {
      alerts.put(o, Counter.builder("stormwatch.correlator.alerts").description("Alert observations correlated")
          .tag("outcome", label(o)).register(meters));
    }
    for (IncidentEvent e : IncidentEvent.values()) {
      incidents.put(e, Counter.builder("stormwatch.correlator.incidents").description("Incident lifecycle events")
          .tag("event", label(e)).register(meters));
    }
    for (EscalationKind k : EscalationKind.values()) {
      escalations.put(k, Counter.builder("stormwatch.correlator.escalations").description("Escalation events emitted")
          .tag("kind", label(k)).register(meters));
    }
    for (Cap c : Cap.values()) {
      caps.put(c, Counter.builder("stormwatch.correlator.caps").description("Times a state bound was reached")
          .tag("cap", label(c)).register(meters));
    }
    for (CommandResult r : CommandResult.values()) {
      commands.put(r, Counter.builder("stormwatch.correlator.commands").description("Incident commands by result")
          .tag("result", label(r)).register(meters));
    }
    for (ExpiredState e : ExpiredState.values()) {
      expired.put(e, Counter.builder("stormwatch.correlator.state.expired")
          .description("Per-alert state removed after its lifetime").tag("state", label(e)).register(meters));
    }
    domainMoves = Counter.builder("stormwatch.correlator.domain.moves")
        .description("Services whose correlation domain changed on a topology update").register(meters);
    unknownServices = Counter.builder("stormwatch.correlator.unknown.services")
        .description("Alerts on services missing from the topology (correlated as isolated nodes)").register(meters);
  }

  /** Alerts by outcome. */
  public Counter alerts(Outcome outcome) {
    return alerts.get(outcome);
  }

  /** Incident lifecycle events. */
  public Counter incidents(IncidentEvent event) {
    return incidents.get(event);
  }

  /** Escalations by kind. */
  public Counter escalations(EscalationKind kind) {
    return escalations.get(kind);
  }

  /** Caps hit. */
  public Counter caps(Cap cap) {
    return caps.get(cap);
  }

  /** Commands by result. */
  public Counter commands(CommandResult result) {
    return commands.get(result);
  }

  /** Per-alert state expired. */
  public Counter expired(ExpiredState state) {
    return expired.get(state);
  }

  /** Domain moves. */
  public Counter domainMoves() {
    return domainMoves;
  }

  /** Alerts on unknown services. */
  public Counter unknownServices() {
    return unknownServices;
  }

  /** Silence records by outcome. */
  public Counter silences(SilenceOutcome outcome) {
    return silences.get(outcome);
  }

  /** Change events by result. */
  public Counter changes(ChangeResult result) {
    return changes.get(result);
  }

  /** The registry these meters are on. */
  public MeterRegistry registry() {
    return registry;
  }

  private static String label(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
