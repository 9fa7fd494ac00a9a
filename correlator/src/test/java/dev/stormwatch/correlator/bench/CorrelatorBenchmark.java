package dev.stormwatch.correlator.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.AlertStatus;
import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.EscalationKind;
import dev.stormwatch.avro.Incident;
import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.common.kafka.TopicProvisioner;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.correlator.CorrelatorApp;
import dev.stormwatch.correlator.domain.CorrelatorSettings;
import dev.stormwatch.correlator.graph.TopologyDocuments;
import dev.stormwatch.correlator.topology.CorrelatorSerdes;
import dev.stormwatch.devstack.kafka.EmbeddedKafka;
import dev.stormwatch.devstack.kafka.EmbeddedKafkaConfig;
import dev.stormwatch.devstack.registry.EmbeddedSchemaRegistry;
import dev.stormwatch.devstack.registry.RegistryServerConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The correlator benchmark (not a test; never run by {@code verify}): on an in-process broker and
 * registry, with exactly-once, it reports
 * <ol>
 *   <li>correlated alerts/s: a backlog of distinct alerts over many domains, from the app's start
 *       until it has committed all of it;</li>
 *   <li>a storm from one failing dependency on Online Boutique (as many observations as the backlog,
 *       a third of them distinct alerts, the rest resends): alerts/s, CPU, and how many escalations
 *       came out naming which root cause;</li>
 *   <li>alert→escalation latency beyond the group wait: alerts that each open a new incident, sent
 *       at a steady rate; latency = OPENED escalation received − alert sent − group wait (p50/p99).</li>
 * </ol>
 * Arguments: [backlog alerts, default 100000] [latency alerts, default 200] [group wait ms, default 1000].
 */
public final class CorrelatorBenchmark {

  private static final Duration POLL = Duration.ofMillis(50);

