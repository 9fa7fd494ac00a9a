package dev.stormwatch.ingest.logs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** One bug, one fingerprint: line numbers and generated names do not matter; type and top app frames do. */
class ExceptionFingerprintTest {

  private final ExceptionFingerprint fingerprint = ExceptionFingerprint.defaults();

  static String npe(int line1, int line2, int line3, String method) {
    return "java.lang.NullPointerException: Cannot invoke \"String.length()\"\n"
        + "\tat java.base/java.util.Objects.requireNonNull(Objects.java:" + (line1 + 100) + ")\n"
        + "\tat com.acme.checkout.Cart." + method + "(Cart.java:" + line1 + ")\n"
        + "\tat com.acme.checkout.CartController.lambda$post$" + line2 % 7 + "(CartController.java:" + line2 + ")\n"
        + "\tat com.acme.checkout.CartController$$Lambda$" + line3 + "/0x0000000800c03000.apply(Unknown Source)\n"
        + "\tat org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:" + line3 + ")\n";
  }

  @Property(tries = 200, seed = "20250104")
  void lineNumbersAndLambdaNumberingDoNotChangeTheFingerprint(
      @ForAll @IntRange(min = 1, max = 5000) int a, @ForAll @IntRange(min = 1, max = 5000) int b,
      @ForAll @IntRange(min = 1, max = 5000) int c) {
    assertThat(fingerprint.of("java.lang.NullPointerException", npe(a, b, c, "total")))
        .isEqualTo(fingerprint.of("java.lang.NullPointerException", npe(1, 2, 3, "total")));
  }

  @Property(tries = 50, seed = "20250105")
  void fingerprintIsStableAcrossInstancesAndCalls(@ForAll @IntRange(min = 1, max = 5000) int line) {
    String trace = npe(line, line, line, "total");
    assertThat(new ExceptionFingerprint(List.of(), ExceptionFingerprint.DEFAULT_FRAMEWORK_PREFIXES, 3)
        .of("java.lang.NullPointerException", trace))
        .isEqualTo(fingerprint.of("java.lang.NullPointerException", trace))
        .matches("[0-9a-f]{16}");
  }

  @Test
  void aDifferentApplicationFrameOrTypeIsADifferentBug() {
    String base = fingerprint.of("java.lang.NullPointerException", npe(1, 2, 3, "total"));

    assertThat(fingerprint.of("java.lang.NullPointerException", npe(1, 2, 3, "discount"))).isNotEqualTo(base);
    assertThat(fingerprint.of("java.lang.IllegalStateException", npe(1, 2, 3, "total"))).isNotEqualTo(base);
  }

  @Test
  void signatureSkipsJdkAndFrameworkFramesAndModulePrefixes() {
    assertThat(fingerprint.signature(npe(10, 20, 30, "total"))).containsExactly(
        "com.acme.checkout.Cart.total", "com.acme.checkout.CartController.lambda$post",
        "com.acme.checkout.CartController$$Lambda.apply");
  }

  @Test
  void configuredApplicationPrefixesPickOnlyTheirFrames() {
    ExceptionFingerprint appOnly = new ExceptionFingerprint(List.of("org.elasticsearch.ingest."), List.of(), 2);
    String stack = new String(LogParserFixturesTest.fixture(
        "ecs.elasticsearch-8.5.1-server.ERROR-java-stacktrace.ndjson"), java.nio.charset.StandardCharsets.UTF_8);
    String trace = LogParser.defaults().parse(LogParserFixturesTest.raw(stack)).entries().get(0).stackTrace();

    assertThat(appOnly.signature(trace)).containsExactly(
        "org.elasticsearch.ingest.geoip.HttpClient.lambda$get", "org.elasticsearch.ingest.geoip.HttpClient.doPrivileged");
    assertThat(fingerprint.signature(trace)).first().isEqualTo("org.elasticsearch.ingest.geoip.HttpClient.lambda$get");
  }

  @Test
  void nonJavaTracesUseTheirFirstLinesWithoutDigits() {
    String python = "Traceback (most recent call last):\n  File \"/app/pay.py\", line 12, in charge\n"
        + "  File \"/app/db.py\", line 99, in query\nValueError: bad";
    String moved = python.replace("line 12", "line 14").replace("line 99", "line 101");

    assertThat(fingerprint.of("ValueError", moved)).isEqualTo(fingerprint.of("ValueError", python));
  }
}
