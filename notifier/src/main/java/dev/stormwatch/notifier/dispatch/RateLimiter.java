package dev.stormwatch.notifier.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The per-recipient token buckets of {@link RateLimit}, as reservations: {@link #reserve}
 * takes the recipient's next token and says how long to wait until it is due (zero when one is
 * available now). Pages for one recipient are therefore spaced out in the order they asked, and
 * none is refused. Implemented as the generic cell rate algorithm: per recipient only the time
 * at which the bucket would be full again is kept. Bounded by {@link RateLimit#maxRecipients()}
 * (least recently used forgotten). Thread-safe; the clock is the caller's.
 */
final class RateLimiter {

  private final RateLimit limit;
  private final Duration tolerance;
  private final Map<String, Instant> theoreticalArrival;

  RateLimiter(RateLimit limit) {
    this.limit = limit;
    this.tolerance = limit.refill().multipliedBy(limit.burst() - 1L);
    this.theoreticalArrival = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Instant> eldest) {
        return size() > limit.maxRecipients();
      }
    };
  }

  /**
   * Takes a token for {@code recipient}.
   *
   * @return how long the page must wait for it; zero when it may go now
   */
  synchronized Duration reserve(String recipient, Instant now) {
    if (!limit.enabled()) {
      return Duration.ZERO;
    }
    Instant tat = theoreticalArrival.get(recipient);
    if (tat == null || tat.isBefore(now)) {
      tat = now;
    }
    Instant allowedAt = tat.minus(tolerance);
    theoreticalArrival.put(recipient, tat.plus(limit.refill()));
    return allowedAt.isAfter(now) ? Duration.between(now, allowedAt) : Duration.ZERO;
  }

  /** Recipients with a bucket. */
  synchronized int size() {
    return theoreticalArrival.size();
  }
}
