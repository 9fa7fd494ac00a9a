package dev.stormwatch.notifier.api;

import dev.stormwatch.common.metrics.HttpOutcome;
import dev.stormwatch.common.metrics.RequestMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The notifier API's meters, every label from a closed enum and registered at zero (names as
 * Prometheus shows them): {@code stormwatch_notifier_api_requests_total{endpoint,outcome}},
 * {@code stormwatch_notifier_api_latency_seconds{endpoint}},
 * {@code stormwatch_notifier_api_commands_total{kind,via,outcome}} (IncidentCommands written or not)
 * and {@code stormwatch_notifier_api_links_rejected_total{why}}.
 */
final class ApiMetrics {

  /** The API's endpoints, as metric labels. */
  enum Endpoint {
    ONCALL, ONCALL_ICS, LINK_CONFIRM, LINK_ACT, COMMAND, PAGES, INBOX_HTML, INBOX_JSON, OPENAPI
  }

  /** How a request ends, as told apart here. */
  static final Set<HttpOutcome> OUTCOMES = EnumSet.of(HttpOutcome.OK, HttpOutcome.BAD_REQUEST,
      HttpOutcome.UNAUTHORIZED, HttpOutcome.FORBIDDEN, HttpOutcome.NOT_FOUND, HttpOutcome.UNAVAILABLE,
      HttpOutcome.ERROR);

  /** Where a command came from. */
  enum Via {
    LINK, API;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Whether Kafka took a command. */
  enum Written {
    WRITTEN, FAILED;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final RequestMetrics<Endpoint> requests;
  private final Map<AckLinks.Action, Map<Via, Map<Written, Counter>>> commands = new EnumMap<>(AckLinks.Action.class);
  private final Map<AckLinks.Why, Counter> rejected = new EnumMap<>(AckLinks.Why.class);

  ApiMetrics(MeterRegistry registry) {
    this.requests = new RequestMetrics<>(registry, "stormwatch.notifier.api", "Notifier API", Endpoint.class,
        OUTCOMES);
    for (AckLinks.Action a : AckLinks.Action.values()) {
      Map<Via, Map<Written, Counter>> byVia = new EnumMap<>(Via.class);
      for (Via v : Via.values()) {
        Map<Written, Counter> byWritten = new EnumMap<>(Written.class);
        for (Written w : Written.values()) {
          byWritten.put(w, Counter.builder("stormwatch.notifier.api.commands")
              .description("Incident commands the notifier API wrote (or failed to write) to Kafka")
              .tag("kind", a.path()).tag("via", v.label()).tag("outcome", w.label()).register(registry));
        }
        byVia.put(v, byWritten);
      }
      commands.put(a, byVia);
    }
    for (AckLinks.Why w : AckLinks.Why.values()) {
      rejected.put(w, Counter.builder("stormwatch.notifier.api.links.rejected")
          .description("Ack/resolve link tokens refused").tag("why", w.name().toLowerCase(Locale.ROOT))
          .register(registry));
    }
  }

  void request(Endpoint endpoint, int status, Duration took) {
    requests.request(endpoint, status, took);
  }

  void command(AckLinks.Action action, Via via, Written written) {
    commands.get(action).get(via).get(written).increment();
  }

  void rejected(AckLinks.Why why) {
    rejected.get(why).increment();
  }
}
