package dev.stormwatch.correlator.rules;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.AlertStatus;
import dev.stormwatch.correlator.domain.AlertState;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Flap detection: an alert that changes state (firing to resolved or back) more than
 * {@code flap-threshold} times within {@code flap-window} is flapping (defaults: more than 4 times in
 * 30 minutes, so the 5th change within 30 minutes marks it). Pure: the state is a {@link FlapState}
 * value, time is the alert's event time.
 *
 * <p>The first observation of an alert is not a change; a repeat of the same status is not either.
 * An alert stops flapping when its changes in the window ending at the instant asked about fall back
 * to the threshold ({@link Verdict#calmsAt()} says when that happens if nothing else changes).
 */
public final class FlapDetector {

  /** Largest accepted {@code flap-threshold} (the state keeps threshold + 2 points). */
  public static final int MAX_THRESHOLD = 250;

  private final int threshold;
  private final Duration window;

  /**
   * A detector.
   *
   * @param threshold an alert flaps with more than this many changes...
   * @param window    ...within this long
   */
  public FlapDetector(int threshold, Duration window) {
    if (threshold < 1 || threshold > MAX_THRESHOLD) {
      throw new IllegalArgumentException("flap-threshold must be between 1 and " + MAX_THRESHOLD + ", was " + threshold);
    }
    Objects.requireNonNull(window, "window");
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("flap-window must be positive, was " + window);
    }
    this.threshold = threshold;
    this.window = window;
  }

  /** A detector with {@code flap-threshold} and {@code flap-window}. */
  public static FlapDetector of(RulesSettings settings) {
    return new FlapDetector(settings.flapThreshold(), settings.flapWindow());
  }

  /**
   * Whether the alert flaps at an instant.
   *
   * @param flapping more than the threshold of changes in the window ending at the instant
   * @param changes  changes counted in that window (at most threshold + 1: enough to decide)
   * @param calmsAt  while flapping, when it stops if no other change comes; else null
   * @param reason   human-readable
   */
  public record Verdict(boolean flapping, int changes, Instant calmsAt, String reason) {}

  /** The state after an observation: status {@code firing} at event time {@code at}. */
  public FlapState observe(FlapState state, Instant at, boolean firing) {
    return state.with(at, firing, threshold, window);
  }

  /** The state after an observation, at its event time ({@code startsAt} firing, {@code endsAt} resolved). */
  public FlapState observe(FlapState state, AlertEvent event) {
    return observe(state, AlertState.Observation.eventTime(event), event.getStatus() != AlertStatus.RESOLVED);
  }

  /** The verdict at {@code at} (the latest event time, or a punctuation's timestamp). */
  public Verdict verdict(FlapState state, Instant at) {
    int changes = state.changesWithin(at, window);
    String counted = "changed state " + changes + (changes == 1 ? " time" : " times") + " in " + Text.duration(window);
    if (changes > threshold) {
      Instant calms = state.latestChange(threshold + 1).plus(window);
      return new Verdict(true, changes, calms, "flapping: " + counted + " (more than " + threshold + ")");
    }
    return new Verdict(false, changes, null, counted + " (at most " + threshold + " is not flapping)");
  }

  /** The threshold. */
  public int threshold() {
    return threshold;
  }

  /** The window. */
  public Duration window() {
    return window;
  }
}
