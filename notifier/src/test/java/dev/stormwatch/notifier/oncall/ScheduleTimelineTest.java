package dev.stormwatch.notifier.oncall;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.notifier.oncall.Schedule.Layer;
import dev.stormwatch.notifier.oncall.Schedule.Restriction;
import dev.stormwatch.notifier.oncall.Schedule.ScheduleOverride;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Who is on call: examples, daylight-saving changes in Europe/Berlin and America/New_York, and a property over whole years. */
class ScheduleTimelineTest {

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  private static Layer weekly(String name, LocalDateTime start, String... people) {
    return new Layer(name, start, Optional.empty(), Duration.ofDays(7), List.of(people), List.of());
  }

  private static Schedule schedule(ZoneId zone, List<Layer> layers, List<ScheduleOverride> overrides) {
    return new Schedule("primary", "Primary", zone, layers, overrides);
  }

  private static Instant local(String text, ZoneId zone) {
    return LocalDateTime.parse(text).atZone(zone).toInstant();
  }

  @Test
  void aWeeklyRotationHandsOverAtItsLocalTimeInTurn() {
    Schedule s = schedule(BERLIN, List.of(weekly("weekly", LocalDateTime.parse("2025-01-06T09:00"), "alice", "bob")),
        List.of());
    assertThat(ScheduleTimeline.at(s, local("2025-01-06T08:59", BERLIN)).person()).isEmpty();
    assertThat(ScheduleTimeline.at(s, local("2025-01-06T09:00", BERLIN)).person()).contains("alice");
    assertThat(ScheduleTimeline.at(s, local("2025-01-13T08:59", BERLIN)).person()).contains("alice");
    assertThat(ScheduleTimeline.at(s, local("2025-01-13T09:00", BERLIN)).person()).contains("bob");
    assertThat(ScheduleTimeline.at(s, local("2025-01-20T09:00", BERLIN)).person()).contains("alice");
    OnCallAnswer answer = ScheduleTimeline.at(s, local("2025-01-14T12:00", BERLIN));
    assertThat(answer.source()).isEqualTo(OnCallAnswer.Source.LAYER);
    assertThat(answer.layer()).isZero();
    assertThat(answer.layers()).containsExactly(Optional.of("bob"));
  }

  @Test
  void aWeeklyTurnAcrossTheSpringChangeInBerlinIs167HoursAndTheAutumnOne169() {
    Schedule s = schedule(BERLIN, List.of(weekly("weekly", LocalDateTime.parse("2025-03-03T09:00"), "alice", "bob")),
        List.of());
    Instant from = local("2025-03-03T09:00", BERLIN);
    Instant to = local("2025-11-03T09:00", BERLIN);
    List<Shift> shifts = ScheduleTimeline.layerShifts(s, 0, from, to);
    assertContiguous(shifts, from, to);
    // 2025-03-30 02:00 CET -> 03:00 CEST: the turn of 24 March is an hour short
    Shift spring = covering(shifts, local("2025-03-30T12:00", BERLIN));
    assertThat(spring.length()).isEqualTo(Duration.ofHours(167));
    assertThat(spring.start()).isEqualTo(Instant.parse("2025-03-24T08:00:00Z"));
    assertThat(spring.end()).isEqualTo(Instant.parse("2025-03-31T07:00:00Z")); // 09:00 CEST
    // 2025-10-26 03:00 CEST -> 02:00 CET: the turn of 20 October is an hour long
    Shift autumn = covering(shifts, local("2025-10-26T12:00", BERLIN));
    assertThat(autumn.length()).isEqualTo(Duration.ofHours(169));
    for (Shift shift : shifts) {
      assertThat(LocalDateTime.ofInstant(shift.start(), BERLIN).toLocalTime()).isEqualTo(LocalTime.of(9, 0));
      assertThat(LocalDateTime.ofInstant(shift.start(), BERLIN).getDayOfWeek()).isEqualTo(DayOfWeek.MONDAY);
    }
    assertThat(shifts.stream().map(Shift::length).filter(d -> !d.equals(Duration.ofHours(168))))
        .containsExactly(Duration.ofHours(167), Duration.ofHours(169));
  }

