package dev.stormwatch.notifier.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  @Test
  void aBurstGoesAtOnceAndTheRestIsSpacedByTheRefill() {
    RateLimiter limiter = new RateLimiter(new RateLimit(true, 3, Duration.ofSeconds(10), 100));

    List<Duration> waits = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      waits.add(limiter.reserve("alice", T0));
    }

    assertThat(waits).containsExactly(Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(10),
        Duration.ofSeconds(20), Duration.ofSeconds(30));
  }

  @Test
  void tokensComeBackWithTimeAndRecipientsAreIndependent() {
    RateLimiter limiter = new RateLimiter(new RateLimit(true, 1, Duration.ofSeconds(10), 100));

    assertThat(limiter.reserve("alice", T0)).isZero();
    assertThat(limiter.reserve("alice", T0.plusSeconds(4))).isEqualTo(Duration.ofSeconds(6));
    assertThat(limiter.reserve("bob", T0.plusSeconds(4))).isZero();
    assertThat(limiter.reserve("alice", T0.plusSeconds(60))).isZero();
  }

  @Test
  void offLetsEverythingThrough() {
    RateLimiter limiter = new RateLimiter(new RateLimit(false, 1, Duration.ofHours(1), 100));

    for (int i = 0; i < 10; i++) {
      assertThat(limiter.reserve("alice", T0)).isZero();
    }
  }

  @Test
  void keepsAtMostMaxRecipientsBuckets() {
    RateLimiter limiter = new RateLimiter(new RateLimit(true, 1, Duration.ofSeconds(1), 3));

    for (int i = 0; i < 10; i++) {
      limiter.reserve("r" + i, T0);
    }

    assertThat(limiter.size()).isEqualTo(3);
  }

  @Property(seed = "20260301")
  void neverMoreThanBurstPlusElapsedOverRefill(@ForAll @IntRange(min = 1, max = 5) int burst,
                                               @ForAll @IntRange(min = 1, max = 40) int pages,
                                               @ForAll @IntRange(min = 0, max = 5_000) int gapMs) {
    Duration refill = Duration.ofSeconds(1);
    RateLimiter limiter = new RateLimiter(new RateLimit(true, burst, refill, 10));
    List<Instant> sendTimes = new ArrayList<>();
    Instant now = T0;
    for (int i = 0; i < pages; i++) {
      sendTimes.add(now.plus(limiter.reserve("alice", now)));
      now = now.plusMillis(gapMs);
    }
    // in any window [a, a + w], at most burst + w / refill pages go out; none is dropped
    assertThat(sendTimes).hasSize(pages);
    for (Instant a : sendTimes) {
      for (Instant b : sendTimes) {
        if (!b.isBefore(a)) {
          long inWindow = sendTimes.stream().filter(t -> !t.isBefore(a) && !t.isAfter(b)).count();
          long allowed = burst + Duration.between(a, b).toMillis() / refill.toMillis();
          assertThat(inWindow).isLessThanOrEqualTo(allowed);
        }
      }
    }
  }
}
