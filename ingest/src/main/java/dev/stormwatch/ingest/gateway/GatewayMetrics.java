package dev.stormwatch.ingest.gateway;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The gateway's meters, every one registered at start-up (counters at zero) with bounded label
 * sets: {@code endpoint} is one of {@link Endpoint}'s labels, {@code outcome} one of
 * {@link Outcome}'s, {@code result} {@code ok} or {@code failed}. Thread-safe.
 *
 * <ul>
 *   <li>{@value #REQUESTS} (counter; endpoint, outcome): data requests answered</li>
 *   <li>{@value #ACCEPTED_BYTES} (counter; endpoint): body bytes acknowledged by Kafka</li>
 *   <li>{@value #ACCEPTED_ALERTS} (counter; endpoint): alerts (array elements, webhook alerts,
 *       Sentry webhooks, log records or lines) acknowledged by Kafka</li>
 *   <li>{@value #PRODUCE_LATENCY} (timer; endpoint, result): from handing the record to the
 *       producer to its acknowledgement or failure</li>
 * </ul>
 */
final class GatewayMetrics {

  static final String REQUESTS = "stormwatch.gateway.requests";
  static final String ACCEPTED_BYTES = "stormwatch.gateway.accepted.bytes";
  static final String ACCEPTED_ALERTS = "stormwatch.gateway.accepted.alerts";
  static final String PRODUCE_LATENCY = "stormwatch.gateway.produce.latency";

  /** How a data request ended; the {@code outcome} label. */
  enum Outcome {
    ACCEPTED("accepted"),
    BAD_REQUEST("bad_request"),
    TOO_LARGE("too_large"),
    UNSUPPORTED_MEDIA_TYPE("unsupported_media_type"),
    UNAUTHORIZED("unauthorized"),
    UNAVAILABLE("unavailable");

    private final String label;

    Outcome(String label) {
      this.label = label;
    }

    String label() {
      return label;
    }
  }

  private final Map<Endpoint, Map<Outcome, Counter>> requests = new EnumMap<>(Endpoint.class);
  private final Map<Endpoint, Counter> bytes = new EnumMap<>(Endpoint.class);
  private final Map<Endpoint, Counter> alerts = new EnumMap<>(Endpoint.class);
  private final Map<Endpoint, Timer> produceOk = new EnumMap<>(Endpoint.class);
  private final Map<Endpoint, Timer> produceFailed = new EnumMap<>(Endpoint.class);

  GatewayMetrics(MeterRegistry registry, Duration produceTimeout) {
    for (Endpoint endpoint : Endpoint.values()) {
      Map<Outcome, Counter> byOutcome = new EnumMap<>(Outcome.class);
      for (Outcome outcome : Outcome.values()) {
        byOutcome.put(outcome, Counter.builder(REQUESTS)
            .description("HTTP data requests answered by the gateway, by endpoint and outcome")
            .tag("endpoint", endpoint.label())
            .tag("outcome", outcome.label())
            .register(registry));
      }
      requests.put(endpoint, byOutcome);
      bytes.put(endpoint, Counter.builder(ACCEPTED_BYTES)
          .description("Request body bytes written to Kafka and acknowledged")
          .tag("endpoint", endpoint.label())
          .register(registry));
      alerts.put(endpoint, Counter.builder(ACCEPTED_ALERTS)
          .description("Alerts, webhook alerts, Sentry webhooks or log records written to Kafka and acknowledged")
          .tag("endpoint", endpoint.label())
          .register(registry));
      produceOk.put(endpoint, timer(registry, endpoint, "ok", produceTimeout));
      produceFailed.put(endpoint, timer(registry, endpoint, "failed", produceTimeout));
    }
  }

  private static Timer timer(MeterRegistry registry, Endpoint endpoint, String result, Duration produceTimeout) {
    return Timer.builder(PRODUCE_LATENCY)
        .description("Time from handing a raw record to the Kafka producer to its acknowledgement or failure")
        .tag("endpoint", endpoint.label())
        .tag("result", result)
        .publishPercentileHistogram()
        .minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(produceTimeout)
        .register(registry);
  }

  void request(Endpoint endpoint, Outcome outcome) {
    requests.get(endpoint).get(outcome).increment();
  }

  void accepted(Endpoint endpoint, int bodyBytes, int alertCount) {
    bytes.get(endpoint).increment(bodyBytes);
    alerts.get(endpoint).increment(alertCount);
  }

  void produced(Endpoint endpoint, boolean ok, long nanos) {
    (ok ? produceOk : produceFailed).get(endpoint).record(nanos, TimeUnit.NANOSECONDS);
  }
}
