package dev.stormwatch.correlator.domain;

import static dev.stormwatch.correlator.domain.Fixtures.firing;
import static dev.stormwatch.correlator.domain.Fixtures.node;
import static dev.stormwatch.correlator.domain.Fixtures.resolved;
import static dev.stormwatch.correlator.domain.Fixtures.t;
import static dev.stormwatch.correlator.domain.Fixtures.topology;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.CommandKind;
import dev.stormwatch.avro.EscalationKind;
import dev.stormwatch.avro.IncidentCommand;
import dev.stormwatch.avro.IncidentStatus;
import dev.stormwatch.avro.ServiceKind;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.avro.TimelineKind;
import dev.stormwatch.correlator.domain.CorrelationDecision.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Timelines over Online Boutique with explicit instants, through the domain classes only. */
class CorrelatorTimelineTest {

  private static final ServiceGraph BOUTIQUE = topology("online-boutique");
  private static final String DOMAIN = "component:adservice";

  private final Sim sim = new Sim(CorrelatorSettings.defaults(), BOUTIQUE);

  private static IncidentCommand command(String id, String incident, CommandKind kind, Instant at) {
    return IncidentCommand.newBuilder().setId(id).setIncidentId(incident).setKind(kind).setActor("alice")
        .setVia("cli").setAt(at).build();
  }

  @Test
  void aDependencyFailsFirstAndItsDependentsAlertAfterIt() {
    sim.send(firing("redis", "redis-cart", Severity.HIGH, t(0)));
    sim.send(firing("cart", "cartservice", Severity.HIGH, t(3)));
    sim.send(firing("checkout", "checkoutservice", Severity.CRITICAL, t(7)));
    sim.send(firing("front", "frontend", Severity.HIGH, t(9)));

    assertThat(sim.incidents).hasSize(1);
    IncidentState incident = sim.incidentOf("front");
    assertThat(incident.domain()).isEqualTo(DOMAIN);
    assertThat(incident.members()).containsOnlyKeys("redis", "cart", "checkout", "front");
    assertThat(incident.services()).containsExactly("redis-cart", "cartservice", "checkoutservice", "frontend");
    assertThat(incident.severity()).isEqualTo(Severity.CRITICAL);
    RootCause.Candidate top = incident.rootCauses().get(0);
    assertThat(top.service()).isEqualTo("redis-cart");
    assertThat(top.inferred()).isFalse();
    assertThat(top.reasons()).contains("no dependency of redis-cart is alerting",
        "alerting since 10:00:00, first in the incident");
    assertThat(incident.rootCauses()).extracting(RootCause.Candidate::service)
        .containsExactly("redis-cart", "cartservice", "checkoutservice");
    assertThat(incident.rootCauses().get(1).reasons()).contains("depends on alerting redis-cart",
        "alerting since 10:00:03, 3s after the first alert");
    assertThat(incident.title()).isEqualTo("redis-cart: 4 alerts on 4 services");
    assertThat(incident.team()).isEqualTo("team-redis-cart");
    assertThat(incident.revision()).isEqualTo(4);

    sim.advance(t(29));
    assertThat(sim.escalations).isEmpty();
    sim.advance(t(30));
    assertThat(sim.escalationKinds()).containsExactly(incident.id() + ":OPENED");
    assertThat(sim.escalations.get(0).getRootCause()).isEqualTo("redis-cart");
    assertThat(sim.incidentOf("front").escalatedAt()).isEqualTo(t(30));
  }

  @Test
  void outOfOrderDeliveryGivesTheSameIncidentAndRanking() {
    Sim reversed = new Sim(CorrelatorSettings.defaults(), BOUTIQUE);
    reversed.send(firing("front", "frontend", Severity.HIGH, t(9)));
    reversed.send(firing("checkout", "checkoutservice", Severity.CRITICAL, t(7)));
    reversed.send(firing("cart", "cartservice", Severity.HIGH, t(3)));
    reversed.send(firing("redis", "redis-cart", Severity.HIGH, t(0)));
    assertThat(reversed.incidents).hasSize(1);
    IncidentState incident = reversed.incidentOf("redis");
    assertThat(incident.rootCauses()).extracting(RootCause.Candidate::service)
        .containsExactly("redis-cart", "cartservice", "checkoutservice");
    assertThat(incident.firstAlertAt()).isEqualTo(t(0));
    assertThat(incident.alertCount()).isEqualTo(4);
  }