  @Test
  void aWeeklyRotationInNewYorkAcrossMarchAndNovemberNeitherDropsNorDoublesAnHour() {
    // handoff on Sunday at 01:30, right before the 02:00 change on 9 March and 2 November 2025
    Schedule s = schedule(NEW_YORK, List.of(weekly("weekly", LocalDateTime.parse("2025-01-05T01:30"), "alice",
        "bob", "carol")), List.of());
    Instant from = local("2025-01-05T01:30", NEW_YORK);
    Instant to = local("2025-12-28T01:30", NEW_YORK);
    List<Shift> shifts = ScheduleTimeline.layerShifts(s, 0, from, to);
    assertContiguous(shifts, from, to);
    assertThat(Duration.between(from, to)).isEqualTo(Duration.ofDays(7 * 51)); // the year's changes cancel out
    Shift march = covering(shifts, local("2025-03-09T12:00", NEW_YORK));
    assertThat(march.start()).isEqualTo(local("2025-03-09T01:30", NEW_YORK));
    assertThat(march.length()).isEqualTo(Duration.ofHours(167));
    // 01:30 happens twice on 2 November: the handoff is at the first one (EDT), so the turn that
    // starts then holds the repeated hour and lasts 169h; the hour is neither lost nor counted twice
    Shift before = covering(shifts, Instant.parse("2025-11-01T12:00:00Z"));
    assertThat(before.end()).isEqualTo(Instant.parse("2025-11-02T05:30:00Z"));
    assertThat(before.length()).isEqualTo(Duration.ofHours(168));
    Shift november = covering(shifts, Instant.parse("2025-11-02T06:45:00Z")); // the second 01:45, EST
    assertThat(november.start()).isEqualTo(Instant.parse("2025-11-02T05:30:00Z"));
    assertThat(november.end()).isEqualTo(local("2025-11-09T01:30", NEW_YORK));
    assertThat(november.length()).isEqualTo(Duration.ofHours(169));
    Shift after = covering(shifts, Instant.parse("2025-11-12T12:00:00Z"));
    assertThat(after.length()).isEqualTo(Duration.ofHours(168));
  }

  @Test
  void aHandoffInsideTheSpringGapHappensWhenTheGapEnds() {
    Schedule s = schedule(BERLIN, List.of(new Layer("daily", LocalDateTime.parse("2025-03-28T02:30"),
        Optional.empty(), Duration.ofDays(1), List.of("alice", "bob"), List.of())), List.of());
    List<Shift> shifts = ScheduleTimeline.layerShifts(s, 0, local("2025-03-28T02:30", BERLIN),
        local("2025-04-01T02:30", BERLIN));
    assertThat(shifts).extracting(Shift::start).contains(Instant.parse("2025-03-30T01:00:00Z")); // 03:00 CEST
    assertContiguous(shifts, local("2025-03-28T02:30", BERLIN), local("2025-04-01T02:30", BERLIN));
  }

  @Test
  void theHighestLayerWithCoverageWinsAndAnOverrideWinsOverAll() {
    Layer base = weekly("base", LocalDateTime.parse("2025-01-06T09:00"), "alice", "bob");
    Layer dayShift = new Layer("office hours", LocalDateTime.parse("2025-01-06T09:00"), Optional.empty(),
        Duration.ofDays(1), List.of("carol", "dave"),
        List.of(new Restriction(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), LocalTime.of(9, 0),
            Duration.ofHours(8))));
    ScheduleOverride vacation = new ScheduleOverride("erin", local("2025-01-08T12:00", BERLIN),
        local("2025-01-08T14:00", BERLIN));
    Schedule s = schedule(BERLIN, List.of(base, dayShift), List.of(vacation));
    assertThat(ScheduleTimeline.at(s, local("2025-01-07T10:00", BERLIN)).person()).contains("dave");
    assertThat(ScheduleTimeline.at(s, local("2025-01-07T17:00", BERLIN)).person()).as("after 17:00").contains("alice");
    assertThat(ScheduleTimeline.at(s, local("2025-01-11T10:00", BERLIN)).person()).as("Saturday").contains("alice");
    OnCallAnswer overridden = ScheduleTimeline.at(s, local("2025-01-08T13:00", BERLIN));
    assertThat(overridden.person()).contains("erin");
    assertThat(overridden.source()).isEqualTo(OnCallAnswer.Source.OVERRIDE);
    assertThat(overridden.layers()).containsExactly(Optional.of("alice"), Optional.of("carol"));

