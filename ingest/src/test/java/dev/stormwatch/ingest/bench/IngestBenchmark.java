package dev.stormwatch.ingest.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.LongFunction;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.stormwatch.common.kafka.TopicProvisioner;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.devstack.kafka.EmbeddedKafka;
import dev.stormwatch.devstack.kafka.EmbeddedKafkaConfig;
import dev.stormwatch.devstack.registry.EmbeddedSchemaRegistry;
import dev.stormwatch.devstack.registry.RegistryServerConfig;
import dev.stormwatch.ingest.IngestApp;
import dev.stormwatch.ingest.IngestConfig;
import dev.stormwatch.ingest.raw.RawHeaders;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Measures the ingest Kafka Streams app's throughput, one input format at a time: starts an
 * embedded Kafka broker and Schema Registry in this JVM, pre-produces a bounded number of raw
 * records of one format (with the headers the gateway writes, idempotent producer) onto a fresh
 * set of topics, then starts a fresh {@link IngestApp} (exactly-once, its own application id and
 * state directory) and times it from start until its consumer group has committed every input
 * offset. It then counts the AlertEvents on {@code alerts.normalized} (read_committed) and prints
 * raw records/s, input alerts (or log lines)/s, AlertEvents/s and the JVM heap used. It measures
 * and reports; it asserts nothing and is not run by the build (see ingest/README.md).
 *
 * <p>Formats: Prometheus {@code POST /api/v2/alerts} batches of 64 alerts (Prometheus' largest
 * batch), Alertmanager grouped webhooks of 3 alerts, Sentry {@code issue} webhooks (1 alert each),
 * and NDJSON bodies of 100 ECS log lines (95 % INFO/WARN, which no default rule acts on; 2 % ERROR,
 * half of them with a stack trace, feed the rate and exception rules through the repartition
 * topic). Labels, fingerprints, issue ids, services and exception frames vary so the alerts differ.
 *
 * <p>Arguments (all optional): input alerts (log lines for logs) per format (default 200,000), and
 * the cap in seconds on each measured run (default 60). A capped run is closed (committing) and
 * reports what it had committed by then.
 */
public final class IngestBenchmark {

  private static final int PARTITIONS = 2;
  private static final int PROMETHEUS_BATCH = 64;
  private static final int LOG_LINES_PER_RECORD = 100;
  private static final Duration POLL = Duration.ofMillis(50);
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final MemoryMXBean MEMORY = ManagementFactory.getMemoryMXBean();

  private IngestBenchmark() {
  }

  /** One input format: its raw topic, headers, and the body of its {@code n}-th record. */
  private record Format(String name, String unit, int itemsPerRecord, Function<Topics, String> topic,
                        Map<String, String> headers, LongFunction<byte[]> body) {
  }

  /** What one format's run gave. */
  private record Result(String format, String unit, long records, long items, long bytes, double startupSeconds,
                        double seconds, long committedRecords, long events, long deadLetters, long dropped,
                        long heapMaxBytes,
                        long heapAfterGcBytes, boolean capped) {
  }

