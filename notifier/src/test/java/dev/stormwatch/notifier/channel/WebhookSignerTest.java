package dev.stormwatch.notifier.channel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class WebhookSignerTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");

  @Test
  void signsTimestampDotBodyWithHmacSha256() {
    // computed independently: printf '1772366400.{"a":1}' | openssl dgst -sha256 -hmac secret
    String header = WebhookSigner.header(new Secret("secret"), NOW, "{\"a\":1}".getBytes(StandardCharsets.UTF_8));

    assertThat(header).isEqualTo("t=1772366400,v1=d8672815ca4380560f22aa75717125a02bb80047d106e2eba68339fe06346243");
  }

  @Test
  void rejectsMalformedHeaders() {
    byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
    Secret secret = new Secret("s");
    for (String header : new String[] {null, "", "t=abc,v1=00", "v1=00", "t=1772366400", "t=1772366400,v1=zz"}) {
      assertThat(WebhookSigner.verify(secret, header, body, NOW, Duration.ofMinutes(5))).as(header).isFalse();
    }
  }

  @Property(seed = "20260301")
  void whatIsSignedVerifiesAndNeverThrows(@ForAll byte[] body, @ForAll String garbage) {
    Secret secret = new Secret("whsec");
    assertThat(WebhookSigner.verify(secret, WebhookSigner.header(secret, NOW, body), body, NOW, Duration.ofMinutes(5)))
        .isTrue();
    WebhookSigner.verify(secret, garbage, body, NOW, Duration.ofMinutes(5));
  }
}
