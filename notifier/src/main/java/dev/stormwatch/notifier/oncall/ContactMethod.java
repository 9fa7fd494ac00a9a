package dev.stormwatch.notifier.oncall;

import dev.stormwatch.avro.ChannelType;
import java.util.Objects;

/**
 * Where a page goes: a channel and an address on it. The address names a configured integration
 * (a webhook, Slack or PagerDuty/Opsgenie integration of the dispatcher's configuration), or is an
 * email address or a pager inbox name; it is never a secret.
 *
 * @param channel the integration that delivers
 * @param address the address on that channel
 */
public record ContactMethod(ChannelType channel, String address) {

  /** Validates. */
  public ContactMethod {
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(address, "address");
    if (channel == ChannelType.UNKNOWN) {
      throw new IllegalArgumentException("a contact method needs a known channel");
    }
    if (address.isBlank()) {
      throw new IllegalArgumentException("a contact method needs an address");
    }
  }

  /** {@code inbox:alice}, {@code email:alice@example.com}: how reasons and keys show it. */
  public String label() {
    return channel.name().toLowerCase(java.util.Locale.ROOT) + ":" + address;
  }
}
