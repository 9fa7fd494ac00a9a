package dev.stormwatch.notifier.channel;

import java.util.Locale;

/**
 * Why a delivery attempt failed: a bounded set, used as the {@code reason} of a
 * {@code PageOutcome} and as a metric label. Whether a failure is retried is decided by the
 * integration for each failure ({@link SendResult.Failed#retryable()}), not by the reason alone.
 */
public enum FailureReason {
  /** The provider did not answer within the request timeout. */
  TIMEOUT,
  /** No connection could be made (refused, unreachable, TLS handshake, connect timeout). */
  CONNECT,
  /** Another I/O error while talking to the provider (reset connection, truncated response). */
  IO,
  /** The provider rate-limited us (HTTP 429). */
  HTTP_429,
  /** The provider failed (HTTP 5xx). */
  HTTP_5XX,
  /** The provider refused the request (HTTP 4xx other than 429): a bad body, key or URL. */
  HTTP_4XX,
  /** The page names an integration, key or address the dispatcher has no configuration for. */
  BAD_CONFIG,
  /** The mail server answered with a transient (4xx) reply. */
  SMTP_4XX,
  /** The mail server refused the message or a recipient with a permanent (5xx) reply. */
  SMTP_5XX,
  /** Kafka could not take a record the channel (the pager inbox) or the dispatcher needed. */
  KAFKA,
  /**
   * A page was handed to a provider without provider dedup when the dispatcher stopped, and the
   * recovery policy said not to send it again.
   */
  UNCONFIRMED,
  /** The dispatcher was shutting down. */
  INTERRUPTED,
  /** A bug: an unexpected exception inside the dispatcher. */
  INTERNAL;

  /** The label value: the lower-case name, e.g. {@code http_5xx}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
