package dev.stormwatch.notifier.escalation;

import static dev.stormwatch.notifier.testing.Fixtures.T0;
import static dev.stormwatch.notifier.testing.Fixtures.command;
import static dev.stormwatch.notifier.testing.Fixtures.event;
import static dev.stormwatch.notifier.testing.Fixtures.opened;
import static dev.stormwatch.notifier.testing.Fixtures.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.CommandKind;
import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.EscalationKind;
import dev.stormwatch.avro.PageAction;
import dev.stormwatch.avro.PageRequest;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.avro.Urgency;
import dev.stormwatch.notifier.NotifierSettings;
import dev.stormwatch.notifier.escalation.EscalationDecision.Outcome;
import dev.stormwatch.notifier.escalation.EscalationState.Phase;
import dev.stormwatch.notifier.oncall.OnCallConfig;
import dev.stormwatch.notifier.oncall.OnCallYaml;
import dev.stormwatch.notifier.testing.Fixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Issue 6, item 3: "should we page now?" as a pure function, as timelines over the clock passed in. */
class EscalationEngineTest {

  private final NotifierSettings settings = NotifierSettings.defaults();
  private final EscalationEngine engine = new EscalationEngine(settings);
  private final OnCallConfig config = Fixtures.config();

  /** The state of the incident under test, as the store would keep it. */
  private Optional<EscalationState> state = Optional.empty();
  private final List<PageRequest> sent = new ArrayList<>();

  private EscalationDecision apply(EscalationDecision d) {
    state = d.state();
    sent.addAll(d.pages());
    return d;
  }

  private EscalationDecision feed(EscalationEvent e) {
    return apply(engine.onEvent(state, e, config, Fixtures.topology(), e.getAt()));
  }

  private EscalationDecision tick(Instant now) {
    return apply(engine.onDeadline(state.orElseThrow(), config, now));
  }

  private static List<String> keys(List<PageRequest> pages) {
    return pages.stream().map(PageRequest::getDedupKey).toList();
  }

  @Test
  void level0PagesWhoeverIsOnCallAndEachTimeoutPagesTheNextLevelThenThePolicyRepeats() {
    EscalationDecision d = feed(opened("inc-1", T0));
    assertThat(d.outcome()).isEqualTo(Outcome.STARTED);
    assertThat(keys(d.pages())).containsExactly("inc-1:c0:l0:r0:alice:inbox:alice");
    PageRequest page = d.pages().get(0);
    assertThat(page.getAction()).isEqualTo(PageAction.TRIGGER);
    assertThat(page.getUrgency()).isEqualTo(Urgency.HIGH);
    assertThat(page.getTeam()).isEqualTo("platform");
    assertThat(page.getPolicy()).isEqualTo("platform");
    assertThat(page.getRecipient().getChannel()).isEqualTo(ChannelType.INBOX);
    assertThat(page.getRecipient().getTimeZone()).isEqualTo("Europe/Berlin");
    assertThat(page.getRequestedAt()).isEqualTo(T0);
    assertThat(page.getBody()).contains("Likely root cause: checkoutservice", "on call on schedule primary");
    assertThat(page.getLinks()).hasSize(1);
    assertThat(d.reason()).contains("owner of root cause checkoutservice is team platform", "paged level 0");
    assertThat(state.orElseThrow().phase()).isEqualTo(Phase.ESCALATING);
    assertThat(state.get().deadline()).isEqualTo(t(5));

    assertThat(tick(t(4.9)).outcome()).isEqualTo(Outcome.NOT_DUE);
    d = tick(t(5));
    assertThat(d.outcome()).isEqualTo(Outcome.NEXT_LEVEL);
    assertThat(keys(d.pages())).containsExactly("inc-1:c0:l1:r0:carol:inbox:carol",
        "inc-1:c0:l1:r0:carol:pagerduty:carol-service");
    assertThat(d.reason()).startsWith("level 0 (pass 0) not acknowledged within PT5M");

    // the schedule handed over from alice to bob at 09:00 local (T0 + 2m): the next pass pages bob
    d = tick(t(10));
    assertThat(d.outcome()).isEqualTo(Outcome.REPEATED);
    assertThat(keys(d.pages())).containsExactly("inc-1:c0:l0:r1:bob:inbox:bob");
    d = tick(t(15));
    assertThat(d.outcome()).isEqualTo(Outcome.NEXT_LEVEL);
    assertThat(keys(d.pages())).containsExactly("inc-1:c0:l1:r1:carol:inbox:carol",
        "inc-1:c0:l1:r1:carol:pagerduty:carol-service");
    d = tick(t(20));
    assertThat(d.outcome()).isEqualTo(Outcome.EXHAUSTED);
    assertThat(d.pages()).isEmpty();
    assertThat(state.get().phase()).isEqualTo(Phase.EXHAUSTED);
    assertThat(state.get().deadline()).isEqualTo(t(20).plus(settings.staleAfter()));

    // a resolve tells everyone paged, each once, following up their latest page
    d = feed(event("inc-1", EscalationKind.RESOLVED, 2, Severity.CRITICAL, "checkoutservice",
        List.of("checkoutservice"), t(30)));
    assertThat(d.outcome()).isEqualTo(Outcome.RESOLVED);
    assertThat(keys(d.pages())).containsExactly("inc-1:c0:l0:r0:alice:inbox:alice:resolve",
        "inc-1:c0:l1:r1:carol:inbox:carol:resolve", "inc-1:c0:l1:r1:carol:pagerduty:carol-service:resolve",
        "inc-1:c0:l0:r1:bob:inbox:bob:resolve");
    assertThat(d.pages()).allSatisfy(p -> {
      assertThat(p.getAction()).isEqualTo(PageAction.RESOLVE);
      assertThat(p.getTitle()).startsWith("Resolved: ");
    });
    // and the state leaves the store after the retention
    assertThat(tick(t(30).plus(settings.retention()).minusMillis(1)).outcome()).isEqualTo(Outcome.NOT_DUE);
    assertThat(tick(t(30).plus(settings.retention())).outcome()).isEqualTo(Outcome.EXPIRED);
    assertThat(state).isEmpty();
  }

