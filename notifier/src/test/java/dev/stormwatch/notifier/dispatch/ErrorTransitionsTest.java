package dev.stormwatch.notifier.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.notifier.channel.FailureReason;
import org.junit.jupiter.api.Test;

class ErrorTransitionsTest {

  @Test
  void reportsOnlyChangesOfATargetsErrorKind() {
    ErrorTransitions transitions = new ErrorTransitions();
    Route hook = new Route(ChannelType.WEBHOOK, "hook");
    Route chat = new Route(ChannelType.SLACK, "chat");

    assertThat(transitions.changed(hook, null)).as("first success").isFalse();
    assertThat(transitions.changed(hook, FailureReason.HTTP_5XX)).as("ok -> http_5xx").isTrue();
    assertThat(transitions.changed(hook, FailureReason.HTTP_5XX)).as("again http_5xx").isFalse();
    assertThat(transitions.changed(hook, FailureReason.TIMEOUT)).as("http_5xx -> timeout").isTrue();
    assertThat(transitions.changed(chat, FailureReason.TIMEOUT)).as("another target's first failure").isTrue();
    assertThat(transitions.changed(hook, null)).as("timeout -> ok").isTrue();
    assertThat(transitions.changed(hook, null)).as("still ok").isFalse();
  }
}
