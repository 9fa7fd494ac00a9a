package dev.stormwatch.ingest.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.Severity;
import dev.stormwatch.ingest.normalize.ServiceResolver;
import dev.stormwatch.ingest.raw.RawHeaders;
import dev.stormwatch.ingest.raw.RawRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every fixture under {@code fixtures/logs} (copied verbatim from the shared fixtures) parses as documented there. */
class LogParserFixturesTest {

  static final long RECEIVED = Instant.parse("2025-01-02T03:04:05.678Z").toEpochMilli();

  private final LogParser parser = LogParser.defaults();

  static byte[] fixture(String name) {
    try (InputStream in = LogParserFixturesTest.class.getResourceAsStream("/fixtures/logs/" + name)) {
      assertThat(in).as("fixture %s", name).isNotNull();
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static RawRecord raw(byte[] body) {
    return RawRecord.of("alerts.raw.logs", body, Map.of(), RECEIVED);
  }

  static RawRecord raw(String body) {
    return raw(body.getBytes(StandardCharsets.UTF_8));
  }

  private LogParseResult parseFixture(String name) {
    return parser.parse(raw(fixture(name)));
  }

  private static long millis(String iso) {
    return Instant.parse(iso).toEpochMilli();
  }

  @Test
  void ecsSpringPetclinicDottedKeysGivesThreeEntries() {
    LogParseResult result = parseFixture("ecs.ecs-logging-intro.spring-petclinic.ndjson");

    assertThat(result.rejects()).isEmpty();
    assertThat(result.entries()).hasSize(3);
    assertThat(result.entries()).extracting(LogEntry::service).containsOnly("spring-petclinic");
    assertThat(result.entries()).extracting(LogEntry::format).containsOnly(LogFormat.ECS);
    assertThat(result.entries()).extracting(LogEntry::level).containsExactly("INFO", "INFO", "DEBUG");
    assertThat(result.entries()).extracting(LogEntry::severity)
        .containsExactly(Severity.INFO, Severity.INFO, Severity.INFO);
    assertThat(result.entries()).extracting(LogEntry::timestamp).containsExactly(
        millis("2019-08-06T12:09:12.375Z"), millis("2019-08-06T12:09:12.379Z"), millis("2019-08-06T14:08:40.199Z"));
    LogEntry first = result.entries().get(0);
    assertThat(first.message()).isEqualTo("Tomcat started on port(s): 8080 (http) with context path ''");
    assertThat(first.logger()).isEqualTo("org.springframework.boot.web.embedded.tomcat.TomcatWebServer");
    assertThat(first.exceptionType()).isNull();
    assertThat(first.attributes()).containsEntry("process.thread.name", "restartedMain").doesNotContainKey("message");
    LogEntry debug = result.entries().get(2);
    assertThat(debug.message()).isEqualTo("init find form");
    assertThat(debug.attributes()).containsEntry("trace.id", "2869b25b5469590610fea49ac04af7da")
        .containsEntry("transaction.id", "28b7fb8d5aba51f1");
  }

  @Test
  void ecsSpecExampleWithTrailingCommasIsRejectedWithTheJsonError() {
    LogParseResult result = parseFixture("ecs.ecs-logging-spec.error-event.INVALID-trailing-commas.json.txt");

    assertThat(result.entries()).isEmpty();
    assertThat(result.rejects()).hasSize(1);
    LogParseResult.Reject reject = result.rejects().get(0);
    assertThat(reject.reason())
        .startsWith("invalid JSON in the document starting at line 1 (error at line 12")
        .contains("double-quote to start field name")
        .doesNotContain("\n");
    assertThat(reject.text()).startsWith("{").contains("java.lang.NullPointerException").endsWith("}");
  }

  @Test
  void invalidDocumentBetweenGoodNdjsonLinesLosesOnlyItself() {
    String[] good = new String(fixture("ecs.ecs-logging-intro.spring-petclinic.ndjson"), StandardCharsets.UTF_8)
        .split("\n");
    String invalid = new String(fixture("ecs.ecs-logging-spec.error-event.INVALID-trailing-commas.json.txt"),
        StandardCharsets.UTF_8);
    String body = good[0] + "\n" + invalid + "\n" + "{\"message\":\"unterminated\"\n" + good[1] + "\n";

    LogParseResult result = parser.parse(raw(body));

    assertThat(result.entries()).extracting(LogEntry::message).containsExactly(
        "Tomcat started on port(s): 8080 (http) with context path ''",
        "Started PetClinicApplication in 7.095 seconds (JVM running for 9.082)");
    assertThat(result.rejects()).hasSize(2);
    assertThat(result.rejects().get(0).reason()).startsWith("invalid JSON in the document starting at line 2");
    assertThat(result.rejects().get(0).text()).contains("An error happened!").doesNotContain("PetClinic");
    assertThat(result.rejects().get(1).reason()).startsWith("invalid JSON in the document starting at line 34 (error at line 35, column 1)");
    assertThat(result.rejects().get(1).text()).isEqualTo("{\"message\":\"unterminated\"");
  }

  @Test
  void elasticsearchEcsErrorCarriesExceptionAndFullStackTrace() {
    LogParseResult result = parseFixture("ecs.elasticsearch-8.5.1-server.ERROR-java-stacktrace.ndjson");

    assertThat(result.rejects()).isEmpty();
    assertThat(result.entries()).hasSize(1);
    LogEntry e = result.entries().get(0);
    assertThat(e.service()).isEqualTo("es_ecs");
    assertThat(e.format()).isEqualTo(LogFormat.ECS);
    assertThat(e.level()).isEqualTo("ERROR");
    assertThat(e.severity()).isEqualTo(Severity.HIGH);
    assertThat(e.timestamp()).isEqualTo(millis("2022-11-19T08:03:05.924Z"));
    assertThat(e.message()).isEqualTo("exception during geoip databases update");
    assertThat(e.logger()).isEqualTo("org.elasticsearch.ingest.geoip.GeoIpDownloader");
    assertThat(e.exceptionType()).isEqualTo("java.net.SocketTimeoutException");
    assertThat(e.exceptionMessage()).isEqualTo("Connect timed out");
    assertThat(e.stackTrace()).startsWith("java.net.SocketTimeoutException: Connect timed out\n\tat java.base/")
        .contains("org.elasticsearch.ingest.geoip.GeoIpDownloader.updateDatabases(GeoIpDownloader.java:143)");
    assertThat(e.attributes()).containsEntry("elasticsearch.node.name", "86daa7202fdd")
        .containsEntry("ecs.version", "1.2.0").doesNotContainKey("error.stack_trace");
  }

  @Test
  void springBootDottedAndNestedEcsSpellingsGiveTheSameEntry() {
    LogEntry dotted = single(parseFixture("ecs.spring-boot-3.4-structured-ecs.dotted-keys.ndjson"));
    LogEntry nested = single(parseFixture("ecs.spring-boot-current-structured-ecs.nested-keys.ndjson"));

    assertThat(dotted.service()).isEqualTo("simple");
    assertThat(dotted.level()).isEqualTo("INFO");
    assertThat(dotted.severity()).isEqualTo(Severity.INFO);
    assertThat(dotted.timestamp()).isEqualTo(millis("2024-01-01T10:15:00.067Z"));
    assertThat(dotted.logger()).isEqualTo("org.example.Application");
    assertThat(dotted.message()).isEqualTo("No active profile set, falling back to 1 default profile: \"default\"");
    assertThat(dotted.attributes()).containsEntry("process.pid", "39599").containsEntry("ecs.version", "8.11");
    assertThat(nested).isEqualTo(dotted);
  }

  @Test
  void fluentBitBefore19ReadsIsoTimestampAndLogField() {
    LogEntry e = single(parseFixture("fluent-bit.issue-5097.before-1.9.ndjson"));

    assertThat(e.format()).isEqualTo(LogFormat.FLUENT_BIT);
    assertThat(e.message()).isEqualTo("YOUR LOG MESSAGE HERE");
    assertThat(e.timestamp()).isEqualTo(millis("2018-06-11T14:37:30.681Z"));
    assertThat(e.service()).isEqualTo(ServiceResolver.UNKNOWN);
    assertThat(e.level()).isNull();
    assertThat(e.severity()).isEqualTo(Severity.INFO);
    assertThat(e.attributes()).containsEntry("stream", "stdout");
  }

  @Test
  void fluentBit190EmptyKeyRegressionParsesLikeTheRecordBeforeIt() {
    LogEntry before = single(parseFixture("fluent-bit.issue-5097.before-1.9.ndjson"));
    LogEntry regression = single(parseFixture("fluent-bit.issue-5097.v1.9.0-empty-key-regression.ndjson"));

    assertThat(regression).isEqualTo(before);
    assertThat(regression.attributes()).doesNotContainKey("");
  }

  @Test
  void fluentBitKafkaRecordReadsFloatSecondsAndKubernetesMetadata() {
    LogEntry e = single(parseFixture("fluent-bit.kubesphere-fluentbit-kafka.openfunction-blog.ndjson"));

    assertThat(e.format()).isEqualTo(LogFormat.FLUENT_BIT);
    assertThat(e.timestamp()).isEqualTo(1629856477226L);
    assertThat(e.message()).isEqualTo(
        "*.*.*.* - - [25/Aug/2021:01:54:36 +0000] \"GET /notfound HTTP/1.1\" 404 49923 \"-\" \"curl/7.58.0\"");
    assertThat(e.service()).isEqualTo("container-nrdsp1");
    assertThat(e.severity()).isEqualTo(Severity.INFO);
    assertThat(e.attributes()).containsEntry("kubernetes.namespace_name", "demo-project")
        .containsEntry("kubernetes.pod_name", "wordpress-v1-f54f697c5-hdn2z")
        .containsEntry("time", "2021-08-25T01:54:37.226757612Z");
  }

  @Test
  void vectorKubernetesLogsEventResolvesServiceFromPodLabels() {
    LogEntry e = single(parseFixture("vector.kubernetes_logs-event-on-kafka.sumologic-kafka-push-readme.json"));

    assertThat(e.format()).isEqualTo(LogFormat.VECTOR);
    assertThat(e.service()).isEqualTo("kube-test");
    assertThat(e.timestamp()).isEqualTo(millis("2020-05-29T18:02:37.505Z"));
    assertThat(e.message()).startsWith("2020-05-29 18:02:37.505199 I | http: TLS handshake error from 10.0.0.176")
        .endsWith("forward/fwd.go:196");
    assertThat(e.host()).isEqualTo("ec2");
    assertThat(e.severity()).isEqualTo(Severity.INFO);
    assertThat(e.attributes()).containsEntry("kubernetes.pod_namespace", "test")
        .containsEntry("kubernetes.pod_labels.app", "kube-test").containsEntry("stream", "stderr")
        .doesNotContainKey("message");
  }

  @Test
  void lokiCurlExampleGivesOneEntryWithNanosecondTimestamp() {
    LogEntry e = single(parseFixture("loki.push-api-v1.docs-curl-example.json"));

    assertThat(e.format()).isEqualTo(LogFormat.LOKI);
    assertThat(e.message()).isEqualTo("fizzbuzz");
    assertThat(e.timestamp()).isEqualTo(1570818238000L);
    assertThat(e.attributes()).containsEntry("foo", "bar2");
    assertThat(e.service()).isEqualTo(ServiceResolver.UNKNOWN);
    assertThat(e.severity()).isEqualTo(Severity.INFO);
  }

  @Test
  void lokiDocTemplateKeepsLinesAndFallsBackToReceiveTimeForPlaceholderTimestamps() {
    LogParseResult result = parseFixture("loki.push-api-v1.docs-template.json");

    assertThat(result.rejects()).isEmpty();
    assertThat(result.entries()).hasSize(2);
    assertThat(result.entries()).allSatisfy(e -> {
      assertThat(e.message()).isEqualTo("<log line>");
      assertThat(e.timestamp()).isEqualTo(RECEIVED);
      assertThat(e.attributes()).containsEntry("label", "value")
          .containsEntry(LogEntry.UNPARSED_TIMESTAMP, "<unix epoch in nanoseconds>");
    });
  }

  @Test
  void otlpLogsExampleReadsResourceServiceSeverityNumberAndStringInt64s() {
    LogEntry e = single(parseFixture("otlp.opentelemetry-proto.examples.logs.json"));

    assertThat(e.format()).isEqualTo(LogFormat.OTLP_JSON);
    assertThat(e.service()).isEqualTo("my.service");
    assertThat(e.level()).isEqualTo("Information");
    assertThat(e.severity()).isEqualTo(Severity.INFO);
    assertThat(e.timestamp()).isEqualTo(1544712660300L);
    assertThat(e.message()).isEqualTo("Example log record");
    assertThat(e.logger()).isEqualTo("my.library");
    assertThat(e.attributes())
        .containsEntry("string.attribute", "some string")
        .containsEntry("boolean.attribute", "true")
        .containsEntry("int.attribute", "10")
        .containsEntry("double.attribute", "637.704")
        .containsEntry("array.attribute", "[\"many\",\"values\"]")
        .containsEntry("map.attribute.some.map.key", "some value")
        .containsEntry("traceId", "5B8EFFF798038103D269B633813FC60C")
        .containsEntry("otel.scope.my.scope.attribute", "some scope attribute");
  }

  @Test
  void otlpEventExampleUsesEventNameAndFlattensTheKvlistBody() {
    LogEntry e = single(parseFixture("otlp.opentelemetry-proto.examples.events.json"));

    assertThat(e.service()).isEqualTo("my.service");
    assertThat(e.message()).isEqualTo("browser.page_view");
    assertThat(e.level()).isEqualTo("test severity text");
    assertThat(e.severity()).as("severityNumber 9 is INFO").isEqualTo(Severity.INFO);
    assertThat(e.timestamp()).isEqualTo(1544712660300L);
    assertThat(e.attributes()).containsEntry("body.url", "https://www.guidgenerator.com/online-guid-generator.aspx")
        .containsEntry("body.type", "0").containsEntry("event.attribute", "some event attribute");
  }

  @Test
  void otlpRecordWithoutTimestampsTakesTheReceiveTimeAndTheResourceService() {
    LogEntry e = single(parseFixture("otlp.victorialogs-docs.ERROR-no-timestamps.json"));

    assertThat(e.timestamp()).isEqualTo(RECEIVED);
    assertThat(e.service()).as("the resource attribute wins over the log attribute").isEqualTo("checkout");
    assertThat(e.attributes()).containsEntry("service.name", "checkout")
        .containsEntry("log.attributes.service.name", "payment-lib");
    assertThat(e.level()).isEqualTo("ERROR");
    assertThat(e.severity()).isEqualTo(Severity.HIGH);
    assertThat(e.message()).isEqualTo("payment failed");
    assertThat(e.logger()).isEqualTo("payment");
  }

  @Test
  void otlpReceiveTimeComesFromTheGatewayHeaderWhenPresent() {
    RawRecord record = RawRecord.of("alerts.raw.logs", fixture("otlp.victorialogs-docs.ERROR-no-timestamps.json"),
        Map.of(RawHeaders.RECEIVED_AT, "1700000000123"), RECEIVED);

    assertThat(single(parser.parse(record)).timestamp()).isEqualTo(1700000000123L);
  }

  @Test
  void everyFixtureExceptTheInvalidOneParsesWithoutRejects() {
    for (String name : new String[] {
        "ecs.ecs-logging-intro.spring-petclinic.ndjson", "ecs.elasticsearch-8.5.1-server.ERROR-java-stacktrace.ndjson",
        "ecs.spring-boot-3.4-structured-ecs.dotted-keys.ndjson",
        "ecs.spring-boot-current-structured-ecs.nested-keys.ndjson", "fluent-bit.issue-5097.before-1.9.ndjson",
        "fluent-bit.issue-5097.v1.9.0-empty-key-regression.ndjson",
        "fluent-bit.kubesphere-fluentbit-kafka.openfunction-blog.ndjson", "loki.push-api-v1.docs-curl-example.json",
        "loki.push-api-v1.docs-template.json", "otlp.opentelemetry-proto.examples.events.json",
        "otlp.opentelemetry-proto.examples.logs.json", "otlp.victorialogs-docs.ERROR-no-timestamps.json",
        "vector.kubernetes_logs-event-on-kafka.sumologic-kafka-push-readme.json"}) {
      LogParseResult result = parseFixture(name);
      assertThat(result.rejects()).as(name).isEmpty();
      assertThat(result.entries()).as(name).isNotEmpty();
    }
  }

  static LogEntry single(LogParseResult result) {
    assertThat(result.rejects()).isEmpty();
    assertThat(result.entries()).hasSize(1);
    return result.entries().get(0);
  }
}
