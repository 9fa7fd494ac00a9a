package dev.stormwatch.notifier.dispatch;

import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.PageOutcome;
import dev.stormwatch.avro.PageRequest;
import dev.stormwatch.avro.PageResult;
import dev.stormwatch.notifier.channel.Channel;
import dev.stormwatch.notifier.channel.Channels;
import dev.stormwatch.notifier.channel.FailureReason;
import dev.stormwatch.notifier.channel.SendContext;
import dev.stormwatch.notifier.channel.SendResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one page through its stages: rate limit → (intent → send → outcome) with retries on
 * its own channel → the same on its fallback → final outcome. Every step is a task on the
 * scheduler, so a page waiting for a backoff or a rate-limit slot holds no thread. Every attempt
 * writes a {@code SENDING} intent to {@code pages.log} before the provider is called and its
 * result after (RETRYING, DELIVERED or FAILED); only DELIVERED and FAILED are final.
 */
final class DeliveryPipeline {

  private static final Logger log = LoggerFactory.getLogger(DeliveryPipeline.class);

  private final Channels channels;
  private final RetryPolicy retry;
  private final RateLimiter rateLimiter;
  private final OutcomeLog outcomes;
  private final DispatcherMetrics metrics;
  private final ErrorTransitions transitions = new ErrorTransitions();
  private final ScheduledExecutorService scheduler;
  private final Clock clock;

  DeliveryPipeline(Channels channels, RetryPolicy retry, RateLimiter rateLimiter, OutcomeLog outcomes,
                   DispatcherMetrics metrics, ScheduledExecutorService scheduler, Clock clock) {
    this.channels = channels;
    this.retry = retry;
    this.rateLimiter = rateLimiter;
    this.outcomes = outcomes;
    this.metrics = metrics;
    this.scheduler = scheduler;
    this.clock = clock;
  }

  /**
   * Starts delivering {@code page}.
   *
   * @param page      the page
   * @param routes    its own route, then its fallback if any
   * @param decision  where to start (route, attempt number, possible duplicate)
   * @param cancelled checked before every step; when true the delivery stops without an outcome
   * @return completes with true when the page reached a final outcome, false when cancelled
   */
  CompletableFuture<Boolean> deliver(PageRequest page, List<Route> routes, DispatchDecision decision,
                                     BooleanSupplier cancelled) {
    Job job = new Job(page, routes, decision, cancelled, clock.instant());
    submit(job::start, Duration.ZERO, job);
    return job.done;
  }

