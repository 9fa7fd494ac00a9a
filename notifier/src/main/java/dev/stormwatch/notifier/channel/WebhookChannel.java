package dev.stormwatch.notifier.channel;

import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.PageRequest;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The generic webhook: POSTs {@link PageJson} to a configured URL, signed per
 * {@link WebhookSigner}, with {@code Idempotency-Key} set to the page's dedup key so a receiver
 * can drop a second copy. Headers sent: {@code Content-Type: application/json},
 * {@code Idempotency-Key}, {@value WebhookSigner#HEADER} (when a secret is configured),
 * {@code Stormwatch-Event} ({@code page.trigger|page.acknowledge|page.resolve}),
 * {@code Stormwatch-Attempt} (attempt number, from 1), the configured extra headers. Any 2xx is
 * success; see {@link HttpDelivery} for the failure classification.
 */
public final class WebhookChannel implements Channel {

  private final Map<String, WebhookTarget> targets;
  private final HttpDelivery http;

  WebhookChannel(Map<String, WebhookTarget> targets, HttpDelivery http) {
    this.targets = Map.copyOf(targets);
    this.http = http;
  }

  @Override
  public ChannelType type() {
    return ChannelType.WEBHOOK;
  }

  @Override
  public boolean providerDedups() {
    return true;
  }

  @Override
  public SendResult send(PageRequest page, String address, SendContext context) {
    WebhookTarget target = targets.get(address);
    if (target == null) {
      return SendResult.Failed.badConfig("no webhook named '" + address + "' is configured");
    }
    byte[] body = PageJson.bytes(page);
    Map<String, String> headers = new LinkedHashMap<>(target.headers());
    headers.put("Idempotency-Key", page.getDedupKey());
    headers.put("Stormwatch-Event", "page." + PageJson.action(page.getAction()));
    headers.put("Stormwatch-Attempt", Integer.toString(context.attempt()));
    if (target.secret() != null) {
      headers.put(WebhookSigner.HEADER, WebhookSigner.header(target.secret(), context.now(), body));
    }
    return http.postJson(target.url(), headers, body, context.now(), response -> null);
  }
}
