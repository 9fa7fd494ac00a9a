package dev.stormwatch.ingest.logs;

import static dev.stormwatch.ingest.logs.LogParserFixturesTest.RECEIVED;
import static dev.stormwatch.ingest.logs.LogParserFixturesTest.raw;
import static dev.stormwatch.ingest.logs.LogParserFixturesTest.single;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.Severity;
import dev.stormwatch.ingest.normalize.Scales;
import dev.stormwatch.ingest.normalize.ServiceResolver;
import dev.stormwatch.ingest.raw.RawHeaders;
import dev.stormwatch.ingest.raw.RawRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Body layouts, plain lines and edge cases beyond the fixtures. */
class LogParserTest {

  private final LogParser parser = LogParser.defaults();

  private static RawRecord plainText(String body) {
    return RawRecord.of("alerts.raw.logs", body.getBytes(StandardCharsets.UTF_8),
        Map.of(RawHeaders.CONTENT_TYPE, "text/plain; charset=utf-8"), RECEIVED);
  }

  @Test
  void plainLineThroughTheDefaultPatternGivesTimeLevelServiceAndMessage() {
    LogEntry e = single(parser.parse(raw("2024-05-01T10:00:00.250Z ERROR [Checkout] payment declined\n")));

    assertThat(e.format()).isEqualTo(LogFormat.PLAIN);
    assertThat(e.timestamp()).isEqualTo(Instant.parse("2024-05-01T10:00:00.250Z").toEpochMilli());
    assertThat(e.level()).isEqualTo("ERROR");
    assertThat(e.severity()).isEqualTo(Severity.HIGH);
    assertThat(e.service()).isEqualTo("checkout");
    assertThat(e.message()).isEqualTo("payment declined");
  }

  @Test
  void plainLineThatDoesNotMatchIsKeptAsInfoWithUnknownService() {
    LogParseResult result = parser.parse(plainText("just some text\n\n   \nYOUR LOG MESSAGE HERE\n"));

    assertThat(result.rejects()).isEmpty();
    assertThat(result.entries()).extracting(LogEntry::message).containsExactly("just some text", "YOUR LOG MESSAGE HERE");
    assertThat(result.entries()).allSatisfy(e -> {
      assertThat(e.severity()).isEqualTo(Severity.INFO);
      assertThat(e.level()).isNull();
      assertThat(e.service()).isEqualTo(ServiceResolver.UNKNOWN);
      assertThat(e.timestamp()).isEqualTo(RECEIVED);
    });
  }

  @Test
  void stackTraceLinesUnderAPlainLineJoinItsEntry() {
    String body = """
        2024-05-01T10:00:00Z ERROR [orders] request failed
        java.lang.IllegalStateException: no stock for sku 42
        \tat com.acme.orders.Stock.reserve(Stock.java:88)
        \tat com.acme.orders.Api.place(Api.java:31)
        Caused by: java.sql.SQLException: timeout
        \t... 12 more
        2024-05-01T10:00:01Z INFO [orders] next request
        """;

    LogParseResult result = parser.parse(plainText(body));

    assertThat(result.entries()).hasSize(2);
    LogEntry error = result.entries().get(0);
    assertThat(error.exceptionType()).isEqualTo("java.lang.IllegalStateException");
    assertThat(error.exceptionMessage()).isEqualTo("no stock for sku 42");
    assertThat(error.stackTrace()).startsWith("java.lang.IllegalStateException: no stock for sku 42\n\tat com.acme")
        .endsWith("\t... 12 more");
    assertThat(result.entries().get(1).message()).isEqualTo("next request");
  }

  @Test
  void customPlainPatternReadsItsNamedGroups() {
    LogParser custom = new LogParser(ServiceResolver.defaults(), Scales.defaults(),
        Pattern.compile("^\\[(?<level>\\w+)\\] (?<service>[\\w-]+)/(?<logger>\\S+): (?<message>.*)$"));

    LogEntry e = single(custom.parse(plainText("[warn] billing/com.acme.Invoices: slow query")));

    assertThat(e.level()).isEqualTo("warn");
    assertThat(e.severity()).isEqualTo(Severity.WARNING);
    assertThat(e.service()).isEqualTo("billing");
    assertThat(e.logger()).isEqualTo("com.acme.Invoices");
    assertThat(e.message()).isEqualTo("slow query");
    assertThat(e.timestamp()).isEqualTo(RECEIVED);
  }

  @Test
  void textPlainContentTypeKeepsJsonLookingLinesAsText() {
    LogEntry e = single(parser.parse(plainText("{\"not\": \"parsed\"}")));

    assertThat(e.format()).isEqualTo(LogFormat.PLAIN);
    assertThat(e.message()).isEqualTo("{\"not\": \"parsed\"}");
  }

