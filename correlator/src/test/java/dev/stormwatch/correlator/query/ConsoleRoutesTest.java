package dev.stormwatch.correlator.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.stormwatch.correlator.domain.Correlator;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The web console's routes on a real query server (no Kafka Streams attached: the console is
 * static and its notifier relay needs none): content types, cache validation, the security
 * headers, and the relay of "who was paged" to the notifier API when it is not configured,
 * unreachable, failing, or answering. The notifier side is a JDK HTTP server speaking the
 * notifier's {@code GET /api/pages?incident=ID} contract.
 */
class ConsoleRoutesTest {

  private static final Path CONSOLE = Path.of("src/main/resources/console");
  private static final String INCIDENT = Correlator.incidentId("domain-a", "fp-1", Instant.parse("2026-03-01T10:00:00Z"));

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<AutoCloseable> open = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  @Test
  void theConsolePageIsServedAtTheRootWithItsSecurityAndCacheHeaders() throws Exception {
    String base = start(QueryServerConfig.defaults());
    HttpResponse<String> page = get(base + "/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html;charset=utf-8");
    assertThat(page.headers().firstValue("Cache-Control")).hasValue("no-cache");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValue(ConsoleRoutes.CSP);
    assertThat(page.headers().firstValue("ETag")).hasValueSatisfying(tag -> assertThat(tag).matches("\"[0-9a-f]{32}\""));
    assertThat(page.body()).contains("<script type=\"module\" src=\"/console/js/app.js\"></script>");

    // the API is not shadowed by the console's routes
    assertThat(get(base + "/api/incidents").statusCode()).isEqualTo(503);
    assertThat(get(base + "/console/missing.js").statusCode()).isEqualTo(404);
  }

  @Test
  void everyFileHasItsContentTypeAndARevalidationAnswers304() throws Exception {
    String base = start(QueryServerConfig.defaults());
    for (String file : ConsoleRoutes.FILES) {
      String url = file.equals("index.html") ? base + "/" : base + "/console/" + file;
      HttpResponse<String> first = get(url);
      assertThat(first.statusCode()).as(url).isEqualTo(200);
      String expected = file.endsWith(".js") ? "text/javascript;charset=utf-8"
          : file.endsWith(".css") ? "text/css;charset=utf-8" : "text/html;charset=utf-8";
      assertThat(first.headers().firstValue("Content-Type")).as(url).hasValue(expected);
      assertThat(first.body()).isEqualTo(Files.readString(CONSOLE.resolve(file)));
      String etag = first.headers().firstValue("ETag").orElseThrow();

      HttpResponse<String> again = http.send(HttpRequest.newBuilder(URI.create(url))
          .header("If-None-Match", etag).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(again.statusCode()).as(url).isEqualTo(304);
      assertThat(again.body()).isEmpty();
      assertThat(again.headers().firstValue("ETag")).hasValue(etag);

      HttpResponse<String> changed = http.send(HttpRequest.newBuilder(URI.create(url))
          .header("If-None-Match", "\"0000\"").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(changed.statusCode()).as(url).isEqualTo(200);
    }
  }

  @Test
  void theFileListNamesEveryConsoleFileAndEveryImportResolves() throws IOException {
    Set<String> onDisk;
    try (Stream<Path> files = Files.walk(CONSOLE)) {
      onDisk = files.filter(Files::isRegularFile).map(p -> CONSOLE.relativize(p).toString().replace('\\', '/'))
          .collect(Collectors.toCollection(TreeSet::new));
    }
    assertThat(new TreeSet<>(ConsoleRoutes.FILES)).isEqualTo(onDisk);
    Pattern importFrom = Pattern.compile("from '\\./([a-z]+\\.js)'");
    for (String file : onDisk) {
      if (file.endsWith(".js")) {
        Matcher m = importFrom.matcher(Files.readString(CONSOLE.resolve(file)));
        while (m.find()) {
          assertThat(ConsoleRoutes.FILES).as(file + " imports " + m.group(1)).contains("js/" + m.group(1));
        }
      }
    }
  }

  @Test
  void pagesSayNotConfiguredWhenNoNotifierUrlIsSet() throws Exception {
    String base = start(QueryServerConfig.defaults());
    HttpResponse<String> pages = get(base + "/api/notifier/pages?incident=" + INCIDENT);
    assertThat(pages.statusCode()).isEqualTo(501);
    assertThat(pages.body()).startsWith("notifier not configured").endsWith("\n").hasLineCount(1);
    HttpResponse<String> bad = get(base + "/api/notifier/pages?incident=nope");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(get(base + "/api/notifier/pages").statusCode()).isEqualTo(400);
  }

  @Test
  void pagesSayUnreachableWhenTheNotifierIsDown() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    String base = start(QueryServerConfig.defaults()
        .withNotifierUrl(URI.create("http://127.0.0.1:" + closedPort)));
    HttpResponse<String> pages = get(base + "/api/notifier/pages?incident=" + INCIDENT);
    assertThat(pages.statusCode()).isEqualTo(502);
    assertThat(pages.body()).startsWith("notifier unreachable at http://127.0.0.1:" + closedPort + ": ")
        .hasLineCount(1);
  }

  @Test
  void pagesRelayTheNotifiersAnswerAndItsFailures() throws Exception {
    List<String> asked = new CopyOnWriteArrayList<>();
    HttpServer notifier = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    notifier.createContext("/base/api/pages", exchange -> {
      asked.add(exchange.getRequestURI().getRawQuery());
      boolean fail = exchange.getRequestURI().getRawQuery().contains("-1");
      byte[] body = (fail ? "boom\nstack" : "[{\"incidentId\":\"" + INCIDENT + "\",\"recipient\":{\"id\":\"alice\"},"
          + "\"channel\":\"INBOX\",\"outcome\":\"DELIVERED\"}]").getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", fail ? "text/plain" : "application/json");
      exchange.sendResponseHeaders(fail ? 500 : 200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    notifier.start();
    open.add(() -> notifier.stop(0));
    String base = start(QueryServerConfig.defaults().withNotifierUrl(
        URI.create("http://127.0.0.1:" + notifier.getAddress().getPort() + "/base/")));

    HttpResponse<String> pages = get(base + "/api/notifier/pages?incident=" + INCIDENT);
    assertThat(pages.statusCode()).isEqualTo(200);
    assertThat(pages.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(pages.body()).contains("\"recipient\":{\"id\":\"alice\"}", "DELIVERED");
    assertThat(asked).containsExactly("incident=" + INCIDENT);

    HttpResponse<String> failed = get(base + "/api/notifier/pages?incident=" + INCIDENT + "-1");
    assertThat(failed.statusCode()).isEqualTo(502);
    assertThat(failed.body()).isEqualTo("notifier answered 500: boom\n");
  }

  private String start(QueryServerConfig config) {
    QueryServer server = QueryServer.start(config.withAddress("127.0.0.1", 0, "127.0.0.1"), new SimpleMeterRegistry(),
        command -> CompletableFuture.completedFuture(null), Clock.systemUTC());
    open.add(server);
    return "http://127.0.0.1:" + server.port();
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
