package dev.stormwatch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The storm {@code ./stormwatch up --demo} plays over the gateway, on the demo topology (Online
 * Boutique): {@code redis-cart} was deployed five minutes ago and fails; its callers alert after it
 * through every format the gateway speaks — Alertmanager's webhook (Redis and the cart pods),
 * Prometheus' own {@code /api/v2/alerts} (checkout and frontend latency), a Sentry issue (the cart
 * service's connection errors) and error logs (frontend, ECS NDJSON, enough to trip the log rate
 * rule) — while unrelated noise fires elsewhere ({@code ledger-db} and {@code billing}, outside the
 * shop's dependency graph). About a hundred alerts that should become one incident with
 * {@code redis-cart} as its ranked root cause and the deploy as suspect, one page, plus the noise.
 */
final class DemoStorm {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final URI gateway;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  DemoStorm(String gatewayUrl) {
    this.gateway = URI.create(gatewayUrl.endsWith("/") ? gatewayUrl : gatewayUrl + "/");
  }

  /** What was sent, one line per request. */
  record Sent(String what, int alerts) {}

  /** Plays the storm as of {@code now}; every request must be accepted or this throws. */
  List<Sent> play(Instant now) throws IOException, InterruptedException {
    Instant t0 = now.truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
    List<Sent> sent = new ArrayList<>();

    // a deploy of the dependency, five minutes before it fails
    ObjectNode change = JSON.createObjectNode().put("service", "redis-cart").put("kind", "deploy")
        .put("version", "7.2.4-demo").put("author", "demo-pipeline").put("summary", "bump redis to 7.2.4, new maxmemory policy")
        .put("time", t0.minus(Duration.ofMinutes(5)).toString());
    post("api/changes", change, Map.of());
    sent.add(new Sent("deploy of redis-cart 5 min before onset (POST /api/changes)", 0));

    // Alertmanager webhook: redis down, then the cart pods' error rate
    ArrayNode am = JSON.createArrayNode();
    am.add(amAlert("RedisDown", "redis-cart", "critical", "redis-cart-0", t0, "Redis is not answering PING"));
    for (int pod = 0; pod < 30; pod++) {
      am.add(amAlert("HighErrorRate", "cartservice", "critical", "cartservice-" + pod, t0.plusSeconds(3 + pod % 5),
          "5xx ratio above 20% on cartservice-" + pod));
    }
    ObjectNode webhook = JSON.createObjectNode().put("version", "4").put("status", "firing")
        .put("receiver", "stormwatch").put("groupKey", "{}:{alertname=~\".*\"}")
        .put("externalURL", "http://alertmanager.demo:9093");
    webhook.putObject("groupLabels");
    webhook.putObject("commonLabels");
    webhook.putObject("commonAnnotations");
    webhook.set("alerts", am);
    post("webhooks/alertmanager", webhook, Map.of());
    sent.add(new Sent("Alertmanager webhook: RedisDown on redis-cart, HighErrorRate on 30 cartservice pods", am.size()));

    // Prometheus' own client: latency of the callers further up
    ArrayNode prom = JSON.createArrayNode();
    for (int pod = 0; pod < 20; pod++) {
      prom.add(promAlert("HighLatency", "checkoutservice", "warning", "checkoutservice-" + pod, t0.plusSeconds(8)));
      prom.add(promAlert("HighLatency", "frontend", "critical", "frontend-" + pod, t0.plusSeconds(10)));
    }
    post("api/v2/alerts", prom, Map.of());
    sent.add(new Sent("Prometheus /api/v2/alerts: HighLatency on 20 checkoutservice and 20 frontend pods", prom.size()));

    // Sentry: the cart service's connection errors
    ObjectNode issue = JSON.createObjectNode().put("action", "created");
    issue.putObject("actor").put("id", "sentry").put("name", "Sentry").put("type", "application");
    ObjectNode data = issue.putObject("data").putObject("issue");
    data.put("id", "4242001").put("title", "ConnectionError: Error connecting to redis-cart:6379")
        .put("culprit", "CartStore.GetCartAsync").put("level", "error").put("status", "unresolved")
        .put("firstSeen", t0.plusSeconds(4).toString()).put("count", "412").put("platform", "csharp")
        .put("shortId", "CARTSERVICE-1A").put("web_url", "https://sentry.demo/issues/4242001/");
    data.putObject("project").put("id", "7").put("name", "cartservice").put("slug", "cartservice");
    post("webhooks/sentry", issue, Map.of("Sentry-Hook-Resource", "issue"));
    sent.add(new Sent("Sentry issue webhook: ConnectionError in cartservice", 1));

    // error logs of the frontend (ECS NDJSON): enough within a minute to trip the log rate rule
    StringBuilder logs = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      ObjectNode line = JSON.createObjectNode().put("@timestamp", t0.plusSeconds(12 + i).toString())
          .put("log.level", "ERROR").put("message", "failed to retrieve cart: rpc error: code = Unavailable")
          .put("service.name", "frontend").put("ecs.version", "1.6.0").put("log.logger", "frontend.handlers");
      logs.append(JSON.writeValueAsString(line)).append('\n');
    }
    postRaw("logs", logs.toString(), "application/x-ndjson", Map.of());
    sent.add(new Sent("12 ERROR log lines of frontend (ECS NDJSON)", 1));

    // unrelated noise, on services outside the shop's dependency graph (a firing alert anywhere in
    // the graph within max-hops of the storm would rightly be correlated with it)
    ArrayNode noise = JSON.createArrayNode();
    for (int i = 0; i < 3; i++) {
      noise.add(promAlert("DiskWillFillIn4h", "ledger-db", "warning", "ledger-db-" + i, t0.minus(Duration.ofMinutes(15))));
    }
    noise.add(promAlert("BatchJobLate", "billing", "warning", "billing-nightly", t0.plusSeconds(20)));
    post("api/v2/alerts", noise, Map.of());
    sent.add(new Sent("noise: DiskWillFillIn4h on ledger-db (15 min earlier), BatchJobLate on billing", noise.size()));
    return sent;
  }

  private static ObjectNode amAlert(String name, String service, String severity, String instance, Instant startsAt,
                                    String summary) {
    ObjectNode a = JSON.createObjectNode().put("status", "firing");
    a.putObject("labels").put("alertname", name).put("service", service).put("severity", severity)
        .put("instance", instance).put("namespace", "boutique");
    a.putObject("annotations").put("summary", summary);
    a.put("startsAt", startsAt.toString()).put("endsAt", "0001-01-01T00:00:00Z")
        .put("generatorURL", "http://prometheus.demo:9090/graph?g0.expr=" + name);
    return a;
  }

  private static ObjectNode promAlert(String name, String service, String severity, String instance,
                                      Instant startsAt) {
    ObjectNode a = JSON.createObjectNode();
    a.putObject("labels").put("alertname", name).put("service", service).put("severity", severity)
        .put("instance", instance).put("namespace", "boutique");
    a.putObject("annotations").put("summary", name + " on " + instance);
    a.put("startsAt", startsAt.toString()).put("generatorURL", "http://prometheus.demo:9090/graph?g0.expr=" + name);
    return a;
  }

  private void post(String path, Object body, Map<String, String> headers) throws IOException, InterruptedException {
    postRaw(path, JSON.writeValueAsString(body), "application/json", headers);
  }

  private void postRaw(String path, String body, String contentType, Map<String, String> headers)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(gateway.resolve(path)).timeout(TIMEOUT)
        .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(request::header);
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IOException("the gateway refused the demo's POST /" + path + ": " + response.statusCode() + " "
          + response.body().strip());
    }
  }
}
