package dev.stormwatch.notifier.oncall;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.notifier.oncall.Schedule.Layer;
import dev.stormwatch.notifier.oncall.Schedule.Restriction;
import dev.stormwatch.notifier.oncall.Schedule.ScheduleOverride;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Issue 6, item 1: coverage invariants of {@link ScheduleTimeline} over arbitrary schedules in zones
 * with daylight-saving changes (including half-hour ones and a skipped day), seeded.
 */
class ScheduleTimelinePropertyTest {

  private static final List<String> ZONES = List.of("Europe/Berlin", "America/New_York", "Australia/Lord_Howe",
      "America/Sao_Paulo", "Europe/London", "Asia/Kolkata", "UTC", "Pacific/Apia", "America/Santiago");
  private static final List<String> PEOPLE = List.of("alice", "bob", "carol", "dave", "erin");

  /** A schedule and a span to look at. */
  record Case(Schedule schedule, Instant from, Instant to, long seed) {
    @Override
    public String toString() {
      return schedule + " over [" + from + ", " + to + ")";
    }
  }

  // ---- properties ----------------------------------------------------------------------------

  @Property(tries = 300, seed = "20250601")
  void anUnrestrictedLayerHasExactlyOnePersonAtEveryInstantOfItsSpan(@ForAll("unrestricted") Case c) {
    Layer layer = c.schedule().layers().get(0);
    ZoneId zone = c.schedule().zone();
    Instant start = max(c.from(), ScheduleTimeline.resolve(layer.start(), zone));
    List<Shift> shifts = ScheduleTimeline.layerShifts(c.schedule(), 0, c.from(), c.to());
    if (!start.isBefore(c.to())) {
      assertThat(shifts).isEmpty();
      return;
    }
    // contiguous from the layer's (or span's) start to the span's end: no hole, no overlap
    assertThat(shifts.get(0).start()).isEqualTo(start);
    assertThat(shifts.get(shifts.size() - 1).end()).isEqualTo(c.to());
    for (int i = 1; i < shifts.size(); i++) {
      assertThat(shifts.get(i).start()).as("shift %d starts where %d ends", i, i - 1).isEqualTo(shifts.get(i - 1).end());
    }
    Duration total = shifts.stream().map(Shift::length).reduce(Duration.ZERO, Duration::plus);
    assertThat(total).isEqualTo(Duration.between(start, c.to()));
    // the shifts agree with point queries: exactly one person at every instant
    Random random = new Random(c.seed());
    for (Shift s : shifts) {
      assertThat(ScheduleTimeline.personOf(layer, zone, s.start())).contains(s.person());
      assertThat(ScheduleTimeline.personOf(layer, zone, s.end().minusMillis(1))).contains(s.person());
    }
    for (int i = 0; i < 50; i++) {
      Instant t = between(random, start, c.to());
      assertThat(shifts.stream().filter(s -> s.covers(t)).map(Shift::person).toList())
          .containsExactly(ScheduleTimeline.personOf(layer, zone, t).orElseThrow());
    }
    // handoffs of consecutive turns go to the next participant in order
    for (int i = 1; i < shifts.size(); i++) {
      int prev = layer.participants().indexOf(shifts.get(i - 1).person());
      if (layer.participants().size() > 1 && layer.participants().stream().distinct().count()
          == layer.participants().size()) {
        assertThat(shifts.get(i).person()).isEqualTo(layer.participants().get((prev + 1) % layer.participants().size()));
      }
    }
  }

  @Property(tries = 300, seed = "20250602")
  void aRestrictedLayerCoversExactlyItsWindowsWithOnePersonEach(@ForAll("restricted") Case c) {
    Layer layer = c.schedule().layers().get(0);
    ZoneId zone = c.schedule().zone();
    List<Shift> shifts = ScheduleTimeline.layerShifts(c.schedule(), 0, c.from(), c.to());
    for (int i = 1; i < shifts.size(); i++) {
      assertThat(shifts.get(i).start()).as("ordered, not overlapping").isAfterOrEqualTo(shifts.get(i - 1).end());
    }
    Random random = new Random(c.seed());
    for (int i = 0; i < 100; i++) {
      Instant t = between(random, c.from(), c.to());
      List<String> covering = shifts.stream().filter(s -> s.covers(t)).map(Shift::person).toList();
      Optional<String> point = ScheduleTimeline.personOf(layer, zone, t);
      assertThat(covering).as("at %s", t).hasSizeLessThanOrEqualTo(1);
      assertThat(covering.stream().findFirst()).as("at %s", t).isEqualTo(point);
    }
    for (Shift s : shifts) {
      assertThat(ScheduleTimeline.personOf(layer, zone, s.start())).contains(s.person());
      assertThat(ScheduleTimeline.personOf(layer, zone, s.end().minusMillis(1))).contains(s.person());
    }
  }

