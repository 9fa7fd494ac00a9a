package dev.stormwatch.notifier.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.PageResult;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class DispatchDecisionTest {

  private static final Predicate<ChannelType> DEDUPS =
      Set.of(ChannelType.WEBHOOK, ChannelType.PAGERDUTY, ChannelType.OPSGENIE, ChannelType.INBOX)::contains;
  private static final RecoverySettings DEFAULTS = RecoverySettings.defaults();
  private static final List<Route> SLACK_THEN_EMAIL = List.of(new Route(ChannelType.SLACK, "ops-chat"),
      new Route(ChannelType.EMAIL, "oncall@example.org"));

  private static Optional<PageLedger.Entry> last(PageResult result, ChannelType channel, int attempt) {
    return Optional.of(new PageLedger.Entry(result, channel, attempt, Instant.EPOCH));
  }

  @Test
  void aNewPageIsSentFromItsOwnChannel() {
    DispatchDecision d = DispatchDecision.decide(Optional.empty(), false, SLACK_THEN_EMAIL, DEDUPS, DEFAULTS);

    assertThat(d.kind()).isEqualTo(DispatchDecision.Kind.SEND);
    assertThat(d.startRoute()).isZero();
    assertThat(d.firstAttempt()).isEqualTo(1);
    assertThat(d.possibleDuplicate()).isFalse();
  }

  @Test
  void secondCopiesAreSkipped() {
    assertThat(DispatchDecision.decide(last(PageResult.DELIVERED, ChannelType.SLACK, 1), false, SLACK_THEN_EMAIL,
        DEDUPS, DEFAULTS).kind()).isEqualTo(DispatchDecision.Kind.SKIP_FINAL);
    assertThat(DispatchDecision.decide(last(PageResult.FAILED, ChannelType.EMAIL, 7), false, SLACK_THEN_EMAIL,
        DEDUPS, DEFAULTS).kind()).isEqualTo(DispatchDecision.Kind.SKIP_FINAL);
    assertThat(DispatchDecision.decide(Optional.empty(), true, SLACK_THEN_EMAIL, DEDUPS, DEFAULTS).kind())
        .isEqualTo(DispatchDecision.Kind.SKIP_IN_FLIGHT);
  }

  @Test
  void aPageBetweenAttemptsResumesWhereItWasWithTheNextAttemptNumber() {
    DispatchDecision onFallback = DispatchDecision.decide(last(PageResult.RETRYING, ChannelType.EMAIL, 6), false,
        SLACK_THEN_EMAIL, DEDUPS, DEFAULTS);

    assertThat(onFallback.kind()).isEqualTo(DispatchDecision.Kind.SEND);
    assertThat(onFallback.startRoute()).isEqualTo(1);
    assertThat(onFallback.firstAttempt()).isEqualTo(7);
    assertThat(onFallback.possibleDuplicate()).isFalse();
  }

  @Test
  void anUnconfirmedPageIsResentWhereTheProviderDedups() {
    DispatchDecision d = DispatchDecision.decide(last(PageResult.SENDING, ChannelType.WEBHOOK, 2), false,
        List.of(new Route(ChannelType.WEBHOOK, "ops")), DEDUPS, DEFAULTS);

    assertThat(d.kind()).isEqualTo(DispatchDecision.Kind.RESEND_UNCONFIRMED);
    assertThat(d.firstAttempt()).isEqualTo(3);
    assertThat(d.unconfirmedOn()).isEqualTo(ChannelType.WEBHOOK);
  }

  @Test
  void anUnconfirmedSlackPageIsGivenUpAndAnUnconfirmedEmailResentByDefault() {
    DispatchDecision slack = DispatchDecision.decide(last(PageResult.SENDING, ChannelType.SLACK, 1), false,
        SLACK_THEN_EMAIL, DEDUPS, DEFAULTS);
    DispatchDecision email = DispatchDecision.decide(last(PageResult.SENDING, ChannelType.EMAIL, 4), false,
        SLACK_THEN_EMAIL, DEDUPS, DEFAULTS);

    assertThat(slack.kind()).isEqualTo(DispatchDecision.Kind.GIVE_UP_UNCONFIRMED);
    assertThat(slack.unconfirmedOn()).isEqualTo(ChannelType.SLACK);
    assertThat(email.kind()).isEqualTo(DispatchDecision.Kind.RESEND_UNCONFIRMED);
    assertThat(email.startRoute()).isEqualTo(1);
    assertThat(email.possibleDuplicate()).isTrue();
  }

  @Test
  void thePolicyIsConfigurable() {
    RecoverySettings resendSlack = new RecoverySettings(DEFAULTS.lookback(), DEFAULTS.dedupWindow(),
        DEFAULTS.maxKeys(), Map.of(ChannelType.SLACK, UnconfirmedPolicy.RESEND, ChannelType.EMAIL,
        UnconfirmedPolicy.GIVE_UP));

    assertThat(DispatchDecision.decide(last(PageResult.SENDING, ChannelType.SLACK, 1), false, SLACK_THEN_EMAIL,
        DEDUPS, resendSlack).kind()).isEqualTo(DispatchDecision.Kind.RESEND_UNCONFIRMED);
    assertThat(DispatchDecision.decide(last(PageResult.SENDING, ChannelType.EMAIL, 1), false, SLACK_THEN_EMAIL,
        DEDUPS, resendSlack).kind()).isEqualTo(DispatchDecision.Kind.GIVE_UP_UNCONFIRMED);
  }
}
