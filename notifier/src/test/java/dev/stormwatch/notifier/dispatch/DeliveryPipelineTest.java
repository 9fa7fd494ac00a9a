package dev.stormwatch.notifier.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.PageOutcome;
import dev.stormwatch.avro.PageRequest;
import dev.stormwatch.avro.PageResult;
import dev.stormwatch.notifier.channel.ChannelSettings;
import dev.stormwatch.notifier.channel.Channels;
import dev.stormwatch.notifier.channel.OpsgenieSettings;
import dev.stormwatch.notifier.channel.PagerDutySettings;
import dev.stormwatch.notifier.channel.Pages;
import dev.stormwatch.notifier.channel.RecordingServer;
import dev.stormwatch.notifier.channel.RecordingServer.Reply;
import dev.stormwatch.notifier.channel.SlackTarget;
import dev.stormwatch.notifier.channel.WebhookTarget;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The delivery stages (rate limit → intent → send → outcome, retries, fallback) against real
 * local HTTP servers, recording outcomes in memory instead of {@code pages.log}.
 */
class DeliveryPipelineTest {

  private static final RetryPolicy FAST = new RetryPolicy(4, Duration.ofMillis(50), Duration.ofMillis(200),
      Duration.ofSeconds(5));
  private static final List<Route> WEBHOOK = List.of(new Route(ChannelType.WEBHOOK, "hook"));
  private static final List<Route> WEBHOOK_THEN_SLACK = List.of(new Route(ChannelType.WEBHOOK, "hook"),
      new Route(ChannelType.SLACK, "chat"));

  private RecordingServer server;
  private ScheduledThreadPoolExecutor scheduler;
  private SimpleMeterRegistry meters;
  private final List<PageOutcome> log = new ArrayList<>();

