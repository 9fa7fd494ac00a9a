package dev.stormwatch.correlator.rules;

import dev.stormwatch.avro.Severity;
import dev.stormwatch.correlator.domain.IncidentState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Incident metrics on one injected registry, every label bounded:
 * <ul>
 *   <li>{@code stormwatch_incident_mttd_seconds}, {@code stormwatch_incident_mtta_seconds},
 *       {@code stormwatch_incident_mttr_seconds}{service,team,severity}: histograms (Prometheus
 *       {@code _bucket}/{@code _sum}/{@code _count}) with the buckets {@link #BUCKETS}; the
 *       definitions are {@link IncidentMilestones}'s</li>
 *   <li>{@code stormwatch_incidents_opened_total{severity}}: incident volume, pre-registered at zero
 *       for every severity</li>
 *   <li>{@code stormwatch_incidents_unpaged_total{reason}}: incidents that never paged
 *       ({@link Unpaged}), pre-registered at zero</li>
 *   <li>{@code stormwatch_changes_total{service}} and {@code stormwatch_changes_suspected_total{service}}:
 *       changes seen, and changes named as a suspect of an incident (each change counted once);
 *       both registered at zero when a service is first seen, so the change failure rate is
 *       {@code increase(suspected) / increase(changes)} per service</li>
 *   <li>{@code stormwatch_metrics_label_overflow_total{label}}: values reported as {@code other}
 *       because a label cap was reached, pre-registered at zero</li>
 * </ul>
 * {@code service} is capped at {@code stats-max-services} distinct values and {@code team} at
 * {@code stats-max-teams}; beyond, the value is {@code other}; a missing one is {@code none}.
 * Thread-safe.
 */
public final class IncidentMetrics {

  /** SLO buckets of the MTTx histograms. */
  public static final Duration[] BUCKETS = {
      Duration.ofSeconds(30), Duration.ofMinutes(1), Duration.ofMinutes(2), Duration.ofMinutes(5),
      Duration.ofMinutes(10), Duration.ofMinutes(15), Duration.ofMinutes(30), Duration.ofHours(1),
      Duration.ofHours(2), Duration.ofHours(4), Duration.ofHours(8), Duration.ofHours(24)};

  /** Why an incident never paged. */
  public enum Unpaged {
    /** All its alerts resolved within group-wait. */
    TRANSIENT,
    /** All its alerts were silenced or in a maintenance window. */
    SILENCED,
    /** All its alerts were inhibited. */
    INHIBITED
  }

  /** A bounded label. */
  public enum CappedLabel { SERVICE, TEAM }

  private static final int RECENT_SUSPECTS = 10_000;

  private final MeterRegistry registry;
  private final LabelCap services;
  private final LabelCap teams;
  private final Map<Severity, Counter> opened = new EnumMap<>(Severity.class);
  private final Map<Unpaged, Counter> unpaged = new EnumMap<>(Unpaged.class);
  private final Map<CappedLabel, Counter> overflow = new EnumMap<>(CappedLabel.class);
  private final Map<String, Boolean> countedSuspects = new LinkedHashMap<>(256, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > RECENT_SUSPECTS;
    }
  };

  /**
   * Registers the enum-keyed meters at zero.
   *
   * @param registry the app's registry
   * @param settings for {@code stats-max-services} and {@code stats-max-teams}
   */
  public IncidentMetrics(MeterRegistry registry, RulesSettings settings) {
    this.registry = registry;
    this.services = new LabelCap(settings.statsMaxServices());
    this.teams = new LabelCap(settings.statsMaxTeams());
    for (Severity s : Severity.values()) {
      opened.put(s, Counter.builder("stormwatch.incidents.opened").description("Incidents opened, by severity")
          .tag("severity", label(s)).register(registry));
    }
    for (Unpaged u : Unpaged.values()) {
      unpaged.put(u, Counter.builder("stormwatch.incidents.unpaged").description("Incidents that never paged, by why")
          .tag("reason", label(u)).register(registry));
    }
    for (CappedLabel l : CappedLabel.values()) {
      overflow.put(l, Counter.builder("stormwatch.metrics.label.overflow")
          .description("Label values reported as 'other' because the label's cap was reached")
          .tag("label", label(l)).register(registry));
    }
  }

  /** {@link #record(IncidentMilestones, IncidentMilestones)} for two states of one incident ({@code before} null when new). */
  public void record(IncidentState before, IncidentState after) {
    record(before == null ? null : IncidentMilestones.of(before), IncidentMilestones.of(after));
  }

  /**
   * Records what changed between two states of one incident: opened (when {@code before} is null),
   * first escalated (MTTD), acknowledged (MTTA), first resolved (MTTR). Each is recorded once, on
   * the transition, so calling it for every update of an incident counts each incident once.
   */
  public void record(IncidentMilestones before, IncidentMilestones after) {
    if (before == null) {
      opened.get(after.severity()).increment();
    }
    if (after.merged()) {
      return;
    }
    if ((before == null || before.escalatedAt() == null) && after.escalatedAt() != null) {
      after.mttd().ifPresent(d -> timer("mttd", "Time from the first alert to the escalation", after).record(d));
    }
    if ((before == null || before.acknowledgedAt() == null) && after.acknowledgedAt() != null) {
      after.mtta().ifPresent(d -> timer("mtta", "Time from the escalation to the acknowledgement", after).record(d));
    }
    if ((before == null || before.resolvedAt() == null) && after.resolvedAt() != null) {
      after.mttr().ifPresent(d -> timer("mttr", "Time from the first alert to the resolve", after).record(d));
    }
  }

  /** Counts an incident that never paged. */
  public void unpaged(Unpaged reason) {
    unpaged.get(reason).increment();
  }

  /** Counts a change seen on {@code service}. */
  public void change(String service) {
    String s = serviceLabel(service);
    suspectedCounter(s);
    changesCounter(s).increment();
  }

  /** Counts a change named as a suspect; a change already counted (among the latest 10,000) is not counted again. */
  public void suspected(String service, String changeId) {
    synchronized (countedSuspects) {
      if (countedSuspects.put(changeId, Boolean.TRUE) != null) {
        return;
      }
    }
    String s = serviceLabel(service);
    changesCounter(s);
    suspectedCounter(s).increment();
  }

  private Counter changesCounter(String serviceLabel) {
    return Counter.builder("stormwatch.changes").description("Changes seen").tag("service", serviceLabel)
        .register(registry);
  }

  private Counter suspectedCounter(String serviceLabel) {
    return Counter.builder("stormwatch.changes.suspected").description("Changes named as a suspect of an incident")
        .tag("service", serviceLabel).register(registry);
  }

  private Timer timer(String name, String description, IncidentMilestones m) {
    return Timer.builder("stormwatch.incident." + name).description(description)
        .tag("service", serviceLabel(m.service()))
        .tag("team", capped(teams, CappedLabel.TEAM, m.team()))
        .tag("severity", label(m.severity()))
        .serviceLevelObjectives(BUCKETS)
        .register(registry);
  }

  private String serviceLabel(String service) {
    return capped(services, CappedLabel.SERVICE, service);
  }

  private String capped(LabelCap cap, CappedLabel which, String value) {
    String l = cap.label(value);
    if (LabelCap.OTHER.equals(l)) {
      overflow.get(which).increment();
    }
    return l;
  }

  private static String label(Enum<?> e) {
    return e.name().toLowerCase(Locale.ROOT);
  }
}
