package dev.stormwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code stormwatch alert send} speaks Prometheus' Alertmanager client protocol to a real local HTTP
 * server standing in for the gateway (the gateway itself is covered end to end by the up tests):
 * the body, the bearer token, the resolve, and one clear line on refusal or bad input.
 */
class AlertCommandTest {

  private final List<String> bodies = new ArrayList<>();
  private final List<String> auth = new ArrayList<>();
  private HttpServer server;
  private int status = 200;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v2/alerts", exchange -> {
      bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
      auth.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
      byte[] reply = status == 200 ? new byte[0] : "{\"error\":\"bad token\"}".getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(status, reply.length == 0 ? -1 : reply.length);
      exchange.getResponseBody().write(reply);
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  @Test
  void sendsOnePrometheusAlertAndItsResolve() throws Exception {
    CliRun sent = CliRun.run("alert", "send", "--gateway", url(), "--service", "redis-cart", "--name", "RedisDown",
        "--severity", "CRITICAL", "--label", "instance=redis-0", "--token", "s3cret");
    assertThat(sent.exit()).isZero();
    assertThat(sent.out()).contains("sent RedisDown on redis-cart (critical)");
    JsonNode alert = new ObjectMapper().readTree(bodies.get(0)).get(0);
    assertThat(alert.path("labels").path("alertname").asText()).isEqualTo("RedisDown");
    assertThat(alert.path("labels").path("service").asText()).isEqualTo("redis-cart");
    assertThat(alert.path("labels").path("instance").asText()).isEqualTo("redis-0");
    assertThat(alert.has("endsAt")).isFalse();
    assertThat(auth.get(0)).isEqualTo("Bearer s3cret");

    CliRun resolved = CliRun.run("alert", "send", "--gateway", url(), "--service", "redis-cart", "--name", "RedisDown",
        "--label", "instance=redis-0", "--resolve");
    assertThat(resolved.exit()).isZero();
    assertThat(new ObjectMapper().readTree(bodies.get(1)).get(0).has("endsAt")).isTrue();
  }

  @Test
  void aRefusalOrBadInputIsOneLineAndANonZeroExit() {
    status = 401;
    CliRun refused = CliRun.run("alert", "send", "--gateway", url(), "--service", "x");
    assertThat(refused.exit()).isEqualTo(1);
    assertThat(refused.err().strip()).isEqualTo("stormwatch: the gateway answered 401: {\"error\":\"bad token\"}");

    CliRun bad = CliRun.run("alert", "send", "--gateway", url(), "--service", "x", "--severity", "loud");
    assertThat(bad.exit()).isNotZero();
    assertThat(bad.err()).contains("--severity must be one of critical, high, error, warning, info; got 'loud'");
    assertThat(bodies).hasSize(1);
  }

  private String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }
}
