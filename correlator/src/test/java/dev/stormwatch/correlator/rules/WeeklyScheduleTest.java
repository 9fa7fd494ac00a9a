package dev.stormwatch.correlator.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stormwatch.avro.Weekday;
import dev.stormwatch.avro.WeeklyRecurrence;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class WeeklyScheduleTest {

  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

  private static Instant t(String iso) {
    return Instant.parse(iso);
  }

  @Test
  void aSlotIsLocalWallClockTimeInItsZone() {
    WeeklySchedule s = WeeklySchedule.of(List.of(DayOfWeek.TUESDAY), LocalTime.of(2, 0), Duration.ofHours(2), BERLIN);
    // winter: 02:00 CET = 01:00Z
    assertThat(s.contains(t("2025-01-14T00:59:59Z"))).isFalse();
    assertThat(s.contains(t("2025-01-14T01:00:00Z"))).isTrue();
    assertThat(s.contains(t("2025-01-14T02:59:59Z"))).isTrue();
    assertThat(s.contains(t("2025-01-14T03:00:00Z"))).isFalse();
    // summer: 02:00 CEST = 00:00Z
    assertThat(s.contains(t("2025-07-15T00:00:00Z"))).isTrue();
    assertThat(s.contains(t("2025-07-15T01:59:59Z"))).isTrue();
    assertThat(s.contains(t("2025-07-15T02:00:00Z"))).isFalse();
    // not on Wednesdays
    assertThat(s.contains(t("2025-07-16T00:30:00Z"))).isFalse();
    assertThat(s.slotAt(t("2025-07-15T01:00:00Z"))).contains(
        new WeeklySchedule.Slot(t("2025-07-15T00:00:00Z"), t("2025-07-15T02:00:00Z")));
  }

  @Test
  void onSpringForwardASkippedStartTimeStartsWhenTheClockJumps() {
    // Sunday 2025-03-30 in Berlin: 02:00 CET jumps to 03:00 CEST (at 01:00Z); 02:30 never happens
    WeeklySchedule s = WeeklySchedule.of(List.of(DayOfWeek.SUNDAY), LocalTime.of(2, 30), Duration.ofHours(1), BERLIN);
    assertThat(s.slotStart(LocalDate.of(2025, 3, 30))).isEqualTo(t("2025-03-30T01:00:00Z"));
    assertThat(s.contains(t("2025-03-30T00:59:59Z"))).isFalse();
    assertThat(s.contains(t("2025-03-30T01:00:00Z"))).isTrue();
    assertThat(s.contains(t("2025-03-30T01:59:59Z"))).isTrue(); // the length is elapsed time: 1h
    assertThat(s.contains(t("2025-03-30T02:00:00Z"))).isFalse();
    // the Sunday before: 02:30 CET = 01:30Z
    assertThat(s.contains(t("2025-03-23T01:29:59Z"))).isFalse();
    assertThat(s.contains(t("2025-03-23T01:30:00Z"))).isTrue();
  }

  @Test
  void onFallBackARepeatedStartTimeStartsAtItsFirstOccurrence() {
    // Sunday 2025-10-26 in Berlin: 03:00 CEST falls back to 02:00 CET (at 01:00Z); 02:30 happens twice
    WeeklySchedule s = WeeklySchedule.of(List.of(DayOfWeek.SUNDAY), LocalTime.of(2, 30), Duration.ofHours(1), BERLIN);
    assertThat(s.slotStart(LocalDate.of(2025, 10, 26))).isEqualTo(t("2025-10-26T00:30:00Z"));
    assertThat(s.contains(t("2025-10-26T00:30:00Z"))).isTrue();
    assertThat(s.contains(t("2025-10-26T01:29:59Z"))).isTrue();
    assertThat(s.contains(t("2025-10-26T01:30:00Z"))).isFalse(); // 02:30 CET, the second time: not a new slot
  }

  @Test
  void aSlotMayCrossMidnightAndBelongsToItsStartDay() {
    WeeklySchedule s = WeeklySchedule.of(List.of(DayOfWeek.FRIDAY), LocalTime.of(22, 0), Duration.ofHours(4),
        ZoneId.of("UTC"));
    assertThat(s.contains(t("2025-06-06T21:59:59Z"))).isFalse();
    assertThat(s.contains(t("2025-06-06T22:00:00Z"))).isTrue();
    assertThat(s.contains(t("2025-06-07T01:59:59Z"))).isTrue(); // Saturday, in Friday's slot
    assertThat(s.contains(t("2025-06-07T02:00:00Z"))).isFalse();
    assertThat(s.contains(t("2025-06-07T22:30:00Z"))).isFalse(); // Saturday has no slot of its own
  }

  @Test
  void theNextBoundaryIsTheNextSlotStartOrEnd() {
    WeeklySchedule s = WeeklySchedule.of(List.of(DayOfWeek.TUESDAY, DayOfWeek.THURSDAY), LocalTime.of(2, 0),
        Duration.ofHours(2), BERLIN);
    assertThat(s.nextBoundaryAfter(t("2025-07-14T12:00:00Z"))).isEqualTo(t("2025-07-15T00:00:00Z"));
    assertThat(s.nextBoundaryAfter(t("2025-07-15T00:00:00Z"))).isEqualTo(t("2025-07-15T02:00:00Z"));
    assertThat(s.nextBoundaryAfter(t("2025-07-15T02:00:00Z"))).isEqualTo(t("2025-07-17T00:00:00Z"));
    assertThat(s.describe()).isEqualTo("Tue, Thu at 02:00 Europe/Berlin for 2h");
  }

  @Test
  void fromAvroValidates() {
    WeeklyRecurrence ok = WeeklyRecurrence.newBuilder().setDays(List.of(Weekday.MONDAY, Weekday.UNKNOWN))
        .setStartTime(LocalTime.of(1, 0)).setDurationMillis(3_600_000).setTimeZone("America/New_York").build();
    WeeklySchedule s = WeeklySchedule.fromAvro(ok);
    assertThat(s.days()).containsExactly(DayOfWeek.MONDAY);
    assertThat(s.toAvro().getDays()).containsExactly(Weekday.MONDAY);
    assertThatThrownBy(() -> WeeklySchedule.fromAvro(WeeklyRecurrence.newBuilder(ok).setTimeZone("Mars/Olympus").build()))
        .hasMessageStartingWith("unknown time zone 'Mars/Olympus'");
    assertThatThrownBy(() -> WeeklySchedule.fromAvro(WeeklyRecurrence.newBuilder(ok).setDays(List.of(Weekday.UNKNOWN))
        .build())).hasMessage("a weekly recurrence needs at least one weekday");
    assertThatThrownBy(() -> WeeklySchedule.fromAvro(WeeklyRecurrence.newBuilder(ok).setDurationMillis(0).build()))
        .hasMessageContaining("duration must be more than 0");
    assertThatThrownBy(() -> WeeklySchedule.fromAvro(WeeklyRecurrence.newBuilder(ok)
        .setDurationMillis(Duration.ofDays(8).toMillis()).build())).hasMessageContaining("at most 7 days");
  }

  // ---- property: agrees with a minute-by-minute walk of the wall clock across DST ----------------

  /** A schedule and a window of 3 days around a time-zone transition. */
  record Case(WeeklySchedule schedule, Instant from, Instant to) {}

  @Property(tries = 150, seed = "20250601")
  void slotMembershipAgreesWithAMinuteByMinuteWalkAcrossTransitions(@ForAll("cases") Case c) {
    WeeklySchedule s = c.schedule();
    ZoneId zone = s.zone();
    Instant walkFrom = c.from().minus(s.length()).minus(Duration.ofDays(3));
    LocalDate firstEligible = LocalDate.ofInstant(walkFrom, zone).plusDays(1);
    Set<LocalDate> started = new HashSet<>();
    Instant lastStart = null;
    for (Instant m = walkFrom; m.isBefore(c.to()); m = m.plusSeconds(60)) {
      LocalDateTime local = LocalDateTime.ofInstant(m, zone);
      // a slot of day D starts at the first minute the wall clock reads D at the start time or later
      for (LocalDate d : List.of(local.toLocalDate().minusDays(1), local.toLocalDate())) {
        if (!d.isBefore(firstEligible) && s.days().contains(d.getDayOfWeek())
            && !local.isBefore(d.atTime(s.startTime())) && started.add(d)) {
          lastStart = m;
        }
      }
      if (!m.isBefore(c.from())) {
        boolean expected = lastStart != null && m.isBefore(lastStart.plus(s.length()));
        assertThat(s.contains(m)).as("%s at %s (%s)", s, m, local).isEqualTo(expected);
      }
    }
  }

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<ZoneId> zones = Arbitraries.of("Europe/Berlin", "America/New_York", "Australia/Sydney",
        "Australia/Lord_Howe", "America/Santiago", "America/Havana", "Pacific/Chatham", "Asia/Beirut",
        "America/St_Johns", "UTC").map(ZoneId::of);
    Arbitrary<Set<DayOfWeek>> days = Arbitraries.of(DayOfWeek.values()).set().ofMinSize(1).ofMaxSize(7)
        .map(EnumSet::copyOf);
    Arbitrary<LocalTime> start = Combinators.combine(Arbitraries.integers().between(0, 23),
        Arbitraries.of(0, 0, 15, 30, 45, 59, 1)).as(LocalTime::of);
    Arbitrary<Duration> length = Arbitraries.oneOf(
        Arbitraries.longs().between(1, 240).map(Duration::ofMinutes),
        Arbitraries.longs().between(1, 4 * 24 * 60).map(Duration::ofMinutes));
    Arbitrary<Long> when = Arbitraries.longs().between(Instant.parse("2024-01-01T00:00:00Z").getEpochSecond(),
        Instant.parse("2026-12-01T00:00:00Z").getEpochSecond());
    return Combinators.combine(zones, days, start, length, when).as((zone, d, st, len, epoch) -> {
      ZoneOffsetTransition tr = zone.getRules().nextTransition(Instant.ofEpochSecond(epoch));
      Instant centre = tr == null ? Instant.ofEpochSecond(epoch) : tr.getInstant();
      return new Case(WeeklySchedule.of(d, st, len, zone), centre.minus(Duration.ofHours(36)),
          centre.plus(Duration.ofHours(36)));
    });
  }
}