    List<Shift> day = ScheduleTimeline.shifts(s, local("2025-01-08T00:00", BERLIN), local("2025-01-09T00:00", BERLIN));
    assertThat(day).extracting(Shift::person).containsExactly("alice", "carol", "erin", "carol", "alice");
    assertThat(day).extracting(x -> LocalDateTime.ofInstant(x.start(), BERLIN).toLocalTime().toString())
        .containsExactly("00:00", "09:00", "12:00", "14:00", "17:00");
  }

  @Test
  void aRestrictionWindowMayCrossMidnight() {
    Layer nights = new Layer("nights", LocalDateTime.parse("2025-01-06T00:00"), Optional.empty(), Duration.ofDays(7),
        List.of("alice"), List.of(new Restriction(EnumSet.of(DayOfWeek.MONDAY), LocalTime.of(22, 0),
        Duration.ofHours(8))));
    Schedule s = schedule(BERLIN, List.of(nights), List.of());
    assertThat(ScheduleTimeline.at(s, local("2025-01-06T21:59", BERLIN)).person()).isEmpty();
    assertThat(ScheduleTimeline.at(s, local("2025-01-06T23:00", BERLIN)).person()).contains("alice");
    assertThat(ScheduleTimeline.at(s, local("2025-01-07T05:59", BERLIN)).person()).contains("alice");
    assertThat(ScheduleTimeline.at(s, local("2025-01-07T06:00", BERLIN)).person()).isEmpty();
    assertThat(ScheduleTimeline.at(s, local("2025-01-07T23:00", BERLIN)).person()).as("Tuesday night").isEmpty();
  }

  @Test
  void aLayerEndsWhereItsEndSays() {
    Layer ending = new Layer("temp", LocalDateTime.parse("2025-01-06T09:00"),
        Optional.of(LocalDateTime.parse("2025-01-10T09:00")), Duration.ofDays(1), List.of("alice"), List.of());
    Schedule s = schedule(BERLIN, List.of(ending), List.of());
    assertThat(ScheduleTimeline.at(s, local("2025-01-10T08:59", BERLIN)).person()).contains("alice");
    assertThat(ScheduleTimeline.at(s, local("2025-01-10T09:00", BERLIN)).person()).isEmpty();
    List<Shift> shifts = ScheduleTimeline.shifts(s, local("2025-01-01T00:00", BERLIN), local("2025-02-01T00:00", BERLIN));
    assertThat(shifts).containsExactly(new Shift("alice", local("2025-01-06T09:00", BERLIN),
        local("2025-01-10T09:00", BERLIN)));
  }

  @Test
  void wholeShiftsReachBeyondTheRangeAskedFor() {
    Schedule s = schedule(BERLIN, List.of(weekly("weekly", LocalDateTime.parse("2025-01-06T09:00"), "alice", "bob")),
        List.of());
    List<Shift> whole = ScheduleTimeline.wholeShifts(s, local("2025-01-08T00:00", BERLIN),
        local("2025-01-09T00:00", BERLIN));
    assertThat(whole).containsExactly(new Shift("alice", local("2025-01-06T09:00", BERLIN),
        local("2025-01-13T09:00", BERLIN)));
  }

  // ---- a property over whole years -----------------------------------------------------------

  /** A weekly rotation with any handoff time (in a gap, in an overlap too), over all of 2025 and 2026. */
  @Property(tries = 200, seed = "20250610")
  void weeklyRotationsAcrossDaylightSavingChangesNeitherDropNorDoubleAnHour(@ForAll("zones") ZoneId zone,
      @ForAll("days") int startDay, @ForAll("minutes") int handoffMinute, @ForAll("sizes") int people) {
    LocalDateTime start = LocalDate.of(2024, 12, 1).plusDays(startDay).atTime(LocalTime.MIN.plusMinutes(handoffMinute));
    List<String> participants = List.of("p0", "p1", "p2", "p3", "p4").subList(0, people);
    Schedule s = schedule(zone, List.of(new Layer("weekly", start, Optional.empty(), Duration.ofDays(7), participants,
        List.of())), List.of());
    Instant from = LocalDate.of(2025, 1, 1).atStartOfDay(zone).toInstant();
    Instant to = LocalDate.of(2027, 1, 1).atStartOfDay(zone).toInstant();
    List<Shift> shifts = ScheduleTimeline.layerShifts(s, 0, from, to);
    assertContiguous(shifts, from, to);
    for (Shift shift : shifts.subList(1, shifts.size() - 1)) {
      assertThat(shift.length()).isBetween(Duration.ofHours(167), Duration.ofHours(169));
    }
  }

  @Provide
  Arbitrary<ZoneId> zones() {
    return Arbitraries.of("Europe/Berlin", "America/New_York").map(ZoneId::of);
  }

  @Provide
  Arbitrary<Integer> days() {
    return Arbitraries.integers().between(0, 30);
  }

  @Provide
  Arbitrary<Integer> minutes() {
    return Arbitraries.oneOf(Arbitraries.integers().between(0, 24 * 60 - 1),
        Arbitraries.of(90, 120, 150, 179, 180)); // around 02:00, where the changes happen
  }

  @Provide
  Arbitrary<Integer> sizes() {
    return Arbitraries.integers().between(1, 5);
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** No hole and no overlap from {@code from} to {@code to}, so the lengths sum to the span. */
  static void assertContiguous(List<Shift> shifts, Instant from, Instant to) {
    assertThat(shifts).isNotEmpty();
    assertThat(shifts.get(0).start()).isEqualTo(from);
    assertThat(shifts.get(shifts.size() - 1).end()).isEqualTo(to);
    for (int i = 1; i < shifts.size(); i++) {
      assertThat(shifts.get(i).start()).isEqualTo(shifts.get(i - 1).end());
    }
    assertThat(shifts.stream().map(Shift::length).reduce(Duration.ZERO, Duration::plus))
        .isEqualTo(Duration.between(from, to));
  }

  private static Shift covering(List<Shift> shifts, Instant t) {
    return shifts.stream().filter(s -> s.covers(t)).findFirst().orElseThrow();
  }
}