  /**
   * Runs the benchmark.
   *
   * @param args input alerts (log lines) per format, cap in seconds per measured run
   * @throws Exception if the broker, the registry or the app fails
   */
  public static void main(String[] args) throws Exception {
    long itemsPerFormat = args.length > 0 ? Long.parseLong(args[0].replace("_", "")) : 200_000;
    Duration cap = Duration.ofSeconds(args.length > 1 ? Long.parseLong(args[1]) : 60);
    List<Format> formats = formats();

    System.out.printf("IngestBenchmark: %,d alerts (log lines) per format, cap %d s, %d partitions per topic, "
            + "%d cores, Java %s, max heap %d MiB%n", itemsPerFormat, cap.toSeconds(), PARTITIONS,
        Runtime.getRuntime().availableProcessors(), Runtime.version(), Runtime.getRuntime().maxMemory() >> 20);
    List<Result> results = new ArrayList<>();
    try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.defaults());
         EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(
             RegistryServerConfig.defaults(kafka.bootstrapServers()).withPort(0));
         Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      SchemaRegistryConfig registryConfig = SchemaRegistryConfig.builder().urls(registry.url()).build();
      for (int i = 0; i < formats.size(); i++) {
        Result result = run(formats.get(i), i, itemsPerFormat, cap, kafka.bootstrapServers(), admin, registryConfig);
        results.add(result);
        System.out.printf("%s: %,d records (%,d %s) committed in %.2f s, %,d AlertEvents%s%n", result.format(),
            result.committedRecords(), result.items(), result.unit(), result.seconds(), result.events(),
            result.capped() ? " (CAPPED: not all input was committed)" : "");
      }
    }
    printTable(results);
  }

  private static Result run(Format format, int index, long itemsPerFormat, Duration cap, String bootstrap,
                            Admin admin, SchemaRegistryConfig registryConfig) throws Exception {
    Topics topics = new Topics("bench" + index + "-" + format.name() + ".");
    TopicProvisioner.ensure(admin, topics, PARTITIONS, (short) 1, TIMEOUT);
    awaitReady(admin, topics.all());
    String rawTopic = format.topic().apply(topics);

    long records = (itemsPerFormat + format.itemsPerRecord() - 1) / format.itemsPerRecord();
    System.out.printf("%s: producing %,d records to %s ...%n", format.name(), records, rawTopic);
    long bytes = produce(bootstrap, rawTopic, format, records);
    Map<TopicPartition, Long> ends = endOffsets(admin, List.of(rawTopic));

    Path stateDir = Files.createTempDirectory("ingest-bench-state");
    String applicationId = "bench-ingest-" + index + "-" + format.name();
    IngestConfig config = IngestConfig.defaults(stateDir).withApplicationId(applicationId);
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    System.gc();
    long heapMax = 0;
    double startupSeconds = Double.NaN;
    double seconds = 0;
    boolean capped = false;
    long heapAfterGc;
    long dropped;
    Map<TopicPartition, OffsetAndMetadata> committed;
    long start = System.nanoTime();
    IngestApp app = IngestApp.start(config, bootstrap, Map.of(), registryConfig, topics, meters);
    try {
      List<String> repartition = null;
      while (true) {
        heapMax = Math.max(heapMax, MEMORY.getHeapMemoryUsage().getUsed());
        if (Double.isNaN(startupSeconds) && app.state() == KafkaStreams.State.RUNNING) {
          startupSeconds = (System.nanoTime() - start) / 1e9;
        }
        committed = committed(admin, applicationId);
        if (allCommitted(committed, ends)) {
          // the log path re-reads its entries from an internal repartition topic: that is input too
          if (repartition == null) {
            repartition = repartitionTopics(admin, applicationId);
          }
          if (repartition.isEmpty() || allCommitted(committed, endOffsets(admin, repartition))) {
            seconds = (System.nanoTime() - start) / 1e9;
            break;
          }
        }
        if (System.nanoTime() - start > cap.toNanos()) {
          capped = true;
          break;
        }
        Thread.sleep(POLL.toMillis());
      }
      System.gc();
      heapAfterGc = MEMORY.getHeapMemoryUsage().getUsed();
      dropped = dropped(applicationId);
    } finally {
      app.close();
      meters.close();
    }
    if (capped) {
      // closing committed what was processed: count that, over the time including the close
      seconds = (System.nanoTime() - start) / 1e9;
      committed = committed(admin, applicationId);
    }
    Map<TopicPartition, OffsetAndMetadata> last = committed;
    long committedRecords = ends.keySet().stream()
        .mapToLong(tp -> last.containsKey(tp) ? last.get(tp).offset() : 0).sum();
    long events = count(bootstrap, admin, topics.normalized());
    long deadLetters = count(bootstrap, admin, topics.deadLetters());
    admin.deleteTopics(topics.all()).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    deleteRecursively(stateDir);
    long items = committedRecords * format.itemsPerRecord();
    return new Result(format.name(), format.unit(), records, items, bytes, startupSeconds, seconds, committedRecords,
        events, deadLetters, dropped, heapMax, heapAfterGc, capped);
  }

  /** Writes {@code records} bodies of {@code format} as the gateway would; returns the bytes sent. */
  private static long produce(String bootstrap, String topic, Format format, long records) throws Exception {
    Map<String, Object> props = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
        ProducerConfig.LINGER_MS_CONFIG, 5,
        ProducerConfig.BATCH_SIZE_CONFIG, 262_144,
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
    long bytes = 0;
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer =
             new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (long n = 0; n < records; n++) {
        byte[] body = format.body().apply(n);
        bytes += body.length;
        long receivedAt = System.currentTimeMillis();
        RecordHeaders headers = new RecordHeaders();
        format.headers().forEach((k, v) -> headers.add(k, v.getBytes(StandardCharsets.UTF_8)));
        headers.add(RawHeaders.RECEIVED_AT, Long.toString(receivedAt).getBytes(StandardCharsets.UTF_8));
        headers.add(RawHeaders.REMOTE, "127.0.0.1".getBytes(StandardCharsets.UTF_8));
        // round robin, so both partitions (tasks) hold an even share of the same event-time range
        int partition = (int) (n % PARTITIONS);
        Future<RecordMetadata> sent = producer.send(new ProducerRecord<>(topic, partition, receivedAt, null, body,
            headers), (metadata, e) -> {
              if (e != null) {
                failure.compareAndSet(null, e);
              }
            });
        if (n < PARTITIONS) {
          // On a just-created partition the first batch can get NOT_LEADER_OR_FOLLOWER while the
          // next one is already accepted, and its retry then fails OUT_OF_ORDER_SEQUENCE_NUMBER
          // until the delivery timeout: so the first record of each partition goes alone.
          sent.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("pre-production failed", failure.get());
    }
    return bytes;
  }

  private static Map<TopicPartition, OffsetAndMetadata> committed(Admin admin, String groupId) throws Exception {
    return admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()
        .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Every partition with records has a committed offset at its end (an empty one never gets one). */
  private static boolean allCommitted(Map<TopicPartition, OffsetAndMetadata> committed,
                                      Map<TopicPartition, Long> ends) {
    return ends.entrySet().stream().allMatch(end -> end.getValue() == 0
        || committed.get(end.getKey()) != null && committed.get(end.getKey()).offset() >= end.getValue());
  }

  private static List<String> repartitionTopics(Admin admin, String applicationId) throws Exception {
    return admin.listTopics().names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).stream()
        .filter(t -> t.startsWith(applicationId + "-") && t.endsWith("-repartition")).sorted().toList();
  }

  /**
   * Waits until every partition's leader answers ListOffsets. Writing to a partition the broker
   * does not serve yet can wedge an idempotent producer (OUT_OF_ORDER_SEQUENCE_NUMBER on retry).
   */
  private static void awaitReady(Admin admin, List<String> topics) throws Exception {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (true) {
      try {
        endOffsets(admin, topics);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(POLL.toMillis());
      }
    }
  }

  private static Map<TopicPartition, Long> endOffsets(Admin admin, List<String> topics) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    admin.describeTopics(topics).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .forEach((name, description) -> description.partitions()
            .forEach(p -> latest.put(new TopicPartition(name, p.partition()), OffsetSpec.latest())));
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin.listOffsets(latest).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
        .forEach((tp, info) -> ends.put(tp, info.offset()));
    return ends;
  }

  /**
   * Kafka Streams' task-level {@code dropped-records-total} of {@code applicationId}'s threads, read
   * over JMX: records it skipped, e.g. log entries too late for the rate rule's window store
   * ("Skipping record for expired segment").
   */
  private static long dropped(String applicationId) throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    double sum = 0;
    for (ObjectName name : server.queryNames(new ObjectName("kafka.streams:type=stream-task-metrics,*"), null)) {
      String thread = name.getKeyProperty("thread-id");
      if (thread != null && thread.startsWith(applicationId + "-")) {
        Object value = server.getAttribute(name, "dropped-records-total");
        if (value instanceof Number number && Double.isFinite(number.doubleValue())) {
          sum += number.doubleValue();
        }
      }
    }
    return Math.round(sum);
  }

  /** The records of {@code topic} a read_committed consumer sees. */
  private static long count(String bootstrap, Admin admin, String topic) throws Exception {
    Map<String, Object> props = Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    try (KafkaConsumer<byte[], byte[]> consumer =
             new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      Set<TopicPartition> partitions = endOffsets(admin, List.of(topic)).keySet();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT); // the LSO under read_committed
      long count = 0;
      long deadline = System.nanoTime() + TIMEOUT.toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp) < ends.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end within " + TIMEOUT);
        }
        ConsumerRecords<byte[], byte[]> polled = consumer.poll(Duration.ofMillis(200));
        count += polled.count();
      }
      return count;
    }
  }

  private static void printTable(List<Result> results) {
    System.out.println();
    System.out.println("| format | raw records | alerts in | AlertEvents | dead letters | dropped | start-up s "
        + "| total s | raw records/s | alerts in/s | AlertEvents/s | alerts in/s after start-up | heap max MiB "
        + "| heap after GC MiB |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    for (Result r : results) {
      boolean started = !Double.isNaN(r.startupSeconds());
      System.out.printf("| %s%s | %,d | %,d%s | %,d | %,d | %,d | %s | %.1f | %,.0f | %,.0f | %,.0f | %s | %d | %d |%n",
          r.format(), r.capped() ? " (capped)" : "", r.committedRecords(), r.items(),
          "alerts".equals(r.unit()) ? "" : " " + r.unit(), r.events(), r.deadLetters(), r.dropped(),
          started ? String.format("%.1f", r.startupSeconds()) : "-", r.seconds(), r.committedRecords() / r.seconds(),
          r.items() / r.seconds(), r.events() / r.seconds(),
          started ? String.format("%,.0f", r.items() / (r.seconds() - r.startupSeconds())) : "-",
          r.heapMaxBytes() >> 20, r.heapAfterGcBytes() >> 20);
    }
    System.out.println();
    System.out.println("raw bytes per format: " + results.stream()
        .map(r -> String.format("%s %,d KiB", r.format(), r.bytes() >> 10)).collect(Collectors.joining(", ")));
    System.out.println("total s = from IngestApp.start to every input offset committed (start-up included); "
        + "heap = this JVM (broker, registry, producer and app), sampled every " + POLL.toMillis() + " ms");
  }

  // ---------------------------------------------------------------- the bodies

  private static List<Format> formats() throws IOException {
    JsonNode prometheus = fixture("/fixtures/prometheus/raw/prometheus-to-alertmanager-v2-alerts.json");
    JsonNode webhook = fixture("/fixtures/prometheus/raw/alertmanager-webhook-grouped.json");
    JsonNode sentry = fixture("/fixtures/sentry/issue.created.docs.json");
    int webhookAlerts = webhook.get("alerts").size();
    return List.of(
        new Format("prometheus", "alerts", PROMETHEUS_BATCH, Topics::rawPrometheus,
            Map.of(RawHeaders.FORMAT, RawHeaders.FORMAT_PROMETHEUS_API, RawHeaders.CONTENT_TYPE, "application/json"),
            n -> prometheusBatch(prometheus, n)),
        new Format("alertmanager", "alerts", webhookAlerts, Topics::rawPrometheus,
            Map.of(RawHeaders.FORMAT, RawHeaders.FORMAT_ALERTMANAGER_WEBHOOK, RawHeaders.CONTENT_TYPE,
                "application/json"),
            n -> alertmanagerWebhook(webhook, n)),
        new Format("sentry", "alerts", 1, Topics::rawSentry,
            Map.of(RawHeaders.FORMAT, RawHeaders.FORMAT_SENTRY, RawHeaders.CONTENT_TYPE, "application/json",
                RawHeaders.SENTRY_RESOURCE, "issue"),
            n -> sentryIssue(sentry, n)),
        new Format("logs", "log lines", LOG_LINES_PER_RECORD, Topics::rawLogs,
            Map.of(RawHeaders.FORMAT, RawHeaders.FORMAT_LOGS_NDJSON, RawHeaders.CONTENT_TYPE, "application/x-ndjson"),
            IngestBenchmark::ecsLines));
  }

  private static JsonNode fixture(String resource) throws IOException {
    try (InputStream in = IngestBenchmark.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new UncheckedIOException(new IOException(resource + " is not on the classpath"));
      }
      return MAPPER.readTree(in);
    }
  }

  private static byte[] json(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The captured alerts, repeated, each with an {@code instance} of its own (so its own fingerprint). */
  private static byte[] prometheusBatch(JsonNode captured, long n) {
    ArrayNode batch = MAPPER.createArrayNode();
    for (int i = 0; i < PROMETHEUS_BATCH; i++) {
      ObjectNode alert = captured.get(i % captured.size()).deepCopy();
      ((ObjectNode) alert.get("labels")).put("instance", "host-" + n + "-" + i + ":9100");
      batch.add(alert);
    }
    return json(batch);
  }

  /** The grouped webhook with its alerts' {@code instance} and Alertmanager fingerprint made unique. */
  private static byte[] alertmanagerWebhook(JsonNode captured, long n) {
    ObjectNode webhook = captured.deepCopy();
    int i = 0;
    for (JsonNode alert : webhook.get("alerts")) {
      long seq = n * 16 + i++;
      ((ObjectNode) alert.get("labels")).put("instance", "db-" + seq + ":9100");
      ((ObjectNode) alert).put("fingerprint", String.format("%016x", seq * 0x9E3779B97F4A7C15L));
    }
    return json(webhook);
  }

  /** The docs' issue.created webhook with an issue id (so a fingerprint) of its own. */
  private static byte[] sentryIssue(JsonNode captured, long n) {
    ObjectNode webhook = captured.deepCopy();
    ObjectNode issue = (ObjectNode) webhook.get("data").get("issue");
    issue.put("id", Long.toString(2_000_000_000L + n));
    issue.put("shortId", "FRONT-END-" + (n + 10));
    return json(webhook);
  }

  private static final int SERVICES = 20;
  private static final String[] EXCEPTIONS = {
      "java.net.SocketTimeoutException", "java.lang.IllegalStateException", "java.sql.SQLTransientConnectionException",
      "java.lang.NullPointerException", "java.util.ConcurrentModificationException"};
  private static final long LOG_BASE_MILLIS = Instant.now().minus(Duration.ofHours(2)).toEpochMilli();

  /**
   * 100 ECS lines (spring-boot structured-logging shape): per 100 lines 2 ERROR (one with a stack
   * trace), 3 WARN, 95 INFO, over 20 services, 5 ms of event time apart, starting 2 h ago.
   */
  private static byte[] ecsLines(long n) {
    Random random = new Random(n);
    StringBuilder body = new StringBuilder(LOG_LINES_PER_RECORD * 320);
    for (int i = 0; i < LOG_LINES_PER_RECORD; i++) {
      long line = n * LOG_LINES_PER_RECORD + i;
      String service = "svc-" + random.nextInt(SERVICES);
      ObjectNode entry = MAPPER.createObjectNode();
      entry.put("@timestamp", Instant.ofEpochMilli(LOG_BASE_MILLIS + line * 5).toString());
      entry.put("ecs.version", "8.11");
      entry.put("service.name", service);
      entry.put("host.name", service + "-" + random.nextInt(3));
      entry.put("process.thread.name", "http-nio-8080-exec-" + random.nextInt(10));
      int kind = (int) (line % 100);
      if (kind == 0) {
        String type = EXCEPTIONS[random.nextInt(EXCEPTIONS.length)];
        String handler = "Handler" + random.nextInt(4);
        entry.put("log.level", "ERROR");
        entry.put("log.logger", "com.acme." + service.replace('-', '_') + ".web.ErrorHandler");
        entry.put("message", "request failed: " + type);
        entry.put("error.type", type);
        entry.put("error.message", "request " + line + " failed");
        entry.put("error.stack_trace", type + ": request " + line + " failed\n"
            + "\tat java.base/java.net.Socket.connect(Socket.java:666)\n"
            + "\tat com.acme.orders." + handler + ".call(" + handler + ".java:" + (40 + i) + ")\n"
            + "\tat com.acme.orders.OrderService.place(OrderService.java:88)\n"
            + "\tat com.acme.orders.web.OrderController.post(OrderController.java:31)\n"
            + "\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)\n");
      } else if (kind == 1) {
        entry.put("log.level", "ERROR");
        entry.put("log.logger", "com.acme.payments.Client");
        entry.put("message", "payment provider answered 503 for order " + line);
      } else if (kind < 5) {
        entry.put("log.level", "WARN");
        entry.put("log.logger", "com.acme.http.RetryPolicy");
        entry.put("message", "retrying GET /inventory/" + line + " after 250 ms");
      } else {
        entry.put("log.level", "INFO");
        entry.put("log.logger", "com.acme.http.AccessLog");
        entry.put("message", "GET /api/orders/" + line + " 200 in " + random.nextInt(200) + " ms");
      }
      body.append(entry).append('\n');
    }
    return body.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e.getMessage());
    }
  }
}
