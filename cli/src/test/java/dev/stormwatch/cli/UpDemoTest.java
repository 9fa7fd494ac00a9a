package dev.stormwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stormwatch.notifier.channel.InboxPage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stormwatch up --demo}: the storm over every gateway format becomes one incident on the
 * Online Boutique services with redis-cart ranked first and its deploy named suspect, and one page;
 * the noise stays apart and only reaches the team's chat inbox. (The group wait is shortened by
 * the config file; the demo is otherwise as shipped.)
 */
class UpDemoTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;

  @Test
  void theDemoStormBecomesOneIncidentWithItsRootCauseAndOnePage() throws Exception {
    Path config = Files.writeString(dir.resolve("stormwatch.yaml"), "correlator: {group-wait: 2s}\n");
    try (RunningUp up = RunningUp.start(dir.resolve("data"), "--config", config.toString(), "--demo")) {
      assertThat(up.output()).contains("Demo storm", "Alertmanager webhook", "Sentry", "ECS NDJSON")
          .doesNotContain("the demo storm failed");
      String incidents = up.stack().queryUrl() + "/api/incidents?status=OPEN";
      AtomicReference<JsonNode> storm = new AtomicReference<>();
      Awaitility.await().atMost(RunningUp.DEADLINE).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
          .untilAsserted(() -> {
            JsonNode list = JSON.readTree(get(incidents));
            JsonNode found = null;
            for (JsonNode i : list) {
              if (containsText(i.path("services"), "redis-cart")) {
                found = i;
              }
            }
            assertThat(found).isNotNull();
            assertThat(found.path("escalatedAt").isNull()).isFalse();
            // the deploy and every caller's alerts: redis, 30 cart pods, 40 latency, sentry, the log alert
            assertThat(found.path("alertCount").asInt()).isGreaterThanOrEqualTo(73);
            storm.set(found);
          });
      JsonNode incident = storm.get();
      assertThat(incident.path("rootCauses").get(0).path("service").asText()).isEqualTo("redis-cart");
      assertThat(names(incident.path("services"))).contains("redis-cart", "cartservice", "checkoutservice", "frontend")
          .doesNotContain("ledger-db", "billing");
      assertThat(incident.path("suspectChanges").toString()).as("the deploy 5 minutes before").contains("redis-cart",
          "7.2.4-demo");

      Awaitility.await().atMost(RunningUp.DEADLINE).untilAsserted(() -> assertThat(up.stack().inbox().pages())
          .filteredOn(p -> p.incidentId().equals(incident.path("id").asText()) && p.action().equals("trigger"))
          .hasSize(1));
      List<InboxPage> pages = up.stack().inbox().pages();
      assertThat(pages).filteredOn(p -> p.action().equals("trigger") && !p.inbox().equals("platform-chat"))
          .as("one page to a person: the storm's").hasSize(1);
    }
  }

  private static boolean containsText(JsonNode array, String text) {
    return names(array).contains(text);
  }

  private static List<String> names(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  private String get(String url) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(url + ": " + r.body()).isEqualTo(200);
    return r.body();
  }
}
