package dev.stormwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import picocli.CommandLine;

/**
 * The web console end to end in headless Chromium, on the whole stack of
 * {@code stormwatch up --api-token TOKEN} in this JVM: the Online Boutique topology is loaded, a small storm arrives
 * through the gateway as Alertmanager webhooks (the failing dependency first, then its callers),
 * the correlator makes one incident of it, and the console shows that incident with its root cause
 * (and, without a reload, a second incident when an unrelated alert arrives); its page shows the
 * ranked candidates with their reasons, and Ack in the browser makes the API report ACKNOWLEDGED —
 * after the console asked for the bearer token, since the stack runs as {@code up --api-token}: the
 * first Ack answers 401 and brings up the token prompt, a wrong token is refused again, the right
 * one goes through. The topology view outlines the root cause, the service page lists dependencies
 * and dependents, and the silences page shows the API's error line.
 *
 * <p>Drives Debian's {@code chromium} through Debian's {@code chromedriver} with Selenium; nothing is
 * downloaded. Without them the test is skipped with the reason, unless
 * {@code STORMWATCH_BROWSER_REQUIRED=true} (or {@code -Dstormwatch.browser.required=true}), as
 * {@code .ci/run} sets it, which makes a missing browser a failure. {@code STORMWATCH_CHROMIUM}
 * and {@code STORMWATCH_CHROMEDRIVER} point at other binaries. Screenshots of each step go to
 * {@code target/console-screenshots/}.
 */
class ConsoleBrowserTest {

  private static final Path ONLINE_BOUTIQUE = Path.of("../correlator/src/test/resources/topologies/online-boutique.json");
  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final Path SCREENSHOTS = Path.of("target/console-screenshots");
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The bearer token of {@code up --api-token}, which Ack needs. */
  private static final String TOKEN = "browser-test-token-5f3a";