  @Test
  void plainLinesStartingWithABracketAreNotMistakenForJson() {
    LogEntry e = single(parser.parse(raw("[2024-05-01 10:00:00] something happened")));

    assertThat(e.format()).isEqualTo(LogFormat.PLAIN);
    assertThat(e.message()).isEqualTo("[2024-05-01 10:00:00] something happened");
  }

  @Test
  void jsonArrayOfRecordsGivesOneEntryPerElementAndRejectsNonObjects() {
    String body = "[{\"message\":\"a\",\"level\":\"warn\",\"service\":\"cart\",\"ts\":1700000000},"
        + " {\"msg\":\"b\",\"severity\":\"critical\",\"app\":\"cart\",\"time\":\"2023-11-14T22:13:20+01:00\"}, 42]";

    LogParseResult result = parser.parse(raw(body));

    assertThat(result.entries()).extracting(LogEntry::message).containsExactly("a", "b");
    assertThat(result.entries()).extracting(LogEntry::format).containsOnly(LogFormat.JSON);
    assertThat(result.entries()).extracting(LogEntry::severity).containsExactly(Severity.WARNING, Severity.CRITICAL);
    assertThat(result.entries()).extracting(LogEntry::service).containsOnly("cart");
    assertThat(result.entries()).extracting(LogEntry::timestamp)
        .containsExactly(1700000000000L, Instant.parse("2023-11-14T21:13:20Z").toEpochMilli());
    assertThat(result.rejects()).singleElement().satisfies(r -> {
      assertThat(r.reason()).isEqualTo("element 2 of the JSON array at line 1 is not an object but number");
      assertThat(r.text()).isEqualTo("42");
    });
  }

