package dev.stormwatch.notifier.dispatch;

import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.PageOutcome;
import dev.stormwatch.avro.PageRequest;
import dev.stormwatch.avro.PageResult;
import java.time.Instant;

/** Builds {@code PageOutcome}s of a page. */
final class Outcomes {

  private Outcomes() {
  }

  /** An outcome of {@code page} with the common fields set; the rest at their defaults. */
  static PageOutcome.Builder builder(PageRequest page, ChannelType channel, int attempt, PageResult result,
                                     Instant at) {
    return PageOutcome.newBuilder()
        .setDedupKey(page.getDedupKey())
        .setIncidentId(page.getIncidentId())
        .setAction(page.getAction())
        .setChannel(channel)
        .setRecipientId(page.getRecipient().getId())
        .setAttempt(attempt)
        .setOutcome(result)
        .setRetryable(false)
        .setReason(null)
        .setHttpStatus(null)
        .setProviderReference(null)
        .setProviderResponse(null)
        .setError(null)
        .setLatencyMillis(0)
        .setAt(at);
  }
}