  @TempDir Path dataDir;
  @TempDir Path profile;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void theStormIsOneIncidentWithItsRootCauseAndAckInTheBrowserAcknowledgesIt() throws Exception {
    Browser browser = Browser.find();

    try (RunningUp up = RunningUp.start(dataDir, "--api-token", TOKEN)) {
      assertThat(up.output()).contains("need the --api-token").doesNotContain(TOKEN);
      LocalStormwatch stack = up.stack();
      String api = stack.queryUrl();
      loadTopology(stack);
      Awaitility.await("the correlator's global store has the graph").atMost(DEADLINE)
          .pollInterval(Duration.ofMillis(200))
          .until(() -> json(api + "/api/topology").path("count").asInt() == 11);

      Instant now = Instant.now();
      sendStorm(stack.gatewayUrl(), now);
      String id = awaitOneIncident(api);

      ChromeDriver driver = browser.start(profile);
      try {
        WebDriverWait wait = new WebDriverWait(driver, DEADLINE, Duration.ofMillis(100));

        // the live list: one open incident, its root cause
        driver.get(api + "/");
        List<WebElement> rows = wait.until(d -> {
          List<WebElement> found = d.findElements(By.cssSelector("#incidents tbody tr[data-incident-id]"));
          return found.isEmpty() ? null : found;
        });
        shot(driver, "1-incidents");
        assertThat(rows).hasSize(1);
        WebElement row = rows.get(0);
        assertThat(row.getDomAttribute("data-incident-id")).isEqualTo(id);
        assertThat(row.findElement(By.cssSelector(".root-cause")).getText()).isEqualTo("redis-cart");
        assertThat(row.findElement(By.cssSelector(".alert-count")).getText()).isEqualTo("4");
        assertThat(row.getText()).contains("CRITICAL", "OPEN");

        // the list is live: an unrelated alert's incident appears without a reload
        post(stack.gatewayUrl() + "/webhooks/alertmanager", webhook(List.of(
            alert("JobFailed", "billing-batch", "nightly billing failed", now.minusSeconds(30)))));
        wait.until(d -> d.findElements(By.cssSelector("#incidents tbody tr[data-incident-id]")).size() == 2);
        row = driver.findElement(By.cssSelector("#incidents tbody tr[data-incident-id='" + id + "']"));
        assertThat(row.findElement(By.cssSelector(".root-cause")).getText()).isEqualTo("redis-cart");

        // the incident page: ranked candidates with reasons, the notifier's state, Ack
        row.findElement(By.cssSelector("a[href^='#/incidents/']")).click();
        WebElement top = wait.until(ExpectedConditions.visibilityOfElementLocated(
            By.cssSelector("#root-causes > li[data-service='redis-cart']")));
        assertThat(driver.findElements(By.cssSelector("#root-causes > li")).get(0)).isEqualTo(top);
        assertThat(top.findElement(By.cssSelector(".reasons")).getText())
            .contains("no dependency of redis-cart is alerting");
        // the notifier of up answers through the query API's relay: nobody yet, or the pages so far
        wait.until(ExpectedConditions.or(
            ExpectedConditions.textToBePresentInElementLocated(By.id("pages"), "Nobody has been paged"),
            ExpectedConditions.textToBePresentInElementLocated(By.id("pages"), "Channel")));
        assertThat(driver.findElement(By.id("pages")).getText()).doesNotContain("not configured", "unreachable");
        assertThat(driver.findElement(By.id("incident-status")).getText()).isEqualTo("OPEN");
        assertThat(driver.findElements(By.cssSelector("#alert-table tbody tr"))).hasSize(4);
        shot(driver, "2-incident");

        // writes need the token of up --api-token: the first Ack is refused and the console asks for it;
        // a wrong one is refused again, the right one goes through
        driver.findElement(By.id("actor")).sendKeys("browser-test");
        driver.findElement(By.id("ack")).click();
        WebElement tokenInput = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token-input")));
        assertThat(driver.findElement(By.id("action-result")).getText())
            .isEqualTo("Ack refused: 401 missing or wrong bearer token");
        assertThat(driver.findElement(By.id("token")).getText()).contains("Ack was refused", "bearer token");
        shot(driver, "3-token-asked");
        tokenInput.sendKeys("not-" + TOKEN);
        driver.findElement(By.cssSelector("#token button[type='submit']")).click();
        wait.until(ExpectedConditions.stalenessOf(tokenInput));
        tokenInput = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token-input")));
        assertThat(driver.findElement(By.id("action-result")).getText()).contains("401");
        assertThat(json(api + "/api/incidents/" + id).path("status").asText()).isEqualTo("OPEN");
        tokenInput.sendKeys(TOKEN);
        driver.findElement(By.cssSelector("#token button[type='submit']")).click();
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("token")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("action-result"),
            "ACKNOWLEDGED by browser-test"));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("incident-status"), "ACKNOWLEDGED"));
        assertThat(driver.findElement(By.id("ack")).isEnabled()).isFalse();
        shot(driver, "4-acknowledged");
        JsonNode acknowledged = json(api + "/api/incidents/" + id);
        assertThat(acknowledged.path("status").asText()).isEqualTo("ACKNOWLEDGED");
        assertThat(acknowledged.path("acknowledgedBy").asText()).isEqualTo("browser-test");

        // the topology view: the four alerting services, the root cause outlined
        driver.get(api + "/#/topology");
        wait.until(ExpectedConditions.presenceOfElementLocated(
            By.cssSelector("#topology-svg g.node.root-cause[data-service='redis-cart']")));
        wait.until(d -> d.findElements(By.cssSelector("#topology-svg g.node.alerting")).size() == 4);
        assertThat(driver.findElements(By.cssSelector("#topology-svg g.node"))).hasSize(11);
        assertThat(driver.findElements(By.cssSelector("#topology-svg path.edge"))).hasSize(15);
        assertThat(driver.findElement(By.id("topology-stray")).getText())
            .isEqualTo("Services in open incidents that the graph does not have: billing-batch");
        shot(driver, "5-topology");

        // a service page: graph neighbours and the open incident
        driver.findElement(By.cssSelector("#topology-svg g.node[data-service='cartservice'] a")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("depends-on"), "redis-cart"));
        assertThat(driver.findElement(By.id("dependents")).getText()).isEqualTo("checkoutservice, frontend");
        wait.until(d -> !d.findElements(By.cssSelector("#service-incidents tr[data-incident-id='" + id + "']")).isEmpty());
        shot(driver, "6-service");

        // silences: whatever the API answers to a malformed matcher, the page shows its status and line (the
        // tab kept the token, so it is the API's judgement of the matcher, not a 401)
        driver.get(api + "/#/silences");
        WebElement matchers = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("silence-matchers")));
        matchers.sendKeys("service=~\"(unclosed\"");
        driver.findElement(By.id("silence-comment")).sendKeys("browser test");
        WebElement author = driver.findElement(By.id("silence-author"));
        assertThat(author.getDomProperty("value")).as("the actor typed on the incident page").isEqualTo("browser-test");
        driver.findElement(By.id("silence-create")).click();
        wait.until(ExpectedConditions.attributeContains(By.id("silence-result"), "class", "error"));
        assertThat(driver.findElement(By.id("silence-result")).getText()).matches("(400|404) \\S.*");
        shot(driver, "7-silences");
      } catch (AssertionError | RuntimeException e) {
        shot(driver, "failure");
        throw e;
      } finally {
        driver.quit();
      }
    }
  }

  private static void loadTopology(LocalStormwatch stack) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = StormwatchCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute("topology", "load", ONLINE_BOUTIQUE.toString(),
        "--bootstrap-servers", stack.bootstrapServers(), "--registry-url", stack.registryUrl());
    assertThat(exit).as(out + " " + err).isZero();
  }

  /** redis-cart fails first; a little later its callers alert, in one grouped webhook. */
  private void sendStorm(String gateway, Instant now) throws Exception {
    post(gateway + "/webhooks/alertmanager", webhook(List.of(
        alert("RedisDown", "redis-cart", "redis-cart is not answering", now.minusSeconds(120)))));
    post(gateway + "/webhooks/alertmanager", webhook(List.of(
        alert("HighErrorRate", "cartservice", "cart errors above 5%", now.minusSeconds(100)),
        alert("HighErrorRate", "checkoutservice", "checkout errors above 5%", now.minusSeconds(95)),
        alert("HighLatency", "frontend", "p99 latency above 2s", now.minusSeconds(90)))));
  }

  private static String alert(String name, String service, String summary, Instant startsAt) {
    return """
        {"status":"firing","labels":{"alertname":"%s","service":"%s","severity":"critical","cluster":"prod"},
         "annotations":{"summary":"%s"},"startsAt":"%s","endsAt":"0001-01-01T00:00:00Z",
         "generatorURL":"http://prometheus.example/graph","fingerprint":"%s"}"""
        .formatted(name, service, summary, startsAt, Integer.toHexString((name + service).hashCode()));
  }

  private static String webhook(List<String> alerts) {
    return """
        {"version":"4","groupKey":"{}:{cluster=\\"prod\\"}","truncatedAlerts":0,"status":"firing",
         "receiver":"stormwatch","groupLabels":{"cluster":"prod"},"commonLabels":{"cluster":"prod"},
         "commonAnnotations":{},"externalURL":"http://alertmanager.example","alerts":[%s]}"""
        .formatted(String.join(",", alerts));
  }

  /** Waits until the correlator has exactly one open incident holding the four services; its id. */
  private String awaitOneIncident(String api) {
    List<String> id = new ArrayList<>();
    Awaitility.await("one incident of the storm, root cause redis-cart").atMost(DEADLINE)
        .pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
          JsonNode open = json(api + "/api/incidents?status=OPEN");
          assertThat(open).hasSize(1);
          JsonNode incident = open.get(0);
          assertThat(incident.path("services")).extracting(JsonNode::asText)
              .containsExactlyInAnyOrder("redis-cart", "cartservice", "checkoutservice", "frontend");
          assertThat(incident.path("rootCauses").path(0).path("service").asText()).isEqualTo("redis-cart");
          id.clear();
          id.add(incident.path("id").asText());
        });
    return id.get(0);
  }

  private void post(String url, String body) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url + " -> " + response.body()).isBetween(200, 299);
  }

  private JsonNode json(String url) throws Exception {
    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(url + " -> " + response.body()).isEqualTo(200);
    return JSON.readTree(response.body());
  }

  private static void shot(ChromeDriver driver, String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
    } catch (IOException | RuntimeException e) {
      // a screenshot is a diagnostic only
    }
  }

  /** Debian's chromium and chromedriver, or the binaries named by the environment. */
  private record Browser(Path chromium, Path chromedriver) {

    static Browser find() {
      List<String> missing = new ArrayList<>();
      Optional<Path> chromium = executable("STORMWATCH_CHROMIUM", missing, "chromium", "chromium-browser");
      Optional<Path> driver = executable("STORMWATCH_CHROMEDRIVER", missing, "chromedriver");
      if (chromium.isEmpty() || driver.isEmpty()) {
        String reason = String.join("; ", missing) + ": install Debian's chromium and chromium-driver"
            + " (apt-get install chromium chromium-driver), as .ci/run does";
        if (required()) {
          fail(reason + " (a browser is required here: STORMWATCH_BROWSER_REQUIRED)");
        }
        Assumptions.abort(reason);
      }
      return new Browser(chromium.get(), driver.get());
    }

    ChromeDriver start(Path profileDir) {
      ChromeOptions options = new ChromeOptions();
      options.setBinary(chromium.toFile());
      options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
          "--window-size=1400,1000", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
          "--disable-background-networking", "--user-data-dir=" + profileDir.toAbsolutePath());
      ChromeDriverService service = new ChromeDriverService.Builder()
          .usingDriverExecutable(chromedriver.toFile()).usingAnyFreePort().build();
      return new ChromeDriver(service, options);
    }

    private static boolean required() {
      String env = System.getenv("STORMWATCH_BROWSER_REQUIRED");
      return Boolean.getBoolean("stormwatch.browser.required")
          || env != null && (env.equalsIgnoreCase("true") || env.equals("1"));
    }

    /** The executable the variable names, else the first of names on PATH; else a reason in missing. */
    private static Optional<Path> executable(String variable, List<String> missing, String... names) {
      String override = System.getenv(variable);
      if (override != null && !override.isBlank()) {
        Path p = Path.of(override);
        if (!Files.isExecutable(p)) {
          missing.add(variable + "=" + override + " is not executable");
          return Optional.empty();
        }
        return Optional.of(p);
      }
      String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
      Optional<Path> found = Stream.of(path.split(File.pathSeparator))
          .filter(dir -> !dir.isBlank())
          .flatMap(dir -> Stream.of(names).map(name -> Path.of(dir, name)))
          .filter(Files::isExecutable)
          .findFirst();
      if (found.isEmpty()) {
        missing.add("no " + String.join(" or ", names) + " on PATH");
      }
      return found;
    }
  }
}
