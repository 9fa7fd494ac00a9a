package dev.stormwatch.notifier.dispatch;

import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.notifier.channel.FailureReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The dispatcher's meters on one injected registry; every label is bounded by an enum
 * ({@link ChannelType}, {@link FailureReason}, {@link Skip}, {@link UnconfirmedPolicy}) and
 * pre-registered at zero.
 *
 * <ul>
 *   <li>{@code stormwatch_dispatcher_pages_sent_total{channel}}: pages delivered, by the channel that took them</li>
 *   <li>{@code stormwatch_dispatcher_pages_failed_total{channel,reason}}: pages given up (after
 *       retries and fallback), by the channel and reason of the last attempt</li>
 *   <li>{@code stormwatch_dispatcher_attempts_failed_total{channel,reason}}: failed attempts</li>
 *   <li>{@code stormwatch_dispatcher_delivery_latency_seconds{channel}}: from taking the page off
 *       {@code pages.outbox} to its delivery, retries and rate-limit waits included</li>
 *   <li>{@code stormwatch_dispatcher_retries_total{channel}}: attempts scheduled again after a failure</li>
 *   <li>{@code stormwatch_dispatcher_fallbacks_total{channel}}: pages moved to their fallback, by the fallback's channel</li>
 *   <li>{@code stormwatch_dispatcher_rate_limited_total{channel}}: pages delayed by the per-recipient rate limit</li>
 *   <li>{@code stormwatch_dispatcher_skipped_total{why}}: second copies of a page not sent</li>
 *   <li>{@code stormwatch_dispatcher_unconfirmed_total{channel,policy}}: pages found handed to a
 *       provider without an answer after a restart, and what was done</li>
 *   <li>{@code stormwatch_dispatcher_dead_letters_total}: outbox records sent to the DLQ</li>
 *   <li>{@code stormwatch_dispatcher_outcome_write_failures_total}: outcomes that could not be written to {@code pages.log}</li>
 *   <li>{@code stormwatch_dispatcher_ledger_evictions_total}: dedup keys forgotten because of {@code recovery.max-keys}</li>
 *   <li>{@code stormwatch_dispatcher_in_flight}, {@code stormwatch_dispatcher_ledger_keys}: gauges</li>
 * </ul>
 */
final class DispatcherMetrics {

  /** Why a second copy of a page was not sent. */
  enum Skip { ALREADY_FINAL, IN_FLIGHT }

  private final Map<ChannelType, Counter> sent = new EnumMap<>(ChannelType.class);
  private final Map<ChannelType, Map<FailureReason, Counter>> failed = new EnumMap<>(ChannelType.class);
  private final Map<ChannelType, Map<FailureReason, Counter>> attemptsFailed = new EnumMap<>(ChannelType.class);
  private final Map<ChannelType, Timer> latency = new EnumMap<>(ChannelType.class);
  private final Map<ChannelType, Counter> retries = new EnumMap<>(ChannelType.class);
  private final Map<ChannelType, Counter> fallbacks = new EnumMap<>(ChannelType.class);
  private final Map<ChannelType, Counter> rateLimited = new EnumMap<>(ChannelType.class);
  private final Map<Skip, Counter> skipped = new EnumMap<>(Skip.class);
  private final Map<ChannelType, Map<UnconfirmedPolicy, Counter>> unconfirmed = new EnumMap<>(ChannelType.class);
  private final Counter deadLetters;
  private final Counter outcomeWriteFailures;
  private final Counter ledgerEvictions;