  @Test
  void anAckStopsFurtherLevelsAtOnceAndTellsEveryonePaged() {
    feed(opened("inc-1", T0));
    tick(t(5));
    EscalationDecision d = apply(engine.onCommand(state, command("c1", "inc-1", CommandKind.ACK, "carol", t(6)), t(6)));
    assertThat(d.outcome()).isEqualTo(Outcome.ACKNOWLEDGED);
    assertThat(d.reason()).startsWith("acknowledged by carol via api at level 1");
    assertThat(keys(d.pages())).containsExactly("inc-1:c0:l0:r0:alice:inbox:alice:acknowledge",
        "inc-1:c0:l1:r0:carol:inbox:carol:acknowledge", "inc-1:c0:l1:r0:carol:pagerduty:carol-service:acknowledge");
    assertThat(state.orElseThrow().phase()).isEqualTo(Phase.ACKNOWLEDGED);
    assertThat(state.get().closedBy()).contains("carol via api");
    // the old level deadline is gone: nothing pages at t=10
    assertThat(tick(t(10)).pages()).isEmpty();
    assertThat(state).isPresent();
    // a second ack, or an ACKNOWLEDGED event, changes nothing
    assertThat(apply(engine.onCommand(state, command("c2", "inc-1", CommandKind.ACK, "bob", t(7)), t(7))).pages())
        .isEmpty();
    assertThat(feed(event("inc-1", EscalationKind.ACKNOWLEDGED, 3, Severity.CRITICAL, "checkoutservice",
        List.of("checkoutservice"), t(8))).outcome()).isEqualTo(Outcome.IGNORED);
    // a resolve still tells everyone paged
    d = apply(engine.onCommand(state, command("c3", "inc-1", CommandKind.RESOLVE, "carol", t(9)), t(9)));
    assertThat(d.outcome()).isEqualTo(Outcome.RESOLVED);
    assertThat(d.pages()).hasSize(3).allSatisfy(p -> assertThat(p.getAction()).isEqualTo(PageAction.RESOLVE));
    // and the RESOLVED escalation the correlator sends after it pages nobody again
    assertThat(feed(event("inc-1", EscalationKind.RESOLVED, 4, Severity.CRITICAL, "checkoutservice",
        List.of("checkoutservice"), t(9.1))).pages()).isEmpty();
  }

