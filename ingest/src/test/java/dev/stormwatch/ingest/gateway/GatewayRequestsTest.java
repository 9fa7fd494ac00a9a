package dev.stormwatch.ingest.gateway;

import static dev.stormwatch.ingest.gateway.GatewayTestSupport.get;
import static dev.stormwatch.ingest.gateway.GatewayTestSupport.header;
import static dev.stormwatch.ingest.gateway.GatewayTestSupport.post;
import static dev.stormwatch.ingest.gateway.GatewayTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.ingest.raw.RawHeaders;
import dev.stormwatch.testkit.KafkaIntegrationTest;
import dev.stormwatch.testkit.KafkaTestEnv;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Status codes, what is (and is not) written, auth, signatures, health and metrics, over real HTTP and Kafka. */
@KafkaIntegrationTest
class GatewayRequestsTest {

  private static final int MAX_BODY = 4096;
  private static final String ALERT = "[{\"labels\":{\"alertname\":\"A\",\"service\":\"checkout\"}}]";
  private static final String SECRET = "sentry-client-secret";

  private final List<AutoCloseable> toClose = new ArrayList<>();
  private Topics topics;
  private PrometheusMeterRegistry registry;

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
  }

  private Gateway start(KafkaTestEnv kafka, UnaryOperator<GatewayConfig.Builder> settings) {
    topics = GatewayTestSupport.createRawTopics(kafka);
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    toClose.add(registry::close);
    Gateway gateway = Gateway.start(settings.apply(GatewayConfig.builder(kafka.bootstrapServers())
        .port(0).topics(topics).maxBodyBytes(MAX_BODY)).build(), registry);
    toClose.add(gateway);
    return gateway;
  }

  /** One bad request and what the gateway must answer. */
  private record Bad(String path, String contentType, String body, int status, String reason, String... headers) {
  }

  @Test
  void badRequestsGetTheirStatusAndAOneLineReasonAndNothingIsWritten(KafkaTestEnv kafka) {
    Gateway gateway = start(kafka, b -> b);
    String json = "application/json";
    String alerts = Endpoint.PROMETHEUS.path();
    String webhook = Endpoint.ALERTMANAGER.path();
    String sentry = Endpoint.SENTRY.path();
    String logs = Endpoint.LOGS.path();
    List<Bad> cases = List.of(
        new Bad(alerts, json, "this is not json", 400, "not valid JSON"),
        new Bad(alerts, json, "", 400, "empty body"),
        new Bad(alerts, json, "{\"labels\":{}}", 400, "must be a JSON array"),
        new Bad(alerts, json, "[{\"annotations\":{}}]", 400, "alert [0] has no \"labels\" object"),
        new Bad(alerts, json, ALERT.replace("]", ",{\"labels\":\"x\"}]"), 400, "alert [1]: \"labels\" must be a JSON object"),
        new Bad(alerts, json, "[1]", 400, "alert [0] must be a JSON object"),
        new Bad(alerts, json, ALERT + " []", 400, "unexpected content after the JSON document"),
        new Bad(alerts, json, "[{\"labels\":{\"a\":", 400, "not valid JSON"),
        new Bad(webhook, json, "[]", 400, "must be an Alertmanager webhook object"),
        new Bad(webhook, json, "{\"version\":\"4\",\"status\":\"firing\"}", 400, "no \"alerts\" array"),
        new Bad(webhook, json, "{\"alerts\":{}}", 400, "\"alerts\" must be a JSON array"),
        new Bad(sentry, json, "[]", 400, "must be a Sentry webhook object"),
        new Bad(sentry, json, "{\"action\":", 400, "not valid JSON"),
        new Bad(logs, "application/x-ndjson", "{\"a\":1}\n{\"b\":2}\n{\"c\":\n\n", 400, "line 3"),
        new Bad(logs, "application/x-ndjson", "{\"a\":1}\n{\"b\":2}\n{oops}\n", 400, "line 3: not valid JSON"),
        new Bad(logs, "text/plain", " \n\n", 400, "empty body"),
        new Bad(logs, "application/x-protobuf", "\u0000\u0001", 415, "push JSON"),
        new Bad(logs, "application/xml", "<a/>", 415, "not supported"),
        new Bad(alerts, "text/plain", ALERT, 415, "send application/json"),
        new Bad(alerts, "application/x-www-form-urlencoded", ALERT, 415, "send application/json"),
        new Bad(webhook, "text/html", "{\"alerts\":[]}", 415, "send application/json"),
        new Bad(alerts, json, ALERT, 415, "Content-Encoding gzip", "Content-Encoding", "gzip"),
        new Bad(alerts, json, "[" + " ".repeat(MAX_BODY) + "]", 413, "larger than the limit of 4096 bytes"),
        new Bad(logs, "text/plain", "x\n".repeat(MAX_BODY), 413, "larger than the limit"));

    for (Bad bad : cases) {
      HttpResponse<String> response = post(gateway, bad.path(), bad.contentType(), bad.body(), bad.headers());
      assertThat(response.statusCode()).as(bad.toString() + " -> " + response.body()).isEqualTo(bad.status());
      assertThat(response.body()).as(bad.toString()).contains(bad.reason()).endsWith("\n");
      assertThat(response.body().strip()).as("one line").doesNotContain("\n");
      assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
    }
    // chunked, no Content-Length: the limit holds on the bytes actually read
    HttpResponse<String> chunked = GatewayTestSupport.send(GatewayTestSupport.request(gateway, alerts)
        .header("Content-Type", json)
        .POST(HttpRequest.BodyPublishers.ofInputStream(
            () -> new ByteArrayInputStream(("[" + " ".repeat(2 * MAX_BODY) + "]").getBytes(StandardCharsets.UTF_8))))
        .build());
    assertThat(chunked.statusCode()).isEqualTo(413);

    for (String topic : GatewayTestSupport.rawTopics(topics)) {
      assertThat(readAll(kafka, topic)).as(topic).isEmpty();
    }
    String metrics = get(gateway, "/metrics").body();
    assertThat(metrics)
        .contains("stormwatch_gateway_requests_total{endpoint=\"prometheus\",outcome=\"bad_request\"} 8.0")
        .contains("stormwatch_gateway_requests_total{endpoint=\"prometheus\",outcome=\"unsupported_media_type\"} 3.0")
        .contains("stormwatch_gateway_requests_total{endpoint=\"prometheus\",outcome=\"too_large\"} 2.0")
        .contains("stormwatch_gateway_requests_total{endpoint=\"logs\",outcome=\"unsupported_media_type\"} 2.0")
        .contains("stormwatch_gateway_requests_total{endpoint=\"prometheus\",outcome=\"accepted\"} 0.0");
  }

  @Test
  void lenientJsonContentTypesAndABodyAtTheLimitAreAccepted(KafkaTestEnv kafka) {
    Gateway gateway = start(kafka, b -> b);
    String atLimit = ALERT + " ".repeat(MAX_BODY - ALERT.length());
    assertThat(post(gateway, Endpoint.PROMETHEUS.path(), null, ALERT).statusCode()).isEqualTo(200);
    assertThat(post(gateway, Endpoint.PROMETHEUS.path(), "Application/JSON; charset=UTF-8", ALERT).statusCode())
        .isEqualTo(200);
    assertThat(post(gateway, Endpoint.PROMETHEUS.path(), "application/vnd.example+json", "[]").statusCode())
        .isEqualTo(200);
    assertThat(post(gateway, Endpoint.PROMETHEUS.path(), "application/json", atLimit).statusCode()).isEqualTo(200);

    List<ConsumerRecord<byte[], byte[]>> records = readAll(kafka, topics.rawPrometheus());
    assertThat(records).hasSize(4);
    assertThat(header(records.get(0), RawHeaders.CONTENT_TYPE)).as("assumed when missing").isEqualTo("application/json");
    // Jetty hands well-known content types over in their canonical (lower-case) spelling
    assertThat(header(records.get(1), RawHeaders.CONTENT_TYPE)).isEqualToIgnoringCase("Application/JSON; charset=UTF-8");
    assertThat(records.get(3).value()).hasSize(MAX_BODY);
  }

  @Test
  void logsAcceptNdjsonPrettyPrintedJsonLokiPushAndPlainText(KafkaTestEnv kafka) {
    Gateway gateway = start(kafka, b -> b.maxBodyBytes(64 * 1024));
    String ndjson = "{\"@timestamp\":\"2026-11-27T15:00:00Z\",\"log.level\":\"ERROR\",\"message\":\"boom\"}\n"
        + "{\"@timestamp\":\"2026-11-27T15:00:01Z\",\"log.level\":\"INFO\",\"message\":\"ok\"}\n";
    String otlp = "{\n  \"resourceLogs\": [\n    {\n      \"scopeLogs\": []\n    }\n  ]\n}\n";
    String loki = "{\"streams\":[{\"stream\":{\"app\":\"checkout\"},\"values\":[[\"1700000000000000000\",\"a\"],"
        + "[\"1700000000000000001\",\"b\"]]},{\"stream\":{\"app\":\"db\"},\"values\":[[\"1700000000000000002\",\"c\"]]}]}";
    String text = "ERROR checkout boom\n\nINFO checkout ok\nWARN db slow";

    assertThat(post(gateway, "/logs", "application/x-ndjson", ndjson).statusCode()).isEqualTo(200);
    assertThat(post(gateway, "/logs", "application/json", otlp).statusCode()).isEqualTo(200);
    assertThat(post(gateway, "/logs", "application/json", loki).statusCode()).isEqualTo(200);
    assertThat(post(gateway, "/logs", "text/plain; charset=utf-8", text).statusCode()).isEqualTo(200);
    assertThat(post(gateway, "/logs", null, ndjson).statusCode()).isEqualTo(200);

    List<ConsumerRecord<byte[], byte[]>> records = readAll(kafka, topics.rawLogs());
    assertThat(records).hasSize(5);
    assertThat(records).extracting(r -> header(r, RawHeaders.FORMAT)).containsExactly(
        RawHeaders.FORMAT_LOGS_NDJSON, RawHeaders.FORMAT_LOGS_NDJSON, RawHeaders.FORMAT_LOKI_PUSH,
        RawHeaders.FORMAT_LOGS_NDJSON, RawHeaders.FORMAT_LOGS_NDJSON);
    assertThat(records).extracting(r -> header(r, RawHeaders.CONTENT_TYPE)).containsExactly(
        "application/x-ndjson", "application/json", "application/json", "text/plain; charset=utf-8",
        "application/x-ndjson");
    assertThat(new String(records.get(3).value(), StandardCharsets.UTF_8)).isEqualTo(text);
    // 2 NDJSON records + 1 OTLP document + 3 Loki entries + 3 text lines + 2 NDJSON records
    assertThat(get(gateway, "/metrics").body())
        .contains("stormwatch_gateway_accepted_alerts_total{endpoint=\"logs\"} 11.0");
  }

  @Test
  void sentryWebhooksMustCarryTheHmacOfTheRawBodyWhenASecretIsConfigured(KafkaTestEnv kafka) {
    Gateway gateway = start(kafka, b -> b.sentryClientSecret(SECRET));
    byte[] body = "{\"action\":\"created\",\"data\":{\"issue\":{\"id\":\"1\"}}}".getBytes(StandardCharsets.UTF_8);
    String signature = SentrySignature.hex(SECRET, body);
    String path = Endpoint.SENTRY.path();

    HttpResponse<String> missing = post(gateway, path, "application/json", body, "Sentry-Hook-Resource", "issue");
    HttpResponse<String> wrong = post(gateway, path, "application/json", body, "Sentry-Hook-Resource", "issue",
        "Sentry-Hook-Signature", SentrySignature.hex("another secret", body));
    HttpResponse<String> notHex = post(gateway, path, "application/json", body, "Sentry-Hook-Resource", "issue",
        "Sentry-Hook-Signature", "zz");
    byte[] tampered = "{\"action\":\"created\",\"data\":{\"issue\":{\"id\":\"2\"}}}".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> otherBody = post(gateway, path, "application/json", tampered, "Sentry-Hook-Resource",
        "issue", "Sentry-Hook-Signature", signature);
    for (HttpResponse<String> refused : List.of(missing, wrong, notHex, otherBody)) {
      assertThat(refused.statusCode()).isEqualTo(401);
      assertThat(refused.headers().firstValue("WWW-Authenticate")).isPresent();
      assertThat(refused.body()).contains("Sentry-Hook-Signature");
    }
    assertThat(readAll(kafka, topics.rawSentry())).isEmpty();

    HttpResponse<String> signed = post(gateway, path, "application/json", body, "Sentry-Hook-Resource", "issue",
        "Sentry-Hook-Signature", signature);
    assertThat(signed.statusCode()).isEqualTo(200);
    List<ConsumerRecord<byte[], byte[]>> records = readAll(kafka, topics.rawSentry());
    assertThat(records).hasSize(1);
    assertThat(records.get(0).value()).isEqualTo(body);
    assertThat(header(records.get(0), RawHeaders.SENTRY_RESOURCE)).isEqualTo("issue");
  }

  @Test
  void bearerAndBasicAuthGuardTheirEndpointsOnly(KafkaTestEnv kafka) {
    Gateway gateway = start(kafka, b -> b
        .auth(Endpoint.PROMETHEUS, EndpointAuth.bearer("s3cret-token"))
        .auth(Endpoint.LOGS, EndpointAuth.basic("shipper", "pa:ss")));
    String alerts = Endpoint.PROMETHEUS.path();
    String basicOk = "Basic " + Base64.getEncoder().encodeToString("shipper:pa:ss".getBytes(StandardCharsets.UTF_8));
    String basicWrong = "Basic " + Base64.getEncoder().encodeToString("shipper:nope".getBytes(StandardCharsets.UTF_8));

    HttpResponse<String> noToken = post(gateway, alerts, "application/json", ALERT);
    assertThat(noToken.statusCode()).isEqualTo(401);
    assertThat(noToken.headers().firstValue("WWW-Authenticate")).hasValue("Bearer realm=\"stormwatch\"");
    assertThat(post(gateway, alerts, "application/json", ALERT, "Authorization", "Bearer wrong").statusCode())
        .isEqualTo(401);
    assertThat(post(gateway, alerts, "application/json", ALERT, "Authorization", basicOk).statusCode())
        .isEqualTo(401);
    HttpResponse<String> noBasic = post(gateway, "/logs", "text/plain", "line");
    assertThat(noBasic.statusCode()).isEqualTo(401);
    assertThat(noBasic.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic "));
    assertThat(post(gateway, "/logs", "text/plain", "line", "Authorization", basicWrong).statusCode()).isEqualTo(401);
    for (String topic : GatewayTestSupport.rawTopics(topics)) {
      assertThat(readAll(kafka, topic)).as(topic).isEmpty();
    }

    assertThat(post(gateway, alerts, "application/json", ALERT, "Authorization", "Bearer s3cret-token").statusCode())
        .isEqualTo(200);
    assertThat(post(gateway, "/logs", "text/plain", "line", "Authorization", basicOk).statusCode()).isEqualTo(200);
    assertThat(post(gateway, Endpoint.ALERTMANAGER.path(), "application/json", "{\"alerts\":[]}").statusCode())
        .as("no auth configured for the webhook").isEqualTo(200);
    assertThat(readAll(kafka, topics.rawPrometheus())).hasSize(2);
    assertThat(readAll(kafka, topics.rawLogs())).hasSize(1);
    assertThat(get(gateway, "/metrics").body())
        .contains("stormwatch_gateway_requests_total{endpoint=\"prometheus\",outcome=\"unauthorized\"} 3.0")
        .contains("stormwatch_gateway_requests_total{endpoint=\"logs\",outcome=\"unauthorized\"} 2.0");
  }

  @Test
  void healthStatusAndMetricsEndpointsAnswer(KafkaTestEnv kafka) throws Exception {
    Gateway gateway = start(kafka, b -> b);

    HttpResponse<String> healthy = get(gateway, "/-/healthy");
    assertThat(healthy.statusCode()).isEqualTo(200);
    assertThat(healthy.body()).isEqualTo("OK");
    HttpResponse<String> ready = get(gateway, "/-/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.body()).isEqualTo("OK");
    HttpResponse<String> healthz = get(gateway, "/healthz");
    assertThat(healthz.statusCode()).isEqualTo(200);
    JsonNode health = new ObjectMapper().readTree(healthz.body());
    assertThat(health.path("status").asText()).isEqualTo("ok");
    assertThat(health.path("kafka").asText()).isEqualTo("up");

    HttpResponse<String> status = get(gateway, "/api/v2/status");
    assertThat(status.statusCode()).isEqualTo(200);
    assertThat(status.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
    JsonNode body = new ObjectMapper().readTree(status.body());
    assertThat(body.path("cluster").path("status").asText()).isEqualTo("ready");
    assertThat(body.path("cluster").path("peers").isArray()).isTrue();
    assertThat(body.path("versionInfo").path("version").asText()).startsWith("stormwatch-");
    assertThat(body.path("config").path("original").isTextual()).isTrue();
    assertThat(java.time.Instant.parse(body.path("uptime").asText())).isBeforeOrEqualTo(java.time.Instant.now());

    assertThat(post(gateway, Endpoint.PROMETHEUS.path(), "application/json", ALERT).statusCode()).isEqualTo(200);
    HttpResponse<String> metrics = get(gateway, "/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
    for (Endpoint endpoint : Endpoint.values()) {
      for (GatewayMetrics.Outcome outcome : GatewayMetrics.Outcome.values()) {
        assertThat(metrics.body()).contains("stormwatch_gateway_requests_total{endpoint=\"" + endpoint.label()
            + "\",outcome=\"" + outcome.label() + "\"}");
      }
    }
    assertThat(metrics.body())
        .contains("stormwatch_gateway_requests_total{endpoint=\"prometheus\",outcome=\"accepted\"} 1.0")
        .contains("stormwatch_gateway_accepted_bytes_total{endpoint=\"prometheus\"} " + (double) ALERT.length())
        .contains("stormwatch_gateway_accepted_alerts_total{endpoint=\"prometheus\"} 1.0")
        .contains("stormwatch_gateway_produce_latency_seconds_count{endpoint=\"prometheus\",result=\"ok\"} 1")
        .contains("kafka_producer_");
  }
}
