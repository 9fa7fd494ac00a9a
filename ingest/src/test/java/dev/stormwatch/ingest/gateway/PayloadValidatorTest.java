package dev.stormwatch.ingest.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;

import dev.stormwatch.ingest.gateway.PayloadValidator.InvalidPayload;
import dev.stormwatch.ingest.gateway.PayloadValidator.Result;
import dev.stormwatch.ingest.raw.RawHeaders;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The streaming shape checks: counts, reasons, and no exception other than {@link InvalidPayload} on any input. */
class PayloadValidatorTest {

  private final PayloadValidator validator = new PayloadValidator();

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void countsPrometheusAlertsAndWebhookAlertsOfTheCapturedFixtures() throws Exception {
    Path dir = GatewayTestSupport.fixtureDir("prometheus");
    assertThat(validator.prometheusAlerts(GatewayTestSupport.bytes(dir.resolve("prometheus-to-alertmanager-v2-alerts.json"))))
        .isEqualTo(new Result(RawHeaders.FORMAT_PROMETHEUS_API, 4));
    assertThat(validator.alertmanagerWebhook(GatewayTestSupport.bytes(dir.resolve("raw/alertmanager-webhook-truncated.json"))))
        .isEqualTo(new Result(RawHeaders.FORMAT_ALERTMANAGER_WEBHOOK, 2));
    assertThat(validator.alertmanagerWebhook(GatewayTestSupport.bytes(dir.resolve("alertmanager-webhook-grouped.json"))))
        .isEqualTo(new Result(RawHeaders.FORMAT_ALERTMANAGER_WEBHOOK, 3));
  }

  @Test
  void labelsOnlyCountAsLabelsAtTheTopLevelOfAnAlert() {
    assertThatThrownBy(() -> validator.prometheusAlerts(utf8("[{\"annotations\":{\"labels\":{}}}]")))
        .isInstanceOf(InvalidPayload.class).hasMessage("alert [0] has no \"labels\" object");
  }

  @Test
  void logsAreOneRecordPerDocumentAndLokiBodiesCountTheirEntries() throws Exception {
    assertThat(validator.logsJson(utf8("{\"a\":1}\n{\"b\":2}\r\n\n{\"c\":3}")))
        .isEqualTo(new Result(RawHeaders.FORMAT_LOGS_NDJSON, 3));
    assertThat(validator.logsJson(utf8("{\n \"resourceLogs\": [\n  {}\n ]\n}\n")))
        .isEqualTo(new Result(RawHeaders.FORMAT_LOGS_NDJSON, 1));
    assertThat(validator.logsJson(utf8("{\"streams\":[{\"stream\":{},\"values\":[[\"1\",\"a\"],[\"2\",\"b\"]]}]}")))
        .isEqualTo(new Result(RawHeaders.FORMAT_LOKI_PUSH, 2));
    assertThat(validator.logsJson(utf8("{\"streams\":[]}\n{\"streams\":[]}")))
        .as("two documents are NDJSON, whatever their fields").isEqualTo(new Result(RawHeaders.FORMAT_LOGS_NDJSON, 2));
    assertThat(PayloadValidator.plainLines(utf8("a\n\n b \r\nc"))).isEqualTo(new Result(RawHeaders.FORMAT_LOGS_NDJSON, 3));
  }

  @Test
  void aBadLogLineIsNamedByItsNumber() {
    assertThatThrownBy(() -> validator.logsJson(utf8("{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n{\"a\" 4}\n{\"a\":5}")))
        .isInstanceOf(InvalidPayload.class).hasMessageStartingWith("line 4: not valid JSON");
    assertThatThrownBy(() -> validator.logsJson(utf8("{\"a\":1}\n{\"a\":\n")))
        .isInstanceOf(InvalidPayload.class).hasMessageStartingWith("line 2: not valid JSON");
  }

  @Property(seed = "20261127", tries = 500)
  void noInputMakesAValidatorThrowAnythingButInvalidPayload(@ForAll("bodies") byte[] body) {
    assertOnlyInvalidPayload(() -> validator.prometheusAlerts(body));
    assertOnlyInvalidPayload(() -> validator.alertmanagerWebhook(body));
    assertOnlyInvalidPayload(() -> validator.sentry(body, RawHeaders.FORMAT_SENTRY));
    assertOnlyInvalidPayload(() -> validator.logsJson(body));
    assertOnlyInvalidPayload(() -> PayloadValidator.plainLines(body));
  }

  @Property(seed = "20261127", tries = 200)
  void everyTruncationOfAValidBodyIsRejectedWithAReason(@ForAll @IntRange(min = 0, max = 2244) int cut) {
    byte[] full = GatewayTestSupport.bytes(
        GatewayTestSupport.fixtureDir("prometheus").resolve("raw/prometheus-to-alertmanager-v2-alerts.json"));
    byte[] truncated = Arrays.copyOf(full, Math.min(cut, full.length - 1));
    assertThatThrownBy(() -> validator.prometheusAlerts(truncated))
        .isInstanceOf(InvalidPayload.class)
        .satisfies(e -> assertThat(e.getMessage()).isNotBlank().doesNotContain("\n"));
  }

  @Provide
  Arbitrary<byte[]> bodies() {
    Arbitrary<String> jsonish = Arbitraries.strings().withChars("[]{}\":,0123456789.eE+-tfnul \n\\abclsx")
        .ofMaxLength(80);
    Arbitrary<byte[]> random = Arbitraries.bytes().array(byte[].class).ofMaxSize(80);
    return Arbitraries.oneOf(jsonish.map(PayloadValidatorTest::utf8), random);
  }

  private interface Check {
    Object run() throws InvalidPayload;
  }

  private static void assertOnlyInvalidPayload(Check check) {
    try {
      check.run();
    } catch (InvalidPayload e) {
      assertThat(e.getMessage()).isNotBlank().doesNotContain("\n").doesNotContain("\r");
    }
  }
}
