package dev.stormwatch.correlator.rules;

import static dev.stormwatch.correlator.rules.RulesFixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stormwatch.avro.AlertStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class FlapDetectorTest {

  private static final FlapDetector DEFAULTS = FlapDetector.of(RulesSettings.defaults());

  private static Instant m(long minutes) {
    return T0.plus(Duration.ofMinutes(minutes));
  }

  @Test
  void flappingIsDetectedAtTheNPlusFirstChangeWithinTheWindowAndNotAtTheNth() {
    FlapState s = FlapState.empty();
    s = DEFAULTS.observe(s, m(0), true); // first observation: not a change
    assertThat(DEFAULTS.verdict(s, m(0)).changes()).isZero();
    boolean firing = true;
    for (int change = 1; change <= 4; change++) {
      firing = !firing;
      s = DEFAULTS.observe(s, m(change * 5L), firing);
      FlapDetector.Verdict v = DEFAULTS.verdict(s, m(change * 5L));
      assertThat(v.flapping()).as("change %d", change).isFalse();
      assertThat(v.changes()).isEqualTo(change);
    }
    assertThat(DEFAULTS.verdict(s, m(20)).reason()).isEqualTo("changed state 4 times in 30m (at most 4 is not flapping)");
    s = DEFAULTS.observe(s, m(25), !firing); // the 5th change within 30 minutes
    FlapDetector.Verdict v = DEFAULTS.verdict(s, m(25));
    assertThat(v.flapping()).isTrue();
    assertThat(v.changes()).isEqualTo(5);
    assertThat(v.reason()).isEqualTo("flapping: changed state 5 times in 30m (more than 4)");
    // it calms when the oldest of those changes leaves the window: 5m + 30m
    assertThat(v.calmsAt()).isEqualTo(m(35));
    assertThat(DEFAULTS.verdict(s, m(35).minusMillis(1)).flapping()).isTrue();
    assertThat(DEFAULTS.verdict(s, m(35)).flapping()).isFalse();
  }

  @Test
  void changesSpreadWiderThanTheWindowAreNotFlapping() {
    FlapState s = FlapState.empty();
    boolean firing = true;
    for (int i = 0; i <= 6; i++) {
      s = DEFAULTS.observe(s, m(i * 10L), firing);
      firing = !firing;
    }
    // changes at 10, 20, ..., 60 minutes: at most 3 in any 30-minute window
    assertThat(DEFAULTS.verdict(s, m(60)).flapping()).isFalse();
    assertThat(DEFAULTS.verdict(s, m(60)).changes()).isEqualTo(3);
  }

  @Test
  void repeatsAndResendsAreNotChanges() {
    FlapState s = FlapState.empty();
    s = DEFAULTS.observe(s, m(0), true);
    s = DEFAULTS.observe(s, m(0), true);
    s = DEFAULTS.observe(s, m(1), true); // a new startsAt without a resolve in between
    s = DEFAULTS.observe(s, m(2), false);
    s = DEFAULTS.observe(s, m(2), false);
    assertThat(DEFAULTS.verdict(s, m(2)).changes()).isEqualTo(1);
    assertThat(s.points()).hasSize(2);
  }

  @Test
  void observationsOfAlertEventsUseTheirEventTime() {
    FlapState s = FlapState.empty();
    s = DEFAULTS.observe(s, RulesFixtures.event("a", "x", AlertStatus.FIRING, m(0), null));
    s = DEFAULTS.observe(s, RulesFixtures.event("a", "x", AlertStatus.RESOLVED, m(0), m(3)));
    assertThat(s.points()).containsExactly(new FlapState.Point(m(0), true), new FlapState.Point(m(3), false));
  }

  @Test
  void theStateStaysSmall() {
    FlapState s = FlapState.empty();
    for (int i = 0; i < 1000; i++) {
      s = DEFAULTS.observe(s, T0.plusSeconds(i * 7L), i % 2 == 0);
    }
    assertThat(s.points()).hasSize(DEFAULTS.threshold() + 2);
    assertThat(s.encode()).hasSize(2 + 8 * (DEFAULTS.threshold() + 2));
    assertThat(DEFAULTS.verdict(s, T0.plusSeconds(999 * 7L)).flapping()).isTrue();
  }

  @Test
  void theCodecAndSerdeRoundTripAndRejectGarbage() {
    FlapState s = DEFAULTS.observe(DEFAULTS.observe(FlapState.empty(), m(0), true), m(1).plusMillis(7), false);
    assertThat(FlapState.decode(s.encode())).isEqualTo(s);
    FlapStateSerde serde = new FlapStateSerde();
    assertThat(serde.deserializer().deserialize("t", serde.serializer().serialize("t", s))).isEqualTo(s);
    assertThat(serde.serializer().serialize("t", null)).isNull();
    assertThat(FlapState.decode(FlapState.empty().encode())).isEqualTo(FlapState.empty());
    assertThatThrownBy(() -> FlapState.decode(new byte[] {9, 0})).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FlapState.decode(new byte[] {1, 3, 0})).hasMessageStartingWith("truncated FlapState");
  }

  @Test
  void settingsAreValidated() {
    assertThatThrownBy(() -> new FlapDetector(0, Duration.ofMinutes(1))).hasMessageContaining("flap-threshold");
    assertThatThrownBy(() -> new FlapDetector(4, Duration.ZERO)).hasMessageContaining("flap-window");
  }

  // ---- property: in-order observations agree with counting the whole history -----------------------

  record Obs(long second, boolean firing) {}

  @Property(tries = 500, seed = "20250701")
  void theBoundedStateAgreesWithTheWholeHistory(@ForAll("histories") List<Obs> history,
                                                @ForAll("thresholds") int threshold,
                                                @ForAll("windows") Duration window) {
    FlapDetector d = new FlapDetector(threshold, window);
    List<Obs> sorted = new ArrayList<>(history);
    sorted.sort(Comparator.comparingLong(Obs::second).thenComparing(Obs::firing, Comparator.reverseOrder()));
    FlapState s = FlapState.empty();
    List<Obs> seen = new ArrayList<>();
    for (Obs o : sorted) {
      s = d.observe(s, T0.plusSeconds(o.second()), o.firing());
      seen.add(o);
      Instant now = T0.plusSeconds(o.second());
      for (Instant at : List.of(now, now.plus(window.dividedBy(2)), now.plus(window))) {
        int expected = bruteChanges(seen, at, window);
        FlapDetector.Verdict v = d.verdict(s, at);
        assertThat(v.flapping()).as("at %s after %s", at, seen).isEqualTo(expected > threshold);
        assertThat(v.changes()).isEqualTo(Math.min(expected, threshold + 1));
      }
      assertThat(FlapState.decode(s.encode())).isEqualTo(s);
    }
  }

  /** Every state change of the whole history (collapsed runs) in (at - window, at]. */
  private static int bruteChanges(List<Obs> seen, Instant at, Duration window) {
    List<Obs> sorted = new ArrayList<>(seen);
    sorted.sort(Comparator.comparingLong(Obs::second).thenComparing(Obs::firing, Comparator.reverseOrder()));
    int n = 0;
    Boolean previous = null;
    for (Obs o : sorted) {
      if (previous != null && previous != o.firing()) {
        Instant t = T0.plusSeconds(o.second());
        if (t.isAfter(at.minus(window)) && !t.isAfter(at)) {
          n++;
        }
      }
      previous = o.firing();
    }
    return n;
  }

  @Provide
  Arbitrary<List<Obs>> histories() {
    return Combinators.combine(Arbitraries.longs().between(0, 7200), Arbitraries.of(true, false)).as(Obs::new)
        .list().ofMinSize(1).ofMaxSize(40);
  }

  @Provide
  Arbitrary<Integer> thresholds() {
    return Arbitraries.integers().between(1, 6);
  }

  @Provide
  Arbitrary<Duration> windows() {
    return Arbitraries.longs().between(60, 3600).map(Duration::ofSeconds);
  }
}