  @Test
  void alertsOnAnUnrelatedBranchOpenASeparateIncident() {
    sim.send(firing("redis", "redis-cart", Severity.HIGH, t(0)));
    CorrelationDecision d = sim.send(firing("pay", "paymentservice", Severity.HIGH, t(20)));
    assertThat(d.outcome()).isEqualTo(Outcome.OPENED);
    assertThat(sim.incidents).hasSize(2);
    assertThat(sim.incidentOf("pay").id()).isNotEqualTo(sim.incidentOf("redis").id());
    assertThat(sim.incidentOf("pay").domain()).isEqualTo(DOMAIN);

    CorrelationDecision unknown = sim.send(firing("bill", "billing", Severity.HIGH, t(21)));
    assertThat(unknown.outcome()).isEqualTo(Outcome.OPENED);
    assertThat(sim.incidentOf("bill").domain()).isEqualTo("service:billing");
    assertThat(sim.incidentOf("bill").rootCauses().get(0).reasons())
        .contains("billing is not in the service topology, so nothing is known of its dependencies");

    sim.advance(t(60));
    assertThat(sim.escalations).hasSize(3);
  }

  @Test
  void anAlertOutsideTheWindowOfAQuietIncidentOpensANewOne() {
    sim.send(firing("cart", "cartservice", Severity.HIGH, t(0)));
    sim.send(resolved("cart", "cartservice", Severity.HIGH, t(0), t(60)));
    CorrelationDecision late = sim.send(firing("front", "frontend", Severity.HIGH, t(60 + 601)));
    assertThat(late.outcome()).as("quiet for more than the window").isEqualTo(Outcome.OPENED);
    CorrelationDecision inWindow = sim.send(firing("checkout", "checkoutservice", Severity.HIGH, t(60 + 601 + 5)));
    assertThat(inWindow.outcome()).isEqualTo(Outcome.JOINED);
  }

  @Test
  void aDependencyThatNeverAlertsWhileAllItsCallersDoIsAnInferredCandidate() {
    sim.send(firing("checkout", "checkoutservice", Severity.HIGH, t(0)));
    sim.send(firing("reco", "recommendationservice", Severity.HIGH, t(2)));
    sim.send(firing("front", "frontend", Severity.CRITICAL, t(4)));

    assertThat(sim.live()).hasSize(1);
    IncidentState incident = sim.incidentOf("front");
    RootCause.Candidate top = incident.rootCauses().get(0);
    assertThat(top.service()).isEqualTo("productcatalogservice");
    assertThat(top.inferred()).isTrue();
    assertThat(top.rank()).isEqualTo(1);
    assertThat(top.reasons()).contains("all 3 alerting services depend on productcatalogservice",
        "productcatalogservice is not alerting itself", "no single alerting service explains the others");
    assertThat(incident.rootCauses()).extracting(RootCause.Candidate::service)
        .containsExactly("productcatalogservice", "checkoutservice", "recommendationservice");
    assertThat(incident.title()).startsWith("productcatalogservice (inferred)");
  }

