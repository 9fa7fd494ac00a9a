package dev.stormwatch.notifier.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private final RetryPolicy policy = new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(10),
      Duration.ofMinutes(1));

  @Test
  void backsOffExponentiallyUpToTheCap() {
    assertThat(policy.backoff(1)).isEqualTo(Duration.ofSeconds(1));
    assertThat(policy.backoff(2)).isEqualTo(Duration.ofSeconds(2));
    assertThat(policy.backoff(3)).isEqualTo(Duration.ofSeconds(4));
    assertThat(policy.backoff(4)).isEqualTo(Duration.ofSeconds(8));
    assertThat(policy.backoff(5)).isEqualTo(Duration.ofSeconds(10));
    assertThat(policy.backoff(60)).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void stopsAfterTheLastAttempt() {
    assertThat(policy.nextDelay(4, null, Duration.ZERO)).contains(Duration.ofSeconds(8));
    assertThat(policy.nextDelay(5, null, Duration.ZERO)).isEmpty();
  }

  @Test
  void honoursALongerRetryAfterEvenAboveTheBackoffCap() {
    assertThat(policy.nextDelay(1, Duration.ofSeconds(30), Duration.ZERO)).contains(Duration.ofSeconds(30));
    assertThat(policy.nextDelay(3, Duration.ofMillis(10), Duration.ZERO)).contains(Duration.ofSeconds(4));
  }

  @Test
  void neverWaitsPastTheDeadline() {
    assertThat(policy.nextDelay(1, null, Duration.ofMillis(59_001))).isEmpty();
    assertThat(policy.nextDelay(1, Duration.ofSeconds(45), Duration.ofSeconds(20))).isEmpty();
    assertThat(policy.nextDelay(1, null, Duration.ofSeconds(59))).contains(Duration.ofSeconds(1));
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)))
        .hasMessageContaining("retry.max-attempts");
    assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(1)))
        .hasMessageContaining("retry.max-backoff");
  }

  @Property(seed = "20260301")
  void everyDelayIsBoundedByTheDeadlineAndAttempts(@ForAll @IntRange(min = 1, max = 100) int failed,
                                                    @ForAll @LongRange(min = 0, max = 120_000) long elapsedMs,
                                                    @ForAll @LongRange(min = 0, max = 3_600_000) long retryAfterMs) {
    Duration elapsed = Duration.ofMillis(elapsedMs);
    policy.nextDelay(failed, Duration.ofMillis(retryAfterMs), elapsed).ifPresent(delay -> {
      assertThat(failed).isLessThan(policy.maxAttempts());
      assertThat(elapsed.plus(delay)).isLessThanOrEqualTo(policy.deadline());
      assertThat(delay).isGreaterThanOrEqualTo(policy.backoff(failed));
    });
  }
}
