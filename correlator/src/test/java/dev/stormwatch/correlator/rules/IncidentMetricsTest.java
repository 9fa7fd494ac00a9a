package dev.stormwatch.correlator.rules;

import static dev.stormwatch.correlator.rules.RulesFixtures.SETTINGS;
import static dev.stormwatch.correlator.rules.RulesFixtures.firing;
import static dev.stormwatch.correlator.rules.RulesFixtures.incident;
import static dev.stormwatch.correlator.rules.RulesFixtures.resolved;
import static dev.stormwatch.correlator.rules.RulesFixtures.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.Severity;
import dev.stormwatch.correlator.domain.IncidentState;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IncidentMetricsTest {

  private PrometheusMeterRegistry registry;
  private IncidentMetrics metrics;

  @BeforeEach
  void setUp() {
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    metrics = new IncidentMetrics(registry, RulesSettings.fromTree(InhibitorTest.yaml("""
        stats-max-services: 2
        stats-max-teams: 1
        """)));
  }

  private static IncidentMilestones milestones(String id, String service, String team, Instant escalated,
                                               Instant acked, Instant resolved) {
    return new IncidentMilestones(id, service, team, Severity.CRITICAL, List.of(service), t(0), t(5), escalated,
        acked, resolved, false, List.of());
  }

  private static double count(MeterRegistry r, String name, String... tags) {
    return r.get(name).tags(tags).counter().count();
  }

  @Test
  void enumKeyedCountersArePreRegisteredAtZero() {
    String scrape = registry.scrape();
    for (String severity : List.of("unknown", "info", "warning", "high", "critical")) {
      assertThat(scrape).contains("stormwatch_incidents_opened_total{severity=\"" + severity + "\"} 0.0");
    }
    for (String reason : List.of("transient", "silenced", "inhibited")) {
      assertThat(scrape).contains("stormwatch_incidents_unpaged_total{reason=\"" + reason + "\"} 0.0");
    }
    assertThat(scrape).contains("stormwatch_metrics_label_overflow_total{label=\"service\"} 0.0");
  }

  @Test
  void eachMilestoneIsRecordedOnceOnItsTransition() {
    IncidentMilestones opened = milestones("i1", "checkout", "shop", null, null, null);
    IncidentMilestones escalated = milestones("i1", "checkout", "shop", t(120), null, null);
    IncidentMilestones acked = milestones("i1", "checkout", "shop", t(120), t(420), null);
    IncidentMilestones resolvedOnce = milestones("i1", "checkout", "shop", t(120), t(420), t(2400));
    metrics.record((IncidentMilestones) null, opened);
    metrics.record(opened, escalated);
    metrics.record(escalated, escalated);
    metrics.record(escalated, acked);
    metrics.record(acked, resolvedOnce);
    metrics.record(resolvedOnce, resolvedOnce);

    assertThat(count(registry, "stormwatch.incidents.opened", "severity", "critical")).isEqualTo(1);
    Timer mttd = registry.get("stormwatch.incident.mttd").tags("service", "checkout", "team", "shop", "severity",
        "critical").timer();
    assertThat(mttd.count()).isEqualTo(1);
    assertThat(mttd.totalTime(TimeUnit.SECONDS)).isEqualTo(120);
    assertThat(registry.get("stormwatch.incident.mtta").timer().totalTime(TimeUnit.SECONDS)).isEqualTo(300);
    assertThat(registry.get("stormwatch.incident.mttr").timer().totalTime(TimeUnit.SECONDS)).isEqualTo(2400);
    assertThat(registry.get("stormwatch.incident.mttr").timer().count()).isEqualTo(1);
    // histogram buckets for the SLOs
    assertThat(registry.scrape()).contains("stormwatch_incident_mttd_seconds_bucket{service=\"checkout\","
        + "severity=\"critical\",team=\"shop\",le=\"120.0\"} 1");
  }

  @Test
  void serviceAndTeamLabelsAreCappedWithOther() {
    metrics.record((IncidentMilestones) null, milestones("a", "s1", "t1", t(60), null, null));
    metrics.record((IncidentMilestones) null, milestones("b", "s2", "t2", t(60), null, null));
    metrics.record((IncidentMilestones) null, milestones("c", "s3", null, t(60), null, null));
    assertThat(registry.get("stormwatch.incident.mttd").tags("service", "s1", "team", "t1").timer().count()).isOne();
    assertThat(registry.get("stormwatch.incident.mttd").tags("service", "s2", "team", "other").timer().count())
        .isOne();
    assertThat(registry.get("stormwatch.incident.mttd").tags("service", "other", "team", "none").timer().count())
        .isOne();
    assertThat(count(registry, "stormwatch.metrics.label.overflow", "label", "team")).isEqualTo(1);
    assertThat(count(registry, "stormwatch.metrics.label.overflow", "label", "service")).isEqualTo(1);
  }

  @Test
  void changesAndSuspectsGiveTheChangeFailureRatePerService() {
    metrics.change("payments");
    metrics.change("payments");
    assertThat(count(registry, "stormwatch.changes.suspected", "service", "payments")).isZero();
    metrics.suspected("payments", "ch-1");
    metrics.suspected("payments", "ch-1"); // named by a second incident: counted once
    assertThat(count(registry, "stormwatch.changes", "service", "payments")).isEqualTo(2);
    assertThat(count(registry, "stormwatch.changes.suspected", "service", "payments")).isEqualTo(1);
  }

  @Test
  void incidentStatesAreRecordedThroughTheirMilestones() {
    IncidentState opened = incident(firing("a", "checkout", t(0)));
    IncidentState escalated = opened.escalated(t(45), "paged", SETTINGS);
    IncidentState resolvedState = escalated.attach(resolved("a", "checkout", t(0), t(600)), SETTINGS)
        .resolve(IncidentState.AUTO, t(900), "quiet", SETTINGS);
    metrics.record(null, opened);
    metrics.record(opened, escalated);
    metrics.record(escalated, resolvedState);
    metrics.unpaged(IncidentMetrics.Unpaged.TRANSIENT);
    assertThat(registry.get("stormwatch.incident.mttd").timer().totalTime(TimeUnit.SECONDS)).isEqualTo(45);
    assertThat(registry.get("stormwatch.incident.mttr").timer().totalTime(TimeUnit.SECONDS)).isEqualTo(900);
    assertThat(count(registry, "stormwatch.incidents.unpaged", "reason", "transient")).isEqualTo(1);
    IncidentMilestones m = IncidentMilestones.of(resolvedState);
    assertThat(m.service()).isEqualTo("checkout");
    assertThat(m.mttd()).contains(Duration.ofSeconds(45));
    assertThat(m.mtta()).isEmpty();
    assertThat(m.mttr()).contains(Duration.ofSeconds(900));
  }
}
