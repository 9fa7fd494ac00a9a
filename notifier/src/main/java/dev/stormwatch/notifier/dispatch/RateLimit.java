package dev.stormwatch.notifier.dispatch;

import java.time.Duration;
import java.util.Objects;

/**
 * The per-recipient rate limit: a token bucket per recipient id holding {@code burst} tokens,
 * one token back every {@code refill}. A page that finds the bucket empty is delayed until its
 * token is due, never dropped.
 *
 * @param enabled       whether pages are limited at all
 * @param burst         pages a recipient can get at once
 * @param refill        time for one token to come back (the sustained rate is one page per refill)
 * @param maxRecipients buckets kept; the least recently used is forgotten beyond it (its
 *                      recipient starts again with a full bucket)
 */
public record RateLimit(boolean enabled, int burst, Duration refill, int maxRecipients) {

  /** Default {@code burst}. */
  public static final int DEFAULT_BURST = 10;
  /** Default {@code refill}: 10 pages a minute sustained. */
  public static final Duration DEFAULT_REFILL = Duration.ofSeconds(6);
  /** Default {@code max-recipients}. */
  public static final int DEFAULT_MAX_RECIPIENTS = 10_000;

  public RateLimit {
    if (burst < 1) {
      throw new IllegalArgumentException("rate-limit.burst must be at least 1, was " + burst);
    }
    Objects.requireNonNull(refill, "rate-limit.refill");
    if (refill.isZero() || refill.isNegative()) {
      throw new IllegalArgumentException("rate-limit.refill must be positive, was " + refill);
    }
    if (maxRecipients < 1) {
      throw new IllegalArgumentException("rate-limit.max-recipients must be at least 1, was " + maxRecipients);
    }
  }

  /** On: bursts of 10, then one page per 6 s per recipient. */
  public static RateLimit defaults() {
    return new RateLimit(true, DEFAULT_BURST, DEFAULT_REFILL, DEFAULT_MAX_RECIPIENTS);
  }
}
