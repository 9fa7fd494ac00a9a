package dev.stormwatch.notifier.dispatch;

import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.PageRequest;
import java.util.Map;
import java.util.Optional;

/**
 * Where a page goes when its own channel has failed for good: the recipient's fallback (by
 * recipient id), else the fallback of the page's channel. Only one fallback is tried; when it
 * fails too, the page is FAILED and the escalation policy's next level follows on its timeout.
 *
 * @param recipients fallback routes by recipient id
 * @param channels   fallback routes by the page's channel
 */
public record Fallbacks(Map<String, Route> recipients, Map<ChannelType, Route> channels) {

  public Fallbacks {
    recipients = Map.copyOf(recipients);
    channels = Map.copyOf(channels);
  }

  /** No fallbacks. */
  public static Fallbacks none() {
    return new Fallbacks(Map.of(), Map.of());
  }

  /** The fallback for {@code page}, unless it is the page's own route. */
  public Optional<Route> forPage(PageRequest page) {
    Route own = new Route(page.getRecipient().getChannel(), page.getRecipient().getAddress());
    Route fallback = recipients.get(page.getRecipient().getId());
    if (fallback == null) {
      fallback = channels.get(page.getRecipient().getChannel());
    }
    return fallback == null || fallback.equals(own) ? Optional.empty() : Optional.of(fallback);
  }
}
