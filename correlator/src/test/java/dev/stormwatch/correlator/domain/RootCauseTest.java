package dev.stormwatch.correlator.domain;

import static dev.stormwatch.correlator.domain.Fixtures.fire;
import static dev.stormwatch.correlator.domain.Fixtures.t;
import static dev.stormwatch.correlator.domain.Fixtures.topology;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.Severity;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RootCauseTest {

  private final CorrelatorSettings settings = CorrelatorSettings.defaults();
  private final ServiceGraph boutique = topology("online-boutique");
  private final ServiceGraph sockShop = topology("sock-shop");

  private IncidentState incident(AlertState first, AlertState... more) {
    IncidentState i = IncidentState.open("inc", "d", first, settings);
    for (AlertState a : more) {
      i = i.attach(a, settings);
    }
    return i;
  }

  private static List<String> services(List<RootCause.Candidate> ranked) {
    return ranked.stream().map(RootCause.Candidate::service).toList();
  }

  @Test
  void independentAlertingServicesTieOnOnsetThenCountThenSeverity() {
    // three leaves of checkoutservice, none depending on an alerting service
    IncidentState sameOnset = incident(
        fire("p1", "paymentservice", Severity.WARNING, t(0)),
        fire("e1", "emailservice", Severity.WARNING, t(0)),
        fire("e2", "emailservice", Severity.WARNING, t(0)),
        fire("s1", "shippingservice", Severity.CRITICAL, t(0)));
    assertThat(services(RootCause.rank(sameOnset, boutique)))
        .as("more alerts, then more severe").containsExactly("emailservice", "shippingservice", "paymentservice");

    IncidentState earlier = incident(
        fire("p1", "paymentservice", Severity.WARNING, t(0)),
        fire("e1", "emailservice", Severity.CRITICAL, t(2)),
        fire("e2", "emailservice", Severity.CRITICAL, t(3)));
    List<RootCause.Candidate> ranked = RootCause.rank(earlier, boutique);
    assertThat(services(ranked)).containsExactly("paymentservice", "emailservice");
    assertThat(ranked.get(1).reasons()).contains("alerting since 10:00:02, 2s after the first alert",
        "2 alerts, highest CRITICAL");
    assertThat(ranked).extracting(RootCause.Candidate::rank).containsExactly(1, 2);
  }

  @Test
  void aServiceWithHealthyDependenciesRanksAboveItsEarlierAlertingDependents() {
    IncidentState i = incident(
        fire("f", "frontend", Severity.CRITICAL, t(0)),
        fire("c", "cartservice", Severity.WARNING, t(20)));
    List<RootCause.Candidate> ranked = RootCause.rank(i, boutique);
    assertThat(ranked.get(0).service()).isEqualTo("cartservice");
    assertThat(ranked).extracting(RootCause.Candidate::service).endsWith("frontend");
    assertThat(ranked.get(ranked.size() - 1).reasons()).contains("depends on alerting cartservice");
  }

  @Test
  void mostDependentsWithinMaxHopsMakeAnInferredCandidateAllOfThemDoNot() {
    // sock-shop: orders and front-end alert; carts (non-alerting) is a dependency of both
    IncidentState two = incident(
        fire("o", "orders", Severity.HIGH, t(0)),
        fire("fe", "front-end", Severity.HIGH, t(1)));
    List<RootCause.Candidate> ranked = RootCause.rank(two, sockShop);
    assertThat(ranked.get(0).service()).isEqualTo("orders");
    assertThat(ranked.get(1).inferred()).isTrue();
    assertThat(ranked.get(1).reasons()).contains("all 2 alerting services depend on " + ranked.get(1).service());

    // 2 of 3 (0.67 >= 0.6) qualifies; with inferred-fraction 0.7 it does not
    IncidentState three = incident(
        fire("u", "user", Severity.HIGH, t(0)),
        fire("o", "orders", Severity.HIGH, t(1)),
        fire("q", "queue-master", Severity.HIGH, t(2)));
    assertThat(RootCause.rank(three, sockShop, settings, List.of()))
        .anySatisfy(c -> assertThat(c.reasons()).contains("2 of 3 alerting services depend on rabbitmq"));
    CorrelatorSettings strict = new CorrelatorSettings(2, settings.window(), settings.resolveAfter(),
        settings.reopenWindow(), settings.groupWait(), settings.retention(), 500, 100, 1000, 0.7, 2, 100_000);
    assertThat(RootCause.rank(three, sockShop, strict, List.of())).noneMatch(RootCause.Candidate::inferred);
  }

  @Test
  void aRankingSignalAddsEvidenceAndBreaksTies() {
    IncidentState tie = incident(
        fire("p", "paymentservice", Severity.HIGH, t(0)),
        fire("e", "emailservice", Severity.HIGH, t(0)));
    assertThat(services(RootCause.rank(tie, boutique))).containsExactly("emailservice", "paymentservice");
    RankingSignal deploy = (service, incident) -> service.equals("paymentservice")
        ? Optional.of(new RankingSignal.Evidence(0.5, "deployed v2.3 at 09:58:00")) : Optional.empty();
    List<RootCause.Candidate> ranked = RootCause.rank(tie, boutique, settings, List.of(deploy));
    assertThat(services(ranked)).containsExactly("paymentservice", "emailservice");
    assertThat(ranked.get(0).reasons()).contains("deployed v2.3 at 09:58:00");
    assertThat(ranked.get(0).score()).isEqualTo(3.5);
  }

  @Test
  void atMostThreeCandidatesAndNoneWithoutAlerts() {
    IncidentState many = incident(
        fire("1", "paymentservice", Severity.HIGH, t(0)),
        fire("2", "emailservice", Severity.HIGH, t(1)),
        fire("3", "shippingservice", Severity.HIGH, t(2)),
        fire("4", "adservice", Severity.HIGH, t(3)));
    assertThat(RootCause.rank(many, boutique)).hasSize(RootCause.TOP);
    IncidentState gone = many.mergeInto("other", t(10), settings);
    assertThat(RootCause.rank(gone, boutique)).isEmpty();
  }
}
