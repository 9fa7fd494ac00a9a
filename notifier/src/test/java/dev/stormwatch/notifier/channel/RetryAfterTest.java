package dev.stormwatch.notifier.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

  private static final Instant NOW = Instant.parse("2015-10-21T07:28:00Z");

  @Test
  void readsDelaySecondsAndHttpDates() {
    assertThat(RetryAfter.parse("120", NOW)).contains(Duration.ofSeconds(120));
    assertThat(RetryAfter.parse(" 0 ", NOW)).contains(Duration.ZERO);
    assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:28:30 GMT", NOW)).contains(Duration.ofSeconds(30));
    assertThat(RetryAfter.parse("Wed, 21 Oct 2015 07:00:00 GMT", NOW)).contains(Duration.ZERO);
  }

  @Test
  void capsAbsurdDelaysAndIgnoresGarbage() {
    assertThat(RetryAfter.parse("99999999999999", NOW)).contains(RetryAfter.MAX);
    assertThat(RetryAfter.parse("86400", NOW)).contains(RetryAfter.MAX);
    assertThat(RetryAfter.parse("-5", NOW)).isEmpty();
    assertThat(RetryAfter.parse("soon", NOW)).isEmpty();
    assertThat(RetryAfter.parse("", NOW)).isEmpty();
    assertThat(RetryAfter.parse(null, NOW)).isEmpty();
  }

  @Property(seed = "20260301")
  void neverThrowsAndNeverExceedsTheCap(@ForAll String header) {
    RetryAfter.parse(header, NOW).ifPresent(d -> assertThat(d).isBetween(Duration.ZERO, RetryAfter.MAX));
  }
}
