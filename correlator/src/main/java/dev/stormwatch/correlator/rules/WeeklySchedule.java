package dev.stormwatch.correlator.rules;

import dev.stormwatch.avro.Weekday;
import dev.stormwatch.avro.WeeklyRecurrence;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.TextStyle;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The weekly slots of a maintenance window: on each of its days, a slot starts at a local time of day
 * in an IANA time zone and lasts a fixed duration. Immutable.
 *
 * <p><b>Slot start is local wall-clock time</b>: the first instant at which the zone's clock reads
 * the start time (or later) on that day. On a day when the clock skips the start time (spring
 * forward, e.g. 02:30 in Europe/Berlin on the last Sunday of March), the slot starts when the clock
 * jumps (03:00 local); on a day when the start time occurs twice (fall back), it starts at the first
 * occurrence. <b>The length is elapsed time</b>: a 2-hour slot is 2 hours long even across a DST
 * change, so it may end at a different wall-clock time than usual. A slot may cross midnight and
 * may be up to 7 days long; a slot starting on a Sunday that runs into Monday is still Sunday's.
 */
public final class WeeklySchedule {

  /** The longest slot: a week. */
  public static final Duration MAX_LENGTH = Duration.ofDays(7);

  private final Set<DayOfWeek> days;
  private final LocalTime startTime;
  private final Duration length;
  private final ZoneId zone;
  private final int lookbackDays;

  /**
   * One slot.
   *
   * @param start first instant in it
   * @param end   first instant after it
   */
  public record Slot(Instant start, Instant end) {
    /** Whether {@code start <= t < end}. */
    public boolean contains(Instant t) {
      return !t.isBefore(start) && t.isBefore(end);
    }
  }

  private WeeklySchedule(Set<DayOfWeek> days, LocalTime startTime, Duration length, ZoneId zone) {
    this.days = Collections.unmodifiableSet(EnumSet.copyOf(days));
    this.startTime = startTime;
    this.length = length;
    this.zone = zone;
    this.lookbackDays = (int) ((length.toMillis() + 86_399_999L) / 86_400_000L) + 2;
  }

  /**
   * A schedule.
   *
   * @throws IllegalArgumentException without days, with a length not in (0, 7 days], or without a
   *                                  start time or zone
   */
  public static WeeklySchedule of(Collection<DayOfWeek> days, LocalTime startTime, Duration length, ZoneId zone) {
    if (days == null || days.isEmpty()) {
      throw new IllegalArgumentException("a weekly recurrence needs at least one weekday");
    }
    if (startTime == null) {
      throw new IllegalArgumentException("a weekly recurrence needs a start time");
    }
    if (length == null || length.isNegative() || length.isZero() || length.compareTo(MAX_LENGTH) > 0) {
      throw new IllegalArgumentException("a weekly recurrence's duration must be more than 0 and at most 7 days, was "
          + length);
    }
    Objects.requireNonNull(zone, "zone");
    return new WeeklySchedule(EnumSet.copyOf(days), startTime, length, zone);
  }

  /**
   * From the Avro recurrence of a {@code Silence} ({@code UNKNOWN} days are ignored).
   *
   * @throws IllegalArgumentException for no known weekday, a bad duration or an unknown time zone
   */
  public static WeeklySchedule fromAvro(WeeklyRecurrence r) {
    List<DayOfWeek> days = new ArrayList<>();
    if (r.getDays() != null) {
      for (Weekday d : r.getDays()) {
        if (d != null && d != Weekday.UNKNOWN) {
          days.add(DayOfWeek.valueOf(d.name()));
        }
      }
    }
    String tz = r.getTimeZone() == null || r.getTimeZone().isBlank() ? "UTC" : r.getTimeZone().strip();
    ZoneId zone;
    try {
      zone = ZoneId.of(tz);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("unknown time zone '" + tz + "' (use an IANA name like Europe/Berlin)", e);
    }
    return of(days, r.getStartTime(), Duration.ofMillis(r.getDurationMillis()), zone);
  }

  /** The Avro recurrence. */
  public WeeklyRecurrence toAvro() {
    return WeeklyRecurrence.newBuilder()
        .setDays(days.stream().map(d -> Weekday.valueOf(d.name())).collect(Collectors.toCollection(ArrayList::new)))
        .setStartTime(startTime)
        .setDurationMillis(length.toMillis())
        .setTimeZone(zone.getId())
        .build();
  }

  /** Days on which a slot starts. */
  public Set<DayOfWeek> days() {
    return days;
  }

  /** Local time of day at which a slot starts. */
  public LocalTime startTime() {
    return startTime;
  }

  /** Length of each slot. */
  public Duration length() {
    return length;
  }

  /** The time zone of {@link #startTime()}. */
  public ZoneId zone() {
    return zone;
  }

  /**
   * When a slot on {@code date} starts (whether or not {@code date} is one of the days): the first
   * instant at which the zone's clock reads {@code date} at the start time or later.
   */
  public Instant slotStart(LocalDate date) {
    LocalDateTime local = date.atTime(startTime);
    ZoneOffsetTransition t = zone.getRules().getTransition(local);
    if (t != null && t.isGap()) {
      return t.getInstant();
    }
    return local.atZone(zone).toInstant(); // in an overlap: the earlier offset, the first occurrence
  }

  /** The slot containing {@code t}; of overlapping ones (slots longer than a day) the one ending last. */
  public Optional<Slot> slotAt(Instant t) {
    LocalDate today = LocalDate.ofInstant(t, zone);
    Slot best = null;
    for (LocalDate d = today.minusDays(lookbackDays); !d.isAfter(today.plusDays(1)); d = d.plusDays(1)) {
      if (!days.contains(d.getDayOfWeek())) {
        continue;
      }
      Instant start = slotStart(d);
      Slot s = new Slot(start, start.plus(length));
      if (s.contains(t) && (best == null || s.end().isAfter(best.end()))) {
        best = s;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Whether {@code t} falls in a slot. */
  public boolean contains(Instant t) {
    return slotAt(t).isPresent();
  }

  /** The first slot start or slot end after {@code t}: when {@link #contains} may next change. */
  public Instant nextBoundaryAfter(Instant t) {
    LocalDate today = LocalDate.ofInstant(t, zone);
    Instant next = null;
    for (LocalDate d = today.minusDays(lookbackDays); !d.isAfter(today.plusDays(8)); d = d.plusDays(1)) {
      if (!days.contains(d.getDayOfWeek())) {
        continue;
      }
      Instant start = slotStart(d);
      for (Instant b : List.of(start, start.plus(length))) {
        if (b.isAfter(t) && (next == null || b.isBefore(next))) {
          next = b;
        }
      }
    }
    return next; // a week always has a slot, so there is always a next boundary
  }

  /** E.g. {@code Tue, Thu at 02:00 Europe/Berlin for 2h}. */
  public String describe() {
    return days.stream().map(d -> d.getDisplayName(TextStyle.SHORT, Locale.ROOT)).collect(Collectors.joining(", "))
        + " at " + startTime + " " + zone.getId() + " for " + Text.duration(length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof WeeklySchedule w && days.equals(w.days) && startTime.equals(w.startTime)
        && length.equals(w.length) && zone.equals(w.zone);
  }

  @Override
  public int hashCode() {
    return Objects.hash(days, startTime, length, zone);
  }

  @Override
  public String toString() {
    return "WeeklySchedule{" + describe() + "}";
  }
}
