package dev.stormwatch.correlator.query;

import dev.stormwatch.common.metrics.HttpOutcome;
import dev.stormwatch.common.metrics.RequestMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The query API's meters, every label from a closed enum and registered at zero:
 * {@code stormwatch_query_requests_total{endpoint,outcome}},
 * {@code stormwatch_query_forwards_total{endpoint,outcome}} (calls to peers) and
 * {@code stormwatch_query_latency_seconds{endpoint}}.
 */
final class QueryMetrics {

  /** The API's endpoints, as metric labels. */
  enum Endpoint {
    LIST_INCIDENTS, GET_INCIDENT, GET_ALERT, GET_SERVICE, COMMAND, SILENCES, STATS, OPENAPI, TOPOLOGY, NOTIFIER_PAGES,
    CONSOLE
  }

  /** How a request or a peer call ends, as told apart here. */
  static final Set<HttpOutcome> OUTCOMES = EnumSet.of(HttpOutcome.OK, HttpOutcome.NOT_FOUND,
      HttpOutcome.BAD_REQUEST, HttpOutcome.UNAUTHORIZED, HttpOutcome.CONFLICT, HttpOutcome.UNAVAILABLE,
      HttpOutcome.ERROR);

  private final RequestMetrics<Endpoint> requests;
  private final Map<Endpoint, Map<HttpOutcome, Counter>> forwards = new EnumMap<>(Endpoint.class);

  QueryMetrics(MeterRegistry registry) {
    this.requests = new RequestMetrics<>(registry, "stormwatch.query", "Query API", Endpoint.class, OUTCOMES);
    for (Endpoint e : Endpoint.values()) {
      Map<HttpOutcome, Counter> fwd = new EnumMap<>(HttpOutcome.class);
      for (HttpOutcome o : OUTCOMES) {
        fwd.put(o, Counter.builder("stormwatch.query.forwards").description("Query API calls to peer instances")
            .tag("endpoint", RequestMetrics.label(e)).tag("outcome", o.label()).register(registry));
      }
      forwards.put(e, fwd);
    }
  }

  void request(Endpoint endpoint, int status, Duration took) {
    requests.request(endpoint, status, took);
  }

  /** The outcome of a peer's HTTP status. */
  HttpOutcome outcome(int status) {
    return requests.outcome(status);
  }

  void forward(Endpoint endpoint, HttpOutcome outcome) {
    forwards.get(endpoint).get(outcome).increment();
  }
}
