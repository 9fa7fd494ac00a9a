package dev.stormwatch.ingest.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import dev.stormwatch.common.kafka.Topics;

import org.junit.jupiter.api.Test;

/** Defaults, {@code fromMap} and validation of the gateway's configuration, and endpoint auth. */
class GatewayConfigTest {

  @Test
  void defaultsAreTheDocumentedOnes() {
    GatewayConfig c = GatewayConfig.fromMap(Map.of("kafka.bootstrap.servers", "k:9092"));
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(9095);
    assertThat(c.maxBodyBytes()).isEqualTo(5 * 1024 * 1024);
    assertThat(c.produceTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.retryAfter()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.topics()).isEqualTo(Topics.defaults());
    assertThat(c.sentryClientSecret()).isEmpty();
    assertThat(c.pagerDutyRoutingKeys()).isEmpty();
    for (Endpoint endpoint : Endpoint.values()) {
      assertThat(c.auth(endpoint)).isEqualTo(EndpointAuth.none());
    }
  }

  @Test
  void fromMapReadsEveryKey() {
    GatewayConfig c = GatewayConfig.fromMap(Map.ofEntries(
        Map.entry("gateway.host", "0.0.0.0"),
        Map.entry("gateway.port", "0"),
        Map.entry("gateway.max-body-bytes", "1024"),
        Map.entry("gateway.produce-timeout", "1500ms"),
        Map.entry("gateway.retry-after", "PT30S"),
        Map.entry("gateway.auth.prometheus", "bearer:tok"),
        Map.entry("gateway.auth.logs", "basic:shipper:pa:ss"),
        Map.entry("gateway.sentry.client-secret", "shh"),
        Map.entry("gateway.auth.changes", "bearer:ci-token"),
        Map.entry("gateway.pagerduty.routing-keys", " 737ea619db564d41bd9824063e1f6b08, samplekeyhere ,"),
        Map.entry("topics.prefix", "prod."),
        Map.entry("kafka.bootstrap.servers", "k1:9092,k2:9092"),
        Map.entry("kafka.security.protocol", "SASL_SSL"),
        Map.entry("kafka.sasl.mechanism", "PLAIN"),
        Map.entry("correlator.window", "5m")));
    assertThat(c.host()).isEqualTo("0.0.0.0");
    assertThat(c.port()).isZero();
    assertThat(c.maxBodyBytes()).isEqualTo(1024);
    assertThat(c.produceTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.retryAfter()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.auth(Endpoint.PROMETHEUS)).isEqualTo(EndpointAuth.bearer("tok"));
    assertThat(c.auth(Endpoint.LOGS)).isEqualTo(EndpointAuth.basic("shipper", "pa:ss"));
    assertThat(c.auth(Endpoint.SENTRY)).isEqualTo(EndpointAuth.none());
    assertThat(c.sentryClientSecret()).isEqualTo(Optional.of("shh"));
    assertThat(c.auth(Endpoint.CHANGES)).isEqualTo(EndpointAuth.bearer("ci-token"));
    assertThat(c.auth(Endpoint.PAGERDUTY_CHANGES)).isEqualTo(EndpointAuth.none());
    assertThat(c.pagerDutyRoutingKeys()).containsExactlyInAnyOrder("737ea619db564d41bd9824063e1f6b08", "samplekeyhere");
    assertThat(c.topics().rawPrometheus()).isEqualTo("prod.alerts.raw.prometheus");
    assertThat(c.kafka()).containsEntry("bootstrap.servers", "k1:9092,k2:9092")
        .containsEntry("security.protocol", "SASL_SSL").containsEntry("sasl.mechanism", "PLAIN");
    assertThat(c.toString()).doesNotContain("tok").doesNotContain("pa:ss").doesNotContain("shh")
        .doesNotContain("samplekeyhere").contains("pagerDutyRoutingKeys=2 keys");
  }

