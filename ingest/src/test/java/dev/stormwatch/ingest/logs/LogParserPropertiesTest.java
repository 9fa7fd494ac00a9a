package dev.stormwatch.ingest.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.ingest.raw.RawHeaders;
import dev.stormwatch.ingest.raw.RawRecord;
import dev.stormwatch.ingest.testsupport.JsonArbitraries;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** {@link LogParser} never throws, whatever it is given, and every entry it returns is well-formed. */
class LogParserPropertiesTest {

  private static final List<String> KEYS = List.of(
      "resourceLogs", "scopeLogs", "logRecords", "resource", "attributes", "key", "value", "stringValue",
      "intValue", "kvlistValue", "arrayValue", "values", "body", "timeUnixNano", "severityNumber", "severityText",
      "streams", "stream", "message", "log", "log.level", "level", "@timestamp", "timestamp", "ecs.version",
      "error.type", "error.stack_trace", "service.name", "kubernetes", "pod_labels", "source_type", "", "app");

  private final LogParser parser = LogParser.defaults();

  @Property(tries = 400, seed = "20250101")
  void arbitraryBytesNeverThrow(@ForAll byte[] body, @ForAll("contentTypes") String contentType) {
    LogParseResult result = parser.parse(RawRecord.of("alerts.raw.logs", body,
        contentType.isEmpty() ? Map.of() : Map.of(RawHeaders.CONTENT_TYPE, contentType), 1_000L));

    assertWellFormed(result);
  }

  @Property(tries = 400, seed = "20250102")
  void arbitraryTextNeverThrows(@ForAll String body) {
    assertWellFormed(parser.parse(RawRecord.of("alerts.raw.logs", body.getBytes(StandardCharsets.UTF_8), Map.of(),
        1_000L)));
  }

  @Property(tries = 600, seed = "20250103")
  void arbitraryJsonNeverThrows(@ForAll("json") String document, @ForAll("layouts") String layout) {
    String body = switch (layout) {
      case "ndjson" -> document + "\n" + document;
      case "array" -> "[" + document + "," + document + "]";
      case "broken" -> document.substring(0, document.length() / 2) + "\n" + document;
      default -> document;
    };

    assertWellFormed(parser.parse(RawRecord.of("alerts.raw.logs", body.getBytes(StandardCharsets.UTF_8), Map.of(),
        1_000L)));
  }

  private static void assertWellFormed(LogParseResult result) {
    assertThat(result).isNotNull();
    for (LogEntry e : result.entries()) {
      assertThat(e.service()).isNotBlank();
      assertThat(e.message()).isNotNull();
      assertThat(e.severity()).isNotNull();
      assertThat(e.format()).isNotNull();
      assertThat(e.message().length()).isLessThanOrEqualTo(LogEntry.MAX_MESSAGE_CHARS);
    }
    for (LogParseResult.Reject r : result.rejects()) {
      assertThat(r.reason()).isNotBlank().doesNotContain("\n");
    }
  }

  @Provide
  Arbitrary<String> contentTypes() {
    return Arbitraries.of("", "text/plain", "application/json", "application/x-ndjson", "application/x-protobuf");
  }

  @Provide
  Arbitrary<String> layouts() {
    return Arbitraries.of("single", "ndjson", "array", "broken");
  }

  @Provide
  Arbitrary<String> json() {
    return JsonArbitraries.value(KEYS, 4).map(v -> v.startsWith("{") || v.startsWith("[") ? v : "{\"message\":" + v + "}");
  }
}