  private void submit(Runnable step, Duration delay, Job job) {
    try {
      if (delay.isZero()) {
        scheduler.execute(guard(step, job));
      } else {
        scheduler.schedule(guard(step, job), delay.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (RejectedExecutionException e) {
      job.done.complete(false);
    }
  }

  private Runnable guard(Runnable step, Job job) {
    return () -> {
      try {
        if (job.cancelled.getAsBoolean()) {
          job.done.complete(false);
          return;
        }
        step.run();
      } catch (RuntimeException | Error e) {
        log.error("page {}: the delivery failed unexpectedly; it stays uncommitted and is retried after a restart",
            job.page.getDedupKey(), e);
        job.done.completeExceptionally(e);
      }
    };
  }

  /** One page on its way. Steps run one at a time (each schedules the next). */
  private final class Job {
    final PageRequest page;
    final List<Route> routes;
    final BooleanSupplier cancelled;
    final Instant takenAt;
    final boolean possibleDuplicate;
    final int firstRoute;
    final CompletableFuture<Boolean> done = new CompletableFuture<>();
    int route;
    int attempt;
    int channelAttempts;
    Instant routeStartedAt;

    Job(PageRequest page, List<Route> routes, DispatchDecision decision, BooleanSupplier cancelled, Instant takenAt) {
      this.page = page;
      this.routes = routes;
      this.cancelled = cancelled;
      this.takenAt = takenAt;
      this.possibleDuplicate = decision.possibleDuplicate();
      this.firstRoute = decision.startRoute();
      this.route = decision.startRoute();
      this.attempt = decision.firstAttempt();
    }

    void start() {
      Instant now = clock.instant();
      Duration wait = rateLimiter.reserve(page.getRecipient().getId(), now);
      if (!wait.isZero()) {
        ChannelType channel = routes.get(route).channel();
        metrics.rateLimited(channel);
        record(outcome(channel, PageResult.RATE_LIMITED, now)
            .setError("delayed " + wait.toMillis() + " ms by the per-recipient rate limit")
            .build(), false);
        submit(this::attempt, wait, this);
        return;
      }
      attempt();
    }

    void attempt() {
      Route target = routes.get(route);
      Instant started = clock.instant();
      if (channelAttempts == 0) {
        routeStartedAt = started;
      }
      int number = attempt++;
      channelAttempts++;
      SendResult result;
      Optional<Channel> channel = channels.get(target.channel());
      if (channel.isEmpty()) {
        result = SendResult.Failed.badConfig("channel " + target.channel() + " is not configured");
      } else {
        result = sendWithIntent(channel.get(), target, number, started);
      }
      Instant finished = clock.instant();
      long latency = Duration.between(started, finished).toMillis();
      if (result instanceof SendResult.Delivered delivered) {
        onDelivered(target, number, delivered, latency, finished);
      } else {
        onFailed(target, number, (SendResult.Failed) result, latency, finished);
      }
    }

    private SendResult sendWithIntent(Channel channel, Route target, int number, Instant started) {
      try {
        outcomes.append(outcomeBuilder(target.channel(), number, PageResult.SENDING, started).build());
      } catch (OutcomeLog.OutcomeLogException e) {
        return SendResult.Failed.of(FailureReason.KAFKA, true,
            "cannot record the intent in pages.log, so the page was not sent: " + e.getMessage());
      }
      boolean maybeRepeat = possibleDuplicate && route == firstRoute;
      try {
        return channel.send(page, target.address(), new SendContext(number, started, maybeRepeat));
      } catch (RuntimeException e) {
        log.error("page {}: the {} integration threw", page.getDedupKey(), target.channel(), e);
        return SendResult.Failed.of(FailureReason.INTERNAL, false, e.getClass().getSimpleName() + ": "
            + e.getMessage());
      }
    }

    private void onDelivered(Route target, int number, SendResult.Delivered delivered, long latency, Instant at) {
      if (transitions.changed(target, null)) {
        log.info("{} '{}': delivering again", target.channel(), target.address());
      }
      metrics.sent(target.channel(), Duration.between(takenAt, at));
      record(outcomeBuilder(target.channel(), number, PageResult.DELIVERED, at)
          .setHttpStatus(delivered.status())
          .setProviderReference(delivered.providerReference())
          .setProviderResponse(emptyToNull(delivered.response()))
          .setLatencyMillis(latency)
          .build(), true);
      done.complete(true);
    }

    private void onFailed(Route target, int number, SendResult.Failed failure, long latency, Instant at) {
      metrics.attemptFailed(target.channel(), failure.reason());
      Duration elapsed = Duration.between(routeStartedAt, at);
      Optional<Duration> delay = failure.retryable()
          ? retry.nextDelay(channelAttempts, failure.retryAfter(), elapsed) : Optional.empty();
      boolean fallback = delay.isEmpty() && route + 1 < routes.size();
      String next = delay.map(d -> "retrying in " + d.toMillis() + " ms")
          .orElse(fallback ? "falling back to " + routes.get(route + 1).channel() : "giving up");
      if (transitions.changed(target, failure.reason())) {
        log.warn("{} '{}': {} ({}); page {} attempt {}: {}", target.channel(), target.address(),
            failure.reason().label(), failure.error(), page.getDedupKey(), number, next);
      }
      PageResult result = delay.isPresent() || fallback ? PageResult.RETRYING : PageResult.FAILED;
      record(outcomeBuilder(target.channel(), number, result, at)
          .setRetryable(failure.retryable())
          .setReason(failure.reason().label())
          .setHttpStatus(failure.status())
          .setProviderResponse(emptyToNull(failure.response()))
          .setError(failure.error() + (result == PageResult.RETRYING ? "; " + next : ""))
          .setLatencyMillis(latency)
          .build(), result == PageResult.FAILED);
      if (delay.isPresent()) {
        metrics.retry(target.channel());
        submit(this::attempt, delay.get(), this);
      } else if (fallback) {
        route++;
        channelAttempts = 0;
        metrics.fallback(routes.get(route).channel());
        submit(this::attempt, Duration.ZERO, this);
      } else {
        metrics.failed(target.channel(), failure.reason());
        log.warn("page {} ({} for incident {}) FAILED after {} attempts: {}", page.getDedupKey(),
            page.getRecipient().getId(), page.getIncidentId(), number, failure.error());
        done.complete(true);
      }
    }

    private void record(PageOutcome outcome, boolean fin) {
      try {
        outcomes.append(outcome);
      } catch (OutcomeLog.OutcomeLogException e) {
        metrics.outcomeWriteFailed();
        log.error("page {}: cannot record {} in pages.log{}", page.getDedupKey(), outcome.getOutcome(),
            fin ? " (the page is handled; only its record is missing)" : "", e);
      }
    }

    private PageOutcome.Builder outcome(ChannelType channel, PageResult result, Instant at) {
      return outcomeBuilder(channel, attempt, result, at);
    }

    private PageOutcome.Builder outcomeBuilder(ChannelType channel, int number, PageResult result, Instant at) {
      return Outcomes.builder(page, channel, number, result, at);
    }
  }

  private static String emptyToNull(String s) {
    return s == null || s.isEmpty() ? null : s;
  }
}
