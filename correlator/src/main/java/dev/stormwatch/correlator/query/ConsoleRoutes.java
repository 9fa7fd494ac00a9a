package dev.stormwatch.correlator.query;

import dev.stormwatch.correlator.query.QueryMetrics.Endpoint;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The web console on the query API's port: static HTML, CSS and JavaScript modules from
 * {@code console/} on the classpath (no build step), and the relay through which the console asks
 * the notifier who was paged.
 *
 * <table>
 *   <caption>Routes</caption>
 *   <tr><td>{@code GET /}</td><td>{@code console/index.html}</td></tr>
 *   <tr><td>{@code GET /console/...}</td><td>the files of {@link #FILES}, with their content type,
 *       an {@code ETag} (SHA-256 of the bytes) and {@code Cache-Control: no-cache}: browsers keep
 *       them and revalidate, a matching {@code If-None-Match} answers 304, and a new release is
 *       seen at once (the names carry no content hash, as there is no build step)</td></tr>
 *   <tr><td>{@code GET /api/notifier/pages?incident=ID}</td><td>relays the notifier's
 *       {@code GET /api/pages?incident=ID} (status, content type and body, at most 1 MiB); 501 when
 *       no notifier URL is configured, 502 when it is unreachable, times out or fails (5xx)</td></tr>
 * </table>
 *
 * <p>The HTML page forbids inline script and any origin but this one (Content-Security-Policy), so
 * data shown by the console can never run as code.
 */
final class ConsoleRoutes {

  /** Every file of the console, relative to {@code console/} on the classpath. */
  static final List<String> FILES = List.of(
      "index.html",
      "style.css",
      "js/api.js",
      "js/app.js",
      "js/dom.js",
      "js/incident.js",
      "js/incidents.js",
      "js/layout.js",
      "js/service.js",
      "js/silences.js",
      "js/topology.js");

  static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:;"
      + " connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
  private static final int MAX_RELAY_BYTES = 1 << 20;
  private static final String TEXT = "text/plain; charset=utf-8";

  private final List<Asset> assets;
  private final Optional<URI> notifier;
  private final Duration timeout;
  private final HttpClient http;
  private final QueryMetrics metrics;

  /**
   * @param notifier the notifier API's base URL, if configured
   * @param timeout  upper bound of one call to the notifier
   * @param http     the client for that call
   * @param metrics  where requests are counted
   */
  ConsoleRoutes(Optional<URI> notifier, Duration timeout, HttpClient http, QueryMetrics metrics) {
    this.notifier = notifier;
    this.timeout = timeout;
    this.http = http;
    this.metrics = metrics;
    this.assets = FILES.stream().map(Asset::load).toList();
  }

  /** Adds the console's routes. */
  void register(RoutesConfig routes) {
    for (Asset asset : assets) {
      String path = asset.name().equals("index.html") ? "/" : "/console/" + asset.name();
      routes.get(path, ctx -> timed(ctx, Endpoint.CONSOLE, () -> serve(ctx, asset)));
    }
    routes.get("/api/notifier/pages", ctx -> timed(ctx, Endpoint.NOTIFIER_PAGES, () -> pages(ctx)));
  }

  private void timed(Context ctx, Endpoint endpoint, Runnable handler) {
    long start = System.nanoTime();
    try {
      handler.run();
    } finally {
      metrics.request(endpoint, ctx.statusCode(), Duration.ofNanos(System.nanoTime() - start));
    }
  }

  private static void serve(Context ctx, Asset asset) {
    ctx.header("ETag", asset.etag())
        .header("Cache-Control", "no-cache")
        .header("X-Content-Type-Options", "nosniff");
    if (asset.name().endsWith(".html")) {
      ctx.header("Content-Security-Policy", CSP)
          .header("Referrer-Policy", "no-referrer")
          .header("X-Frame-Options", "DENY");
    }
    String ifNoneMatch = ctx.header("If-None-Match");
    if (ifNoneMatch != null && matches(ifNoneMatch, asset.etag())) {
      ctx.status(304);
      return;
    }
    ctx.status(200).contentType(asset.contentType()).result(asset.bytes());
  }

  private static boolean matches(String ifNoneMatch, String etag) {
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.strip();
      if (c.equals("*") || c.equals(etag) || c.equals("W/" + etag)) {
        return true;
      }
    }
    return false;
  }

  private void pages(Context ctx) {
    String incident = ctx.queryParam("incident");
    if (incident == null || !IncidentRouting.isIncidentId(incident)) {
      ctx.status(400).contentType(TEXT).result("incident must be an incident id (inc-<8 hex>-<16 hex>)\n");
      return;
    }
    if (notifier.isEmpty()) {
      ctx.status(501).contentType(TEXT)
          .result("notifier not configured (the query API's notifierUrl, `stormwatch up --notifier-url`)\n");
      return;
    }
    String base = notifier.get().toString().replaceAll("/+$", "");
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/pages?incident="
            + URLEncoder.encode(incident, StandardCharsets.UTF_8)))
        .timeout(timeout).header("Accept", "application/json").GET().build();
    HttpResponse<InputStream> answer;
    byte[] body;
    try {
      answer = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = answer.body()) {
        body = in.readNBytes(MAX_RELAY_BYTES + 1);
      }
    } catch (IOException e) {
      ctx.status(502).contentType(TEXT).result("notifier unreachable at " + base + ": "
          + e.getClass().getSimpleName() + "\n");
      return;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ctx.status(502).contentType(TEXT).result("interrupted while asking the notifier\n");
      return;
    }
    if (body.length > MAX_RELAY_BYTES) {
      ctx.status(502).contentType(TEXT).result("the notifier's answer is larger than 1 MiB\n");
    } else if (answer.statusCode() >= 500) {
      String line = new String(body, StandardCharsets.UTF_8).lines().findFirst().orElse("").strip();
      ctx.status(502).contentType(TEXT).result("notifier answered " + answer.statusCode()
          + (line.isEmpty() ? "" : ": " + line) + "\n");
    } else {
      ctx.status(answer.statusCode())
          .contentType(answer.headers().firstValue("Content-Type").orElse(TEXT))
          .result(body);
    }
  }

  /** One file of the console, read once. */
  private record Asset(String name, byte[] bytes, String contentType, String etag) {

    static Asset load(String name) {
      String resource = "/console/" + name;
      byte[] bytes;
      try (InputStream in = ConsoleRoutes.class.getResourceAsStream(resource)) {
        if (in == null) {
          throw new IllegalStateException("missing console resource " + resource);
        }
        bytes = in.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new Asset(name, bytes, contentType(name), "\"" + sha256(bytes) + "\"");
    }

    static String contentType(String name) {
      if (name.endsWith(".html")) {
        return "text/html;charset=utf-8";
      } else if (name.endsWith(".js")) {
        return "text/javascript;charset=utf-8";
      } else if (name.endsWith(".css")) {
        return "text/css;charset=utf-8";
      } else if (name.endsWith(".svg")) {
        return "image/svg+xml";
      }
      throw new IllegalArgumentException("no content type for console file " + name);
    }

    private static String sha256(byte[] bytes) {
      try {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 16);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("SHA-256 is missing from this JVM", e);
      }
    }
  }
}
