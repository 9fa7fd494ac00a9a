package dev.stormwatch.notifier.channel;

import java.net.URI;
import java.util.Map;
import java.util.Objects;

/**
 * One configured generic webhook.
 *
 * @param url     where pages are POSTed
 * @param secret  the signing secret, or null to send unsigned
 * @param headers extra headers sent with every request (e.g. {@code Authorization}); their
 *                values are treated as secrets and never printed
 */
public record WebhookTarget(URI url, Secret secret, Map<String, String> headers) {

  public WebhookTarget {
    Objects.requireNonNull(url, "url");
    headers = Map.copyOf(headers);
  }

  @Override
  public String toString() {
    return "WebhookTarget{url=" + HttpDelivery.host(url) + ", signed=" + (secret != null)
        + ", headers=" + headers.keySet() + "}";
  }
}
