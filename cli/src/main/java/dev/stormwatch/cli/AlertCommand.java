package dev.stormwatch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stormwatch alert}: test alerts, through the gateway like any Prometheus would send them. */
@Command(
    name = "alert",
    mixinStandardHelpOptions = true,
    description = "Send a test alert through the gateway.",
    subcommands = {AlertCommand.Send.class})
public final class AlertCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name a subcommand: send");
  }

  /** {@code stormwatch alert send}. */
  @Command(
      name = "send",
      mixinStandardHelpOptions = true,
      usageHelpWidth = 100,
      description = {"POST one alert to the gateway's Prometheus endpoint (/api/v2/alerts), exactly as Prometheus",
          "sends it: it goes through ingest and the correlator like any other. --resolve sends its end."},
      footer = {"", "Examples:",
          "  ./stormwatch alert send --service cartservice --name HighErrorRate --severity critical",
          "  ./stormwatch alert send --service redis-cart --name RedisDown --label instance=redis-0 \\",
          "      --summary 'Redis is not answering PING'",
          "  ./stormwatch alert send --service redis-cart --name RedisDown --label instance=redis-0 --resolve",
          "  ./stormwatch alert send --gateway http://gateway:9095 --token s3cret --service checkout --name Down"})
  public static final class Send implements Callable<Integer> {

    private static final Set<String> SEVERITIES = Set.of("critical", "high", "error", "warning", "info");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--service", required = true, description = "The service that alerts (label service).")
    String service;

    @Option(names = "--name", defaultValue = "StormwatchTestAlert",
        description = "Alert name (label alertname); default: ${DEFAULT-VALUE}.")
    String name;

    @Option(names = "--severity", defaultValue = "critical",
        description = "critical, high, error, warning or info (label severity); default: ${DEFAULT-VALUE}.")
    String severity;

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Another label; repeatable.")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--summary", description = "Annotation summary.")
    String summary;

    @Option(names = "--starts-at", paramLabel = "TIME", description = "RFC 3339 onset; default: now.")
    String startsAt;

    @Option(names = "--resolve", description = "Send the alert's end (endsAt now): it resolves.")
    boolean resolve;

    @Option(names = "--gateway", paramLabel = "URL", defaultValue = "${env:STORMWATCH_GATEWAY_URL:-http://127.0.0.1:9095}",
        description = "The gateway (env STORMWATCH_GATEWAY_URL; default: ${DEFAULT-VALUE}).")
    String gateway;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:STORMWATCH_GATEWAY_TOKEN}",
        description = "Bearer token, when the gateway's prometheus endpoint requires one (env STORMWATCH_GATEWAY_TOKEN).")
    String token;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws InterruptedException {
      PrintWriter out = spec.commandLine().getOut();
      String level = severity.strip().toLowerCase(Locale.ROOT);
      if (!SEVERITIES.contains(level)) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--severity must be one of critical, high, error, warning, info; got '" + severity + "'");
      }
      Instant now = Instant.now();
      Instant onset;
      try {
        onset = startsAt == null ? now : Instant.parse(startsAt);
      } catch (DateTimeParseException e) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "--starts-at must be an RFC 3339 time such as 2026-11-27T10:00:00Z; got '" + startsAt + "'");
      }
      URI target;
      try {
        target = URI.create(gateway.endsWith("/") ? gateway : gateway + "/").resolve("api/v2/alerts");
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--gateway is not a URL: " + gateway);
      }
      ObjectNode alert = JSON.createObjectNode();
      ObjectNode l = alert.putObject("labels").put("alertname", name).put("service", service).put("severity", level);
      labels.forEach(l::put);
      alert.putObject("annotations").put("summary", summary == null ? name + " on " + service : summary);
      alert.put("startsAt", onset.toString());
      if (resolve) {
        alert.put("endsAt", now.toString());
      }
      alert.put("generatorURL", "stormwatch-cli://alert/send");
      ArrayNode body = JSON.createArrayNode().add(alert);
      HttpRequest.Builder request = HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(15))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
      if (token != null && !token.isBlank()) {
        request.header("Authorization", "Bearer " + token);
      }
      HttpResponse<String> response;
      try {
        response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
            .send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        spec.commandLine().getErr().println("stormwatch: cannot reach the gateway at " + target + ": "
            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        return 1;
      }
      if (response.statusCode() / 100 != 2) {
        spec.commandLine().getErr().println("stormwatch: the gateway answered " + response.statusCode() + ": "
            + response.body().strip());
        return 1;
      }
      out.println((resolve ? "resolved " : "sent ") + name + " on " + service + " (" + level + ") to " + target);
      out.flush();
      return 0;
    }
  }
}
