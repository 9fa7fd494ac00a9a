package dev.stormwatch.notifier.channel;

import java.time.Duration;
import java.util.Objects;

/**
 * The SMTP server e-mail pages go through.
 *
 * @param host            server host
 * @param port            server port (25, 587 with STARTTLS, 465 with SSL)
 * @param from            the sender address
 * @param username        login, or null for none
 * @param password        password, or null for none
 * @param startTls        upgrade the connection with STARTTLS (required when true)
 * @param ssl             connect with TLS from the start (port 465)
 * @param timeout         connect, read and write timeout
 * @param messageIdDomain the domain part of generated Message-IDs; the sender's domain when null
 */
public record SmtpSettings(String host, int port, String from, String username, Secret password, boolean startTls,
                           boolean ssl, Duration timeout, String messageIdDomain) {

  /** Default {@code timeout}. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  public SmtpSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(timeout, "timeout");
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("email.port must be between 1 and 65535, was " + port);
    }
    if (startTls && ssl) {
      throw new IllegalArgumentException("email: choose starttls or ssl, not both");
    }
  }

  /** The Message-ID domain: {@link #messageIdDomain} or the sender's domain. */
  public String idDomain() {
    if (messageIdDomain != null) {
      return messageIdDomain;
    }
    int at = from.lastIndexOf('@');
    String domain = at >= 0 ? from.substring(at + 1).replace(">", "").strip() : "";
    return domain.isEmpty() ? "stormwatch.invalid" : domain;
  }
}