  @Test
  void anAlertBridgingTwoIncidentsMergesThemIntoTheOldest() {
    sim.send(firing("redis", "redis-cart", Severity.HIGH, t(0)));
    sim.send(firing("pay", "paymentservice", Severity.WARNING, t(5)));
    String oldest = sim.incidentOf("redis").id();
    String younger = sim.incidentOf("pay").id();

    CorrelationDecision d = sim.send(firing("checkout", "checkoutservice", Severity.CRITICAL, t(10)));

    assertThat(d.outcome()).isEqualTo(Outcome.MERGED);
    assertThat(d.incidentId()).contains(oldest);
    assertThat(d.movedAlerts()).containsEntry("pay", oldest);
    assertThat(d.changes()).hasSize(2);
    IncidentState survivor = sim.incidents.get(oldest);
    IncidentState merged = sim.incidents.get(younger);
    assertThat(survivor.members()).containsOnlyKeys("redis", "pay", "checkout");
    assertThat(survivor.alertCount()).isEqualTo(3);
    assertThat(survivor.mergedFrom()).containsExactly(younger);
    assertThat(survivor.timeline()).extracting(IncidentState.Entry::kind).contains(TimelineKind.MERGED);
    assertThat(merged.mergedInto()).isEqualTo(oldest);
    assertThat(merged.status()).isEqualTo(IncidentStatus.RESOLVED);
    assertThat(merged.members()).isEmpty();
    assertThat(sim.incidentOf("pay").id()).as("the index follows the move").isEqualTo(oldest);

    // a later observation of a moved alert updates it in the survivor
    CorrelationDecision resolve = sim.send(resolved("pay", "paymentservice", Severity.WARNING, t(5), t(20)));
    assertThat(resolve.outcome()).isEqualTo(Outcome.UPDATED);
    assertThat(sim.incidents.get(oldest).member("pay").orElseThrow().firing()).isFalse();

    sim.advance(t(60));
    assertThat(sim.escalationKinds()).as("the merged incident never pages").containsExactly(oldest + ":OPENED");
  }

  @Test
  void resolveReopenAndAckByCommand() {
    sim.send(firing("cart", "cartservice", Severity.HIGH, t(0)));
    String id = sim.incidentOf("cart").id();
    sim.advance(t(30));
    assertThat(sim.escalationKinds()).containsExactly(id + ":OPENED");

    CommandDecision ack = sim.command(command("c-1", id, CommandKind.ACK, t(45)));
    assertThat(ack.applied()).isTrue();
    assertThat(sim.incidents.get(id).status()).isEqualTo(IncidentStatus.ACKNOWLEDGED);
    assertThat(sim.incidents.get(id).acknowledgedBy()).isEqualTo("alice");
    assertThat(sim.command(command("c-1", id, CommandKind.ACK, t(46))).applied()).isFalse();

    // a more severe alert while acknowledged raises the severity and pages again
    sim.send(firing("cart2", "cartservice", Severity.CRITICAL, t(50)));
    assertThat(sim.incidents.get(id).status()).isEqualTo(IncidentStatus.ACKNOWLEDGED);
    assertThat(sim.escalationKinds()).endsWith(id + ":SEVERITY_RAISED");

    // every alert resolves; it auto-resolves resolve-after (5m) after the last activity, at that instant
    sim.send(resolved("cart", "cartservice", Severity.HIGH, t(0), t(100)));
    sim.send(resolved("cart2", "cartservice", Severity.CRITICAL, t(50), t(120)));
    assertThat(sim.correlator.nextDeadline(sim.incidents.get(id))).contains(t(420));
    sim.advance(t(419));
    assertThat(sim.incidents.get(id).status()).isEqualTo(IncidentStatus.ACKNOWLEDGED);
    sim.advance(t(500));
    IncidentState resolved = sim.incidents.get(id);
    assertThat(resolved.status()).isEqualTo(IncidentStatus.RESOLVED);
    assertThat(resolved.resolvedAt()).as("at the due time, not when noticed").isEqualTo(t(420));
    assertThat(resolved.resolvedBy()).isEqualTo(IncidentState.AUTO);
    assertThat(sim.escalationKinds()).endsWith(id + ":RESOLVED");

    // a correlated alert fires 10 minutes after the resolve: it reopens
    CorrelationDecision reopen = sim.send(firing("front", "frontend", Severity.HIGH, t(420 + 600)));
    assertThat(reopen.outcome()).isEqualTo(Outcome.REOPENED);
    assertThat(sim.incidents.get(id).status()).isEqualTo(IncidentStatus.REOPENED);
    assertThat(sim.incidents.get(id).reopenCount()).isEqualTo(1);
    assertThat(sim.escalationKinds()).endsWith(id + ":REOPENED");

    // resolved by command; a repeat of the still-firing alert does not undo it
    CommandDecision resolve = sim.command(command("c-2", id, CommandKind.RESOLVE, t(1100)));
    assertThat(resolve.applied()).isTrue();
    assertThat(sim.incidents.get(id).resolvedBy()).isEqualTo("alice");
    assertThat(sim.escalationKinds()).endsWith(id + ":RESOLVED");
    CorrelationDecision repeat = sim.send(firing("front", "frontend", Severity.HIGH, t(420 + 600)));
    assertThat(repeat.outcome()).isIn(Outcome.UNCHANGED, Outcome.UPDATED);
    assertThat(sim.incidents.get(id).status()).isEqualTo(IncidentStatus.RESOLVED);
    assertThat(sim.command(command("c-2", id, CommandKind.RESOLVE, t(1101))).applied()).isFalse();

    // beyond the reopen window (30m), a new alert opens a new incident
    CorrelationDecision late = sim.send(firing("checkout", "checkoutservice", Severity.HIGH, t(1100 + 1801)));
    assertThat(late.outcome()).isEqualTo(Outcome.OPENED);
    assertThat(late.incidentId()).isNotEqualTo(java.util.Optional.of(id));

    // the closed incident leaves state after the retention
    assertThat(sim.correlator.expired(sim.incidents.get(id), t(1100).plus(CorrelatorSettings.DEFAULT_RETENTION)))
        .isTrue();
    assertThat(sim.incidents.get(id).timeline()).extracting(IncidentState.Entry::kind)
        .containsSubsequence(TimelineKind.OPENED, TimelineKind.ESCALATED, TimelineKind.ACKNOWLEDGED,
            TimelineKind.RESOLVED, TimelineKind.REOPENED, TimelineKind.RESOLVED);
  }

