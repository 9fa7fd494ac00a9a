package dev.stormwatch.notifier.channel;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.PageAction;
import dev.stormwatch.avro.PageRequest;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** E-mail pages through a real in-process SMTP server (GreenMail). */
class EmailChannelTest {

  @RegisterExtension
  static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:05Z");

  private static Channel email(int port) {
    SmtpSettings smtp = new SmtpSettings("127.0.0.1", port, "Stormwatch <stormwatch@example.org>", null, null, false,
        false, Duration.ofSeconds(5), null);
    ChannelSettings settings = new ChannelSettings(Map.of(), Map.of(), PagerDutySettings.defaults(),
        OpsgenieSettings.defaults(), smtp, false, Duration.ofSeconds(2), Duration.ofSeconds(2));
    return Channels.create(settings, Channels.httpClient(settings), null, "unused").get(ChannelType.EMAIL)
        .orElseThrow();
  }

  @Test
  void sendsPlainTextAndHtmlWithAMessageIdFromTheDedupKey() throws Exception {
    PageRequest page = Pages.trigger("inc-42/0/0/alice", ChannelType.EMAIL, "alice@example.org");

    SendResult result = email(SMTP.getSmtp().getPort()).send(page, "alice@example.org", new SendContext(1, NOW, false));

    String expectedId = EmailChannel.messageId("inc-42/0/0/alice", "example.org");
    assertThat(result).isInstanceOfSatisfying(SendResult.Delivered.class, d -> {
      assertThat(d.providerReference()).isEqualTo(expectedId);
      assertThat(d.response()).startsWith("250");
    });
    assertThat(SMTP.waitForIncomingEmail(5_000, 1)).isTrue();
    MimeMessage message = SMTP.getReceivedMessages()[0];
    assertThat(message.getMessageID()).isEqualTo(expectedId).matches("<[0-9a-f]{32}@example\\.org>");
    assertThat(message.getSubject()).isEqualTo("[CRITICAL] checkout: error rate 12% <p99 4s>");
    assertThat(message.getRecipients(Message.RecipientType.TO)[0].toString()).isEqualTo("alice@example.org");
    assertThat(message.getHeader("X-Stormwatch-Dedup-Key")[0]).isEqualTo("inc-42/0/0/alice");
    assertThat(message.getHeader("X-Stormwatch-Incident")[0]).isEqualTo("inc-42");
    assertThat(message.getHeader("References")[0]).startsWith("<incident.").endsWith("@example.org>");
    assertThat(message.getHeader("X-Stormwatch-Possible-Duplicate")).isNull();
    assertThat(message.getContentType()).startsWith("multipart/alternative");
    MimeMultipart parts = (MimeMultipart) message.getContent();
    assertThat(parts.getCount()).isEqualTo(2);
    assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain").containsIgnoringCase("utf-8");
    assertThat((String) parts.getBodyPart(0).getContent())
        .contains("Root cause: checkout", "Incident: inc-42", "https://runbooks.example/checkout");
    assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
    assertThat((String) parts.getBodyPart(1).getContent())
        .contains("<h2>[CRITICAL] checkout: error rate 12% &lt;p99 4s&gt;</h2>")
        .contains("href=\"https://stormwatch.example/incidents/inc-42\"");
  }

  @Test
  void aSecondCopyKeepsItsMessageIdAndSaysItMayRepeat() throws Exception {
    PageRequest page = Pages.trigger("inc-42/1/0/alice", ChannelType.EMAIL, "alice@example.org");
    Channel channel = email(SMTP.getSmtp().getPort());

    channel.send(page, "alice@example.org", new SendContext(1, NOW, false));
    channel.send(page, "alice@example.org", new SendContext(2, NOW, true));

    assertThat(SMTP.waitForIncomingEmail(5_000, 2)).isTrue();
    MimeMessage[] received = SMTP.getReceivedMessages();
    assertThat(received[0].getMessageID()).isEqualTo(received[1].getMessageID());
    assertThat(received[1].getHeader("X-Stormwatch-Possible-Duplicate")[0]).isEqualTo("true");
  }

  @Test
  void aResolveIsSubjectedResolved() throws Exception {
    PageRequest resolve = Pages.withAction(Pages.trigger("k", ChannelType.EMAIL, "alice@example.org"),
        PageAction.RESOLVE);

    email(SMTP.getSmtp().getPort()).send(resolve, "alice@example.org", new SendContext(1, NOW, false));

    assertThat(SMTP.waitForIncomingEmail(5_000, 1)).isTrue();
    assertThat(SMTP.getReceivedMessages()[0].getSubject()).startsWith("[Resolved] ");
  }

  @Test
  void aMalformedAddressIsAConfigErrorAndNoServerIsARetryableConnectFailure() throws IOException {
    PageRequest page = Pages.trigger("k", ChannelType.EMAIL, "not an address");
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }

    SendResult malformed = email(SMTP.getSmtp().getPort()).send(page, "not an address",
        new SendContext(1, NOW, false));
    SendResult noServer = email(closedPort).send(page, "alice@example.org", new SendContext(1, NOW, false));

    assertThat(malformed).isInstanceOfSatisfying(SendResult.Failed.class, f -> {
      assertThat(f.reason()).isEqualTo(FailureReason.BAD_CONFIG);
      assertThat(f.retryable()).isFalse();
    });
    assertThat(noServer).isInstanceOfSatisfying(SendResult.Failed.class, f -> {
      assertThat(f.reason()).isEqualTo(FailureReason.CONNECT);
      assertThat(f.retryable()).isTrue();
    });
  }
}
