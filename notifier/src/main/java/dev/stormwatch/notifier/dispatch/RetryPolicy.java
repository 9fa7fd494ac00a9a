package dev.stormwatch.notifier.dispatch;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a retryable failure is retried on one channel: exponential backoff from
 * {@code initialBackoff}, doubling per failed attempt up to {@code maxBackoff}, at most
 * {@code maxAttempts} attempts, and none that would start after {@code deadline} (counted from
 * the first attempt on the channel). A provider's {@code Retry-After} is honoured: the wait is
 * the longer of it and the backoff, and when that passes the deadline the channel is given up.
 * Each channel of a page (its own, then the fallback) gets the whole policy.
 *
 * @param maxAttempts    attempts per channel, at least 1
 * @param initialBackoff wait after the first failure
 * @param maxBackoff     longest computed backoff
 * @param deadline       no attempt starts later than this after the channel's first attempt
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration deadline) {

  /** Default {@code max-attempts}. */
  public static final int DEFAULT_MAX_ATTEMPTS = 5;
  /** Default {@code initial-backoff}. */
  public static final Duration DEFAULT_INITIAL_BACKOFF = Duration.ofSeconds(1);
  /** Default {@code max-backoff}. */
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
  /** Default {@code deadline}. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofMinutes(2);

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("retry.max-attempts must be at least 1, was " + maxAttempts);
    }
    positive(initialBackoff, "retry.initial-backoff");
    positive(maxBackoff, "retry.max-backoff");
    positive(deadline, "retry.deadline");
    if (maxBackoff.compareTo(initialBackoff) < 0) {
      throw new IllegalArgumentException("retry.max-backoff (" + maxBackoff + ") must be at least retry.initial-backoff ("
          + initialBackoff + ")");
    }
  }

  /** The documented defaults: 5 attempts, 1 s doubling to 30 s, within 2 minutes. */
  public static RetryPolicy defaults() {
    return new RetryPolicy(DEFAULT_MAX_ATTEMPTS, DEFAULT_INITIAL_BACKOFF, DEFAULT_MAX_BACKOFF, DEFAULT_DEADLINE);
  }

  /** The computed backoff after {@code failedAttempts} failures (1 = after the first). */
  public Duration backoff(int failedAttempts) {
    Duration d = initialBackoff;
    for (int i = 1; i < failedAttempts && d.compareTo(maxBackoff) < 0; i++) {
      d = d.multipliedBy(2);
    }
    return d.compareTo(maxBackoff) > 0 ? maxBackoff : d;
  }

  /**
   * How long to wait before the next attempt on this channel, or empty to give the channel up.
   *
   * @param failedAttempts attempts on this channel so far, all failed (at least 1)
   * @param retryAfter     the provider's {@code Retry-After}, or null
   * @param elapsed        time since the channel's first attempt started
   */
  public Optional<Duration> nextDelay(int failedAttempts, Duration retryAfter, Duration elapsed) {
    if (failedAttempts >= maxAttempts) {
      return Optional.empty();
    }
    Duration delay = backoff(failedAttempts);
    if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
      delay = retryAfter;
    }
    if (elapsed.plus(delay).compareTo(deadline) > 0) {
      return Optional.empty();
    }
    return Optional.of(delay);
  }

  private static void positive(Duration d, String key) {
    Objects.requireNonNull(d, key);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(key + " must be positive, was " + d);
    }
  }
}
