package dev.stormwatch.notifier.channel;

import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.Link;
import dev.stormwatch.avro.PageRequest;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Date;
import java.util.HexFormat;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.smtp.SMTPTransport;
import org.eclipse.angus.mail.util.MailConnectException;

/**
 * E-mail over SMTP (Jakarta Mail, Eclipse Angus). The recipient address is the e-mail address.
 * The message is {@code multipart/alternative}: plain text and a simple HTML page, both UTF-8.
 *
 * <p>Its {@code Message-ID} is derived from the dedup key
 * ({@code <sha256-hex(dedupKey)[0..32]@domain>}), so a page sent twice carries the same
 * Message-ID and mail stores and clients that collapse equal Message-IDs show it once; every
 * page of one incident has {@code References}/{@code In-Reply-To} pointing at the incident's own
 * id ({@code <incident.sha256-hex(incidentId)[0..32]@domain>}), so clients thread them.
 * Headers {@code X-Stormwatch-Incident} and {@code X-Stormwatch-Dedup-Key} carry the ids.
 *
 * <p>Failures: a 4xx SMTP reply is retryable ({@code smtp_4xx}), a 5xx reply permanent
 * ({@code smtp_5xx}); a refused login or a malformed address is {@code bad_config}; no
 * connection is {@code connect}, a timeout {@code timeout}, other I/O {@code io} (all retried).
 */
public final class EmailChannel implements Channel {

  private final SmtpSettings settings;
  private final Session session;

  EmailChannel(SmtpSettings settings) {
    this.settings = settings;
    Properties props = new Properties();
    String millis = Long.toString(settings.timeout().toMillis());
    props.put("mail.smtp.host", settings.host());
    props.put("mail.smtp.port", Integer.toString(settings.port()));
    props.put("mail.smtp.connectiontimeout", millis);
    props.put("mail.smtp.timeout", millis);
    props.put("mail.smtp.writetimeout", millis);
    props.put("mail.smtp.auth", Boolean.toString(settings.username() != null));
    if (settings.startTls()) {
      props.put("mail.smtp.starttls.enable", "true");
      props.put("mail.smtp.starttls.required", "true");
    }
    if (settings.ssl()) {
      props.put("mail.smtp.ssl.enable", "true");
      props.put("mail.smtp.ssl.checkserveridentity", "true");
    }
    this.session = Session.getInstance(props);
  }

  @Override
  public ChannelType type() {
    return ChannelType.EMAIL;
  }

  /**
   * False: the SMTP server delivers a second copy. Equal Message-IDs let many mail stores and
   * clients collapse it, which the dispatcher's recovery policy may rely on (see the docs).
   */
  @Override
  public boolean providerDedups() {
    return false;
  }

  @Override
  public SendResult send(PageRequest page, String address, SendContext context) {
    MimeMessage message;
    String messageId = messageId(page.getDedupKey(), settings.idDomain());
    try {
      message = message(page, address, context, messageId);
    } catch (AddressException e) {
      return SendResult.Failed.badConfig("not an e-mail address: " + e.getMessage());
    } catch (MessagingException e) {
      return SendResult.Failed.of(FailureReason.INTERNAL, false, "cannot build the message: " + e.getMessage());
    }
    try (Transport transport = session.getTransport("smtp")) {
      if (settings.username() != null) {
        transport.connect(settings.username(), settings.password() == null ? "" : settings.password().value());
      } else {
        transport.connect();
      }
      transport.sendMessage(message, message.getAllRecipients());
      String reply = transport instanceof SMTPTransport smtp ? smtp.getLastServerResponse() : "";
      return new SendResult.Delivered(null, messageId, reply == null ? "" : reply.strip());
    } catch (MessagingException e) {
      return classify(e);
    }
  }

  /** Builds the message (public for tests and previews). */
  public MimeMessage message(PageRequest page, String address, SendContext context, String messageId)
      throws MessagingException {
    MimeMessage message = new FixedIdMessage(session, messageId);
    message.setFrom(new InternetAddress(settings.from(), true));
    message.setRecipients(Message.RecipientType.TO, InternetAddress.parse(address, true));
    message.setSubject(subject(page), StandardCharsets.UTF_8.name());
    message.setSentDate(Date.from(context.now()));
    String thread = incidentThreadId(page.getIncidentId(), settings.idDomain());
    message.setHeader("References", thread);
    message.setHeader("In-Reply-To", thread);
    message.setHeader("X-Stormwatch-Incident", page.getIncidentId());
    message.setHeader("X-Stormwatch-Dedup-Key", page.getDedupKey());
    if (context.possibleDuplicate()) {
      message.setHeader("X-Stormwatch-Possible-Duplicate", "true");
    }
    MimeBodyPart text = new MimeBodyPart();
    text.setText(plainText(page, context.possibleDuplicate()), StandardCharsets.UTF_8.name(), "plain");
    MimeBodyPart html = new MimeBodyPart();
    html.setText(html(page, context.possibleDuplicate()), StandardCharsets.UTF_8.name(), "html");
    MimeMultipart alternative = new MimeMultipart("alternative");
    alternative.addBodyPart(text);
    alternative.addBodyPart(html);
    message.setContent(alternative);
    message.saveChanges();
    return message;
  }

