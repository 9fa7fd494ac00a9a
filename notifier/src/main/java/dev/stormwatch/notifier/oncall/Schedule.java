package dev.stormwatch.notifier.oncall;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An on-call schedule: layers of rotations in one IANA time zone, and overrides. Layers are listed
 * lowest priority first: at any instant the answer is the <em>last</em> layer that has coverage
 * then (PagerDuty's semantics); an override wins over every layer. {@link ScheduleTimeline} answers
 * who is on call and lists shifts.
 *
 * @param id        unique schedule id
 * @param name      display name
 * @param zone      the zone in which starts, handoffs and restrictions are wall-clock times
 * @param layers    rotation layers, lowest priority first
 * @param overrides overrides; where two overlap, the later in the list wins
 */
public record Schedule(String id, String name, ZoneId zone, List<Layer> layers, List<ScheduleOverride> overrides) {

  /** The shortest rotation (a turn) a layer may have. */
  public static final Duration MIN_ROTATION = Duration.ofHours(1);

  /** Validates and copies. */
  public Schedule {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(zone, "zone");
    layers = List.copyOf(layers);
    overrides = List.copyOf(overrides);
  }

  /**
   * One rotation: participants take turns of {@code rotation} local wall-clock time each, the first
   * turn starting at {@code start}. Because turns are measured in wall-clock time, a daily or weekly
   * handoff stays at its local time of day across daylight-saving changes (the turn that spans the
   * change is an hour shorter or longer).
   *
   * @param name         layer name
   * @param start        local date-time of the first handoff (its time of day is the handoff time)
   * @param end          local date-time at which the layer stops, if it does
   * @param rotation     length of one turn in wall-clock time; at least {@link #MIN_ROTATION}
   * @param participants person ids in turn order; never empty
   * @param restrictions when the layer covers at all; empty for always
   */
  public record Layer(String name, LocalDateTime start, Optional<LocalDateTime> end, Duration rotation,
                      List<String> participants, List<Restriction> restrictions) {

    /** Validates and copies. */
    public Layer {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      Objects.requireNonNull(rotation, "rotation");
      participants = List.copyOf(participants);
      restrictions = List.copyOf(restrictions);
      if (rotation.compareTo(MIN_ROTATION) < 0) {
        throw new IllegalArgumentException("a rotation must be at least 1h, was " + rotation);
      }
      if (participants.isEmpty()) {
        throw new IllegalArgumentException("a layer needs at least one participant");
      }
      if (end.isPresent() && !end.get().isAfter(start)) {
        throw new IllegalArgumentException("a layer must end after it starts");
      }
    }
  }

  /**
   * Weekly windows in the schedule's zone: a window starts at {@code start} local time on each of
   * {@code days} and lasts {@code length} of wall-clock time (at most a day; a window may cross
   * midnight, e.g. 22:00 for 8h).
   *
   * @param days   days on which a window starts; never empty
   * @param start  local time of day of each window's start
   * @param length wall-clock length of each window, in (0, 24h]
   */
  public record Restriction(Set<DayOfWeek> days, LocalTime start, Duration length) {

    /** Validates and copies. */
    public Restriction {
      Objects.requireNonNull(days, "days");
      if (days.isEmpty()) {
        throw new IllegalArgumentException("a restriction needs at least one day");
      }
      days = Set.copyOf(EnumSet.copyOf(days));
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(length, "length");
      if (length.isNegative() || length.isZero() || length.compareTo(Duration.ofDays(1)) > 0) {
        throw new IllegalArgumentException("a restriction window must last more than 0 and at most 24h, was "
            + length);
      }
    }
  }

  /**
   * A person on call instead of every layer for {@code [start, end)}.
   *
   * @param person person id
   * @param start  first instant covered
   * @param end    first instant no longer covered; after start
   */
  public record ScheduleOverride(String person, Instant start, Instant end) {

    /** Validates. */
    public ScheduleOverride {
      Objects.requireNonNull(person, "person");
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      if (!end.isAfter(start)) {
        throw new IllegalArgumentException("an override must end after it starts");
      }
    }

    /** Whether it covers {@code t}. */
    public boolean covers(Instant t) {
      return !t.isBefore(start) && t.isBefore(end);
    }
  }
}
