package dev.stormwatch.correlator.query;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

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
    CONSOLE;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How a request or a peer call ended. */
  enum Outcome {
    OK, NOT_FOUND, BAD_REQUEST, UNAUTHORIZED, CONFLICT, UNAVAILABLE, ERROR;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }

    static Outcome ofStatus(int status) {
      if (status < 300) {
        return OK;
      }
      return switch (status) {
        case 400 -> BAD_REQUEST;
        case 401 -> UNAUTHORIZED;
        case 404 -> NOT_FOUND;
        case 409 -> CONFLICT;
        case 503 -> UNAVAILABLE;
        default -> ERROR;
      };
    }
  }

  private final Map<Endpoint, Map<Outcome, Counter>> requests = new EnumMap<>(Endpoint.class);
  private final Map<Endpoint, Map<Outcome, Counter>> forwards = new EnumMap<>(Endpoint.class);
  private final Map<Endpoint, Timer> latency = new EnumMap<>(Endpoint.class);

  QueryMetrics(MeterRegistry registry) {
    for (Endpoint e : Endpoint.values()) {
      Map<Outcome, Counter> req = new EnumMap<>(Outcome.class);
      Map<Outcome, Counter> fwd = new EnumMap<>(Outcome.class);
      for (Outcome o : Outcome.values()) {
        req.put(o, Counter.builder("stormwatch.query.requests").description("Query API requests answered")
            .tag("endpoint", e.label()).tag("outcome", o.label()).register(registry));
        fwd.put(o, Counter.builder("stormwatch.query.forwards").description("Query API calls to peer instances")
            .tag("endpoint", e.label()).tag("outcome", o.label()).register(registry));
      }
      requests.put(e, req);
      forwards.put(e, fwd);
      latency.put(e, Timer.builder("stormwatch.query.latency").description("Query API request latency")
          .tag("endpoint", e.label()).register(registry));
    }
  }

  void request(Endpoint endpoint, int status, Duration took) {
    requests.get(endpoint).get(Outcome.ofStatus(status)).increment();
    latency.get(endpoint).record(took);
  }

  void forward(Endpoint endpoint, Outcome outcome) {
    forwards.get(endpoint).get(outcome).increment();
  }
}