  private CorrelatorBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int backlog = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int probes = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    long groupWaitMs = args.length > 2 ? Long.parseLong(args[2]) : 1_000;
    Path dir = Files.createTempDirectory("correlator-bench");
    try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafkaConfig.defaults());
         EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.start(
             RegistryServerConfig.defaults(kafka.bootstrapServers()));
         Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
         SchemaRegistryClient client = new RestSchemaRegistryClient(
             SchemaRegistryConfig.builder().urls(registry.url()).build())) {
      SchemaRegistryConfig registryConfig = SchemaRegistryConfig.builder().urls(registry.url()).build();
      CorrelatorSerdes serdes = CorrelatorSerdes.of(client, AvroSerdeConfig.defaults());
      CorrelatorSettings settings = CorrelatorSettings.fromTree(new ObjectMapper().readTree(
          "{\"group-wait\": \"" + groupWaitMs + "ms\"}"));

      // 1. throughput over a backlog
      Topics topics = new Topics("bench-throughput.");
      TopicProvisioner.ensure(admin, topics, 2, (short) 1, Duration.ofSeconds(30));
      Instant t0 = Instant.now();
      try (KafkaProducer<String, AlertEvent> producer = producer(kafka, serdes)) {
        for (int i = 0; i < backlog; i++) {
          // 50 services per domain-less group: every alert on svc-<i % 2000>, so incidents keep growing
          AlertEvent alert = alert("bench-" + i, "svc-" + (i % 2_000), t0.plusMillis(i));
          producer.send(new ProducerRecord<>(topics.normalized(), alert.getFingerprint(), alert));
        }
        producer.flush();
      }
      long start = System.nanoTime();
      Map<String, Double> cpuBefore = cpuByThreadGroup();
      String appId = "bench-correlator-throughput";
      try (CorrelatorApp app = start(kafka, registryConfig, topics, settings, dir.resolve("throughput"), appId)) {
        awaitCommitted(admin, appId, topics.normalized(), Duration.ofSeconds(300));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("throughput: %,d alerts correlated in %.1f s (start-up included): %,.0f alerts/s%n",
            backlog, seconds, backlog / seconds);
        printThreadRatios(app);
        double cpu = streamThreadCpuSeconds("bench-correlator-throughput");
        System.out.printf("  stream threads used %.1f CPU s: %,.0f alerts per CPU second (independent of other load)%n",
            cpu, backlog / cpu);
        Map<String, Double> cpuAfter = cpuByThreadGroup();
        System.out.printf("  CPU s of this JVM's threads while it ran (threads alive at the end): %s%n",
            cpuAfter.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                .map(e -> String.format("%s %.1f", e.getKey(), e.getValue() - cpuBefore.getOrDefault(e.getKey(), 0.0)))
                .reduce((a, b) -> a + ", " + b).orElse("-"));
      }

      // 2. a storm from one failing dependency on Online Boutique, with Prometheus-style resends
      // with a 10 s group wait: the storm's event times span 20 s, and the two router tasks work
      // through their backlogs with a few seconds of event-time skew between them (see
      // docs/ARCHITECTURE.md, "Escalating while catching up on a backlog")
      storm(kafka, admin, registryConfig, serdes, client, CorrelatorSettings.fromTree(new ObjectMapper().readTree(
          "{\"group-wait\": \"" + Math.max(10_000, groupWaitMs) + "ms\"}")), dir.resolve("storm"), backlog);

      // 3. latency: each alert opens its own incident; measure its OPENED escalation
      Topics latencyTopics = new Topics("bench-latency.");
      TopicProvisioner.ensure(admin, latencyTopics, 2, (short) 1, Duration.ofSeconds(30));
      Map<String, Long> sentAt = new ConcurrentHashMap<>();
      List<Long> latenciesMs = Collections.synchronizedList(new ArrayList<>());
      String latencyAppId = "bench-correlator-latency";
      try (CorrelatorApp app = start(kafka, registryConfig, latencyTopics, settings, dir.resolve("latency"),
              latencyAppId);
           KafkaProducer<String, AlertEvent> producer = producer(kafka, serdes);
           KafkaConsumer<String, EscalationEvent> consumer = new KafkaConsumer<>(Map.of(
               ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
               ConsumerConfig.GROUP_ID_CONFIG, "bench-escalations",
               ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
               ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
               new StringDeserializer(), serdes.escalations().deserializer())) {
        app.awaitRunning(Duration.ofSeconds(60));
        consumer.subscribe(List.of(latencyTopics.escalations()));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        int sent = 0;
        long nextSend = System.nanoTime();
        while (latenciesMs.size() < probes && System.nanoTime() < deadline) {
          if (sent < probes && System.nanoTime() >= nextSend) {
            Instant now = Instant.now();
            AlertEvent alert = alert("probe-" + sent, "probe-svc-" + sent, now);
            sentAt.put(alert.getService(), System.currentTimeMillis());
            producer.send(new ProducerRecord<>(latencyTopics.normalized(), alert.getFingerprint(), alert));
            producer.flush();
            sent++;
            nextSend += Duration.ofMillis(50).toNanos();
          }
          consumer.poll(Duration.ofMillis(10)).forEach(r -> {
            if (r.value().getKind() == EscalationKind.OPENED) {
              Long at = sentAt.get(r.value().getServices().get(0));
              if (at != null) {
                latenciesMs.add(System.currentTimeMillis() - at - groupWaitMs);
              }
            }
          });
        }
      }
      List<Long> sorted = new ArrayList<>(latenciesMs);
      Collections.sort(sorted);
      if (sorted.isEmpty()) {
        System.out.println("latency: no escalation received");
      } else {
        System.out.printf("latency beyond a %d ms group wait, over %d incidents: p50 %d ms, p99 %d ms, max %d ms%n",
            groupWaitMs, sorted.size(), percentile(sorted, 0.50), percentile(sorted, 0.99),
            sorted.get(sorted.size() - 1));
      }
    }
  }

  /**
   * A storm from one failing dependency: redis-cart fails, then {@code total} observations follow
   * on the services that depend on it within two hops (cartservice, checkoutservice, frontend), a
   * third of them distinct alerts and the rest resends of those (a later {@code observedAt} and
   * {@code endsAt}, as Prometheus re-sends a firing alert), all fired in the 25 s before the
   * correlator starts on them. Reports alerts/s and CPU as above, then
   * what came out: how many incidents opened and what their escalations name as the root cause.
   */
  private static void storm(EmbeddedKafka kafka, Admin admin, SchemaRegistryConfig registryConfig,
                            CorrelatorSerdes serdes, SchemaRegistryClient client, CorrelatorSettings settings,
                            Path stateDir, int total) throws Exception {
    Topics topics = new Topics("bench-storm.");
    TopicProvisioner.ensure(admin, topics, 2, (short) 1, Duration.ofSeconds(30));
    Path boutique = Path.of(CorrelatorBenchmark.class.getResource("/topologies/online-boutique.json").toURI());
    // the storm fired over the last 25 s (event times in the past, as in any backlog)
    Instant t0 = Instant.now().minusSeconds(25);
    try (KafkaProducer<String, ServiceNode> services = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
        new StringSerializer(), serdes.services().serializer())) {
      for (ServiceNode node : TopologyDocuments.read(boutique, null, t0).services()) {
        services.send(new ProducerRecord<>(topics.topology(), node.getName(), node));
      }
      services.flush();
    }
    List<String> dependents = List.of("cartservice", "checkoutservice", "frontend");
    int distinct = Math.max(1, (total - 1) / 3);
    try (KafkaProducer<String, AlertEvent> producer = producer(kafka, serdes)) {
      AlertEvent root = alert("storm-redis", "redis-cart", t0);
      root.setName("RedisDown");
      root.setSeverity(Severity.CRITICAL);
      producer.send(new ProducerRecord<>(topics.normalized(), root.getFingerprint(), root));
      for (int sent = 1; sent < total; sent++) {
        int i = (sent - 1) % distinct;
        int resend = (sent - 1) / distinct;
        Instant startsAt = t0.plusMillis(1_000 + i);
        AlertEvent alert = alert("storm-" + i, dependents.get(i % dependents.size()), startsAt);
        alert.setObservedAt(startsAt.plusSeconds(2L * resend));
        alert.setEndsAt(startsAt.plusSeconds(2L * resend + 120));
        producer.send(new ProducerRecord<>(topics.normalized(), alert.getFingerprint(), alert));
      }
      producer.flush();
    }
    String appId = "bench-correlator-storm";
    long start = System.nanoTime();
    Map<String, Double> cpuBefore = cpuByThreadGroup();
    try (CorrelatorApp app = start(kafka, registryConfig, topics, settings, stateDir, appId);
         KafkaConsumer<String, EscalationEvent> consumer = new KafkaConsumer<>(Map.of(
             ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
             ConsumerConfig.GROUP_ID_CONFIG, "bench-storm-escalations",
             ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
             ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
             new StringDeserializer(), serdes.escalations().deserializer())) {
      awaitCommitted(admin, appId, topics.normalized(), Duration.ofSeconds(300));
      double seconds = (System.nanoTime() - start) / 1e9;
      double cpu = streamThreadCpuSeconds(appId);
      System.out.printf("storm: %,d observations (%,d distinct alerts on 3 dependents of redis-cart, the rest resends)"
          + " correlated in %.1f s (start-up included): %,.0f alerts/s; stream threads %.1f CPU s: %,.0f alerts per"
          + " CPU second%n", total, distinct + 1, seconds, total / seconds, cpu, total / cpu);
      Map<String, Double> cpuAfter = cpuByThreadGroup();
      System.out.printf("  CPU s by thread group: broker %.1f%n",
          cpuAfter.getOrDefault("broker", 0.0) - cpuBefore.getOrDefault("broker", 0.0));
      // what came out: every escalation committed within the group wait and a few punctuations
      consumer.subscribe(List.of(topics.escalations()));
      Map<String, String> opened = new TreeMap<>();
      long quietUntil = System.nanoTime() + settings.groupWait().plusSeconds(10).toNanos();
      while (System.nanoTime() < quietUntil) {
        consumer.poll(POLL).forEach(r -> {
          if (r.value().getKind() == EscalationKind.OPENED) {
            opened.put(r.value().getIncidentId(), String.valueOf(r.value().getRootCause()));
          }
        });
      }
      System.out.printf("  came out as %d OPENED escalation(s) after a %s group wait; root cause named: %s%n",
          opened.size(), settings.groupWait(),
          new TreeSet<>(opened.values()));
      // and the incidents' last states: every distinct alert counted in one
      Map<String, Incident> incidents = new TreeMap<>();
      try (KafkaConsumer<String, Incident> states = new KafkaConsumer<>(Map.of(
          ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
          ConsumerConfig.GROUP_ID_CONFIG, "bench-storm-incidents",
          ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
          ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
          new StringDeserializer(), serdes.incidents().deserializer())) {
        states.subscribe(List.of(topics.incidents()));
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < until) {
          states.poll(POLL).forEach(r -> incidents.put(r.key(), r.value()));
        }
      }
      incidents.values().removeIf(Objects::isNull);
      System.out.printf("  incidents: %d; alerts counted in each: %s (of %,d distinct); members kept: %s%n",
          incidents.size(), incidents.values().stream().map(i -> String.valueOf(i.getAlertCount())).toList(),
          distinct + 1, incidents.values().stream().map(i -> String.valueOf(i.getAlerts().size())).toList());
    }
  }

  private static CorrelatorApp start(EmbeddedKafka kafka, SchemaRegistryConfig registry, Topics topics,
                                     CorrelatorSettings settings, Path stateDir, String appId) {
    Map<String, Object> overrides = new HashMap<>();
    overrides.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
    overrides.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    overrides.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, Integer.getInteger("threads", 2));
    return CorrelatorApp.start(settings, Duration.ofMillis(100), kafka.bootstrapServers(), overrides, registry,
        topics, new SimpleMeterRegistry(), stateDir, appId);
  }

  /**
   * CPU seconds used so far by this JVM's live threads, by group: the correlator's stream threads,
   * the embedded broker's threads, Kafka clients' network threads, the registry, the rest.
   */
  private static Map<String, Double> cpuByThreadGroup() {
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    Map<String, Double> groups = new TreeMap<>();
    for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info == null) {
        continue;
      }
      String name = info.getThreadName();
      String group = name.contains("StreamThread") ? "stream threads"
          : name.startsWith("kafka-producer-network-thread") || name.startsWith("kafka-admin-client") ? "client I/O"
          : name.contains("Jetty") || name.startsWith("registry") ? "registry"
          : name.startsWith("data-plane") || name.startsWith("kafka-") || name.contains("raft")
              || name.contains("coordinator") || name.contains("Txn") || name.contains("log-") || name.contains("quorum")
              || name.startsWith("broker") || name.startsWith("controller") || name.startsWith("executor-")
              || name.contains("Partitions") ? "broker"
          : "other";
      groups.merge(group, Math.max(0, threads.getThreadCpuTime(info.getThreadId())) / 1e9, Double::sum);
    }
    return groups;
  }

  /** CPU time used so far by the stream threads of one application. */
  private static double streamThreadCpuSeconds(String appId) {
    java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
    long nanos = 0;
    for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith(appId) && info.getThreadName().contains("StreamThread")) {
        nanos += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
      }
    }
    return nanos / 1e9;
  }

  /** Where the stream threads spent their time (Kafka Streams' thread-level ratio metrics). */
  private static void printThreadRatios(CorrelatorApp app) {
    app.streams().metrics().forEach((name, metric) -> {
      if (name.group().equals("stream-thread-metrics") && name.name().endsWith("-ratio")) {
        System.out.printf("  %s %s: %.2f%n", name.tags().get("thread-id").replaceAll(".*-(StreamThread-\\d+)", "$1"),
            name.name(), ((Number) metric.metricValue()).doubleValue());
      }
      if (name.group().equals("stream-thread-metrics") && (name.name().equals("commit-latency-avg")
          || name.name().equals("commit-rate") || name.name().equals("process-records-avg"))) {
        System.out.printf("  %s %s: %.1f%n", name.tags().get("thread-id").replaceAll(".*-(StreamThread-\\d+)", "$1"),
            name.name(), ((Number) metric.metricValue()).doubleValue());
      }
    });
  }

  private static KafkaProducer<String, AlertEvent> producer(EmbeddedKafka kafka, CorrelatorSerdes serdes) {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5),
        new StringSerializer(), serdes.alerts().serializer());
  }

  private static AlertEvent alert(String fingerprint, String service, Instant startsAt) {
    return AlertEvent.newBuilder().setFingerprint(fingerprint).setName("HighErrorRate").setService(service)
        .setSeverity(Severity.HIGH).setStatus(AlertStatus.FIRING).setStartsAt(startsAt).setObservedAt(startsAt)
        .build();
  }

  private static void awaitCommitted(Admin admin, String group, String topic, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
        .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    Map<TopicPartition, Long> ends = new HashMap<>();
    admin.listOffsets(latest).all().get().forEach((tp, info) -> ends.put(tp, info.offset()));
    while (System.nanoTime() < deadline) {
      var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
      if (ends.entrySet().stream().allMatch(e -> e.getValue() == 0
          || committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue())) {
        return;
      }
      Thread.sleep(POLL.toMillis());
    }
    throw new IllegalStateException(group + " did not commit " + topic + " within " + timeout);
  }

  private static long percentile(List<Long> sorted, double p) {
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1));
  }
}
