package dev.stormwatch.common.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class RequestMetricsTest {

  enum Endpoint { LIST, GET_ONE }

  @Test
  void everyEndpointAndKnownOutcomeIsRegisteredAtZeroAndNoOther() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    new RequestMetrics<>(registry, "test.api", "Test API", Endpoint.class,
        EnumSet.of(HttpOutcome.OK, HttpOutcome.NOT_FOUND, HttpOutcome.ERROR));

    assertThat(registry.find("test.api.requests").counters()).hasSize(2 * 3)
        .allSatisfy(c -> assertThat(c.count()).isZero());
    assertThat(registry.find("test.api.requests").tag("endpoint", "get_one").tag("outcome", "not_found").counter())
        .isNotNull();
    assertThat(registry.find("test.api.requests").tag("outcome", "forbidden").counters()).isEmpty();
    assertThat(registry.find("test.api.latency").timers()).extracting(t -> t.getId().getTag("endpoint"))
        .containsExactlyInAnyOrder("list", "get_one");
    assertThat(registry.getMeters()).extracting(Meter::getId).extracting(id -> id.getDescription())
        .containsOnly("Test API requests answered", "Test API request latency");
  }

  @Test
  void aStatusCountsAsItsOutcomeOrAsErrorWhenTheApiDoesNotTellItApart() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    RequestMetrics<Endpoint> metrics = new RequestMetrics<>(registry, "test.api", "Test API", Endpoint.class,
        EnumSet.of(HttpOutcome.OK, HttpOutcome.CONFLICT, HttpOutcome.ERROR));

    metrics.request(Endpoint.LIST, 204, Duration.ofMillis(5));
    metrics.request(Endpoint.LIST, 409, Duration.ofMillis(5));
    metrics.request(Endpoint.LIST, 403, Duration.ofMillis(5));
    metrics.request(Endpoint.LIST, 500, Duration.ofMillis(5));

    assertThat(count(registry, "ok")).isEqualTo(1);
    assertThat(count(registry, "conflict")).isEqualTo(1);
    assertThat(count(registry, "error")).isEqualTo(2);
    assertThat(registry.find("test.api.latency").tag("endpoint", "list").timer().count()).isEqualTo(4);
    assertThat(metrics.outcome(403)).isEqualTo(HttpOutcome.ERROR);
    assertThat(HttpOutcome.ofStatus(403, EnumSet.allOf(HttpOutcome.class))).isEqualTo(HttpOutcome.FORBIDDEN);
  }

  @Test
  void outcomesWithoutOkOrErrorAreRefused() {
    assertThatThrownBy(() -> new RequestMetrics<>(new SimpleMeterRegistry(), "test.api", "Test API",
        Endpoint.class, EnumSet.of(HttpOutcome.OK))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("OK and ERROR");
  }

  private static double count(SimpleMeterRegistry registry, String outcome) {
    return registry.find("test.api.requests").tag("endpoint", "list").tag("outcome", outcome).counter().count();
  }
}
