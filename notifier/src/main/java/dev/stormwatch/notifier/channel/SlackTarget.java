package dev.stormwatch.notifier.channel;

import java.net.URI;
import java.util.Objects;

/**
 * One configured Slack incoming webhook. Its URL carries the token, so it is configured like a
 * secret (usually from an environment variable) and never printed whole.
 *
 * @param url the incoming-webhook URL
 */
public record SlackTarget(URI url) {

  public SlackTarget {
    Objects.requireNonNull(url, "url");
  }

  @Override
  public String toString() {
    return "SlackTarget{host=" + HttpDelivery.host(url) + "}";
  }
}
