package dev.stormwatch.notifier.channel;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * PagerDuty Events API v2.
 *
 * @param baseUrl     the API's base URL ({@code https://events.pagerduty.com}; events go to
 *                    {@code <baseUrl>/v2/enqueue})
 * @param routingKeys integration (routing) keys by the names recipients use as their address
 */
public record PagerDutySettings(URI baseUrl, Map<String, Secret> routingKeys) {

  /** PagerDuty's own endpoint. */
  public static final URI DEFAULT_BASE_URL = URI.create("https://events.pagerduty.com");

  public PagerDutySettings {
    Objects.requireNonNull(baseUrl, "baseUrl");
    routingKeys = Map.copyOf(routingKeys);
  }

  /** PagerDuty's endpoint and no keys. */
  public static PagerDutySettings defaults() {
    return new PagerDutySettings(DEFAULT_BASE_URL, Map.of());
  }
}