  @Property(tries = 200, seed = "20250603")
  void theFinalTimelineAgreesWithPointQueriesAndOverridesWin(@ForAll("layered") Case c) {
    Schedule schedule = c.schedule();
    List<Shift> shifts = ScheduleTimeline.shifts(schedule, c.from(), c.to());
    for (int i = 1; i < shifts.size(); i++) {
      assertThat(shifts.get(i).start()).isAfterOrEqualTo(shifts.get(i - 1).end());
      if (shifts.get(i).start().equals(shifts.get(i - 1).end())) {
        assertThat(shifts.get(i).person()).as("adjacent pieces of one person are merged")
            .isNotEqualTo(shifts.get(i - 1).person());
      }
    }
    Random random = new Random(c.seed());
    for (int i = 0; i < 100; i++) {
      Instant t = between(random, c.from(), c.to());
      OnCallAnswer answer = ScheduleTimeline.at(schedule, t);
      assertThat(shifts.stream().filter(s -> s.covers(t)).map(Shift::person).findFirst()).as("at %s", t)
          .isEqualTo(answer.person());
      Optional<ScheduleOverride> override = schedule.overrides().stream().filter(o -> o.covers(t))
          .reduce((a, b) -> b);
      if (override.isPresent()) {
        assertThat(answer.person()).as("the override wins at %s", t).contains(override.get().person());
        assertThat(answer.source()).isEqualTo(OnCallAnswer.Source.OVERRIDE);
      } else {
        // else the highest layer with coverage
        Optional<String> highest = Optional.empty();
        for (Optional<String> p : answer.layers()) {
          if (p.isPresent()) {
            highest = p;
          }
        }
        assertThat(answer.person()).isEqualTo(highest);
      }
    }
  }

  /**
   * Calendar event ids hash person and start: a shift must start at the same instant whatever range
   * shows it (up to the look-around bound, beyond which a start is cut: those are left out here).
   */
  @Property(tries = 100, seed = "20250604")
  void wholeShiftsStartTheSameWhateverRangeAsksForThem(@ForAll("layered") Case c) {
    Schedule schedule = c.schedule();
    Instant bound = c.to().minus(ScheduleTimeline.MAX_LOOKAROUND);
    List<String> whole = starts(ScheduleTimeline.wholeShifts(schedule, c.from(), c.to()), bound);
    Random random = new Random(c.seed());
    Instant mid = between(random, c.from(), c.to());
    List<String> union = new ArrayList<>(starts(ScheduleTimeline.wholeShifts(schedule, c.from(), mid), bound));
    for (String s : starts(ScheduleTimeline.wholeShifts(schedule, mid, c.to()), bound)) {
      if (!union.contains(s)) {
        union.add(s);
      }
    }
    assertThat(union).isEqualTo(whole);
  }

  private static List<String> starts(List<Shift> shifts, Instant bound) {
    return shifts.stream().filter(s -> s.start().isAfter(bound)).map(s -> s.person() + "@" + s.start()).toList();
  }

  // ---- generators ----------------------------------------------------------------------------

  @Provide
  Arbitrary<Case> unrestricted() {
    return Combinators.combine(zones(), layers(false), spans(), Arbitraries.longs())
        .as((zone, layer, span, seed) -> inCase(zone, List.of(layer), List.of(), span, seed));
  }

  @Provide
  Arbitrary<Case> restricted() {
    return Combinators.combine(zones(), layers(true), spans(), Arbitraries.longs())
        .as((zone, layer, span, seed) -> inCase(zone, List.of(layer), List.of(), span, seed));
  }

