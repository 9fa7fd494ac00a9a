package dev.stormwatch.notifier.oncall;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Who is paged, in which order, and how long each level has to acknowledge before the next is
 * paged. After the last level the whole policy runs again, {@code repeats} more times.
 *
 * @param id      unique policy id
 * @param name    display name
 * @param levels  the levels, level 0 first; never empty
 * @param repeats how many more passes after the first (0: the policy runs once)
 */
public record EscalationPolicy(String id, String name, List<Level> levels, int repeats) {

  /** The most repeats a policy may have. */
  public static final int MAX_REPEATS = 10;

  /** Validates and copies. */
  public EscalationPolicy {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    levels = List.copyOf(levels);
    if (levels.isEmpty()) {
      throw new IllegalArgumentException("policy " + id + " has no levels");
    }
    if (repeats < 0 || repeats > MAX_REPEATS) {
      throw new IllegalArgumentException("repeats must be between 0 and " + MAX_REPEATS + ", was " + repeats);
    }
  }

  /** What a target names. */
  public enum TargetKind {
    /** Whoever is on call on the schedule when the level is paged. */
    SCHEDULE,
    /** The person. */
    PERSON,
    /** Every member of the team. */
    TEAM
  }

  /**
   * One target of a level.
   *
   * @param kind what {@code id} names
   * @param id   schedule, person or team id
   */
  public record Target(TargetKind kind, String id) {

    /** Validates. */
    public Target {
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(id, "id");
    }

    /** {@code schedule:primary}. */
    @Override
    public String toString() {
      return kind.name().toLowerCase(java.util.Locale.ROOT) + ":" + id;
    }
  }

  /**
   * One level.
   *
   * @param targets who it pages; never empty
   * @param timeout how long it has to acknowledge before the next level is paged (the file's
   *                {@code wait}); positive
   */
  public record Level(List<Target> targets, Duration timeout) {

    /** Validates and copies. */
    public Level {
      targets = List.copyOf(targets);
      Objects.requireNonNull(timeout, "timeout");
      if (targets.isEmpty()) {
        throw new IllegalArgumentException("a level needs at least one target");
      }
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("a level's wait must be positive, was " + timeout);
      }
    }
  }
}
