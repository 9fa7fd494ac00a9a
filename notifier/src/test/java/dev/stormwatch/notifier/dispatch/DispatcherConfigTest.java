package dev.stormwatch.notifier.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.stormwatch.avro.ChannelType;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DispatcherConfigTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** The example of notifier/docs/dispatcher.md. */
  static final String EXAMPLE = """
      dispatcher:
        group-id: stormwatch-dispatcher
        workers: 4
        max-in-flight: 256
        commit-interval: 1s
        close-timeout: 10s
        http:
          connect-timeout: 5s
          request-timeout: 10s
        retry:
          max-attempts: 5
          initial-backoff: 1s
          max-backoff: 30s
          deadline: 2m
        rate-limit:
          enabled: true
          burst: 10
          refill: 6s
          max-recipients: 10000
        recovery:
          lookback: 10m
          dedup-window: 24h
          max-keys: 100000
          unconfirmed:
            slack: give-up
            email: resend
        fallback:
          recipients:
            alice: { channel: email, address: alice@example.org }
          channels:
            slack: { channel: inbox, address: ops }
        webhooks:
          ops-hook:
            url: https://hooks.example.org/stormwatch
            secret: ${OPS_HOOK_SECRET}
            headers:
              Authorization: Bearer ${OPS_HOOK_TOKEN:-none}
        slack:
          ops-chat:
            url: ${SLACK_OPS_CHAT_URL}
        pagerduty:
          url: https://events.pagerduty.com
          routing-keys:
            payments: ${PD_PAYMENTS_KEY}
        opsgenie:
          url: https://api.eu.opsgenie.com
          api-keys:
            payments: ${OPSGENIE_PAYMENTS_KEY}
        email:
          host: smtp.example.org
          port: 587
          starttls: true
          from: Stormwatch <stormwatch@example.org>
          username: stormwatch
          password: ${SMTP_PASSWORD}
          timeout: 10s
        inbox:
          enabled: true
      """;

  private static final Map<String, String> ENV = Map.of(
      "OPS_HOOK_SECRET", "whsec-123",
      "SLACK_OPS_CHAT_URL", "https://hooks.slack.com/services/T000/B000/XXXX",
      "PD_PAYMENTS_KEY", "e93facc04764012d7bfb002500d5d1a6",
      "OPSGENIE_PAYMENTS_KEY", "genie-1",
      "SMTP_PASSWORD", "hunter2");

  private static JsonNode section(String yaml) throws Exception {
    return YAML.readTree(yaml).path("dispatcher");
  }

  @Test
  void readsTheDocumentedExample() throws Exception {
    DispatcherConfig config = DispatcherConfig.fromTree(section(EXAMPLE), ENV::get);

    assertThat(config.groupId()).isEqualTo("stormwatch-dispatcher");
    assertThat(config.retry()).isEqualTo(RetryPolicy.defaults());
    assertThat(config.rateLimit()).isEqualTo(RateLimit.defaults());
    assertThat(config.recovery().policy(ChannelType.SLACK)).isEqualTo(UnconfirmedPolicy.GIVE_UP);
    assertThat(config.recovery().policy(ChannelType.EMAIL)).isEqualTo(UnconfirmedPolicy.RESEND);
    assertThat(config.recovery().policy(ChannelType.WEBHOOK)).isEqualTo(UnconfirmedPolicy.RESEND);
    assertThat(config.fallbacks().recipients()).containsEntry("alice", new Route(ChannelType.EMAIL, "alice@example.org"));
    assertThat(config.fallbacks().channels()).containsEntry(ChannelType.SLACK, new Route(ChannelType.INBOX, "ops"));
    assertThat(config.channels().webhooks().get("ops-hook").secret().value()).isEqualTo("whsec-123");
    assertThat(config.channels().webhooks().get("ops-hook").headers()).containsEntry("Authorization", "Bearer none");
    assertThat(config.channels().slack().get("ops-chat").url())
        .isEqualTo(URI.create("https://hooks.slack.com/services/T000/B000/XXXX"));
    assertThat(config.channels().pagerDuty().routingKeys().get("payments").value())
        .isEqualTo("e93facc04764012d7bfb002500d5d1a6");
    assertThat(config.channels().opsgenie().baseUrl()).isEqualTo(URI.create("https://api.eu.opsgenie.com"));
    assertThat(config.channels().email().port()).isEqualTo(587);
    assertThat(config.channels().email().startTls()).isTrue();
    assertThat(config.channels().email().password().value()).isEqualTo("hunter2");
    assertThat(config.channels().email().idDomain()).isEqualTo("example.org");
    assertThat(config.channels().inbox()).isTrue();
  }

  @Test
  void neverPrintsASecret() throws Exception {
    String printed = DispatcherConfig.fromTree(section(EXAMPLE), ENV::get).toString();

    for (String secret : ENV.values()) {
      assertThat(printed).doesNotContain(secret);
    }
    assertThat(printed).doesNotContain("XXXX").contains("hooks.slack.com");
  }

  @Test
  void anAbsentSectionIsEveryDefault() throws Exception {
    assertThat(DispatcherConfig.fromTree(section("other: {}"), ENV::get)).isEqualTo(DispatcherConfig.defaults());
    assertThat(DispatcherConfig.defaults().channels().inbox()).isTrue();
    assertThat(DispatcherConfig.defaults().channels().email()).isNull();
  }

  @Test
  void namesTheKeyOfEveryMistake() throws Exception {
    assertThatThrownBy(() -> DispatcherConfig.fromTree(section("dispatcher: { retyr: {} }"), ENV::get))
        .hasMessageContaining("dispatcher.retyr: unknown key");
    assertThatThrownBy(() -> DispatcherConfig.fromTree(section("dispatcher: { retry: { deadline: 30 } }"), ENV::get))
        .hasMessageContaining("dispatcher.retry.deadline: needs a unit");
    assertThatThrownBy(() -> DispatcherConfig.fromTree(
        section("dispatcher: { pagerduty: { routing-keys: { p: '${NOPE}' } } }"), ENV::get))
        .hasMessageContaining("dispatcher.pagerduty.routing-keys.p: environment variable NOPE is not set");
    assertThatThrownBy(() -> DispatcherConfig.fromTree(
        section("dispatcher: { webhooks: { w: { url: 'ftp://x' } } }"), ENV::get))
        .hasMessageContaining("dispatcher.webhooks.w.url: not an http(s) URL");
    assertThatThrownBy(() -> DispatcherConfig.fromTree(
        section("dispatcher: { recovery: { unconfirmed: { pagerduty: give-up } } }"), ENV::get))
        .hasMessageContaining("only slack and email lack provider dedup");
    assertThatThrownBy(() -> DispatcherConfig.fromTree(
        section("dispatcher: { recovery: { unconfirmed: { slack: maybe } } }"), ENV::get))
        .hasMessageContaining("dispatcher.recovery.unconfirmed.slack: must be resend or give-up");
    assertThatThrownBy(() -> DispatcherConfig.fromTree(
        section("dispatcher: { fallback: { channels: { pager: { channel: email, address: a@b.c } } } }"), ENV::get))
        .hasMessageContaining("dispatcher.fallback.channels.pager: not a channel");
    assertThatThrownBy(() -> DispatcherConfig.fromTree(section("dispatcher: { email: { port: 25 } }"), ENV::get))
        .hasMessageContaining("dispatcher.email.host: required");
  }

  @Test
  void durationsAndNumbersMayComeFromTheEnvironment() throws Exception {
    DispatcherConfig config = DispatcherConfig.fromTree(
        section("dispatcher: { workers: '${W}', commit-interval: '${CI:-250ms}' }"), Map.of("W", "2")::get);

    assertThat(config.workers()).isEqualTo(2);
    assertThat(config.commitInterval()).isEqualTo(Duration.ofMillis(250));
  }
}
