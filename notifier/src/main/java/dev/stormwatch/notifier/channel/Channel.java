package dev.stormwatch.notifier.channel;

import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.PageRequest;

/**
 * One channel integration: builds the provider's request for a page, sends it once, and
 * classifies the answer. Retries, fallback, rate limits and recording belong to the dispatcher,
 * not to the channel. Implementations are thread-safe and never throw for a delivery problem:
 * every failure comes back as a {@link SendResult.Failed} with a bounded reason.
 */
public interface Channel {

  /** The channel type this integration serves. */
  ChannelType type();

  /**
   * Whether the provider collapses a second copy of the same page by a key we send (PagerDuty's
   * {@code dedup_key}, Opsgenie's {@code alias}, the generic webhook's {@code Idempotency-Key},
   * the pager inbox's record key), so sending a page again after a crash cannot page twice.
   */
  boolean providerDedups();

  /**
   * Delivers {@code page} to {@code address} (the page's own recipient address, or a fallback's).
   *
   * @param page    the page
   * @param address the integration name, e-mail address or inbox name to deliver to
   * @param context the attempt
   * @return what happened; never null
   */
  SendResult send(PageRequest page, String address, SendContext context);
}
