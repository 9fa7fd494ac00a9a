package dev.stormwatch.ingest.gateway;

import static dev.stormwatch.ingest.gateway.GatewayTestSupport.bytes;
import static dev.stormwatch.ingest.gateway.GatewayTestSupport.capturedHeaders;
import static dev.stormwatch.ingest.gateway.GatewayTestSupport.fixtureDir;
import static dev.stormwatch.ingest.gateway.GatewayTestSupport.fixtures;
import static dev.stormwatch.ingest.gateway.GatewayTestSupport.header;
import static dev.stormwatch.ingest.gateway.GatewayTestSupport.readAll;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Every captured Prometheus, Alertmanager and Sentry request body, POSTed over real HTTP with its
 * captured headers, lands byte-identical on the right raw topic with the right headers.
 */
@KafkaIntegrationTest
class GatewayFixturesTest {

  private Topics topics;
  private PrometheusMeterRegistry registry;
  private Gateway gateway;

  @BeforeEach
  void startGateway(KafkaTestEnv kafka) {
    topics = GatewayTestSupport.createRawTopics(kafka);
    registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    gateway = Gateway.start(GatewayConfig.builder(kafka.bootstrapServers()).port(0).topics(topics).build(), registry);
  }

  @AfterEach
  void stopGateway() {
    gateway.close();
    registry.close();
  }

  /** A fixture to POST and what must come out of Kafka for it. */
  private record Sent(byte[] body, String format, String contentType, String sentryResource) {
  }

  @Test
  void prometheusAndAlertmanagerCapturesLandByteIdenticalOnTheRawPrometheusTopic(KafkaTestEnv kafka) {
    Path dir = fixtureDir("prometheus");
    List<Sent> sent = new ArrayList<>();
    for (String glob : List.of("prometheus-to-alertmanager-v2-alerts*.json", "alertmanager-webhook-*.json")) {
      boolean prometheus = glob.startsWith("prometheus");
      List<Path> files = new ArrayList<>(fixtures(dir, glob));
      files.addAll(fixtures(dir.resolve("raw"), glob));
      assertThat(files).as("fixtures matching " + glob).hasSizeGreaterThanOrEqualTo(4);
      for (Path file : files) {
        String name = file.getFileName().toString();
        Map<String, String> captured = capturedHeaders(dir.resolve(name.replace(".json", ".headers.txt")));
        assertThat(captured).containsKeys("Content-Type", "User-Agent");
        HttpRequest.Builder request = GatewayTestSupport.request(gateway,
                prometheus ? Endpoint.PROMETHEUS.path() : Endpoint.ALERTMANAGER.path())
            .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(file)));
        captured.forEach(request::header);
        HttpResponse<String> response = GatewayTestSupport.send(request.build());

        assertThat(response.statusCode()).as(file.toString()).isEqualTo(200);
        assertThat(response.body()).as("Alertmanager answers an empty body").isEmpty();
        sent.add(new Sent(bytes(file), prometheus ? RawHeaders.FORMAT_PROMETHEUS_API
            : RawHeaders.FORMAT_ALERTMANAGER_WEBHOOK, captured.get("Content-Type"), null));
      }
    }
    assertLanded(kafka, topics.rawPrometheus(), sent);
    assertThat(readAll(kafka, topics.rawSentry())).isEmpty();
    assertThat(readAll(kafka, topics.rawLogs())).isEmpty();

    String metrics = GatewayTestSupport.get(gateway, "/metrics").body();
    assertThat(metrics).contains("stormwatch_gateway_accepted_alerts_total{endpoint=\"prometheus\"} "
        + (double) countAll(dir, "prometheus-to-alertmanager-v2-alerts*.json", true))
        .contains("stormwatch_gateway_accepted_alerts_total{endpoint=\"alertmanager\"} "
            + (double) countAll(dir, "alertmanager-webhook-*.json", false))
        .contains("stormwatch_gateway_requests_total{endpoint=\"prometheus\",outcome=\"accepted\"} 4.0")
        .contains("stormwatch_gateway_requests_total{endpoint=\"alertmanager\",outcome=\"accepted\"} 14.0");
  }

  @Test
  void sentryWebhooksLandByteIdenticalWithTheirResourceOnTheRawSentryTopic(KafkaTestEnv kafka) {
    List<Path> files = fixtures(fixtureDir("sentry"), "*.json");
    assertThat(files).hasSize(7);
    List<Sent> sent = new ArrayList<>();
    for (Path file : files) {
      String name = file.getFileName().toString();
      // integration-platform fixtures are named <resource>.<action>...; the legacy plugin sends no resource header
      String resource = name.startsWith("legacy-") ? null : name.substring(0, name.indexOf('.'));
      HttpRequest.Builder request = GatewayTestSupport.request(gateway, Endpoint.SENTRY.path())
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(file)));
      if (resource != null) {
        request.header("Sentry-Hook-Resource", resource)
            .header("Request-ID", "5f5b4b1a-0e0d-4a0e-9d6a-000000000001")
            .header("Sentry-Hook-Timestamp", "1700000000");
      }
      HttpResponse<String> response = GatewayTestSupport.send(request.build());

      assertThat(response.statusCode()).as(name).isEqualTo(200);
      sent.add(new Sent(bytes(file), resource == null ? RawHeaders.FORMAT_SENTRY_LEGACY : RawHeaders.FORMAT_SENTRY,
          "application/json", resource));
    }
    assertThat(sent).extracting(Sent::sentryResource)
        .contains("error", "event_alert", "issue", "metric_alert", null);
    assertLanded(kafka, topics.rawSentry(), sent);
    assertThat(readAll(kafka, topics.rawPrometheus())).isEmpty();
  }

  private void assertLanded(KafkaTestEnv kafka, String topic, List<Sent> sent) {
    long before = System.currentTimeMillis() - 120_000;
    List<ConsumerRecord<byte[], byte[]>> records = readAll(kafka, topic);
    assertThat(records).hasSize(sent.size());
    for (int i = 0; i < sent.size(); i++) {
      ConsumerRecord<byte[], byte[]> record = records.get(i);
      Sent expected = sent.get(i);
      assertThat(record.key()).isNull();
      assertThat(record.value()).isEqualTo(expected.body());
      assertThat(header(record, RawHeaders.FORMAT)).isEqualTo(expected.format());
      assertThat(header(record, RawHeaders.CONTENT_TYPE)).isEqualTo(expected.contentType());
      assertThat(header(record, RawHeaders.REMOTE)).isEqualTo("127.0.0.1");
      assertThat(header(record, RawHeaders.SENTRY_RESOURCE)).isEqualTo(expected.sentryResource());
      long receivedAt = Long.parseLong(header(record, RawHeaders.RECEIVED_AT));
      assertThat(receivedAt).isBetween(before, System.currentTimeMillis());
      assertThat(record.timestamp()).isEqualTo(receivedAt);
    }
  }

  private static int countAll(Path dir, String glob, boolean prometheus) {
    int count = 0;
    for (Path file : fixtures(dir, glob)) {
      count += 2 * countAlerts(bytes(file), prometheus); // pretty and raw copies
    }
    return count;
  }

  private static int countAlerts(byte[] body, boolean prometheus) {
    try {
      JsonNode tree = new ObjectMapper().readTree(body);
      return prometheus ? tree.size() : tree.get("alerts").size();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
