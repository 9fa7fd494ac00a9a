package dev.stormwatch.correlator.rules;

import static dev.stormwatch.correlator.rules.RulesFixtures.SETTINGS;
import static dev.stormwatch.correlator.rules.RulesFixtures.T0;
import static dev.stormwatch.correlator.rules.RulesFixtures.deploy;
import static dev.stormwatch.correlator.rules.RulesFixtures.firing;
import static dev.stormwatch.correlator.rules.RulesFixtures.incident;
import static dev.stormwatch.correlator.rules.RulesFixtures.node;
import static dev.stormwatch.correlator.rules.RulesFixtures.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

import dev.stormwatch.avro.ChangeKind;
import dev.stormwatch.avro.SuspectChange;
import dev.stormwatch.correlator.domain.IncidentState;
import dev.stormwatch.correlator.domain.RankingSignal;
import dev.stormwatch.correlator.domain.RootCause;
import dev.stormwatch.correlator.domain.ServiceGraph;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChangeSuspectsTest {

  /** frontend and checkout call payments and cache; payments calls db; ads stands alone. */
  private static final ServiceGraph GRAPH = ServiceGraph.of(List.of(
      node("frontend", List.of("payments", "cache")),
      node("checkout", List.of("payments", "cache")),
      node("payments", List.of("db")),
      node("cache", List.of()),
      node("db", List.of()),
      node("ads", List.of())));

  private static final RulesSettings RULES = RulesSettings.defaults();

  private RecentChanges changes;
  private IncidentState incident;

  private static Instant minutesBeforeOnset(long minutes) {
    return T0.minus(Duration.ofMinutes(minutes));
  }

  @BeforeEach
  void setUp() {
    changes = RecentChanges.of(RULES);
    // onset (first alert startsAt) is T0: frontend at T0, checkout 10s later
    incident = incident(firing("f", "frontend", t(0)), firing("c", "checkout", t(10)));
  }

  @Test
  void aDeployFiveMinutesBeforeOnsetOnADependencyIsNamedSuspectAndItsServiceRankedUp() {
    changes.add(deploy("ch-1", "payments", "v1.4.2", "alice", minutesBeforeOnset(5)), T0);

    List<ChangeSuspects.Suspect> suspects = ChangeSuspects.forIncident(incident, GRAPH, changes, RULES);
    assertThat(suspects).singleElement().satisfies(s -> {
      assertThat(s.change().id()).isEqualTo("ch-1");
      assertThat(s.hops()).isEqualTo(1);
      assertThat(s.via()).isEqualTo("checkout");
      assertThat(s.beforeOnset()).isEqualTo(Duration.ofMinutes(5));
      assertThat(s.reason()).isEqualTo("deployed v1.4.2 by alice 5m before onset, on payments, a dependency of checkout");
    });
    SuspectChange avro = ChangeSuspects.avroForIncident(incident, GRAPH, changes, RULES).get(0);
    assertThat(avro.getChangeId()).isEqualTo("ch-1");
    assertThat(avro.getService()).isEqualTo("payments");
    assertThat(avro.getKind()).isEqualTo(ChangeKind.DEPLOY);
    assertThat(avro.getVersion()).isEqualTo("v1.4.2");
    assertThat(avro.getAuthor()).isEqualTo("alice");
    assertThat(avro.getTime()).isEqualTo(minutesBeforeOnset(5));

    // without the signal, the two shared dependencies tie and the name decides: cache first
    List<RootCause.Candidate> plain = RootCause.rank(incident, GRAPH, SETTINGS, List.of());
    assertThat(plain).extracting(RootCause.Candidate::service).startsWith("cache", "payments");
    // with it, the changed service ranks first, and the reason says why
    List<RankingSignal> signals = List.of(ChangeSignal.of(changes, RULES));
    List<RootCause.Candidate> ranked = RootCause.rank(incident, GRAPH, SETTINGS, signals);
    assertThat(ranked.get(0).service()).isEqualTo("payments");
    assertThat(ranked.get(0).reasons()).contains("deployed v1.4.2 by alice 5m before onset");
    assertThat(ranked.get(0).score()).isGreaterThan(ranked.get(1).score());
    assertThat(ranked.get(1).service()).isEqualTo("cache");
  }

  @Test
  void onlyChangesWithinTheLookbackUpToOnsetAreSuspects() {
    changes.add(deploy("too-early", "payments", "v1", "bob", minutesBeforeOnset(31)), T0);
    changes.add(deploy("at-lookback", "payments", "v2", "bob", minutesBeforeOnset(30)), T0);
    changes.add(deploy("at-onset", "payments", "v3", "bob", T0), T0);
    changes.add(deploy("after-onset", "payments", "v4", "bob", T0.plusSeconds(1)), T0);
    assertThat(ChangeSuspects.forIncident(incident, GRAPH, changes, RULES)).extracting(s -> s.change().id())
        .containsExactly("at-onset", "at-lookback");
    assertThat(ChangeSuspects.forIncident(incident, GRAPH, changes, RULES).get(0).reason())
        .startsWith("deployed v3 by bob at onset");
  }

  @Test
  void changesOnCandidatesComeFirstThenTheLatest() {
    changes.add(deploy("dep-old", "payments", "v1", null, minutesBeforeOnset(20)), T0);
    changes.add(deploy("dep-new", "cache", "v9", null, minutesBeforeOnset(2)), T0);
    changes.add(new Change("cfg", "frontend", ChangeKind.CONFIG, "raise pool size", null, "carol", null, null,
        minutesBeforeOnset(25)), T0);
    changes.add(deploy("unrelated", "ads", "v1", null, minutesBeforeOnset(1)), T0);
    changes.add(deploy("two-hops", "db", "v1", null, minutesBeforeOnset(1)), T0);
    assertThat(ChangeSuspects.forIncident(incident, GRAPH, changes, RULES)).extracting(s -> s.change().id())
        .containsExactly("cfg", "dep-new", "dep-old");
    RulesSettings twoHops = RulesSettings.fromTree(InhibitorTest.yaml("change-dependency-hops: 2"));
    assertThat(ChangeSuspects.forIncident(incident, GRAPH, changes, twoHops)).extracting(s -> s.change().id())
        .containsExactly("cfg", "dep-new", "dep-old", "two-hops");
    RulesSettings capped = RulesSettings.fromTree(InhibitorTest.yaml("max-suspect-changes: 2"));
    assertThat(ChangeSuspects.forIncident(incident, GRAPH, changes, capped)).hasSize(2);
  }

  @Test
  void rankedRootCausesAreCandidatesToo() {
    // db is no alerting service's direct dependency, but as a ranked candidate its own changes count
    IncidentState ranked = incident.withRanking(List.of(new RootCause.Candidate("db", 1, 3.0, true, List.of())),
        GRAPH);
    changes.add(deploy("db-deploy", "db", "v2", null, minutesBeforeOnset(3)), T0);
    assertThat(ChangeSuspects.forIncident(ranked, GRAPH, changes, RULES)).extracting(ChangeSuspects.Suspect::hops)
        .containsExactly(0);
  }

  @Test
  void theSignalPrefersTheLatestChangeAndWeighsByRecency() {
    changes.add(deploy("a", "payments", "v1", "alice", minutesBeforeOnset(20)), T0);
    changes.add(new Change("b", "payments", ChangeKind.ROLLBACK, null, "v0.9", "bob", null, null,
        minutesBeforeOnset(10)), T0);
    ChangeSignal signal = ChangeSignal.of(changes, RULES);
    RankingSignal.Evidence e = signal.evidence("payments", incident).orElseThrow();
    assertThat(e.reason()).isEqualTo("rolled back to v0.9 by bob 10m before onset (and 1 earlier change within 30m)");
    assertThat(e.weight()).isCloseTo(1.0 - 0.5 * 10 / 30.0, offset(1e-9));
    assertThat(signal.evidence("cache", incident)).isEmpty();
    changes.add(new Change("c", "cache", ChangeKind.FEATURE_FLAG, "new-cart", null, null, null, null, T0), T0);
    assertThat(signal.evidence("cache", incident).orElseThrow().reason())
        .isEqualTo("toggled feature flag (new-cart) at onset");
    assertThat(signal.evidence("cache", incident).orElseThrow().weight()).isEqualTo(1.0);
  }
}
