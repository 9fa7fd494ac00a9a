package dev.stormwatch.ingest.gateway;

import static dev.stormwatch.ingest.gateway.GatewayTestSupport.get;
import static dev.stormwatch.ingest.gateway.GatewayTestSupport.post;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;

import dev.stormwatch.devstack.kafka.EmbeddedKafka;
import dev.stormwatch.devstack.kafka.EmbeddedKafkaConfig;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * With its broker gone, the gateway answers 503 with {@code Retry-After} within the produce
 * timeout, never 2xx, and says so on the readiness endpoints. Uses a private broker, not the
 * shared one, because it shuts it down.
 */
@Tag("integration")
class GatewayKafkaDownTest {

  private static final Duration PRODUCE_TIMEOUT = Duration.ofSeconds(2);
  private static final String ALERT = "[{\"labels\":{\"alertname\":\"A\"}}]";
  private static final String CHANGE = "{\"routing_key\":\"k\",\"payload\":{\"summary\":\"deploy\",\"source\":\"ci\"}}";

  @Test
  void answers503WithRetryAfterWithinTheProduceTimeoutWhenKafkaIsDown() {
    EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.defaults());
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (Gateway gateway = Gateway.start(GatewayConfig.builder(kafka.bootstrapServers())
             .port(0).produceTimeout(PRODUCE_TIMEOUT).retryAfter(Duration.ofSeconds(7)).build(), registry)) {
      // the raw topic is auto-created by the private broker on the first write
      assertThat(post(gateway, Endpoint.PROMETHEUS.path(), "application/json", ALERT).statusCode()).isEqualTo(200);
      assertThat(get(gateway, "/-/ready").statusCode()).isEqualTo(200);

      kafka.close();

      for (int attempt = 0; attempt < 2; attempt++) {
        long start = System.nanoTime();
        HttpResponse<String> response = post(gateway, Endpoint.PROMETHEUS.path(), "application/json", ALERT);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("7");
        assertThat(response.body()).contains("Kafka did not acknowledge");
        assertThat(took).isLessThan(PRODUCE_TIMEOUT.plusSeconds(3));
      }
      // PagerDuty's path says so in PagerDuty's error JSON; a PagerDuty client retries a 5xx
      HttpResponse<String> change = post(gateway, Endpoint.PAGERDUTY_CHANGES.path(), "application/json", CHANGE);
      assertThat(change.statusCode()).isEqualTo(503);
      assertThat(change.headers().firstValue("Retry-After")).hasValue("7");
      assertThat(change.body()).startsWith("{\"status\":\"unavailable\",\"message\":\"Kafka did not acknowledge");
      HttpResponse<String> ready = get(gateway, "/-/ready");
      assertThat(ready.statusCode()).isEqualTo(503);
      assertThat(ready.headers().firstValue("Retry-After")).hasValue("7");
      HttpResponse<String> healthz = get(gateway, "/healthz");
      assertThat(healthz.statusCode()).isEqualTo(503);
      assertThat(healthz.body()).contains("\"kafka\":\"down\"");
      assertThat(get(gateway, "/-/healthy").statusCode()).as("the process still runs").isEqualTo(200);
      assertThat(get(gateway, "/metrics").body())
          .contains("stormwatch_gateway_requests_total{endpoint=\"prometheus\",outcome=\"unavailable\"} 2.0")
          .contains("stormwatch_gateway_requests_total{endpoint=\"prometheus\",outcome=\"accepted\"} 1.0");
    } finally {
      registry.close();
      kafka.close();
    }
  }
}