  DispatcherMetrics(MeterRegistry meters, Supplier<Number> inFlight, Supplier<Number> ledgerKeys) {
    for (ChannelType channel : ChannelType.values()) {
      String c = label(channel);
      sent.put(channel, Counter.builder("stormwatch.dispatcher.pages.sent")
          .description("Pages delivered, by the channel that took them").tag("channel", c).register(meters));
      latency.put(channel, Timer.builder("stormwatch.dispatcher.delivery.latency")
          .description("From taking a page off pages.outbox to its delivery, retries included")
          .tag("channel", c).publishPercentileHistogram().register(meters));
      retries.put(channel, Counter.builder("stormwatch.dispatcher.retries")
          .description("Attempts scheduled again after a retryable failure").tag("channel", c).register(meters));
      fallbacks.put(channel, Counter.builder("stormwatch.dispatcher.fallbacks")
          .description("Pages moved to their fallback channel").tag("channel", c).register(meters));
      rateLimited.put(channel, Counter.builder("stormwatch.dispatcher.rate.limited")
          .description("Pages delayed by the per-recipient rate limit").tag("channel", c).register(meters));
      Map<FailureReason, Counter> pageFailures = new EnumMap<>(FailureReason.class);
      Map<FailureReason, Counter> attemptFailures = new EnumMap<>(FailureReason.class);
      for (FailureReason reason : FailureReason.values()) {
        pageFailures.put(reason, Counter.builder("stormwatch.dispatcher.pages.failed")
            .description("Pages given up after retries and fallback").tag("channel", c)
            .tag("reason", reason.label()).register(meters));
        attemptFailures.put(reason, Counter.builder("stormwatch.dispatcher.attempts.failed")
            .description("Failed delivery attempts").tag("channel", c).tag("reason", reason.label())
            .register(meters));
      }
      failed.put(channel, pageFailures);
      attemptsFailed.put(channel, attemptFailures);
      Map<UnconfirmedPolicy, Counter> byPolicy = new EnumMap<>(UnconfirmedPolicy.class);
      for (UnconfirmedPolicy policy : UnconfirmedPolicy.values()) {
        byPolicy.put(policy, Counter.builder("stormwatch.dispatcher.unconfirmed")
            .description("Pages found sent without an answer after a restart").tag("channel", c)
            .tag("policy", policy.name().toLowerCase(Locale.ROOT).replace('_', '-')).register(meters));
      }
      unconfirmed.put(channel, byPolicy);
    }
    for (Skip skip : Skip.values()) {
      skipped.put(skip, Counter.builder("stormwatch.dispatcher.skipped")
          .description("Second copies of a page that were not sent").tag("why", skip.name().toLowerCase(Locale.ROOT))
          .register(meters));
    }
    deadLetters = Counter.builder("stormwatch.dispatcher.dead.letters")
        .description("pages.outbox records sent to the dead-letter topic").register(meters);
    outcomeWriteFailures = Counter.builder("stormwatch.dispatcher.outcome.write.failures")
        .description("Outcomes that could not be written to pages.log").register(meters);
    ledgerEvictions = Counter.builder("stormwatch.dispatcher.ledger.evictions")
        .description("Dedup keys forgotten because recovery.max-keys was reached").register(meters);
    Gauge.builder("stormwatch.dispatcher.in.flight", inFlight).description("Pages being delivered")
        .register(meters);
    Gauge.builder("stormwatch.dispatcher.ledger.keys", ledgerKeys).description("Dedup keys remembered")
        .register(meters);
  }

  void sent(ChannelType channel, Duration sinceTaken) {
    sent.get(channel).increment();
    latency.get(channel).record(sinceTaken.isNegative() ? Duration.ZERO : sinceTaken);
  }

  void failed(ChannelType channel, FailureReason reason) {
    failed.get(channel).get(reason).increment();
  }

  void attemptFailed(ChannelType channel, FailureReason reason) {
    attemptsFailed.get(channel).get(reason).increment();
  }

  void retry(ChannelType channel) {
    retries.get(channel).increment();
  }

  void fallback(ChannelType channel) {
    fallbacks.get(channel).increment();
  }

  void rateLimited(ChannelType channel) {
    rateLimited.get(channel).increment();
  }

  void skipped(Skip why) {
    skipped.get(why).increment();
  }

  void unconfirmed(ChannelType channel, UnconfirmedPolicy policy) {
    unconfirmed.get(channel).get(policy).increment();
  }

  void deadLetter() {
    deadLetters.increment();
  }

  void outcomeWriteFailed() {
    outcomeWriteFailures.increment();
  }

  void ledgerEviction() {
    ledgerEvictions.increment();
  }

  private static String label(ChannelType channel) {
    return channel.name().toLowerCase(Locale.ROOT);
  }
}
