package dev.stormwatch.correlator.domain;

import static dev.stormwatch.correlator.domain.Fixtures.event;
import static dev.stormwatch.correlator.domain.Fixtures.firing;
import static dev.stormwatch.correlator.domain.Fixtures.resolved;
import static dev.stormwatch.correlator.domain.Fixtures.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.AlertStatus;
import dev.stormwatch.avro.Severity;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class AlertStateTest {

  // ---- properties over arbitrary observation sequences ---------------------------------------

  @Property(tries = 500, seed = "20250301")
  void mergeIsCommutative(@ForAll("observations") List<AlertEvent> a, @ForAll("observations") List<AlertEvent> b) {
    AlertState x = fold(a);
    AlertState y = fold(b);
    assertThat(x.merge(y)).isEqualTo(y.merge(x));
  }

  @Property(tries = 500, seed = "20250302")
  void mergeIsAssociative(@ForAll("observations") List<AlertEvent> a, @ForAll("observations") List<AlertEvent> b,
                          @ForAll("observations") List<AlertEvent> c) {
    AlertState x = fold(a);
    AlertState y = fold(b);
    AlertState z = fold(c);
    assertThat(x.merge(y).merge(z)).isEqualTo(x.merge(y.merge(z)));
  }

  @Property(tries = 500, seed = "20250303")
  void mergeIsIdempotentAndDuplicatesChangeNothing(@ForAll("observations") List<AlertEvent> a) {
    AlertState x = fold(a);
    assertThat(x.merge(x)).isEqualTo(x);
    assertThat(x.merge(fold(List.of(a.get(0))))).isEqualTo(x);
    List<AlertEvent> twice = new ArrayList<>(a);
    twice.addAll(a);
    assertThat(fold(twice)).isEqualTo(x);
    assertThat(fold(twice).observations()).isEqualTo(x.observations());
  }

  @Property(tries = 500, seed = "20250304")
  void outOfOrderDeliveryGivesTheSameState(@ForAll("observations") List<AlertEvent> a, @ForAll long seed) {
    List<AlertEvent> shuffled = new ArrayList<>(a);
    Collections.shuffle(shuffled, new Random(seed));
    AlertState inOrder = fold(a);
    AlertState outOfOrder = fold(shuffled);
    assertThat(outOfOrder).isEqualTo(inOrder);
    assertThat(outOfOrder.status()).isEqualTo(inOrder.status());
    assertThat(outOfOrder.startsAt()).isEqualTo(inOrder.startsAt());
    assertThat(outOfOrder.stateChanges()).isEqualTo(inOrder.stateChanges());
    assertThat(outOfOrder.toSummary()).isEqualTo(inOrder.toSummary());
  }

  /** Long sequences exceed the kept points and the sketch, where pruning must still be order-free. */
  @Property(tries = 100, seed = "20250305")
  void pruningIsOrderIndependent(@ForAll("longObservations") List<AlertEvent> a, @ForAll long seed) {
    List<AlertEvent> shuffled = new ArrayList<>(a);
    Collections.shuffle(shuffled, new Random(seed));
    int half = shuffled.size() / 2;
    AlertState split = fold(shuffled.subList(0, half).isEmpty() ? a : shuffled.subList(0, half))
        .merge(fold(shuffled.subList(half, shuffled.size())));
    assertThat(split).isEqualTo(fold(a));
  }

  @Property(tries = 200, seed = "20250306")
  void theLatestObservationDecidesTheStatus(@ForAll("observations") List<AlertEvent> a) {
    AlertState s = fold(a);
    Instant latest = a.stream().map(e -> AlertState.of(e).eventTime()).max(Instant::compareTo).orElseThrow();
    assertThat(s.eventTime()).isEqualTo(latest);
    assertThat(s.lastSeenAt()).isEqualTo(latest);
    boolean resolvedAtLatest = a.stream().anyMatch(e -> AlertState.of(e).eventTime().equals(latest)
        && e.getStatus() == AlertStatus.RESOLVED);
    assertThat(s.status()).isEqualTo(resolvedAtLatest ? AlertStatus.RESOLVED : AlertStatus.FIRING);
  }

  @Provide
  Arbitrary<List<AlertEvent>> observations() {
    return observation().list().ofMinSize(1).ofMaxSize(12);
  }

  @Provide
  Arbitrary<List<AlertEvent>> longObservations() {
    return observation().list().ofMinSize(40).ofMaxSize(120);
  }

  private Arbitrary<AlertEvent> observation() {
    Arbitrary<AlertStatus> status = Arbitraries.of(AlertStatus.FIRING, AlertStatus.FIRING, AlertStatus.RESOLVED,
        AlertStatus.UNKNOWN);
    Arbitrary<Integer> start = Arbitraries.integers().between(0, 90);
    Arbitrary<Integer> length = Arbitraries.integers().between(-1, 20);
    Arbitrary<Integer> delay = Arbitraries.integers().between(0, 3);
    Arbitrary<Severity> severity = Arbitraries.of(Severity.class);
    Arbitrary<String> summary = Arbitraries.of("a", "b", "c");
    return Combinators.combine(status, start, length, delay, severity, summary).as((st, s, len, d, sev, sum) -> {
      Instant startsAt = t(s * 60L);
      Instant endsAt = st == AlertStatus.RESOLVED && len >= 0 ? startsAt.plusSeconds(len * 60L) : null;
      Instant observedAt = (endsAt == null ? startsAt : endsAt).plusSeconds(d);
      AlertEvent e = event("fp-1", "cartservice", sev, st, startsAt, endsAt, observedAt);
      e.setSummary(sum);
      e.setLabels(Map.of("alertname", "HighErrorRate", "summary", sum));
      return e;
    });
  }

  private static AlertState fold(List<AlertEvent> events) {
    AlertState s = AlertState.of(events.get(0));
    for (AlertEvent e : events.subList(1, events.size())) {
      s = s.observe(e);
    }
    return s;
  }

  // ---- examples ----------------------------------------------------------------------------

  @Test
  void aResolveEndingAtTheFiringsStartWinsTheTie() {
    AlertState s = AlertState.of(firing("fp", "cartservice", Severity.HIGH, t(0)))
        .observe(resolved("fp", "cartservice", Severity.HIGH, t(0), t(0)));
    assertThat(s.status()).isEqualTo(AlertStatus.RESOLVED);
    assertThat(s.endsAt()).isEqualTo(t(0));
  }

  @Test
  void aLaterReFireWinsOverAnOlderResolveWhicheverArrivesFirst() {
    AlertEvent first = firing("fp", "cartservice", Severity.HIGH, t(0));
    AlertEvent resolve = resolved("fp", "cartservice", Severity.HIGH, t(0), t(60));
    AlertEvent refire = firing("fp", "cartservice", Severity.CRITICAL, t(120));
    AlertState s = AlertState.of(refire).observe(resolve).observe(first);
    assertThat(s.status()).isEqualTo(AlertStatus.FIRING);
    assertThat(s.startsAt()).as("the current episode began with the re-fire").isEqualTo(t(120));
    assertThat(s.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(s.stateChanges()).isEqualTo(2);
    assertThat(s.observations()).isEqualTo(3);
    assertThat(s.lastResolvedAt()).isEqualTo(t(60));
  }

  @Test
  void startsAtIsTheEarliestStartOfTheCurrentEpisode() {
    AlertState s = AlertState.of(firing("fp", "cartservice", Severity.HIGH, t(30)))
        .observe(firing("fp", "cartservice", Severity.HIGH, t(10)));
    assertThat(s.startsAt()).isEqualTo(t(10));
    AlertState afterResolve = s.observe(resolved("fp", "cartservice", Severity.HIGH, t(10), t(40)))
        .observe(firing("fp", "cartservice", Severity.HIGH, t(50)))
        .observe(firing("fp", "cartservice", Severity.HIGH, t(70)));
    assertThat(afterResolve.startsAt()).isEqualTo(t(50));
  }

  @Test
  void aResolvedAlertKeepsTheOnsetOfTheEpisodeItEnded() {
    AlertState s = AlertState.of(firing("fp", "cartservice", Severity.HIGH, t(10)))
        .observe(firing("fp", "cartservice", Severity.HIGH, t(20)))
        .observe(resolved("fp", "cartservice", Severity.HIGH, t(20), t(90)));
    assertThat(s.status()).isEqualTo(AlertStatus.RESOLVED);
    assertThat(s.startsAt()).isEqualTo(t(10));
    assertThat(s.endsAt()).isEqualTo(t(90));
    assertThat(s.toSummary().getEndsAt()).isEqualTo(t(90));
  }

  @Test
  void contentComesFromTheLatestObservationAndRepeatsAreOrderedByReceiveTime() {
    AlertEvent early = event("fp", "cartservice", Severity.WARNING, AlertStatus.FIRING, t(0), null, t(1));
    AlertEvent late = event("fp", "cartservice", Severity.HIGH, AlertStatus.FIRING, t(0), null, t(31));
    late.setSummary("worse");
    late.setLabels(Map.of("alertname", "HighErrorRate", "pod", "cart-2"));
    AlertState s = AlertState.of(late).observe(early);
    assertThat(s.summary()).isEqualTo("worse");
    assertThat(s.severity()).isEqualTo(Severity.HIGH);
    assertThat(s.labels()).containsEntry("pod", "cart-2");
    assertThat(s.startsAt()).isEqualTo(t(0));
    assertThat(s.observations()).isEqualTo(2);
    assertThat(s.stateChanges()).isZero();
  }

  @Test
  void manyDistinctObservationsAreCountedByTheSketch() {
    AlertState s = AlertState.of(firing("fp", "cartservice", Severity.HIGH, t(0)));
    for (int i = 1; i < 1000; i++) {
      s = s.observe(event("fp", "cartservice", Severity.HIGH, AlertStatus.FIRING, t(0), null, t(i)));
    }
    assertThat(s.observations()).isBetween(700L, 1300L);
    assertThat(s.stateChanges()).isZero();
  }

  @Test
  void alertsOfDifferentFingerprintsDoNotMerge() {
    AlertState a = AlertState.of(firing("a", "cartservice", Severity.HIGH, t(0)));
    AlertState b = AlertState.of(firing("b", "cartservice", Severity.HIGH, t(0)));
    assertThatThrownBy(() -> a.merge(b)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("b");
  }
}