  @Test
  void capsAreReachedAndReported() {
    Sim small = new Sim(CorrelatorSettings.defaults().withMaxAlertsPerIncident(3).withMaxTimelineEntries(2)
        .withMaxOpenIncidentsPerDomain(1), BOUTIQUE);
    for (int i = 0; i < 5; i++) {
      small.send(firing("cart-" + i, "redis-cart", Severity.HIGH, t(i)));
    }
    IncidentState incident = small.incidentOf("cart-0");
    assertThat(incident.alertCount()).isEqualTo(5);
    assertThat(incident.members()).hasSize(3);
    assertThat(incident.timeline()).as("opened, joined, counted-not-kept: one dropped").hasSize(2);
    assertThat(small.caps).containsKeys(Cap.ALERTS_PER_INCIDENT, Cap.TIMELINE_ENTRIES);
    CorrelationDecision again = small.send(firing("cart-4", "redis-cart", Severity.CRITICAL, t(4)));
    assertThat(again.outcome()).as("an alert beyond the cap is counted once").isEqualTo(Outcome.UNCHANGED);
    assertThat(small.incidentOf("cart-4").alertCount()).isEqualTo(5);

    CorrelationDecision dropped = small.send(firing("pay", "paymentservice", Severity.HIGH, t(10)));
    assertThat(dropped.outcome()).isEqualTo(Outcome.DROPPED);
    assertThat(dropped.capsHit()).containsExactly(Cap.OPEN_INCIDENTS_PER_DOMAIN);
    assertThat(dropped.incidentId()).isEmpty();
    assertThat(small.incidents).hasSize(1);
  }