  @Test
  void invalidValuesAreRefusedNamingTheKey() {
    Map<String, String> base = Map.of("kafka.bootstrap.servers", "k:9092");
    assertThatThrownBy(() -> GatewayConfig.fromMap(Map.of())).hasMessageContaining("kafka.bootstrap.servers");
    assertThatThrownBy(() -> GatewayConfig.fromMap(with(base, "gateway.port", "70000"))).hasMessageContaining("gateway.port");
    assertThatThrownBy(() -> GatewayConfig.fromMap(with(base, "gateway.port", "x"))).hasMessageContaining("gateway.port");
    assertThatThrownBy(() -> GatewayConfig.fromMap(with(base, "gateway.max-body-bytes", "0")))
        .hasMessageContaining("gateway.max-body-bytes");
    assertThatThrownBy(() -> GatewayConfig.fromMap(with(base, "gateway.produce-timeout", "soon")))
        .hasMessageContaining("gateway.produce-timeout");
    assertThatThrownBy(() -> GatewayConfig.fromMap(with(base, "gateway.produce-timeout", "10ms")))
        .hasMessageContaining("gateway.produce-timeout");
    assertThatThrownBy(() -> GatewayConfig.fromMap(with(base, "gateway.retry-after", "1500ms")))
        .hasMessageContaining("gateway.retry-after");
    assertThatThrownBy(() -> GatewayConfig.fromMap(with(base, "gateway.auth.grafana", "none")))
        .hasMessageContaining("gateway.auth.grafana")
        .hasMessageContaining("prometheus, alertmanager, sentry, logs, changes, pagerduty-changes");
    assertThatThrownBy(() -> GatewayConfig.fromMap(with(base, "gateway.auth.logs", "digest:x")))
        .hasMessageContaining("digest");
    assertThatThrownBy(() -> GatewayConfig.fromMap(with(base, "gateway.prot", "1")))
        .hasMessageContaining("unknown gateway configuration key gateway.prot");
    assertThatThrownBy(() -> GatewayConfig.fromMap(with(base, "kafka.acks", "1")))
        .hasMessageContaining("kafka.acks is set by the gateway");
    assertThatThrownBy(() -> GatewayConfig.fromMap(with(base, "kafka.enable.idempotence", "false")))
        .hasMessageContaining("set by the gateway");
  }

  @Test
  void endpointAuthComparesCredentialsAndChallenges() {
    EndpointAuth bearer = EndpointAuth.parse("bearer:tok");
    assertThat(bearer.permits("Bearer tok")).isTrue();
    assertThat(bearer.permits("bearer tok")).as("scheme is case-insensitive").isTrue();
    assertThat(bearer.permits("Bearer tok2")).isFalse();
    assertThat(bearer.permits("Basic dG9r")).isFalse();
    assertThat(bearer.permits(null)).isFalse();
    assertThat(bearer.challenge()).isEqualTo("Bearer realm=\"stormwatch\"");

    EndpointAuth basic = EndpointAuth.parse("basic:u:p:w");
    assertThat(basic.permits("Basic " + base64("u:p:w"))).isTrue();
    assertThat(basic.permits("Basic " + base64("u:p"))).isFalse();
    assertThat(basic.permits("Basic !!!not-base64")).isFalse();
    assertThat(basic.challenge()).startsWith("Basic realm=\"stormwatch\"");

    assertThat(EndpointAuth.parse("none").permits(null)).isTrue();
    assertThat(EndpointAuth.parse("").permits(null)).isTrue();
    assertThatThrownBy(() -> EndpointAuth.parse("bearer:")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> EndpointAuth.parse("basic:nopassword")).isInstanceOf(IllegalArgumentException.class);
    assertThat(basic.toString()).isEqualTo("basic:****");
  }

  private static Map<String, String> with(Map<String, String> base, String key, String value) {
    HashMap<String, String> copy = new HashMap<>(base);
    copy.put(key, value);
    return copy;
  }

  private static String base64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }
}