  @BeforeEach
  void start() {
    server = RecordingServer.start();
    scheduler = new ScheduledThreadPoolExecutor(2);
    meters = new SimpleMeterRegistry();
  }

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
    server.close();
  }

  private DeliveryPipeline pipeline(RetryPolicy retry, RateLimit rateLimit) {
    ChannelSettings settings = new ChannelSettings(
        Map.of("hook", new WebhookTarget(server.url("/hook"), null, Map.of())),
        Map.of("chat", new SlackTarget(server.url("/slack"))), PagerDutySettings.defaults(),
        OpsgenieSettings.defaults(), null, false, Duration.ofSeconds(2), Duration.ofMillis(300));
    Channels channels = Channels.create(settings, Channels.httpClient(settings), null, "unused");
    OutcomeLog outcomes = outcome -> {
      synchronized (log) {
        log.add(outcome);
      }
    };
    DispatcherMetrics metrics = new DispatcherMetrics(meters, () -> 0, () -> 0);
    return new DeliveryPipeline(channels, retry, new RateLimiter(rateLimit), outcomes, metrics, scheduler,
        Clock.systemUTC());
  }

  private static RateLimit noLimit() {
    return new RateLimit(false, 1, Duration.ofSeconds(1), 10);
  }

  private static DispatchDecision fresh() {
    return new DispatchDecision(DispatchDecision.Kind.SEND, 0, 1, false, null);
  }

  private List<PageResult> results() {
    synchronized (log) {
      return log.stream().map(PageOutcome::getOutcome).toList();
    }
  }

  private List<PageOutcome> outcomes() {
    synchronized (log) {
      return List.copyOf(log);
    }
  }

  private double counter(String name, String... tags) {
    return meters.get(name).tags(tags).counter().count();
  }

  @Test
  void writesTheIntentBeforeTheProviderSeesThePage() throws Exception {
    List<List<PageResult>> logAtRequest = new ArrayList<>();
    server.onRequest(r -> logAtRequest.add(results()));

    boolean handled = pipeline(FAST, noLimit()).deliver(Pages.trigger("k1", ChannelType.WEBHOOK, "hook"), WEBHOOK,
        fresh(), () -> false).get(10, TimeUnit.SECONDS);

    assertThat(handled).isTrue();
    assertThat(logAtRequest).containsExactly(List.of(PageResult.SENDING));
    assertThat(results()).containsExactly(PageResult.SENDING, PageResult.DELIVERED);
    PageOutcome delivered = outcomes().get(1);
    assertThat(delivered.getHttpStatus()).isEqualTo(200);
    assertThat(delivered.getAttempt()).isEqualTo(1);
    assertThat(delivered.getChannel()).isEqualTo(ChannelType.WEBHOOK);
    assertThat(counter("stormwatch.dispatcher.pages.sent", "channel", "webhook")).isEqualTo(1);
    assertThat(meters.get("stormwatch.dispatcher.delivery.latency").tags("channel", "webhook").timer().count())
        .isEqualTo(1);
  }

  @Test
  void aRateLimitAnswerIsRetriedAfterItsRetryAfter() throws Exception {
    server.enqueue("/hook", Reply.retryAfter(429, "1"));

    boolean handled = pipeline(FAST, noLimit()).deliver(Pages.trigger("k1", ChannelType.WEBHOOK, "hook"), WEBHOOK,
        fresh(), () -> false).get(10, TimeUnit.SECONDS);

    assertThat(handled).isTrue();
    List<RecordingServer.Request> requests = server.requests("/hook");
    assertThat(requests).hasSize(2);
    // the backoff alone would be 50 ms: Retry-After: 1 was honoured
    assertThat(Duration.between(requests.get(0).at(), requests.get(1).at())).isGreaterThanOrEqualTo(
        Duration.ofMillis(950));
    assertThat(results()).containsExactly(PageResult.SENDING, PageResult.RETRYING, PageResult.SENDING,
        PageResult.DELIVERED);
    PageOutcome retrying = outcomes().get(1);
    assertThat(retrying.getReason()).isEqualTo("http_429");
    assertThat(retrying.getRetryable()).isTrue();
    assertThat(retrying.getHttpStatus()).isEqualTo(429);
    assertThat(outcomes().get(3).getAttempt()).isEqualTo(2);
    assertThat(counter("stormwatch.dispatcher.retries", "channel", "webhook")).isEqualTo(1);
    assertThat(counter("stormwatch.dispatcher.attempts.failed", "channel", "webhook", "reason", "http_429"))
        .isEqualTo(1);
  }

  @Test
  void serverErrorsAndTimeoutsAreRetriedWithBackoff() throws Exception {
    server.enqueue("/hook", Reply.of(500, "boom"), Reply.hang());

    boolean handled = pipeline(FAST, noLimit()).deliver(Pages.trigger("k1", ChannelType.WEBHOOK, "hook"), WEBHOOK,
        fresh(), () -> false).get(10, TimeUnit.SECONDS);

    assertThat(handled).isTrue();
    assertThat(server.requests("/hook")).hasSize(3);
    assertThat(outcomes()).filteredOn(o -> o.getOutcome() == PageResult.RETRYING)
        .extracting(PageOutcome::getReason).containsExactly("http_5xx", "timeout");
    assertThat(outcomes().get(outcomes().size() - 1).getAttempt()).isEqualTo(3);
  }

  @Test
  void attemptsAreBoundedAndThenThePageFails() throws Exception {
    server.otherwise("/hook", Reply.of(503, "down"));

    boolean handled = pipeline(FAST, noLimit()).deliver(Pages.trigger("k1", ChannelType.WEBHOOK, "hook"), WEBHOOK,
        fresh(), () -> false).get(10, TimeUnit.SECONDS);

    assertThat(handled).isTrue();
    assertThat(server.requests("/hook")).hasSize(FAST.maxAttempts());
    PageOutcome last = outcomes().get(outcomes().size() - 1);
    assertThat(last.getOutcome()).isEqualTo(PageResult.FAILED);
    assertThat(last.getReason()).isEqualTo("http_5xx");
    assertThat(last.getAttempt()).isEqualTo(FAST.maxAttempts());
    assertThat(counter("stormwatch.dispatcher.pages.failed", "channel", "webhook", "reason", "http_5xx"))
        .isEqualTo(1);
  }

  @Test
  void aPermanentErrorIsNotRetriedButFallsBack() throws Exception {
    server.enqueue("/hook", Reply.of(400, "bad"));

    boolean handled = pipeline(FAST, noLimit()).deliver(Pages.trigger("k1", ChannelType.WEBHOOK, "hook"),
        WEBHOOK_THEN_SLACK, fresh(), () -> false).get(10, TimeUnit.SECONDS);

    assertThat(handled).isTrue();
    assertThat(server.requests("/hook")).hasSize(1);
    assertThat(server.requests("/slack")).hasSize(1);
    assertThat(results()).containsExactly(PageResult.SENDING, PageResult.RETRYING, PageResult.SENDING,
        PageResult.DELIVERED);
    PageOutcome movedOn = outcomes().get(1);
    assertThat(movedOn.getRetryable()).isFalse();
    assertThat(movedOn.getReason()).isEqualTo("http_4xx");
    assertThat(movedOn.getError()).contains("falling back to SLACK");
    assertThat(outcomes().get(3).getChannel()).isEqualTo(ChannelType.SLACK);
    assertThat(counter("stormwatch.dispatcher.fallbacks", "channel", "slack")).isEqualTo(1);
  }

  @Test
  void whenTheFallbackFailsTooThePageFails() throws Exception {
    server.enqueue("/hook", Reply.of(400, "bad"));
    server.enqueue("/slack", Reply.of(404, "channel_not_found"));

    pipeline(FAST, noLimit()).deliver(Pages.trigger("k1", ChannelType.WEBHOOK, "hook"), WEBHOOK_THEN_SLACK,
        fresh(), () -> false).get(10, TimeUnit.SECONDS);

    PageOutcome last = outcomes().get(outcomes().size() - 1);
    assertThat(last.getOutcome()).isEqualTo(PageResult.FAILED);
    assertThat(last.getChannel()).isEqualTo(ChannelType.SLACK);
    assertThat(last.getProviderResponse()).isEqualTo("channel_not_found");
    assertThat(counter("stormwatch.dispatcher.pages.failed", "channel", "slack", "reason", "http_4xx"))
        .isEqualTo(1);
  }

  @Test
  void anUnconfiguredChannelFallsBackWithoutAnIntent() throws Exception {
    List<Route> routes = List.of(new Route(ChannelType.EMAIL, "alice@example.org"), new Route(ChannelType.SLACK,
        "chat"));

    pipeline(FAST, noLimit()).deliver(Pages.trigger("k1", ChannelType.EMAIL, "alice@example.org"), routes, fresh(),
        () -> false).get(10, TimeUnit.SECONDS);

    assertThat(results()).containsExactly(PageResult.RETRYING, PageResult.SENDING, PageResult.DELIVERED);
    assertThat(outcomes().get(0).getReason()).isEqualTo("bad_config");
  }

  @Test
  void aRateLimitedPageIsDelayedNotDropped() throws Exception {
    DeliveryPipeline pipeline = pipeline(FAST, new RateLimit(true, 1, Duration.ofMillis(400), 10));

    List<CompletableFuture<Boolean>> futures = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      futures.add(pipeline.deliver(Pages.trigger("k" + i, ChannelType.WEBHOOK, "hook"), WEBHOOK, fresh(),
          () -> false));
    }
    for (CompletableFuture<Boolean> f : futures) {
      assertThat(f.get(10, TimeUnit.SECONDS)).isTrue();
    }

    List<RecordingServer.Request> requests = server.requests("/hook");
    assertThat(requests).hasSize(3);
    List<java.time.Instant> times = requests.stream().map(RecordingServer.Request::at).sorted().toList();
    assertThat(Duration.between(times.get(0), times.get(2))).isGreaterThanOrEqualTo(Duration.ofMillis(750));
    assertThat(results()).filteredOn(r -> r == PageResult.RATE_LIMITED).hasSize(2);
    assertThat(results()).filteredOn(r -> r == PageResult.DELIVERED).hasSize(3);
    assertThat(counter("stormwatch.dispatcher.rate.limited", "channel", "webhook")).isEqualTo(2);
  }

  @Test
  void aCancelledPageStopsBeforeItsNextAttemptWithoutAnOutcome() throws Exception {
    server.otherwise("/hook", Reply.of(500, "down"));
    AtomicBoolean cancelled = new AtomicBoolean();
    server.onRequest(r -> cancelled.set(true));
    RetryPolicy slow = new RetryPolicy(5, Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(30));

    boolean handled = pipeline(slow, noLimit()).deliver(Pages.trigger("k1", ChannelType.WEBHOOK, "hook"), WEBHOOK,
        fresh(), cancelled::get).get(10, TimeUnit.SECONDS);

    assertThat(handled).isFalse();
    assertThat(server.requests("/hook")).hasSize(1);
    assertThat(results()).containsExactly(PageResult.SENDING, PageResult.RETRYING);
  }

  @Test
  void aResumedPageContinuesTheAttemptNumbersOnItsFallback() throws Exception {
    PageRequest page = Pages.trigger("k1", ChannelType.WEBHOOK, "hook");

    pipeline(FAST, noLimit()).deliver(page, WEBHOOK_THEN_SLACK,
        new DispatchDecision(DispatchDecision.Kind.SEND, 1, 7, false, null), () -> false).get(10, TimeUnit.SECONDS);

    assertThat(server.requests("/hook")).isEmpty();
    assertThat(outcomes()).extracting(PageOutcome::getAttempt).containsExactly(7, 7);
    assertThat(outcomes().get(1).getChannel()).isEqualTo(ChannelType.SLACK);
  }
}