  @Test
  void aStormOf5000AlertsBecomesOneIncidentAndOneEscalation() {
    List<String> services = new ArrayList<>(BOUTIQUE.services());
    Random random = new Random(20250301L);
    List<AlertEvent> storm = new ArrayList<>();
    for (int i = 3; i < 5000; i++) {
      String service = services.get(random.nextInt(services.size()));
      Severity severity = Severity.values()[1 + random.nextInt(4)];
      storm.add(firing("storm-" + i, service, severity, t(1).plusMillis(random.nextInt(120_000))));
    }
    // delivered roughly in event-time order, with local disorder, after three leaves 3 hops apart
    storm.sort((a, b) -> a.getStartsAt().compareTo(b.getStartsAt()));
    storm.add(0, firing("storm-0", "redis-cart", Severity.WARNING, t(0)));
    storm.add(1, firing("storm-1", "paymentservice", Severity.WARNING, t(0)));
    storm.add(2, firing("storm-2", "adservice", Severity.WARNING, t(1)));
    for (int i = 3; i + 1 < storm.size(); i += 7) {
      Collections.swap(storm, i, i + 1);
    }
    for (AlertEvent e : storm) {
      sim.send(e);
    }
    for (int s = 0; s <= 300; s += 10) {
      sim.advance(t(s));
    }

    assertThat(sim.decisions.subList(0, 3)).extracting(CorrelationDecision::outcome)
        .as("three far-apart leaves open three incidents").containsOnly(Outcome.OPENED);
    assertThat(sim.decisions).extracting(CorrelationDecision::outcome)
        .as("which later alerts bridge").contains(Outcome.MERGED);
    assertThat(sim.incidents).hasSize(3);
    assertThat(sim.live()).hasSize(1);
    IncidentState incident = sim.live().get(0);
    assertThat(incident.alertCount()).isEqualTo(5000);
    assertThat(incident.members()).hasSize(CorrelatorSettings.DEFAULT_MAX_ALERTS_PER_INCIDENT);
    assertThat(incident.services()).hasSize(11);
    assertThat(incident.timeline()).hasSizeLessThanOrEqualTo(CorrelatorSettings.DEFAULT_MAX_TIMELINE_ENTRIES);
    assertThat(sim.escalations).extracting(e -> e.getKind()).containsExactly(EscalationKind.OPENED);
    assertThat(sim.escalations.get(0).getIncidentId()).isEqualTo(incident.id());
    assertThat(sim.caps).containsKey(Cap.ALERTS_PER_INCIDENT);
  }

  @Test
  void aServiceMovedToAnotherDomainKeepsItsOpenIncidentAndNewAlertsGoToTheNewDomain() {
    sim.send(firing("pay", "paymentservice", Severity.HIGH, t(0)));
    IncidentState old = sim.incidentOf("pay");
    assertThat(old.domain()).isEqualTo(DOMAIN);

    sim.graph = BOUTIQUE.with(node("paymentservice", ServiceKind.SERVICE, List.of(), "payments"));
    // a repeat and then the resolve of the same episode still reach the old incident
    sim.send(resolved("pay", "paymentservice", Severity.HIGH, t(0), t(60)));
    assertThat(sim.incidents.get(old.id()).member("pay").orElseThrow().firing()).isFalse();
    // a new alert on the moved service goes to its new domain and opens an incident there
    CorrelationDecision d = sim.send(firing("pay-2", "paymentservice", Severity.HIGH, t(90)));
    assertThat(d.outcome()).isEqualTo(Outcome.OPENED);
    assertThat(sim.incidentOf("pay-2").domain()).isEqualTo("payments");
    // the old incident stays in its domain until it closes
    assertThat(sim.incidents.get(old.id()).domain()).isEqualTo(DOMAIN);
    sim.advance(t(60 + 300));
    assertThat(sim.incidents.get(old.id()).status()).isEqualTo(IncidentStatus.RESOLVED);
  }

  @Test
  void replayingTheSameStreamGivesTheSameIncidentIds() {
    Sim again = new Sim(CorrelatorSettings.defaults(), BOUTIQUE);
    for (Sim s : List.of(sim, again)) {
      s.send(firing("redis", "redis-cart", Severity.HIGH, t(0)));
      s.send(firing("pay", "paymentservice", Severity.HIGH, t(5)));
      s.send(firing("checkout", "checkoutservice", Severity.HIGH, t(10)));
      s.advance(t(60));
    }
    assertThat(again.incidents.keySet()).containsExactlyElementsOf(sim.incidents.keySet());
    assertThat(again.incidents.values()).containsExactlyElementsOf(sim.incidents.values());
    assertThat(again.escalations).containsExactlyElementsOf(sim.escalations);
    assertThat(sim.incidentOf("redis").id())
        .isEqualTo(Correlator.incidentId(DOMAIN, "redis", t(0))).matches("inc-[0-9a-f]{8}-[0-9a-f]{16}");
  }
}
