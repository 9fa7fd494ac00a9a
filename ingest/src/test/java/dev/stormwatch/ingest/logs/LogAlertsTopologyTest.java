package dev.stormwatch.ingest.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.AlertSource;
import dev.stormwatch.avro.AlertStatus;
import dev.stormwatch.avro.Severity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Timelines through the real sub-topology ({@link LogAlerts#addTo}) on {@link TopologyTestDriver}:
 * every input has an explicit timestamp; time only moves when a record moves it.
 */
class LogAlertsTopologyTest {

  private static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");
  private static final String IN = "log-entries";
  private static final String OUT = "alerts";

  @TempDir
  Path stateDir;

  private TopologyTestDriver driver;
  private TestInputTopic<String, LogEntry> input;
  private TestOutputTopic<String, AlertEvent> output;

  @AfterEach
  void close() {
    if (driver != null) {
      driver.close();
    }
  }

  static Topology topology(LogRulesConfig config) {
    StreamsBuilder builder = new StreamsBuilder();
    KStream<String, LogEntry> entries = builder.stream(IN,
        Consumed.with(Serdes.String(), new LogEntrySerde()).withName("log-entries-source"));
    LogAlerts.addTo(entries, config)
        .to(OUT, Produced.with(Serdes.String(), alertSerde()).withName("alerts-sink"));
    return builder.build(props());
  }

  static Properties props() {
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "log-alerts-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
    props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
    return props;
  }

  private void start(LogRulesConfig config) {
    Properties props = props();
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver = new TopologyTestDriver(topology(config), props);
    input = driver.createInputTopic(IN, Serdes.String().serializer(), new LogEntrySerde().serializer());
    output = driver.createOutputTopic(OUT, Serdes.String().deserializer(), alertSerde().deserializer());
  }

  /** Avro binary without a registry: enough to see what the topology emits. */
  static Serde<AlertEvent> alertSerde() {
    return Serdes.serdeFrom(
        (topic, event) -> {
          try {
            ByteBuffer buf = AlertEvent.getEncoder().encode(event);
            byte[] bytes = new byte[buf.remaining()];
            buf.get(bytes);
            return bytes;
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        },
        (topic, bytes) -> {
          try {
            return AlertEvent.fromByteBuffer(ByteBuffer.wrap(bytes));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  private static Instant at(Duration offset) {
    return T0.plus(offset);
  }

  static LogEntry entry(String service, Severity severity, String level, Instant time, String message) {
    return new LogEntry(service, "production", severity, level, time.toEpochMilli(), message, "com.acme.App",
        null, null, null, "node-1", Map.of(), LogFormat.ECS);
  }

  static LogEntry exception(String service, Instant time, String type, String stack) {
    return new LogEntry(service, null, Severity.HIGH, "ERROR", time.toEpochMilli(), "request failed", "com.acme.Api",
        type, "boom", stack, null, Map.of(), LogFormat.OTLP_JSON);
  }

  private void pipe(LogEntry entry) {
    input.pipeInput(new TestRecord<>(null, entry, entry.time()));
  }

  private void pipe(LogEntry entry, Instant recordTime) {
    input.pipeInput(new TestRecord<>(null, entry, recordTime));
  }

  private List<AlertEvent> alerts() {
    return output.readValuesToList();
  }

  @Test
  void tenErrorsWithinAMinuteFireOnceAtTheTenthAndFiveQuietMinutesResolveIt() {
    start(LogRulesConfig.defaults());

    for (int i = 0; i < 9; i++) {
      pipe(entry("checkout", Severity.HIGH, "ERROR", at(Duration.ofSeconds(6L * i)), "payment failed " + i));
      pipe(entry("checkout", Severity.INFO, "INFO", at(Duration.ofSeconds(6L * i + 1)), "chatter"));
    }
    assertThat(alerts()).as("nine errors are below the threshold").isEmpty();

    pipe(entry("checkout", Severity.HIGH, "ERROR", at(Duration.ofSeconds(54)), "payment failed 9"));
    List<AlertEvent> firing = alerts();
    assertThat(firing).singleElement().satisfies(a -> {
      assertThat(a.getStatus()).isEqualTo(AlertStatus.FIRING);
      assertThat(a.getName()).isEqualTo("log-error-rate");
      assertThat(a.getService()).isEqualTo("checkout");
      assertThat(a.getSource()).isEqualTo(AlertSource.LOGS);
      assertThat(a.getSourceFormat()).isEqualTo("ecs");
      assertThat(a.getSeverity()).isEqualTo(Severity.HIGH);
      assertThat(a.getOccurrences()).isEqualTo(10);
      assertThat(a.getStartsAt()).isEqualTo(T0);
      assertThat(a.getObservedAt()).isEqualTo(at(Duration.ofSeconds(54)));
      assertThat(a.getEndsAt()).isNull();
      assertThat(a.getSummary()).isEqualTo("10 ERROR logs in 1m on checkout");
      assertThat(a.getLabels()).containsEntry("rule", "log-error-rate").containsEntry("service", "checkout")
          .containsEntry("level", "ERROR");
      assertThat(a.getOrigin()).isNull();
    });
    String fingerprint = firing.get(0).getFingerprint();

    for (int i = 55; i < 60; i++) {
      pipe(entry("checkout", Severity.CRITICAL, "FATAL", at(Duration.ofSeconds(i)), "still failing"));
    }
    assertThat(alerts()).as("one alert per (rule, service), not one per line").isEmpty();

    // 5 quiet minutes on checkout; an error elsewhere moves stream time past the quiet window
    pipe(entry("payments", Severity.HIGH, "ERROR", at(Duration.ofMinutes(6)), "unrelated"));
    assertThat(alerts()).singleElement().satisfies(a -> {
      assertThat(a.getStatus()).isEqualTo(AlertStatus.RESOLVED);
      assertThat(a.getFingerprint()).isEqualTo(fingerprint);
      assertThat(a.getOccurrences()).isEqualTo(15);
      assertThat(a.getStartsAt()).isEqualTo(T0);
      assertThat(a.getEndsAt()).isEqualTo(at(Duration.ofSeconds(59)).plus(Duration.ofMinutes(5)));
      assertThat(a.getObservedAt()).isEqualTo(at(Duration.ofMinutes(6)));
    });
  }

  @Test
  void errorsSpreadWiderThanTheWindowNeverFire() {
    start(LogRulesConfig.defaults());

    for (int i = 0; i < 30; i++) {
      pipe(entry("checkout", Severity.HIGH, "ERROR", at(Duration.ofSeconds(7L * i)), "slow drip"));
    }

    assertThat(alerts()).as("at most 9 errors in any minute").isEmpty();
  }

  @Test
  void theSameExceptionLoggedFiveHundredTimesIsOneAlertAndADifferentStackIsASecond() {
    start(LogRulesConfig.fromMap(Map.of("rate-rules", List.of())));

    for (int i = 0; i < 500; i++) {
      pipe(exception("cart", at(Duration.ofMillis(200L * i)), "java.lang.NullPointerException",
          ExceptionFingerprintTest.npe(10 + i % 3, 20 + i % 5, 14 + i, "total")));
    }
    List<AlertEvent> first = alerts();
    assertThat(first).singleElement().satisfies(a -> {
      assertThat(a.getStatus()).isEqualTo(AlertStatus.FIRING);
      assertThat(a.getName()).isEqualTo("java.lang.NullPointerException");
      assertThat(a.getOccurrences()).isEqualTo(1);
      assertThat(a.getSeverity()).isEqualTo(Severity.HIGH);
      assertThat(a.getSourceFormat()).isEqualTo("otlp-json");
      assertThat(a.getSummary()).isEqualTo("java.lang.NullPointerException: boom");
      assertThat(a.getDescription()).startsWith("java.lang.NullPointerException: Cannot invoke")
          .contains("com.acme.checkout.Cart.total");
      assertThat(a.getLabels()).containsEntry("rule", "exception")
          .containsEntry("exception_type", "java.lang.NullPointerException").containsKey("exception_fingerprint");
    });
    String npe = first.get(0).getFingerprint();

    // one refresh per window (5m) carries the count so far
    pipe(exception("cart", at(Duration.ofMinutes(5)), "java.lang.NullPointerException",
        ExceptionFingerprintTest.npe(999, 998, 997, "total")));
    pipe(exception("cart", at(Duration.ofMinutes(5).plusSeconds(1)), "java.lang.NullPointerException",
        ExceptionFingerprintTest.npe(1, 2, 3, "discount")));
    List<AlertEvent> next = alerts();
    assertThat(next).hasSize(2);
    assertThat(next.get(0).getFingerprint()).isEqualTo(npe);
    assertThat(next.get(0).getStatus()).isEqualTo(AlertStatus.FIRING);
    assertThat(next.get(0).getOccurrences()).isEqualTo(501);
    assertThat(next.get(1).getFingerprint()).as("a different stack is a different bug").isNotEqualTo(npe);
    assertThat(next.get(1).getOccurrences()).isEqualTo(1);

    pipe(entry("other", Severity.HIGH, "ERROR", at(Duration.ofMinutes(20)), "moves stream time"));
    List<AlertEvent> resolved = alerts();
    assertThat(resolved).extracting(AlertEvent::getStatus).containsOnly(AlertStatus.RESOLVED);
    assertThat(resolved).extracting(AlertEvent::getFingerprint)
        .containsExactlyInAnyOrder(npe, next.get(1).getFingerprint());
    assertThat(resolved).filteredOn(a -> a.getFingerprint().equals(npe)).singleElement()
        .satisfies(a -> assertThat(a.getOccurrences()).isEqualTo(501));
  }

  @Test
  void patternRuleOnOutOfMemoryErrorFiresWithTheConfiguredSeverityOncePerQuietPeriod() {
    start(LogRulesConfig.fromMap(Map.of(
        "rate-rules", List.of(),
        "exceptions", Map.of("enabled", false),
        "pattern-rules", List.of(Map.of("name", "jvm-oom", "pattern", "OutOfMemoryError", "severity", "CRITICAL",
            "window", "1m", "quiet", "2m")))));

    pipe(entry("search", Severity.INFO, "INFO", at(Duration.ZERO), "all good"));
    pipe(entry("search", Severity.WARNING, "WARN", at(Duration.ofSeconds(10)),
        "java.lang.OutOfMemoryError: Java heap space"));
    pipe(entry("search", Severity.WARNING, "WARN", at(Duration.ofSeconds(20)),
        "java.lang.OutOfMemoryError: Java heap space"));

    List<AlertEvent> fired = alerts();
    assertThat(fired).singleElement().satisfies(a -> {
      assertThat(a.getName()).isEqualTo("jvm-oom");
      assertThat(a.getSeverity()).isEqualTo(Severity.CRITICAL);
      assertThat(a.getStatus()).isEqualTo(AlertStatus.FIRING);
      assertThat(a.getSummary()).isEqualTo("java.lang.OutOfMemoryError: Java heap space");
      assertThat(a.getStartsAt()).isEqualTo(at(Duration.ofSeconds(10)));
      assertThat(a.getLabels()).containsEntry("rule", "jvm-oom").containsEntry("kind", "pattern");
    });

    // quiet for more than 2m, then it happens again: the old alert resolves, a new one fires
    pipe(entry("search", Severity.WARNING, "WARN", at(Duration.ofMinutes(3)),
        "java.lang.OutOfMemoryError: Metaspace"));
    List<AlertEvent> again = alerts();
    assertThat(again).extracting(AlertEvent::getStatus).containsExactly(AlertStatus.RESOLVED, AlertStatus.FIRING);
    assertThat(again.get(0).getOccurrences()).isEqualTo(2);
    assertThat(again.get(0).getEndsAt()).isEqualTo(at(Duration.ofSeconds(20)).plus(Duration.ofMinutes(2)));
    assertThat(again.get(1).getStartsAt()).isEqualTo(at(Duration.ofMinutes(3)));
    assertThat(again.get(1).getFingerprint()).isEqualTo(fired.get(0).getFingerprint());
  }

  @Test
  void perServiceCapDropsNewAlertsAndCountsThem() {
    start(LogRulesConfig.fromMap(Map.of("rate-rules", List.of(), "max-alerts-per-service", 2)));

    for (String type : List.of("a.FirstException", "a.SecondException", "a.ThirdException")) {
      pipe(exception("cart", at(Duration.ofSeconds(1)), type, null));
    }
    pipe(exception("orders", at(Duration.ofSeconds(2)), "a.ThirdException", null));

    assertThat(alerts()).extracting(AlertEvent::getName)
        .containsExactly("a.FirstException", "a.SecondException", "a.ThirdException");
    assertThat(alerts()).isEmpty();
    assertThat(metric(LogAlertProcessor.CAP_HIT_OPERATION + "-total")).isEqualTo(1.0);
  }

  @Test
  void anEntryTimeFarInTheFutureIsClampedToTheSkewBound() {
    start(LogRulesConfig.fromMap(Map.of("rate-rules", List.of(), "max-future-skew", "1m",
        "pattern-rules", List.of(Map.of("name", "panic", "pattern", "panic")))));

    pipe(entry("edge", Severity.CRITICAL, "FATAL", Instant.parse("2100-01-01T00:00:00Z"), "panic: nil map"), T0);

    assertThat(alerts()).singleElement().satisfies(a -> {
      assertThat(a.getStartsAt()).isEqualTo(T0.plus(Duration.ofMinutes(1)));
      assertThat(a.getSeverity()).as("no rule severity: the level's").isEqualTo(Severity.CRITICAL);
    });
  }

  @Test
  void topologyNamesEveryInternalResource() {
    String description = topology(LogRulesConfig.defaults()).describe().toString();

    assertThat(description).contains(LogTopologyNames.REPARTITION_BY_SERVICE + "-repartition",
        LogTopologyNames.RATE_WINDOWS_STORE, LogTopologyNames.ALERT_STATE_STORE, LogTopologyNames.RULES_PROCESSOR,
        LogTopologyNames.RELEVANT_FILTER, LogTopologyNames.EVENT_TIME, LogTopologyNames.KEY_BY_SERVICE);
    assertThat(description).doesNotContain("KSTREAM-");
  }

  private double metric(String name) {
    for (Map.Entry<MetricName, ? extends Metric> e : driver.metrics().entrySet()) {
      String group = "stream-" + LogAlertProcessor.METRIC_SCOPE + "-metrics";
      if (e.getKey().name().equals(name) && e.getKey().group().equals(group)) {
        return ((Number) e.getValue().metricValue()).doubleValue();
      }
    }
    throw new AssertionError("no metric " + name + " in " + driver.metrics().keySet());
  }
}