  @Test
  void otlpTimestampsAsJsonNumbersBeyondDoublePrecisionAreExact() {
    String body = "{\"resourceLogs\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":"
        + "{\"stringValue\":\"api\"}}]},\"scopeLogs\":[{\"logRecords\":[{\"timeUnixNano\":1544712660300999999,"
        + "\"severityNumber\":\"SEVERITY_NUMBER_FATAL\",\"body\":{\"stringValue\":\"down\"},\"attributes\":["
        + "{\"key\":\"exception.type\",\"value\":{\"stringValue\":\"java.lang.OutOfMemoryError\"}},"
        + "{\"key\":\"exception.stacktrace\",\"value\":{\"stringValue\":\"java.lang.OutOfMemoryError: heap\\n"
        + "\\tat com.acme.Cache.load(Cache.java:10)\"}},"
        + "{\"key\":\"big\",\"value\":{\"intValue\":\"9223372036854775807\"}}]}]}]}]}";

    LogEntry e = single(parser.parse(raw(body)));

    assertThat(e.timestamp()).isEqualTo(1544712660300L);
    assertThat(e.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(e.level()).isEqualTo("FATAL");
    assertThat(e.exceptionType()).isEqualTo("java.lang.OutOfMemoryError");
    assertThat(e.stackTrace()).contains("com.acme.Cache.load");
    assertThat(e.attributes()).containsEntry("big", "9223372036854775807").doesNotContainKey("exception.stacktrace");
  }

  @Test
  void lokiLineThatIsJsonIsReadAsARecordUnderItsStreamLabels() {
    String body = "{\"streams\":[{\"stream\":{\"service_name\":\"checkout\",\"level\":\"error\",\"env\":\"prod\"},"
        + "\"values\":[[\"1700000000000000000\",\"{\\\"message\\\":\\\"boom\\\",\\\"error.type\\\":"
        + "\\\"java.lang.IllegalStateException\\\"}\"],"
        + "[\"1700000001000000000\",\"2024-05-01T10:00:00Z WARN plain line\"],"
        + "[\"1700000002000000000\"]]}]}";

    LogParseResult result = parser.parse(RawRecord.of("alerts.raw.logs", body.getBytes(StandardCharsets.UTF_8),
        Map.of(RawHeaders.FORMAT, RawHeaders.FORMAT_LOKI_PUSH), RECEIVED));

    assertThat(result.entries()).hasSize(2);
    LogEntry json = result.entries().get(0);
    assertThat(json.format()).isEqualTo(LogFormat.LOKI);
    assertThat(json.service()).isEqualTo("checkout");
    assertThat(json.environment()).isEqualTo("prod");
    assertThat(json.severity()).isEqualTo(Severity.HIGH);
    assertThat(json.message()).isEqualTo("boom");
    assertThat(json.exceptionType()).isEqualTo("java.lang.IllegalStateException");
    assertThat(json.timestamp()).isEqualTo(1700000000000L);
    LogEntry plain = result.entries().get(1);
    assertThat(plain.severity()).as("the stream label wins over the line").isEqualTo(Severity.HIGH);
    assertThat(plain.message()).isEqualTo("plain line");
    assertThat(result.rejects()).singleElement().satisfies(r -> assertThat(r.reason())
        .isEqualTo("Loki push: streams[0].values[2] is not [\"<ns timestamp>\", \"<line>\"(, {metadata})]"));
  }

  @Test
  void fluentBitLineThatIsJsonContributesItsFields() {
    String body = "{\"@timestamp\":1629856477.5,\"log\":\"{\\\"level\\\":\\\"error\\\",\\\"msg\\\":\\\"db down\\\"}\\n\","
        + "\"kubernetes\":{\"labels\":{\"app\":\"orders\"},\"namespace_name\":\"shop\"}}";

    LogEntry e = single(parser.parse(raw(body)));

    assertThat(e.format()).isEqualTo(LogFormat.FLUENT_BIT);
    assertThat(e.service()).isEqualTo("orders");
    assertThat(e.severity()).isEqualTo(Severity.HIGH);
    assertThat(e.message()).isEqualTo("db down");
    assertThat(e.timestamp()).isEqualTo(1629856477500L);
  }

  @Test
  void unreadableTimestampFallsBackToReceiveTimeAndIsKept() {
    LogEntry e = single(parser.parse(raw("{\"@timestamp\":\"yesterday\",\"log.level\":\"warn\",\"message\":\"m\"}")));

    assertThat(e.timestamp()).isEqualTo(RECEIVED);
    assertThat(e.attributes()).containsEntry(LogEntry.UNPARSED_TIMESTAMP, "yesterday");
  }

  @Test
  void unknownLevelTextIsUnknownSeverityAndMissingLevelIsInfo() {
    LogParseResult result = parser.parse(raw("{\"level\":\"spicy\",\"message\":\"a\"}\n{\"message\":\"b\"}\n"));

    assertThat(result.entries()).extracting(LogEntry::severity).containsExactly(Severity.UNKNOWN, Severity.INFO);
  }

  @Test
  void binaryAndCompressedBodiesAreRejectedWhole() {
    byte[] gzip = {0x1f, (byte) 0x8b, 0x08, 0x00, (byte) 0xff, (byte) 0xfe};
    LogParseResult binary = parser.parse(raw(gzip));
    LogParseResult protobuf = parser.parse(RawRecord.of("alerts.raw.logs", new byte[] {1, 2},
        Map.of(RawHeaders.CONTENT_TYPE, "application/x-protobuf"), RECEIVED));

    assertThat(binary.entries()).isEmpty();
    assertThat(binary.rejects()).singleElement()
        .satisfies(r -> assertThat(r.reason()).startsWith("body is not UTF-8 text"));
    assertThat(protobuf.rejects()).singleElement()
        .satisfies(r -> assertThat(r.reason()).startsWith("unsupported content-type 'application/x-protobuf'"));
  }

  @Test
  void emptyBodyGivesNothingAndNoReject() {
    LogParseResult result = parser.parse(raw(new byte[0]));

    assertThat(result.entries()).isEmpty();
    assertThat(result.rejects()).isEmpty();
  }

  @Test
  void textAfterAJsonDocumentOnTheSameLineIsRejectedButTheDocumentKept() {
    LogParseResult result = parser.parse(raw("{\"message\":\"ok\"} trailing junk\n{\"message\":\"next\"}"));

    assertThat(result.entries()).extracting(LogEntry::message).containsExactly("ok", "next");
    assertThat(result.rejects()).singleElement().satisfies(r -> {
      assertThat(r.reason()).isEqualTo("unexpected text after the JSON document at line 1");
      assertThat(r.text()).isEqualTo("trailing junk");
    });
  }

  @Test
  void hugeNumbersDoNotExplode() {
    LogEntry e = single(parser.parse(raw("{\"@timestamp\":1e999999999,\"message\":\"x\",\"n\":1e999999999}")));

    assertThat(e.timestamp()).isEqualTo(RECEIVED);
    assertThat(e.attributes().get("n")).hasSizeLessThan(20);
  }

  @Test
  void logEntrySerdeRoundTrips() {
    LogEntry e = single(parser.parse(raw(
        LogParserFixturesTest.fixture("ecs.elasticsearch-8.5.1-server.ERROR-java-stacktrace.ndjson"))));
    LogEntrySerde serde = new LogEntrySerde();

    LogEntry back = serde.deserializer().deserialize("t", serde.serializer().serialize("t", e));

    assertThat(back).isEqualTo(e);
  }
}
