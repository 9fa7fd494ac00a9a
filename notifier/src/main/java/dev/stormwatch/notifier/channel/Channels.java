package dev.stormwatch.notifier.channel;

import dev.stormwatch.avro.ChannelType;
import java.net.http.HttpClient;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.Producer;

/**
 * The channel integrations of one dispatcher, by type, built from {@link ChannelSettings}.
 * E-mail exists only when an SMTP server is configured, the inbox only when it is on; the HTTP
 * channels always exist and answer {@code bad_config} for a name that is not configured.
 */
public final class Channels {

  private final Map<ChannelType, Channel> byType;

  private Channels(Map<ChannelType, Channel> byType) {
    this.byType = byType;
  }

  /**
   * Builds the integrations.
   *
   * @param settings   their configuration
   * @param http       the HTTP client (its connect timeout is the settings'); the caller keeps it
   * @param producer   an idempotent producer for the inbox topic; the caller owns it
   * @param inboxTopic the inbox topic
   */
  public static Channels create(ChannelSettings settings, HttpClient http, Producer<byte[], byte[]> producer,
                                String inboxTopic) {
    HttpDelivery delivery = new HttpDelivery(http, settings.requestTimeout());
    Map<ChannelType, Channel> byType = new EnumMap<>(ChannelType.class);
    byType.put(ChannelType.WEBHOOK, new WebhookChannel(settings.webhooks(), delivery));
    byType.put(ChannelType.SLACK, new SlackChannel(settings.slack(), delivery));
    byType.put(ChannelType.PAGERDUTY, new PagerDutyChannel(settings.pagerDuty(), delivery));
    byType.put(ChannelType.OPSGENIE, new OpsgenieChannel(settings.opsgenie(), delivery));
    if (settings.email() != null) {
      byType.put(ChannelType.EMAIL, new EmailChannel(settings.email()));
    }
    if (settings.inbox()) {
      byType.put(ChannelType.INBOX, new InboxChannel(producer, inboxTopic, settings.requestTimeout()));
    }
    return new Channels(byType);
  }

  /** An HTTP client suited to the channels: HTTP/1.1, no redirects, the settings' connect timeout. */
  public static HttpClient httpClient(ChannelSettings settings) {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NEVER)
        .connectTimeout(settings.connectTimeout())
        .build();
  }

  /** The integration for {@code type}, if configured. */
  public Optional<Channel> get(ChannelType type) {
    return Optional.ofNullable(byType.get(type));
  }

  /**
   * Whether a page re-sent through {@code type} is collapsed by the provider; false for a type
   * that is not configured.
   */
  public boolean providerDedups(ChannelType type) {
    Channel channel = byType.get(type);
    return channel != null && channel.providerDedups();
  }
}
