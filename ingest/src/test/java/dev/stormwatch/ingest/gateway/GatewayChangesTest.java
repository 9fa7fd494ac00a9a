package dev.stormwatch.ingest.gateway;

import static dev.stormwatch.ingest.gateway.GatewayTestSupport.get;
import static dev.stormwatch.ingest.gateway.GatewayTestSupport.header;
import static dev.stormwatch.ingest.gateway.GatewayTestSupport.post;
import static dev.stormwatch.ingest.gateway.GatewayTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.ingest.raw.RawHeaders;
import dev.stormwatch.testkit.KafkaIntegrationTest;
import dev.stormwatch.testkit.KafkaTestEnv;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /api/changes} and PagerDuty's {@code POST /v2/change/enqueue} over real HTTP and
 * Kafka: 202 only once {@code changes.raw} holds the bytes, with the format header; 400, 401,
 * 403, 413 and 415 with a one-line reason (PagerDuty's error JSON on its path) and nothing written.
 */
@KafkaIntegrationTest
class GatewayChangesTest {

  private static final int MAX_BODY = 4096;
  private static final String JSON = "application/json";
  private static final String CHANGES = Endpoint.CHANGES.path();
  private static final String PAGERDUTY = Endpoint.PAGERDUTY_CHANGES.path();
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private Topics topics;

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private Gateway start(KafkaTestEnv kafka, UnaryOperator<GatewayConfig.Builder> settings) {
    topics = GatewayTestSupport.createRawTopics(kafka);
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    toClose.add(registry::close);
    Gateway gateway = Gateway.start(settings.apply(GatewayConfig.builder(kafka.bootstrapServers())
        .port(0).topics(topics).maxBodyBytes(MAX_BODY)).build(), registry);
    toClose.add(gateway);
    return gateway;
  }

  @Test
  void changesAndPagerDutyChangeEventsAreAcceptedWith202OnceChangesRawHoldsTheirBytes(KafkaTestEnv kafka)
      throws Exception {
    Gateway gateway = start(kafka, b -> b);
    Path fixtures = GatewayTestSupport.fixtureDir("changes");
    byte[] deploy = GatewayTestSupport.bytes(fixtures.resolve("stormwatch.deploy.json"));
    byte[] batch = GatewayTestSupport.bytes(fixtures.resolve("stormwatch.batch.json"));
    List<Path> pagerDuty = GatewayTestSupport.fixtures(fixtures, "pagerduty.change-events-v2.*.json");
    assertThat(pagerDuty).hasSize(3);

    HttpResponse<String> one = post(gateway, CHANGES, JSON, deploy);
    assertThat(one.statusCode()).isEqualTo(202);
    assertThat(one.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(JSON));
    assertThat(MAPPER.readTree(one.body())).isEqualTo(MAPPER.readTree("{\"status\":\"accepted\",\"changes\":1}"));
    // the answer came after the ack: the record is there as soon as the client has its 202
    assertThat(readAll(kafka, topics.rawChanges())).singleElement()
        .satisfies(r -> assertThat(r.value()).isEqualTo(deploy));

    HttpResponse<String> three = post(gateway, CHANGES, "application/json; charset=utf-8", batch);
    assertThat(three.statusCode()).isEqualTo(202);
    assertThat(MAPPER.readTree(three.body()).get("changes").asInt()).isEqualTo(3);
    for (Path file : pagerDuty) {
      HttpResponse<String> accepted = post(gateway, PAGERDUTY, JSON, GatewayTestSupport.bytes(file));
      assertThat(accepted.statusCode()).as(file.toString()).isEqualTo(202);
      assertThat(accepted.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(JSON));
      JsonNode body = MAPPER.readTree(accepted.body());
      assertThat(body.get("status").asText()).isEqualTo("success");
      assertThat(body.get("message").asText()).isEqualTo("Change event processed");
    }

    List<ConsumerRecord<byte[], byte[]>> records = readAll(kafka, topics.rawChanges());
    assertThat(records).hasSize(5);
    assertThat(records).extracting(r -> header(r, RawHeaders.FORMAT)).containsExactly(
        RawHeaders.FORMAT_STORMWATCH_CHANGE, RawHeaders.FORMAT_STORMWATCH_CHANGE, RawHeaders.FORMAT_PAGERDUTY_CHANGE,
        RawHeaders.FORMAT_PAGERDUTY_CHANGE, RawHeaders.FORMAT_PAGERDUTY_CHANGE);
    assertThat(records.get(1).value()).isEqualTo(batch);
    assertThat(records.get(2).value()).isEqualTo(GatewayTestSupport.bytes(pagerDuty.get(0)));
    assertThat(records).allSatisfy(r -> {
      assertThat(r.key()).isNull();
      assertThat(header(r, RawHeaders.RECEIVED_AT)).isEqualTo(Long.toString(r.timestamp()));
      assertThat(header(r, RawHeaders.REMOTE)).isNotBlank();
    });
    assertThat(header(records.get(1), RawHeaders.CONTENT_TYPE)).isEqualTo("application/json; charset=utf-8");
    for (String topic : topics.raw()) {
      assertThat(readAll(kafka, topic)).as(topic).isEmpty();
    }
    assertThat(get(gateway, "/metrics").body())
        .contains("stormwatch_gateway_requests_total{endpoint=\"changes\",outcome=\"accepted\"} 2.0")
        .contains("stormwatch_gateway_accepted_alerts_total{endpoint=\"changes\"} 4.0")
        .contains("stormwatch_gateway_requests_total{endpoint=\"pagerduty-changes\",outcome=\"accepted\"} 3.0");
  }

  /** One bad request and what the gateway must answer. */
  private record Bad(String path, String contentType, String body, int status, String reason) {
  }

  @Test
  void badChangesGetTheirStatusAndAOneLineReasonAndNothingIsWritten(KafkaTestEnv kafka) throws Exception {
    Gateway gateway = start(kafka, b -> b);
    List<Bad> cases = List.of(
        new Bad(CHANGES, JSON, "deployed checkout", 400, "not valid JSON"),
        new Bad(CHANGES, JSON, "", 400, "empty body"),
        new Bad(CHANGES, JSON, "[]", 400, "empty array: expected at least one change"),
        new Bad(CHANGES, JSON, "\"checkout\"", 400, "must be a change object or an array of them"),
        new Bad(CHANGES, JSON, "{\"kind\":\"deploy\"}", 400, "the change has no \"service\""),
        new Bad(CHANGES, JSON, "{\"service\":\" \"}", 400, "\"service\" must be a non-empty string, got a blank one"),
        new Bad(CHANGES, JSON, "{\"service\":[\"a\"]}", 400, "\"service\" must be a non-empty string, got an array"),
        new Bad(CHANGES, JSON, "{\"service\":\"a\",\"kind\":\"migration\"}", 400,
            "\"kind\" must be one of other, deploy, rollback, config, feature-flag, got 'migration'"),
        new Bad(CHANGES, JSON, "{\"service\":\"a\",\"time\":\"yesterday\"}", 400,
            "\"time\": not an RFC 3339 timestamp: 'yesterday'"),
        new Bad(CHANGES, JSON, "[{\"service\":\"a\"},{\"service\":\"b\",\"time\":17}]", 400,
            "change [1]: \"time\" must be an RFC 3339 string, got a number"),
        new Bad(CHANGES, JSON, "[{\"service\":\"a\"},3]", 400, "change [1] must be a JSON object, got a number"),
        new Bad(CHANGES, JSON, "{\"service\":\"a\"} {}", 400, "unexpected content after the JSON document"),
        new Bad(CHANGES, "text/plain", "{\"service\":\"a\"}", 415, "send application/json"),
        new Bad(CHANGES, JSON, "{\"service\":\"a\",\"summary\":\"" + "x".repeat(MAX_BODY) + "\"}", 413,
            "larger than the limit of 4096 bytes"));
    for (Bad bad : cases) {
      HttpResponse<String> response = post(gateway, bad.path(), bad.contentType(), bad.body());
      assertThat(response.statusCode()).as(bad + " -> " + response.body()).isEqualTo(bad.status());
      assertThat(response.body()).as(bad.toString()).contains(bad.reason()).endsWith("\n");
      assertThat(response.body().strip()).as("one line").doesNotContain("\n");
      assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    }

    List<Bad> pagerDuty = List.of(
        new Bad(PAGERDUTY, JSON, "{\"payload\":{\"summary\":\"s\"}}", 400, "'routing_key' is missing"),
        new Bad(PAGERDUTY, JSON, "{\"routing_key\":\"k\"}", 400, "'payload' is missing"),
        new Bad(PAGERDUTY, JSON, "{\"routing_key\":\"k\",\"payload\":{\"source\":\"git\"}}", 400,
            "'payload.summary' is missing"),
        new Bad(PAGERDUTY, JSON, "{\"routing_key\":7,\"payload\":{\"summary\":\"s\"}}", 400,
            "'routing_key' must be a non-empty string, got a number"),
        new Bad(PAGERDUTY, JSON, "[]", 400, "must be a PagerDuty change event object"),
        new Bad(PAGERDUTY, JSON, "{\"routing_key\":", 400, "not valid JSON"),
        new Bad(PAGERDUTY, "application/x-www-form-urlencoded", "routing_key=k", 415, "send application/json"),
        new Bad(PAGERDUTY, JSON, "{\"routing_key\":\"k\",\"payload\":{\"summary\":\"" + "x".repeat(MAX_BODY) + "\"}}",
            413, "larger than the limit"));
    for (Bad bad : pagerDuty) {
      HttpResponse<String> response = post(gateway, bad.path(), bad.contentType(), bad.body());
      assertThat(response.statusCode()).as(bad + " -> " + response.body()).isEqualTo(bad.status());
      assertThat(response.body().strip()).as("one line").doesNotContain("\n");
      assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(JSON));
      JsonNode error = MAPPER.readTree(response.body());
      if (bad.status() == 400) {
        assertThat(error.get("status").asText()).as("PagerDuty's wording").isEqualTo("invalid event");
        assertThat(error.get("message").asText()).isEqualTo("Event object is invalid");
      } else {
        assertThat(error.get("message").asText()).contains(bad.reason());
      }
      assertThat(error.get("errors")).singleElement()
          .satisfies(reason -> assertThat(reason.asText()).as(bad.toString()).contains(bad.reason()));
    }

    assertThat(readAll(kafka, topics.rawChanges())).isEmpty();
    assertThat(get(gateway, "/metrics").body())
        .contains("stormwatch_gateway_requests_total{endpoint=\"changes\",outcome=\"bad_request\"} 12.0")
        .contains("stormwatch_gateway_requests_total{endpoint=\"changes\",outcome=\"too_large\"} 1.0")
        .contains("stormwatch_gateway_requests_total{endpoint=\"pagerduty-changes\",outcome=\"bad_request\"} 6.0")
        .contains("stormwatch_gateway_requests_total{endpoint=\"pagerduty-changes\",outcome=\"accepted\"} 0.0");
  }

  @Test
  void bearerAuthGuardsApiChangesAndOnlyListedRoutingKeysReachPagerDutysPath(KafkaTestEnv kafka) throws Exception {
    Gateway gateway = start(kafka, b -> b
        .auth(Endpoint.CHANGES, EndpointAuth.bearer("ci-token"))
        .pagerDutyRoutingKeys(Set.of("737ea619db564d41bd9824063e1f6b08")));
    String change = "{\"service\":\"checkout\",\"version\":\"v2\"}";
    byte[] listed = GatewayTestSupport.bytes(GatewayTestSupport.fixtureDir("changes")
        .resolve("pagerduty.change-events-v2.build.api-schema-example.json"));
    byte[] unlisted = GatewayTestSupport.bytes(GatewayTestSupport.fixtureDir("changes")
        .resolve("pagerduty.change-events-v2.git.api-schema-example.json"));

    HttpResponse<String> anonymous = post(gateway, CHANGES, JSON, change);
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"stormwatch\"");
    assertThat(post(gateway, CHANGES, JSON, change, "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
    HttpResponse<String> forbidden = post(gateway, PAGERDUTY, JSON, unlisted);
    assertThat(forbidden.statusCode()).isEqualTo(403);
    JsonNode error = MAPPER.readTree(forbidden.body());
    assertThat(error.get("status").asText()).isEqualTo("forbidden");
    assertThat(error.get("message").asText()).isEqualTo(
        "this gateway does not accept the routing_key (see gateway.pagerduty.routing-keys)");
    assertThat(forbidden.body()).as("the key is not echoed").doesNotContain("8au1");
    assertThat(readAll(kafka, topics.rawChanges())).isEmpty();

    assertThat(post(gateway, CHANGES, JSON, change, "Authorization", "Bearer ci-token").statusCode()).isEqualTo(202);
    assertThat(post(gateway, PAGERDUTY, JSON, listed).statusCode()).as("PagerDuty's path has no auth configured")
        .isEqualTo(202);
    assertThat(readAll(kafka, topics.rawChanges())).hasSize(2);
    assertThat(get(gateway, "/metrics").body())
        .contains("stormwatch_gateway_requests_total{endpoint=\"changes\",outcome=\"unauthorized\"} 2.0")
        .contains("stormwatch_gateway_requests_total{endpoint=\"pagerduty-changes\",outcome=\"unauthorized\"} 1.0");
  }
}
