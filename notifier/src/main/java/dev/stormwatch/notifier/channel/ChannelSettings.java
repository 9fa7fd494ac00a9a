package dev.stormwatch.notifier.channel;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Every channel integration's configuration. Secrets are held as {@link Secret}s.
 *
 * @param webhooks       generic webhooks by name
 * @param slack          Slack incoming webhooks by name
 * @param pagerDuty      PagerDuty endpoint and routing keys by name
 * @param opsgenie       Opsgenie endpoint and API keys by name
 * @param email          the SMTP server, or null when e-mail is not configured
 * @param inbox          whether the pager inbox channel is on
 * @param connectTimeout HTTP connect timeout
 * @param requestTimeout HTTP request timeout (one attempt), and the inbox's wait for Kafka
 */
public record ChannelSettings(Map<String, WebhookTarget> webhooks, Map<String, SlackTarget> slack,
                              PagerDutySettings pagerDuty, OpsgenieSettings opsgenie, SmtpSettings email,
                              boolean inbox, Duration connectTimeout, Duration requestTimeout) {

  /** Default {@code connectTimeout}. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);
  /** Default {@code requestTimeout}. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  public ChannelSettings {
    webhooks = Map.copyOf(webhooks);
    slack = Map.copyOf(slack);
    Objects.requireNonNull(pagerDuty, "pagerDuty");
    Objects.requireNonNull(opsgenie, "opsgenie");
    positive(connectTimeout, "http.connect-timeout");
    positive(requestTimeout, "http.request-timeout");
  }

  /** Nothing configured but the pager inbox. */
  public static ChannelSettings defaults() {
    return new ChannelSettings(Map.of(), Map.of(), PagerDutySettings.defaults(), OpsgenieSettings.defaults(), null,
        true, DEFAULT_CONNECT_TIMEOUT, DEFAULT_REQUEST_TIMEOUT);
  }

  private static void positive(Duration d, String key) {
    Objects.requireNonNull(d, key);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(key + " must be positive, was " + d);
    }
  }
}
