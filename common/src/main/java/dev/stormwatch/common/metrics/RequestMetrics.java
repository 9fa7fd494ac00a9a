package dev.stormwatch.common.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Per-endpoint request meters of an HTTP API, every label from a closed enum and registered at zero:
 * {@code NAME.requests{endpoint,outcome}} and {@code NAME.latency{endpoint}} (as Prometheus shows them,
 * {@code NAME_requests_total} and {@code NAME_latency_seconds}). The endpoint label is the enum
 * constant's name in lower case.
 *
 * @param <E> the API's endpoints
 */
public final class RequestMetrics<E extends Enum<E>> {

  private final Set<HttpOutcome> outcomes;
  private final Map<E, Map<HttpOutcome, Counter>> requests;
  private final Map<E, Timer> latency;

  /**
   * @param registry  where the meters go
   * @param name      the meter name prefix, e.g. {@code stormwatch.query}
   * @param api       the API's name in descriptions, e.g. {@code Query API}
   * @param endpoints the endpoint enum
   * @param outcomes  the outcomes told apart (at least {@link HttpOutcome#OK} and {@link HttpOutcome#ERROR})
   */
  public RequestMetrics(MeterRegistry registry, String name, String api, Class<E> endpoints,
                        Set<HttpOutcome> outcomes) {
    if (!outcomes.contains(HttpOutcome.OK) || !outcomes.contains(HttpOutcome.ERROR)) {
      throw new IllegalArgumentException("outcomes must include OK and ERROR: " + outcomes);
    }
    this.outcomes = Collections.unmodifiableSet(EnumSet.copyOf(outcomes));
    this.requests = new EnumMap<>(endpoints);
    this.latency = new EnumMap<>(endpoints);
    for (E e : endpoints.getEnumConstants()) {
      Map<HttpOutcome, Counter> byOutcome = new EnumMap<>(HttpOutcome.class);
      for (HttpOutcome o : this.outcomes) {
        byOutcome.put(o, Counter.builder(name + ".requests").description(api + " requests answered")
            .tag("endpoint", label(e)).tag("outcome", o.label()).register(registry));
      }
      requests.put(e, byOutcome);
      latency.put(e, Timer.builder(name + ".latency").description(api + " request latency")
          .tag("endpoint", label(e)).register(registry));
    }
  }

  /** The endpoint label of {@code endpoint}. */
  public static String label(Enum<?> endpoint) {
    return endpoint.name().toLowerCase(Locale.ROOT);
  }

  /** The outcomes told apart. */
  public Set<HttpOutcome> outcomes() {
    return outcomes;
  }

  /** The outcome of an HTTP status among {@link #outcomes()}. */
  public HttpOutcome outcome(int status) {
    return HttpOutcome.ofStatus(status, outcomes);
  }

  /** Counts one answered request and records its latency. */
  public void request(E endpoint, int status, Duration took) {
    requests.get(endpoint).get(outcome(status)).increment();
    latency.get(endpoint).record(took);
  }
}