  @Test
  void aReplayedEventOrCommandPagesNobodyTwice() {
    EscalationEvent open = opened("inc-1", T0);
    assertThat(feed(open).pages()).hasSize(1);
    EscalationDecision again = feed(open);
    assertThat(again.outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(again.pages()).isEmpty();
    var ack = command("c1", "inc-1", CommandKind.ACK, "alice", t(1));
    assertThat(apply(engine.onCommand(state, ack, t(1))).pages()).hasSize(1);
    EscalationDecision replayed = apply(engine.onCommand(state, ack, t(1)));
    assertThat(replayed.outcome()).isEqualTo(Outcome.DUPLICATE);
    assertThat(sent).hasSize(2);
  }

  @Test
  void warningGoesToTheTeamChatOnlyAndARiseToCriticalStartsThePolicy() {
    EscalationDecision d = feed(event("inc-2", EscalationKind.OPENED, 1, Severity.WARNING, "cartservice",
        List.of("cartservice"), T0));
    assertThat(d.outcome()).isEqualTo(Outcome.STARTED);
    assertThat(keys(d.pages())).containsExactly("inc-2:c0:l0:r0:team:platform:slack:platform-alerts");
    assertThat(d.pages().get(0).getUrgency()).isEqualTo(Urgency.LOW);
    assertThat(d.pages().get(0).getRecipient().getId()).isEqualTo("team:platform");
    assertThat(state.orElseThrow().phase()).isEqualTo(Phase.CHAT);
    assertThat(tick(t(5)).pages()).as("no levels for LOW urgency").isEmpty();

    d = feed(event("inc-2", EscalationKind.SEVERITY_RAISED, 2, Severity.CRITICAL, "cartservice",
        List.of("cartservice"), t(6)));
    assertThat(d.outcome()).isEqualTo(Outcome.STARTED);
    assertThat(keys(d.pages())).containsExactly("inc-2:c0:l0:r0:bob:inbox:bob");
    d = feed(event("inc-2", EscalationKind.RESOLVED, 3, Severity.CRITICAL, "cartservice", List.of("cartservice"),
        t(7)));
    assertThat(keys(d.pages())).as("the chat hears of the resolve too").containsExactly(
        "inc-2:c0:l0:r0:team:platform:slack:platform-alerts:resolve", "inc-2:c0:l0:r0:bob:inbox:bob:resolve");
  }

  @Test
  void aReopenedIncidentStartsANewCycleWithFreshDedupKeys() {
    feed(opened("inc-1", T0));
    feed(event("inc-1", EscalationKind.RESOLVED, 2, Severity.CRITICAL, "checkoutservice", List.of(), t(1)));
    EscalationDecision d = feed(event("inc-1", EscalationKind.REOPENED, 3, Severity.CRITICAL, "checkoutservice",
        List.of("checkoutservice"), t(3)));
    assertThat(d.outcome()).isEqualTo(Outcome.STARTED);
    assertThat(keys(d.pages())).containsExactly("inc-1:c1:l0:r0:bob:inbox:bob");
    d = feed(event("inc-1", EscalationKind.RESOLVED, 4, Severity.CRITICAL, "checkoutservice", List.of(), t(4)));
    assertThat(keys(d.pages())).as("only this cycle's pages are followed up")
        .containsExactly("inc-1:c1:l0:r0:bob:inbox:bob:resolve");
  }

  @Test
  void routingRulesOverrideTheOwnerAndTheDefaultRouteCatchesTheRest() {
    EscalationDecision d = apply(engine.onEvent(Optional.empty(), event("inc-3", EscalationKind.OPENED, 1,
        Severity.HIGH, "paymentservice", List.of("paymentservice"), T0), config, Fixtures.topology(), T0));
    assertThat(keys(d.pages())).containsExactly("inc-3:c0:l0:r0:dave:email:dave@example.com");
    assertThat(d.pages().get(0).getTeam()).isEqualTo("payments");
    assertThat(d.reason()).contains("rule payments matched");

    d = engine.onEvent(Optional.empty(), event("inc-4", EscalationKind.OPENED, 1, Severity.HIGH, "redis-cart",
        List.of("redis-cart"), T0), config, Fixtures.topology(), T0);
    assertThat(d.reason()).contains("owner of root cause redis-cart is web-team, not a configured team",
        "default route: team platform");
    assertThat(keys(d.pages())).containsExactly("inc-4:c0:l0:r0:alice:inbox:alice");
  }

  @Test
  void aLevelWithNobodyOnCallIsSkippedAtOnce() {
    // the nights schedule covers 22:00-06:00 only: at 08:58 nobody is on call, so dave (level 1) is paged now
    EscalationEvent batch = event("inc-5", EscalationKind.OPENED, 1, Severity.CRITICAL, "frontend",
        List.of("frontend"), T0);
    batch.getLabels().put("job", "batch");
    EscalationDecision d = feed(batch);
    assertThat(d.outcome()).isEqualTo(Outcome.STARTED);
    assertThat(keys(d.pages())).containsExactly("inc-5:c0:l1:r0:dave:email:dave@example.com");
    assertThat(d.reason()).contains("level 0 (pass 0) has nobody to page (nobody is on call on schedule nights)");
    assertThat(state.orElseThrow().level()).isEqualTo(1);
    assertThat(tick(t(5)).outcome()).as("level 1 was the last of the only pass").isEqualTo(Outcome.EXHAUSTED);
  }

  @Test
  void withNobodyToPageAndNoChatNobodyIsNotifiedAndTheReasonSaysWhy() {
    OnCallConfig bare = OnCallYaml.parse("people: [{id: a, contacts: [{inbox: a}]}]");
    EscalationDecision d = engine.onEvent(Optional.empty(), opened("inc-6", T0), bare, Fixtures.topology(), T0);
    assertThat(d.outcome()).isEqualTo(Outcome.UNROUTED);
    assertThat(d.pages()).isEmpty();
    assertThat(d.reason()).contains("owner of root cause checkoutservice is platform, not a configured team",
        "no team (no default route)", "no chat contact either");
    assertThat(d.state().orElseThrow().phase()).isEqualTo(Phase.UNROUTED);
  }

  @Test
  void commandsAndEventsOfAnIncidentNeverEscalatedHereChangeNothing() {
    EscalationDecision d = engine.onCommand(Optional.empty(), command("c1", "inc-9", CommandKind.ACK, "x", T0), T0);
    assertThat(d.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(d.state()).isEmpty();
    d = engine.onEvent(Optional.empty(), event("inc-9", EscalationKind.RESOLVED, 1, Severity.HIGH, null, List.of(), T0),
        config, Fixtures.topology(), T0);
    assertThat(d.outcome()).isEqualTo(Outcome.IGNORED);
    assertThat(d.state()).isEmpty();
  }

  // ---- properties ----------------------------------------------------------------------------

  /** Inputs of one incident: events, acks, resolves and clock ticks, in time order. */
  record Step(String kind, double minute) {}

  /**
   * STYLE habit 12: a resolved incident never pages again, whatever follows (short of a reopen), and
   * no dedup key is ever emitted twice for one incident.
   */
  @Property(tries = 300, seed = "20250701")
  void aResolvedIncidentNeverPagesAgainAndNoDedupKeyRepeats(@ForAll("steps") List<Step> steps) {
    Optional<EscalationState> s = Optional.empty();
    Map<String, Integer> keys = new HashMap<>();
    boolean resolved = false;
    int revision = 0;
    for (Step step : steps) {
      Instant at = t(step.minute());
      EscalationDecision d = switch (step.kind()) {
        case "open" -> engine.onEvent(s, event("inc-p", EscalationKind.OPENED, 1, Severity.CRITICAL,
            "checkoutservice", List.of("checkoutservice"), at), config, Fixtures.topology(), at);
        case "raise" -> engine.onEvent(s, event("inc-p", EscalationKind.SEVERITY_RAISED, ++revision + 1,
            Severity.CRITICAL, "checkoutservice", List.of("checkoutservice"), at), config, Fixtures.topology(), at);
        case "ack" -> engine.onCommand(s, command("a" + revision++, "inc-p", CommandKind.ACK, "x", at), at);
        case "resolve" -> engine.onEvent(s, event("inc-p", EscalationKind.RESOLVED, 100, Severity.CRITICAL,
            "checkoutservice", List.of(), at), config, Fixtures.topology(), at);
        default -> s.isPresent() ? engine.onDeadline(s.get(), config, at)
            : new EscalationDecision(Outcome.NOT_DUE, s, List.of(), "nothing");
      };
      if (resolved) {
        assertThat(d.pages()).as("after the resolve: %s", step).isEmpty();
      }
      for (PageRequest p : d.pages()) {
        assertThat(keys.merge(p.getDedupKey(), 1, Integer::sum)).as(p.getDedupKey()).isEqualTo(1);
      }
      if (d.outcome() == Outcome.RESOLVED) {
        resolved = true;
      }
      s = d.state();
    }
  }

  @Provide
  Arbitrary<List<Step>> steps() {
    Arbitrary<String> kinds = Arbitraries.of("open", "raise", "ack", "resolve", "tick", "tick", "tick", "tick",
        "tick", "tick");
    return kinds.list().ofMinSize(1).ofMaxSize(30).flatMap(ks -> Arbitraries.randomValue(random -> {
      List<Step> out = new ArrayList<>();
      double minute = 0;
      for (String k : ks) {
        minute += random.nextInt(8) + random.nextDouble();
        out.add(new Step(k, minute));
      }
      return out;
    }));
  }

  @Test
  void theStateKeepsTheLatestInputIdsOnly() {
    feed(opened("inc-1", T0));
    Random random = new Random(7);
    for (int i = 0; i < EscalationState.MAX_SEEN + 10; i++) {
      feed(event("inc-1", EscalationKind.UPDATED, 10 + i, Severity.CRITICAL, "checkoutservice",
          List.of("checkoutservice"), t(1 + random.nextInt(3))));
    }
    assertThat(state.orElseThrow().seen()).hasSize(EscalationState.MAX_SEEN);
    assertThat(state.get().seen()).doesNotContain("inc-1:OPENED:1");
    assertThat(Duration.between(T0, state.get().deadline())).isEqualTo(Duration.ofMinutes(5));
  }
}
