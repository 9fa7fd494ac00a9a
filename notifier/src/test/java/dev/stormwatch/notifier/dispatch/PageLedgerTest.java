package dev.stormwatch.notifier.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.PageOutcome;
import dev.stormwatch.avro.PageResult;
import dev.stormwatch.notifier.channel.Pages;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PageLedgerTest {

  private static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");

  static PageOutcome outcome(String key, ChannelType channel, int attempt, PageResult result) {
    return Outcomes.builder(Pages.trigger(key, channel, "x"), channel, attempt, result, T0).build();
  }

  @Test
  void aFinalOutcomeStaysFinal() {
    PageLedger ledger = new PageLedger(100, Duration.ofHours(1));

    ledger.observe(outcome("k", ChannelType.WEBHOOK, 1, PageResult.SENDING), T0);
    ledger.observe(outcome("k", ChannelType.WEBHOOK, 1, PageResult.DELIVERED), T0);
    ledger.observe(outcome("k", ChannelType.WEBHOOK, 2, PageResult.SENDING), T0);

    assertThat(ledger.get("k")).hasValueSatisfying(e -> {
      assertThat(e.isFinal()).isTrue();
      assertThat(e.lastResult()).isEqualTo(PageResult.DELIVERED);
      assertThat(e.lastAttempt()).isEqualTo(2);
    });
  }

  @Test
  void anIntentWithoutAnswerIsUnconfirmedAndDuplicatesSayNothing() {
    PageLedger ledger = new PageLedger(100, Duration.ofHours(1));

    ledger.observe(outcome("k", ChannelType.SLACK, 1, PageResult.SENDING), T0);
    ledger.observe(outcome("k", ChannelType.SLACK, 1, PageResult.DUPLICATE), T0);

    assertThat(ledger.get("k")).hasValueSatisfying(e -> {
      assertThat(e.unconfirmed()).isTrue();
      assertThat(e.lastChannel()).isEqualTo(ChannelType.SLACK);
    });
    ledger.observe(outcome("k", ChannelType.SLACK, 1, PageResult.RETRYING), T0);
    assertThat(ledger.get("k")).hasValueSatisfying(e -> assertThat(e.unconfirmed()).isFalse());
  }

  @Test
  void isBoundedBySizeAndWindow() {
    PageLedger ledger = new PageLedger(3, Duration.ofMinutes(10));

    for (int i = 0; i < 5; i++) {
      ledger.observe(outcome("k" + i, ChannelType.INBOX, 1, PageResult.DELIVERED), T0);
    }
    assertThat(ledger.size()).isEqualTo(3);
    assertThat(ledger.evictions()).isEqualTo(2);
    assertThat(ledger.get("k0")).isEmpty();
    assertThat(ledger.get("k4")).isPresent();

    ledger.observe(outcome("late", ChannelType.INBOX, 1, PageResult.DELIVERED), T0.plus(Duration.ofMinutes(11)));
    assertThat(ledger.size()).isEqualTo(1);
    assertThat(ledger.evictions()).isEqualTo(2);
  }

  @Test
  void tracksWhatThisProcessIsDelivering() {
    PageLedger ledger = new PageLedger(10, Duration.ofMinutes(10));

    assertThat(ledger.claim("k")).isTrue();
    assertThat(ledger.claim("k")).isFalse();
    assertThat(ledger.inFlight("k")).isTrue();
    ledger.release("k");
    assertThat(ledger.inFlight("k")).isFalse();
  }
}