  @Provide
  Arbitrary<Case> layered() {
    return Combinators.combine(zones(), layers(true).list().ofMinSize(1).ofMaxSize(3), spans(),
            Arbitraries.longs(), Arbitraries.integers().between(0, 3))
        .as((zone, layers, span, seed, overrides) -> {
          Case base = inCase(zone, layers, List.of(), span, seed);
          Random random = new Random(seed);
          List<ScheduleOverride> os = new ArrayList<>();
          for (int i = 0; i < overrides; i++) {
            Instant a = between(random, base.from(), base.to());
            Instant b = a.plus(Duration.ofMinutes(1 + random.nextInt(5 * 24 * 60)));
            os.add(new ScheduleOverride(PEOPLE.get(random.nextInt(PEOPLE.size())), a, b));
          }
          Schedule s = base.schedule();
          return new Case(new Schedule(s.id(), s.name(), s.zone(), s.layers(), os), base.from(), base.to(), seed);
        });
  }

  private static Case inCase(ZoneId zone, List<Layer> layers, List<ScheduleOverride> overrides, long[] span,
                             long seed) {
    Schedule schedule = new Schedule("s", "S", zone, layers, overrides);
    LocalDateTime anchor = layers.get(0).start().plusDays(span[0]).plusMinutes(span[2]);
    Instant from = ScheduleTimeline.resolve(anchor, zone);
    Instant to = from.plus(Duration.ofMinutes(span[1]));
    return new Case(schedule, from, to, seed);
  }

  /** [days from the layer start to the span's start (may be negative), span length in minutes, extra minutes]. */
  private static Arbitrary<long[]> spans() {
    return Combinators.combine(Arbitraries.longs().between(-20, 200), Arbitraries.longs().between(1, 60L * 24 * 45),
        Arbitraries.longs().between(0, 24 * 60)).as((d, len, m) -> new long[] {d, len, m});
  }

  private static Arbitrary<ZoneId> zones() {
    return Arbitraries.of(ZONES).map(ZoneId::of);
  }

  private static Arbitrary<Layer> layers(boolean restricted) {
    Arbitrary<LocalDateTime> starts = Combinators.combine(Arbitraries.integers().between(2010, 2030),
            Arbitraries.integers().between(1, 365), Arbitraries.integers().between(0, 47))
        .as((y, d, half) -> LocalDateTime.of(y, 1, 1, 0, 0).plusDays(d - 1L).plusMinutes(30L * half));
    Arbitrary<Duration> rotations = Arbitraries.oneOf(
        Arbitraries.of(Duration.ofDays(1), Duration.ofDays(7), Duration.ofHours(12), Duration.ofHours(8),
            Duration.ofDays(3)),
        Arbitraries.integers().between(1, 400).map(h -> Duration.ofHours(h)),
        Arbitraries.integers().between(60, 3000).map(m -> Duration.ofMinutes(m)));
    Arbitrary<List<String>> participants = Arbitraries.of(PEOPLE).list().ofMinSize(1).ofMaxSize(5);
    Arbitrary<List<Restriction>> restrictions = restricted
        ? restriction().list().ofMinSize(0).ofMaxSize(2)
        : Arbitraries.just(List.of());
    return Combinators.combine(starts, rotations, participants, restrictions)
        .as((start, rotation, people, rs) -> new Layer("l", start, Optional.empty(), rotation, people, rs));
  }

  private static Arbitrary<Restriction> restriction() {
    Arbitrary<Set<DayOfWeek>> days = Arbitraries.of(DayOfWeek.values()).set().ofMinSize(1).ofMaxSize(7)
        .map(s -> EnumSet.copyOf(s));
    return Combinators.combine(days, Arbitraries.integers().between(0, 95), Arbitraries.integers().between(1, 96))
        .as((d, quarter, length) -> new Restriction(d, LocalTime.of(0, 0).plusMinutes(15L * quarter),
            Duration.ofMinutes(15L * length)));
  }

  private static Instant between(Random random, Instant from, Instant to) {
    long span = Duration.between(from, to).toMillis();
    return from.plusMillis(span <= 0 ? 0 : (long) (random.nextDouble() * span));
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}
