package dev.stormwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.notifier.channel.InboxPage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole pipeline of {@code stormwatch up} on its demo configuration: alerts posted to the
 * gateway in Alertmanager's format become one incident with the failing dependency as root cause,
 * the on-call person of the demo team is paged once in the pager inbox, the page's signed one-click
 * ack link (a GET asks, the POST acts) stops the escalation and tells the person paged, and a
 * restart keeps the incident and the pages.
 */
class PagingEndToEndTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dataDir;

  @Test
  void aStormOnOneDependencyBecomesOneIncidentAndOnePageAndAnAckStopsIt() throws Exception {
    Path config = Files.writeString(dataDir.resolve("stormwatch.yaml"), """
        correlator: {group-wait: 1s}
        notifier: {punctuate-every: 200ms}
        """);
    String incidentId;
    try (RunningUp up = RunningUp.start(dataDir.resolve("data"), "--config", config.toString())) {
      assertThat(up.output()).contains("loaded the demo topology", "loaded the demo on-call configuration");
      // redis-cart fails first; cartservice and frontend, which depend on it, alert after it
      post(up, "/webhooks/alertmanager", webhook(
          alert("RedisDown", "redis-cart", "critical", "2026-11-27T10:00:00Z"),
          alert("HighErrorRate", "cartservice", "critical", "2026-11-27T10:00:05Z"),
          alert("HighLatency", "frontend", "warning", "2026-11-27T10:00:07Z")));

      JsonNode incident = await(() -> {
        JsonNode list = get(up.stack().queryUrl() + "/api/incidents?status=OPEN");
        return list.size() == 1 && list.get(0).path("alertCount").asInt() == 3 ? list.get(0) : null;
      });
      incidentId = incident.path("id").asText();
      assertThat(incident.path("rootCauses").get(0).path("service").asText()).isEqualTo("redis-cart");

      List<InboxPage> pages = await(() -> {
        List<InboxPage> p = up.stack().inbox().pages();
        return p.isEmpty() ? null : p;
      });
      assertThat(pages).as("one page, to the person on call").hasSize(1);
      InboxPage page = pages.get(0);
      assertThat(page.incidentId()).isEqualTo(incidentId);
      assertThat(page.action()).isEqualTo("trigger");
      assertThat(page.rootCause()).isEqualTo("redis-cart");
      assertThat(page.recipientId()).isIn("alice", "bob");

      // the page carries a signed one-click ack link: a GET only asks, the POST acknowledges
      String ackLink = page.links().stream().map(InboxPage.InboxLink::url).filter(u -> u.contains("/ack/"))
          .findFirst().orElseThrow(() -> new AssertionError("no ack link on " + page.links()));
      assertThat(ackLink).startsWith(up.stack().notifierUrl());
      HttpResponse<String> confirm = http.send(HttpRequest.newBuilder(URI.create(ackLink)).GET().build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(confirm.statusCode()).isEqualTo(200);
      assertThat(confirm.body()).contains(incidentId);
      assertThat(get(up.stack().queryUrl() + "/api/incidents/" + incidentId).path("status").asText())
          .as("a GET changes nothing").isEqualTo("OPEN");
      HttpResponse<String> ack = http.send(HttpRequest.newBuilder(URI.create(ackLink))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(ack.statusCode()).as(ack.body()).isBetween(200, 299);
      JsonNode acked = await(() -> {
        JsonNode i = get(up.stack().queryUrl() + "/api/incidents/" + incidentId);
        return "ACKNOWLEDGED".equals(i.path("status").asText()) ? i : null;
      });
      assertThat(acked.path("acknowledgedBy").asText()).isEqualTo(page.recipientId());
      List<InboxPage> afterAck = await(() -> {
        List<InboxPage> p = up.stack().inbox().pages();
        return p.stream().anyMatch(x -> x.action().equals("acknowledge")) ? p : null;
      });
      assertThat(afterAck).filteredOn(p -> p.action().equals("trigger")).as("no further level").hasSize(1);
      assertThat(afterAck).filteredOn(p -> p.action().equals("acknowledge"))
          .extracting(InboxPage::recipientId).containsExactly(page.recipientId());
    }

    try (RunningUp again = RunningUp.start(dataDir.resolve("data"), "--config", config.toString())) {
      assertThat(again.output()).doesNotContain("loaded the demo");
      JsonNode kept = await(() -> {
        try {
          JsonNode i = get(again.stack().queryUrl() + "/api/incidents/" + incidentId);
          return i.path("status").asText().equals("ACKNOWLEDGED") ? i : null;
        } catch (AssertionError e) {
          return null; // 503 while the restored stores open
        }
      });
      assertThat(kept.path("alertCount").asInt()).isEqualTo(3);
      List<InboxPage> replayed = await(() -> {
        List<InboxPage> p = again.stack().inbox().pages();
        return p.size() >= 2 ? p : null;
      });
      Set<String> actions = replayed.stream().map(InboxPage::action).collect(Collectors.toSet());
      assertThat(actions).containsExactlyInAnyOrder("trigger", "acknowledge");
      assertThat(replayed).as("the pages survive the restart, none doubled").hasSize(2)
          .allSatisfy(p -> assertThat(p.copies()).isEqualTo(1));
    }
  }

  private static String webhook(String... alerts) {
    return """
        {"version":"4","status":"firing","receiver":"stormwatch","groupKey":"{}:{}","groupLabels":{},
         "commonLabels":{},"commonAnnotations":{},"externalURL":"http://alertmanager:9093","alerts":[%s]}
        """.formatted(String.join(",", alerts));
  }

  private static String alert(String name, String service, String severity, String startsAt) {
    return """
        {"status":"firing","labels":{"alertname":"%s","service":"%s","severity":"%s"},
         "annotations":{"summary":"%s on %s"},"startsAt":"%s","endsAt":"0001-01-01T00:00:00Z",
         "generatorURL":"http://prometheus:9090/graph","fingerprint":"%s"}
        """.formatted(name, service, severity, name, service, startsAt, Integer.toHexString((name + service).hashCode()));
  }

  private void post(RunningUp up, String path, String body) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(up.stack().gatewayUrl() + path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
  }

  private JsonNode get(String url) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError(url + " answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  interface Probe<T> {
    T value() throws Exception;
  }

  private static <T> T await(Probe<T> probe) {
    Object[] found = new Object[1];
    Awaitility.await().atMost(RunningUp.DEADLINE).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
        .until(() -> (found[0] = probe.value()) != null);
    @SuppressWarnings("unchecked")
    T value = (T) found[0];
    return value;
  }
}