  /** The deterministic Message-ID of the page with {@code dedupKey}. */
  public static String messageId(String dedupKey, String domain) {
    return "<" + sha256(dedupKey).substring(0, 32) + "@" + domain + ">";
  }

  static String incidentThreadId(String incidentId, String domain) {
    return "<incident." + sha256(incidentId).substring(0, 32) + "@" + domain + ">";
  }

  static String subject(PageRequest page) {
    String tag = switch (page.getAction()) {
      case RESOLVE -> "Resolved";
      case ACKNOWLEDGE -> "Acknowledged";
      default -> page.getSeverity().name();
    };
    return "[" + tag + "] " + page.getTitle();
  }

  static String plainText(PageRequest page, boolean possibleDuplicate) {
    StringBuilder b = new StringBuilder();
    b.append(subject(page)).append("\n\n");
    if (!page.getBody().isBlank()) {
      b.append(page.getBody()).append("\n\n");
    }
    b.append("Incident: ").append(page.getIncidentId()).append('\n');
    if (page.getTeam() != null) {
      b.append("Team: ").append(page.getTeam()).append('\n');
    }
    if (page.getRootCause() != null) {
      b.append("Root cause: ").append(page.getRootCause()).append('\n');
    }
    b.append("Escalation level: ").append(page.getLevel() + 1).append('\n');
    for (Link link : page.getLinks()) {
      b.append(label(link)).append(": ").append(link.getUrl()).append('\n');
    }
    if (possibleDuplicate) {
      b.append("\nThis may repeat an earlier message: the dispatcher restarted while sending it.\n");
    }
    return b.toString();
  }

  static String html(PageRequest page, boolean possibleDuplicate) {
    StringBuilder b = new StringBuilder("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">");
    b.append("<h2>").append(escape(subject(page))).append("</h2>");
    if (!page.getBody().isBlank()) {
      b.append("<pre style=\"white-space:pre-wrap\">").append(escape(page.getBody())).append("</pre>");
    }
    b.append("<table>");
    row(b, "Incident", page.getIncidentId());
    if (page.getTeam() != null) {
      row(b, "Team", page.getTeam());
    }
    if (page.getRootCause() != null) {
      row(b, "Root cause", page.getRootCause());
    }
    row(b, "Escalation level", Integer.toString(page.getLevel() + 1));
    b.append("</table>");
    if (!page.getLinks().isEmpty()) {
      b.append("<ul>");
      for (Link link : page.getLinks()) {
        b.append("<li><a href=\"").append(escape(link.getUrl())).append("\">").append(escape(label(link)))
            .append("</a></li>");
      }
      b.append("</ul>");
    }
    if (possibleDuplicate) {
      b.append("<p><em>This may repeat an earlier message: the dispatcher restarted while sending it.</em></p>");
    }
    return b.append("</body></html>").toString();
  }

  private static void row(StringBuilder b, String name, String value) {
    b.append("<tr><th align=\"left\">").append(escape(name)).append("</th><td>").append(escape(value))
        .append("</td></tr>");
  }

  private static String label(Link link) {
    return link.getTitle() != null && !link.getTitle().isBlank()
        ? link.getTitle() : PageJson.lower(link.getKind().name());
  }

  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  static SendResult classify(MessagingException e) {
    if (e instanceof AuthenticationFailedException) {
      return SendResult.Failed.badConfig("SMTP login refused: " + e.getMessage());
    }
    if (e instanceof MailConnectException) {
      return SendResult.Failed.of(FailureReason.CONNECT, true, e.getMessage());
    }
    for (Exception x = e; x != null; x = x instanceof MessagingException m ? m.getNextException() : null) {
      int code = -1;
      if (x instanceof SMTPAddressFailedException a) {
        code = a.getReturnCode();
      } else if (x instanceof SMTPSenderFailedException s) {
        code = s.getReturnCode();
      } else if (x instanceof SMTPSendFailedException s) {
        code = s.getReturnCode();
      }
      if (code >= 400 && code < 500) {
        return new SendResult.Failed(FailureReason.SMTP_4XX, true, null, null, x.getMessage(), "");
      }
      if (code >= 500) {
        return new SendResult.Failed(FailureReason.SMTP_5XX, false, null, null, x.getMessage(), "");
      }
      if (x.getCause() instanceof SocketTimeoutException) {
        return SendResult.Failed.of(FailureReason.TIMEOUT, true, "SMTP timeout: " + x.getMessage());
      }
      if (x.getCause() instanceof IOException) {
        return SendResult.Failed.of(FailureReason.IO, true, "SMTP I/O error: " + x.getMessage());
      }
    }
    return SendResult.Failed.of(FailureReason.IO, true, "SMTP error: " + e.getMessage());
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }

  /** A message whose Message-ID is ours, not the one {@code saveChanges} would generate. */
  private static final class FixedIdMessage extends MimeMessage {
    private final String id;

    FixedIdMessage(Session session, String id) {
      super(session);
      this.id = id;
    }

    @Override
    protected void updateMessageID() throws MessagingException {
      setHeader("Message-ID", id);
    }
  }
}
