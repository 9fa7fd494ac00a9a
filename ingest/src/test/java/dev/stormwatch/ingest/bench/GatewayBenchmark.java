package dev.stormwatch.ingest.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.devstack.kafka.EmbeddedKafka;
import dev.stormwatch.devstack.kafka.EmbeddedKafkaConfig;
import dev.stormwatch.ingest.gateway.Gateway;
import dev.stormwatch.ingest.gateway.GatewayConfig;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Measures the gateway's ingest rate: starts an embedded Kafka broker and a gateway in this JVM,
 * then POSTs batches of 100 alerts (built from the captured Prometheus request) to
 * {@code /api/v2/alerts}, first from 1 client thread, then from 2, each for a fixed time after a
 * warm-up, and prints alerts/s and request latency percentiles. Loopback only. It measures and
 * reports; it asserts nothing and is not run by the build (see ingest/README.md for the command).
 *
 * <p>System properties {@code -Dkafka.<producer key>=<value>} override the gateway's producer
 * settings, to compare tunings.
 *
 * <p>Arguments (all optional): measured seconds per phase (default 20), warm-up seconds (default 5),
 * the largest number of requests per thread and phase (default 2,000,000).
 */
public final class GatewayBenchmark {

  private static final int ALERTS_PER_REQUEST = 100;
  private static final int DISTINCT_BODIES = 64;

  private GatewayBenchmark() {
  }

  /**
   * Runs the benchmark.
   *
   * @param args measured seconds, warm-up seconds, max requests per thread and phase
   * @throws Exception if the broker, the gateway or a client fails
   */
  public static void main(String[] args) throws Exception {
    Duration measured = Duration.ofSeconds(args.length > 0 ? Long.parseLong(args[0]) : 20);
    Duration warmUp = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 5);
    int maxRequests = args.length > 2 ? Integer.parseInt(args[2]) : 2_000_000;
    List<byte[]> bodies = bodies();

    System.out.printf("GatewayBenchmark: %d alerts per POST (%d bytes on average), %d cores, Java %s%n",
        ALERTS_PER_REQUEST, bodies.stream().mapToInt(b -> b.length).sum() / bodies.size(),
        Runtime.getRuntime().availableProcessors(), Runtime.version());
    try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.defaults())) {
      Topics topics = Topics.defaults();
      try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
        admin.createTopics(topics.raw().stream().map(t -> new NewTopic(t, 1, (short) 1)).toList())
            .all().get(30, TimeUnit.SECONDS);
      }
      PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      GatewayConfig.Builder config = GatewayConfig.builder(kafka.bootstrapServers()).port(0).topics(topics);
      // -Dkafka.<producer key>=<value> tries other producer settings, e.g. -Dkafka.linger.ms=0
      System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("kafka."))
          .forEach(k -> config.kafka(k.substring("kafka.".length()), System.getProperty(k)));
      try (Gateway gateway = Gateway.start(config.build(), registry)) {
        URI uri = URI.create(gateway.url() + "/api/v2/alerts");
        run("warm-up", uri, bodies, 2, warmUp, maxRequests, false);
        run("1 thread", uri, bodies, 1, measured, maxRequests, true);
        run("2 threads", uri, bodies, 2, measured, maxRequests, true);
      } finally {
        registry.close();
      }
    }
  }

  /** What one client thread saw. */
  private record ThreadResult(long ok, long failed, long[] latenciesNanos, int recorded) {
  }

  private static void run(String phase, URI uri, List<byte[]> bodies, int threads, Duration duration,
                          int maxRequests, boolean report) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    long deadline = start + duration.toNanos();
    try {
      List<Future<ThreadResult>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t * 7;
        futures.add(pool.submit(() -> client(uri, bodies, offset, deadline, maxRequests)));
      }
      long ok = 0;
      long failed = 0;
      List<long[]> latencies = new ArrayList<>();
      for (Future<ThreadResult> f : futures) {
        ThreadResult r = f.get();
        ok += r.ok();
        failed += r.failed();
        latencies.add(Arrays.copyOf(r.latenciesNanos(), r.recorded()));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      if (report) {
        long[] all = latencies.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        System.out.printf("%-9s: %,10.0f alerts/s  %,8.0f requests/s  p50 %6.2f ms  p99 %6.2f ms"
                + "  (%,d requests in %.1f s, %d failed)%n",
            phase, ok * ALERTS_PER_REQUEST / seconds, ok / seconds, percentile(all, 0.50) / 1e6,
            percentile(all, 0.99) / 1e6, ok + failed, seconds, failed);
      }
    } finally {
      pool.shutdown();
      pool.awaitTermination(1, TimeUnit.MINUTES);
    }
  }

  private static ThreadResult client(URI uri, List<byte[]> bodies, int offset, long deadline, int maxRequests)
      throws InterruptedException {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    long[] latencies = new long[maxRequests];
    int n = 0;
    long ok = 0;
    long failed = 0;
    while (n < maxRequests && System.nanoTime() < deadline) {
      HttpRequest request = HttpRequest.newBuilder(uri)
          .header("Content-Type", "application/json")
          .header("User-Agent", "Prometheus/2.42.0+ds")
          .timeout(Duration.ofSeconds(30))
          .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get((n + offset) % bodies.size())))
          .build();
      long sent = System.nanoTime();
      try {
        HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
        if (response.statusCode() == 200) {
          ok++;
        } else {
          failed++;
        }
      } catch (IOException e) {
        failed++;
      }
      latencies[n++] = System.nanoTime() - sent;
    }
    return new ThreadResult(ok, failed, latencies, n);
  }

  private static double percentile(long[] sorted, double p) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    return sorted[(int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)];
  }

  /**
   * Batches of 100 alerts shaped like the captured Prometheus 2.42 request: the captured alerts
   * repeated with distinct {@code instance} labels, minified as Prometheus sends them.
   */
  private static List<byte[]> bodies() throws IOException {
    ObjectMapper mapper = new ObjectMapper();
    JsonNode captured;
    try (InputStream in = GatewayBenchmark.class.getResourceAsStream(
        "/fixtures/prometheus/raw/prometheus-to-alertmanager-v2-alerts.json")) {
      if (in == null) {
        throw new UncheckedIOException(new IOException("the captured Prometheus fixture is not on the classpath"));
      }
      captured = mapper.readTree(in);
    }
    List<byte[]> bodies = new ArrayList<>();
    for (int b = 0; b < DISTINCT_BODIES; b++) {
      ArrayNode batch = mapper.createArrayNode();
      for (int i = 0; i < ALERTS_PER_REQUEST; i++) {
        ObjectNode alert = captured.get(i % captured.size()).deepCopy();
        ((ObjectNode) alert.get("labels")).put("instance", "host-" + b + "-" + i + ":9100");
        batch.add(alert);
      }
      bodies.add(mapper.writeValueAsBytes(batch));
    }
    return bodies;
  }
}
