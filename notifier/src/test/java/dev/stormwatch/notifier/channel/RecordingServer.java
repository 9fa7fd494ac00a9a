package dev.stormwatch.notifier.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A real HTTP server on loopback (JDK {@code com.sun.net.httpserver}) standing in for a provider:
 * it records every request and answers with scripted replies per path prefix: a status with
 * headers and body, or a hang until the server closes (for client time-outs).
 */
public final class RecordingServer implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A request as received. */
  public record Request(String method, String path, String query, Map<String, List<String>> headers, byte[] body,
                        Instant at) {

    /** The first value of a header (case-insensitive), or null. */
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** A scripted answer. */
  public record Reply(int status, Map<String, String> headers, String body, boolean hangs) {

    public static Reply of(int status, String body) {
      return new Reply(status, Map.of(), body, false);
    }

    public static Reply json(int status, String body) {
      return new Reply(status, Map.of("Content-Type", "application/json"), body, false);
    }

    public static Reply retryAfter(int status, String seconds) {
      return new Reply(status, Map.of("Retry-After", seconds), "", false);
    }

    /** Never answers (until the server closes): the client times out. */
    public static Reply hang() {
      return new Reply(0, Map.of(), "", true);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final CountDownLatch closing = new CountDownLatch(1);
  private final List<Request> requests = new ArrayList<>();
  private final Map<String, Deque<Reply>> scripts = new LinkedHashMap<>();
  private final Map<String, Reply> defaults = new LinkedHashMap<>();
  private volatile Consumer<Request> hook = r -> { };

  private RecordingServer(HttpServer server) {
    this.server = server;
  }

  /** Starts on an ephemeral loopback port; every path answers 200 "ok" until scripted otherwise. */
  public static RecordingServer start() {
    try {
      HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      RecordingServer server = new RecordingServer(http);
      http.createContext("/", server::handle);
      http.setExecutor(server.executor);
      http.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The URL of {@code path} on this server. */
  public URI url(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  /** The base URL. */
  public URI base() {
    return url("");
  }

  /** Answers the next requests whose path starts with {@code prefix} with {@code replies}, in order. */
  public synchronized RecordingServer enqueue(String prefix, Reply... replies) {
    scripts.computeIfAbsent(prefix, p -> new ArrayDeque<>()).addAll(List.of(replies));
    return this;
  }

  /** Answers requests under {@code prefix} with {@code reply} once the script is used up. */
  public synchronized RecordingServer otherwise(String prefix, Reply reply) {
    defaults.put(prefix, reply);
    return this;
  }

  /** Runs {@code hook} on every request, after recording it and before answering. */
  public RecordingServer onRequest(Consumer<Request> hook) {
    this.hook = hook;
    return this;
  }

  /** Every request so far, in arrival order. */
  public synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The requests whose path starts with {@code prefix}. */
  public synchronized List<Request> requests(String prefix) {
    return requests.stream().filter(r -> r.path().startsWith(prefix)).toList();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      Map<String, List<String>> headers = new LinkedHashMap<>();
      exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
      Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
          exchange.getRequestURI().getRawQuery(), headers, body, Instant.now());
      Reply reply;
      synchronized (this) {
        requests.add(request);
        reply = replyFor(request.path());
      }
      hook.accept(request);
      if (reply.hangs()) {
        try {
          closing.await(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      }
      reply.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      byte[] out = reply.body().getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(reply.status(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        exchange.getResponseBody().write(out);
      }
    }
  }

  private Reply replyFor(String path) {
    String best = null;
    for (String prefix : scripts.keySet()) {
      if (path.startsWith(prefix) && !scripts.get(prefix).isEmpty() && (best == null || prefix.length() > best.length())) {
        best = prefix;
      }
    }
    if (best != null) {
      return scripts.get(best).poll();
    }
    for (Map.Entry<String, Reply> e : defaults.entrySet()) {
      if (path.startsWith(e.getKey())) {
        return e.getValue();
      }
    }
    return Reply.of(200, "ok");
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    executor.shutdownNow();
  }
}
