package dev.stormwatch.correlator.domain;

import static dev.stormwatch.correlator.domain.Fixtures.fire;
import static dev.stormwatch.correlator.domain.Fixtures.firing;
import static dev.stormwatch.correlator.domain.Fixtures.t;
import static dev.stormwatch.correlator.domain.Fixtures.topology;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.EscalationKind;
import dev.stormwatch.avro.Severity;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EscalationTest {

  private final CorrelatorSettings settings = CorrelatorSettings.defaults();
  private final Escalation escalation = new Escalation(settings);
  private final ServiceGraph graph = topology("online-boutique");

  private IncidentState open(String fp, String service, Severity severity, long at) {
    IncidentState i = IncidentState.open("inc-" + fp, "d", fire(fp, service, severity, t(at)), settings);
    return i.withRanking(RootCause.rank(i, graph), graph);
  }

  @Test
  void openedOnlyAfterTheGroupWaitWithTheDueTimeForAPunctuator() {
    IncidentState i = open("a", "cartservice", Severity.HIGH, 0);
    assertThat(escalation.dueAt(i)).contains(t(30));
    Escalation.Decision waiting = escalation.decide(null, i, t(0));
    assertThat(waiting.emits()).isFalse();
    assertThat(waiting.dueAt()).contains(t(30));
    assertThat(waiting.reason()).contains("group wait").contains("10:00:30");
    assertThat(escalation.decide(i, i, t(29)).emits()).isFalse();

    Escalation.Decision due = escalation.decide(i, i, t(30));
    assertThat(due.kind()).contains(EscalationKind.OPENED);
    assertThat(due.reason()).contains("group wait of 30s passed");
    EscalationEvent event = due.event(i, t(30));
    assertThat(event.getId()).isEqualTo("inc-a:OPENED:" + i.revision());
    assertThat(event.getRootCause()).isEqualTo("cartservice");
    assertThat(event.getRootCauseReasons()).contains("no dependency of cartservice is alerting");
    assertThat(event.getTeam()).isEqualTo("team-cartservice");
    assertThat(event.getSummary()).contains("Likely root cause: cartservice");

    IncidentState escalated = due.record(i, t(30), settings);
    assertThat(escalated.escalatedAt()).isEqualTo(t(30));
    assertThat(escalation.dueAt(escalated)).isEmpty();
    assertThat(escalation.decide(escalated, escalated, t(90)).emits()).as("only once").isFalse();
  }

  @Test
  void anAlertThatFiredLongBeforeItArrivedStillWaitsTheGroupWaitFromItsArrival() {
    // firing since 10:00:00, forwarded by Alertmanager only at 11:00:00: the rest of its storm is
    // still on the way, so the group wait runs from the arrival, not from an hour ago
    AlertEvent late = firing("a", "cartservice", Severity.HIGH, t(0));
    late.setObservedAt(t(3600));
    IncidentState i = IncidentState.open("inc-a", "d", AlertState.of(late), settings);
    assertThat(i.openedAt()).as("grouping stays on event time").isEqualTo(t(0));
    assertThat(i.groupWaitFrom()).isEqualTo(t(3600));
    assertThat(escalation.dueAt(i)).contains(t(3630));
    assertThat(escalation.decide(i, i, t(3629)).emits()).isFalse();
    assertThat(escalation.decide(i, i, t(3630)).kind()).contains(EscalationKind.OPENED);
    assertThat(IncidentState.fromAvro(i.toAvro()).groupWaitFrom()).as("kept in the store").isEqualTo(t(3600));
  }

  @Test
  void severityRaisedOnlyOnceEscalated() {
    IncidentState i = open("a", "cartservice", Severity.WARNING, 0);
    IncidentState worse = i.attach(fire("b", "cartservice", Severity.CRITICAL, t(5)), settings);
    assertThat(escalation.decide(i, worse, t(5)).emits()).as("not escalated yet").isFalse();

    IncidentState escalated = escalation.decide(i, i, t(30)).record(i, t(30), settings);
    IncidentState raised = escalated.attach(fire("b", "cartservice", Severity.CRITICAL, t(40)), settings);
    Escalation.Decision d = escalation.decide(escalated, raised, t(40));
    assertThat(d.kind()).contains(EscalationKind.SEVERITY_RAISED);
    assertThat(d.reason()).isEqualTo("severity rose from WARNING to CRITICAL");
    IncidentState same = raised.attach(fire("c", "cartservice", Severity.HIGH, t(41)), settings);
    assertThat(escalation.decide(raised, same, t(41)).emits()).isFalse();
  }

  @Test
  void resolvedOnlyIfEscalatedAndReopenedPagesAgain() {
    IncidentState i = open("a", "cartservice", Severity.HIGH, 0);
    IncidentState quick = i.resolve("alice", t(10), "resolved", settings);
    Escalation.Decision never = escalation.decide(i, quick, t(10));
    assertThat(never.emits()).isFalse();
    assertThat(never.reason()).contains("resolved before it was escalated");
    assertThat(escalation.dueAt(quick)).isEmpty();

    IncidentState escalated = escalation.decide(i, i, t(30)).record(i, t(30), settings);
    IncidentState resolved = escalated.resolve(IncidentState.AUTO, t(400), "quiet", settings);
    assertThat(escalation.decide(escalated, resolved, t(400)).kind()).contains(EscalationKind.RESOLVED);
    assertThat(escalation.decide(escalated, resolved, t(400)).reason()).contains("stayed quiet");
    assertThat(escalation.decide(resolved, resolved, t(900)).emits()).as("a resolved incident stays quiet")
        .isFalse();

    IncidentState reopened = resolved.reopen(t(500), "fired again", settings);
    assertThat(escalation.decide(resolved, reopened, t(500)).kind()).contains(EscalationKind.REOPENED);
  }

  @Test
  void aMergedIncidentResolvesItsPageOnlyIfItHadOne() {
    IncidentState survivor = open("a", "redis-cart", Severity.HIGH, 0);
    IncidentState young = open("b", "paymentservice", Severity.HIGH, 5);
    IncidentState mergedQuietly = young.mergeInto(survivor.id(), t(10), settings);
    Escalation.Decision quiet = escalation.decide(young, mergedQuietly, t(40));
    assertThat(quiet.emits()).isFalse();
    assertThat(quiet.reason()).contains("never pages on its own");

    IncidentState paged = escalation.decide(young, young, t(35)).record(young, t(35), settings);
    IncidentState merged = paged.mergeInto(survivor.id(), t(50), settings);
    Escalation.Decision d = escalation.decide(paged, merged, t(50));
    assertThat(d.kind()).contains(EscalationKind.RESOLVED);
    assertThat(d.reason()).contains("merged into inc-a");
  }

  @Test
  void aMutedIncidentDoesNotPageUntilItIsUnmutedAndARaisedSeverityStaysQuiet() {
    IncidentState.Mark muted = new IncidentState.Mark(true, "silence:s-1", "silenced by alice", false);
    IncidentState i = open("a", "cartservice", Severity.WARNING, 0);
    IncidentState quiet = i.withMarks(Map.of("a", muted), t(1), settings);
    assertThat(quiet.suppressed()).isTrue();
    assertThat(escalation.dueAt(quiet)).isEmpty();
    assertThat(escalation.decide(i, quiet, t(40)).emits()).isFalse();
    IncidentState loud = quiet.withMarks(Map.of("a", IncidentState.Mark.NONE), t(50), settings);
    assertThat(escalation.decide(quiet, loud, t(50)).kind()).contains(EscalationKind.OPENED);

    IncidentState paged = escalation.decide(i, i, t(30)).record(i, t(30), settings);
    IncidentState silenced = paged.withMarks(Map.of("a", muted), t(60), settings);
    IncidentState worse = silenced.attach(fire("a", "cartservice", Severity.CRITICAL, t(70)), settings);
    assertThat(escalation.decide(silenced, worse, t(70)).emits()).as("muted: no SEVERITY_RAISED").isFalse();
    IncidentState resolved = worse.resolve(IncidentState.AUTO, t(400), "quiet", settings);
    assertThat(escalation.decide(worse, resolved, t(400)).kind()).as("the page that went out is closed")
        .contains(EscalationKind.RESOLVED);
  }

  @Test
  void aReopenWhileMutedPagesOnlyOnceUnmutedAndItsResolveIsNotSentTwice() {
    IncidentState.Mark muted = new IncidentState.Mark(true, "silence:s-1", "silenced by alice", false);
    IncidentState i = open("a", "cartservice", Severity.HIGH, 0);
    IncidentState paged = escalation.decide(i, i, t(30)).record(i, t(30), settings);
    IncidentState closed = paged.resolve(IncidentState.AUTO, t(400), "quiet", settings);
    closed = escalation.decide(paged, closed, t(400)).record(closed, t(400), settings);
    assertThat(closed.lastEscalation()).contains("RESOLVED");

    IncidentState reopened = closed.reopen(t(500), "fired again", settings).withMarks(Map.of("a", muted),
        t(500), settings);
    Escalation.Decision silent = escalation.decide(closed, reopened, t(500));
    assertThat(silent.emits()).isFalse();
    assertThat(silent.reason()).contains("muted");

    IncidentState unmuted = reopened.withMarks(Map.of("a", IncidentState.Mark.NONE), t(600), settings);
    Escalation.Decision d = escalation.decide(reopened, unmuted, t(600));
    assertThat(d.kind()).contains(EscalationKind.REOPENED);
    assertThat(d.reason()).contains("no longer muted");

    IncidentState resolvedAgain = reopened.resolve(IncidentState.AUTO, t(900), "quiet", settings);
    assertThat(escalation.decide(reopened, resolvedAgain, t(900)).emits()).as("its page was already closed")
        .isFalse();
  }

  @Test
  void aFlappingAlertDoesNotPageReopenedAndHoldsTheIncidentOpen() {
    IncidentState.Mark flapping = new IncidentState.Mark(false, null, null, true);
    IncidentState i = open("a", "cartservice", Severity.HIGH, 0);
    IncidentState paged = escalation.decide(i, i, t(30)).record(i, t(30), settings);
    IncidentState closed = paged.resolve(IncidentState.AUTO, t(400), "quiet", settings);
    closed = escalation.decide(paged, closed, t(400)).record(closed, t(400), settings);
    IncidentState reopened = closed.reopen(t(500), "fired again", settings).withMarks(Map.of("a", flapping),
        t(500), settings);
    assertThat(reopened.flapping()).isTrue();
    assertThat(escalation.decide(closed, reopened, t(500)).emits()).isFalse();
    IncidentState calm = reopened.attach(fire("a", "cartservice", Severity.HIGH, t(0))
        .observe(Fixtures.resolved("a", "cartservice", Severity.HIGH, t(0), t(510))), settings);
    assertThat(calm.resolveDueAt(settings.resolveAfter())).as("held while it flaps").isEmpty();
    assertThat(calm.withMarks(Map.of("a", IncidentState.Mark.NONE), t(700), settings)
        .resolveDueAt(settings.resolveAfter())).contains(t(510 + 300));
  }

  @Test
  void everyDecisionHasAReason() {
    IncidentState i = open("a", "cartservice", Severity.HIGH, 0);
    for (Escalation.Decision d : List.of(escalation.decide(null, i, t(0)), escalation.decide(i, i, t(30)),
        escalation.decide(i, i.resolve("bob", t(1), "x", settings), t(1)))) {
      assertThat(d.reason()).isNotBlank();
    }
    assertThat(new Correlator(settings).nextDeadline(i)).isEqualTo(Optional.of(t(30)));
  }
}
