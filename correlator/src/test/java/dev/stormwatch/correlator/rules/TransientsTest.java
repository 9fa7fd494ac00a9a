package dev.stormwatch.correlator.rules;

import static dev.stormwatch.correlator.rules.RulesFixtures.SETTINGS;
import static dev.stormwatch.correlator.rules.RulesFixtures.firing;
import static dev.stormwatch.correlator.rules.RulesFixtures.incident;
import static dev.stormwatch.correlator.rules.RulesFixtures.resolved;
import static dev.stormwatch.correlator.rules.RulesFixtures.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.correlator.domain.IncidentState;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TransientsTest {

  private static final Duration GROUP_WAIT = Duration.ofSeconds(30);

  @Test
  void anIncidentWhoseAlertsAllResolvedWithinGroupWaitIsTransient() {
    IncidentState i = incident(firing("a", "checkout", t(0)), firing("b", "payments", t(5)))
        .attach(resolved("a", "checkout", t(0), t(10)), SETTINGS)
        .attach(resolved("b", "payments", t(5), t(20)), SETTINGS);
    Transients.Verdict v = Transients.check(i, GROUP_WAIT);
    assertThat(v.isTransient()).isTrue();
    assertThat(v.reason()).isEqualTo("transient: all 2 alerts resolved within group-wait 30s (the last 20s after opening)");
  }

  @Test
  void theLastResolveMayFallExactlyOnTheGroupWait() {
    IncidentState i = incident(firing("a", "checkout", t(0))).attach(resolved("a", "checkout", t(0), t(30)), SETTINGS);
    assertThat(Transients.check(i, GROUP_WAIT).isTransient()).isTrue();
    assertThat(Transients.check(i, GROUP_WAIT).reason()).contains("its alert resolved within group-wait 30s");
  }

  @Test
  void anAlertStillFiringOrResolvedLateMakesItPage() {
    IncidentState firingOne = incident(firing("a", "checkout", t(0)), firing("b", "payments", t(5)))
        .attach(resolved("a", "checkout", t(0), t(10)), SETTINGS);
    Transients.Verdict v = Transients.check(firingOne, GROUP_WAIT);
    assertThat(v.isTransient()).isFalse();
    assertThat(v.reason()).isEqualTo("alert HighErrorRate on payments (b) is still firing");

    IncidentState late = incident(firing("a", "checkout", t(0))).attach(resolved("a", "checkout", t(0), t(31)),
        SETTINGS);
    assertThat(Transients.check(late, GROUP_WAIT).isTransient()).isFalse();
    assertThat(Transients.check(late, GROUP_WAIT).reason()).contains("later than group-wait 30s");
  }

  @Test
  void anEscalatedIncidentIsNeverTransient() {
    IncidentState i = incident(firing("a", "checkout", t(0))).escalated(t(30), "paged", SETTINGS)
        .attach(resolved("a", "checkout", t(0), t(10)), SETTINGS);
    assertThat(Transients.check(i, GROUP_WAIT).isTransient()).isFalse();
  }
}
