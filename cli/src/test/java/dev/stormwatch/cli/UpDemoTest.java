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
 * the noise stays apart and only reaches the team's chat inbox. {@code stormwatch stats} then counts
 * the storm (its detection time, the deploy as a failed change). The stack runs as
 * {@code up --api-token}: writes through the CLI and the notifier API need the token, and with it the
 * ack and resolve show up as MTTA and MTTR. (The group wait is shortened by the config file; the demo
 * is otherwise as shipped.)
 */
class UpDemoTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The bearer token of {@code up --api-token}. */
  private static final String TOKEN = "demo-test-token-91c2";
  private final HttpClient http = HttpClient.newHttpClient();
  @TempDir Path dir;

  @Test
  void theDemoStormBecomesOneIncidentWithItsRootCauseAndOnePageAndStatsCountIt() throws Exception {
    Path config = Files.writeString(dir.resolve("stormwatch.yaml"), "correlator: {group-wait: 2s}\n");
    try (RunningUp up = RunningUp.start(dir.resolve("data"), "--config", config.toString(), "--demo",
        "--api-token", TOKEN)) {
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

      assertStatsCountTheStorm(up.stack().queryUrl(), JSON.readTree(get(up.stack().queryUrl() + "/api/incidents/"
          + incident.path("id").asText())));
      assertWritesNeedTheToken(up, incident.path("id").asText());
    }
  }

  /**
   * {@code stormwatch stats} on the storm's service: one incident of its severity, detected in the
   * span between its first alert and its page, and the deploy before it a failed change (100 %);
   * a window that ended an hour ago holds none of it; the API's 400s are one line and a non-zero exit.
   */
  private void assertStatsCountTheStorm(String api, JsonNode incident) throws Exception {
    long detectMs = millisBetween(incident, "firstAlertAt", "escalatedAt");
    String severity = incident.path("severity").asText().toLowerCase(java.util.Locale.ROOT);
    AtomicReference<JsonNode> counted = new AtomicReference<>();
    Awaitility.await("the storm in the statistics").atMost(RunningUp.DEADLINE).pollInterval(Duration.ofMillis(500))
        .untilAsserted(() -> {
          JsonNode stats = JSON.readTree(cli("stats", "--service", "redis-cart", "--json", "--api", api));
          assertThat(stats.path("incidents").asInt()).isEqualTo(1);
          assertThat(stats.path("mttd").path("count").asInt()).isEqualTo(1);
          assertThat(stats.path("changeFailure").path("changes").asInt()).isEqualTo(1);
          counted.set(stats);
        });
    JsonNode stats = counted.get();
    assertThat(stats.path("service").asText()).isEqualTo("redis-cart");
    assertThat(stats.path("bySeverity").path(severity).asInt()).isEqualTo(1);
    assertThat(stats.path("mttd").path("meanMs").asLong()).isEqualTo(detectMs);
    assertThat(stats.path("mttd").path("p50Ms").asLong()).isEqualTo(detectMs);
    assertThat(stats.path("mtta").path("count").asInt()).as("not acknowledged yet").isZero();
    assertThat(stats.path("changeFailure").path("failed").asInt()).as("the deploy is the storm's suspect").isEqualTo(1);
    assertThat(stats.path("changeFailureByService").path("redis-cart").path("rate").asDouble()).isEqualTo(1.0);

    String summary = cli("stats", "--service", "redis-cart", "--api", api);
    assertThat(summary).startsWith("1 incident opened from ").contains(", service redis-cart\n")
        .containsPattern("(?m)^" + severity + " +1$")
        .containsPattern("(?m)^detect \\(MTTD\\) +1 +" + StatsCommand.human(Duration.ofMillis(detectMs)) + " ")
        .containsPattern("(?m)^acknowledge \\(MTTA\\) +0 +- +- +-$")
        .containsPattern("(?m)^redis-cart +1 +1 +100\\.0%$");

    // a duration is "that long ago": the window that ended an hour ago has neither the storm nor the deploy
    JsonNode before = JSON.readTree(cli("stats", "--to", "1h", "--service", "redis-cart", "--json", "--api", api));
    assertThat(before.path("incidents").asInt()).isZero();
    assertThat(before.path("changeFailure").path("changes").asInt()).isZero();
    assertThat(java.time.Instant.parse(before.path("to").asText()))
        .isBetween(java.time.Instant.now().minus(Duration.ofMinutes(61)), java.time.Instant.now().minus(Duration.ofMinutes(59)));

    assertThat(cliErr("stats", "--from", "2026-03-10T00:00:00Z", "--to", "2026-03-03T00:00:00Z", "--api", api))
        .isEqualTo("stormwatch: the query API answered 400: from (2026-03-10T00:00:00Z) must be before to"
            + " (2026-03-03T00:00:00Z)");
    assertThat(cliErr("stats", "--from", "yesterday", "--api", api))
        .startsWith("stormwatch: the query API answered 400: from is not an instant").doesNotContain("\n");
  }

  /**
   * Under {@code up --api-token}: the banner says so without the token; the CLI's ack, resolve and
   * silence writes are refused (401, one line) without {@code --token} and go through with it; the
   * notifier API's commands need it too; MTTA and MTTR then count the incident.
   */
  private void assertWritesNeedTheToken(RunningUp up, String id) throws Exception {
    assertThat(up.output()).contains("need the --api-token").doesNotContain(TOKEN);
    String api = up.stack().queryUrl();

    assertThat(cliErr("incidents", "ack", id, "--api", api))
        .isEqualTo("stormwatch: the query API answered 401: missing or wrong bearer token");
    assertThat(cliErr("incidents", "ack", id, "--token", "not-" + TOKEN, "--api", api))
        .isEqualTo("stormwatch: the query API answered 401: missing or wrong bearer token");
    assertThat(cliErr("silence", "add", "--matcher", "service=emailservice", "--duration", "1h", "--api", api))
        .isEqualTo("stormwatch: the query API answered 401: missing or wrong bearer token");
    assertThat(JSON.readTree(get(api + "/api/incidents/" + id)).path("status").asText()).isEqualTo("OPEN");

    assertThat(cli("incidents", "ack", id, "--actor", "carol", "--token", TOKEN, "--api", api))
        .contains("ack of " + id + " accepted");
    String added = cli("silence", "add", "--matcher", "service=emailservice", "--duration", "1h", "--token", TOKEN,
        "--api", api);
    String silenceId = added.split(" ")[1];
    assertThat(cliErr("silence", "expire", silenceId, "--api", api))
        .isEqualTo("stormwatch: the query API answered 401: missing or wrong bearer token");
    assertThat(cli("silence", "expire", silenceId, "--token", TOKEN, "--api", api))
        .startsWith("silence " + silenceId + " expired at ");
    JsonNode acked = awaitStatus(api, id, "ACKNOWLEDGED");
    assertThat(acked.path("acknowledgedBy").asText()).isEqualTo("carol");

    // the notifier API's commands: the same token
    String resolve = up.stack().notifierUrl() + "/api/incidents/" + id + "/resolve";
    assertThat(postJson(resolve, "{\"actor\":\"carol\"}", null).statusCode()).isEqualTo(401);
    HttpResponse<String> resolved = postJson(resolve, "{\"actor\":\"carol\"}", TOKEN);
    assertThat(resolved.statusCode()).as(resolved.body()).isEqualTo(202);
    JsonNode done = awaitStatus(api, id, "RESOLVED");

    long ackMs = millisBetween(done, "escalatedAt", "acknowledgedAt");
    long restoreMs = millisBetween(done, "firstAlertAt", "resolvedAt");
    Awaitility.await("acknowledge and restore in the statistics").atMost(RunningUp.DEADLINE)
        .pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
          JsonNode stats = JSON.readTree(cli("stats", "--service", "redis-cart", "--json", "--api", api));
          assertThat(stats.path("mtta").path("count").asInt()).isEqualTo(1);
          assertThat(stats.path("mtta").path("meanMs").asLong()).isEqualTo(ackMs);
          assertThat(stats.path("mttr").path("count").asInt()).isEqualTo(1);
          assertThat(stats.path("mttr").path("meanMs").asLong()).isEqualTo(restoreMs);
        });
  }

  private JsonNode awaitStatus(String api, String id, String status) {
    AtomicReference<JsonNode> found = new AtomicReference<>();
    Awaitility.await(id + " " + status).atMost(RunningUp.DEADLINE).pollInterval(Duration.ofMillis(250))
        .untilAsserted(() -> {
          JsonNode i = JSON.readTree(get(api + "/api/incidents/" + id));
          assertThat(i.path("status").asText()).isEqualTo(status);
          found.set(i);
        });
    return found.get();
  }

  private static long millisBetween(JsonNode incident, String from, String to) {
    return Duration.between(java.time.Instant.parse(incident.path(from).asText()),
        java.time.Instant.parse(incident.path(to).asText())).toMillis();
  }

  private HttpResponse<String> postJson(String url, String body, String token) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String cli(String... args) {
    CliRun run = CliRun.run(args);
    assertThat(run.exit()).as(String.join(" ", args) + ": " + run.err()).isZero();
    return run.out();
  }

  private static String cliErr(String... args) {
    CliRun run = CliRun.run(args);
    assertThat(run.exit()).as(String.join(" ", args) + ": " + run.out()).isNotZero();
    return run.err().strip();
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
