package dev.stormwatch.notifier.oncall;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A person on call for {@code [start, end)}.
 *
 * @param person person id
 * @param start  first instant
 * @param end    first instant after it; after start
 */
public record Shift(String person, Instant start, Instant end) {

  /** Validates. */
  public Shift {
    Objects.requireNonNull(person, "person");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    if (!end.isAfter(start)) {
      throw new IllegalArgumentException("a shift must end after it starts: " + start + " .. " + end);
    }
  }

  /** Its length. */
  public Duration length() {
    return Duration.between(start, end);
  }

  /** Whether it covers {@code t}. */
  public boolean covers(Instant t) {
    return !t.isBefore(start) && t.isBefore(end);
  }
}
