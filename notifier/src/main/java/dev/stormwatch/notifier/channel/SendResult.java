package dev.stormwatch.notifier.channel;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/** What one delivery attempt through a {@link Channel} came to. */
public sealed interface SendResult {

  /** Longest provider response or error kept, in characters. */
  int MAX_TEXT = 1_000;

  /** The HTTP status the provider answered with, if there was one. */
  Optional<Integer> httpStatus();

  /** The provider's response body (or SMTP reply), truncated; may be empty. */
  String response();

  /**
   * The provider took the page.
   *
   * @param status            HTTP status, or null for non-HTTP channels
   * @param providerReference the provider's id for it (PagerDuty dedup_key, Opsgenie requestId,
   *                          SMTP Message-ID, inbox partition/offset), or null
   * @param response          the response body, truncated
   */
  record Delivered(Integer status, String providerReference, String response) implements SendResult {
    public Delivered {
      response = truncate(response);
    }

    @Override
    public Optional<Integer> httpStatus() {
      return Optional.ofNullable(status);
    }
  }

  /**
   * The attempt failed.
   *
   * @param reason     bounded reason
   * @param retryable  whether trying again may succeed
   * @param status     HTTP status, or null when there was no HTTP answer
   * @param retryAfter how long the provider asked us to wait ({@code Retry-After}), or null
   * @param error      one line saying what went wrong
   * @param response   the response body, truncated; may be empty
   */
  record Failed(FailureReason reason, boolean retryable, Integer status, Duration retryAfter, String error,
                String response) implements SendResult {
    public Failed {
      Objects.requireNonNull(reason, "reason");
      error = truncate(oneLine(error == null ? reason.label() : error));
      response = truncate(response);
    }

    /** A failure without an HTTP answer. */
    public static Failed of(FailureReason reason, boolean retryable, String error) {
      return new Failed(reason, retryable, null, null, error, "");
    }

    /** A permanent configuration failure. */
    public static Failed badConfig(String error) {
      return of(FailureReason.BAD_CONFIG, false, error);
    }

    @Override
    public Optional<Integer> httpStatus() {
      return Optional.ofNullable(status);
    }

    /** The provider's {@code Retry-After}, if it sent one. */
    public Optional<Duration> retryAfterHint() {
      return Optional.ofNullable(retryAfter);
    }
  }

  private static String truncate(String text) {
    if (text == null) {
      return "";
    }
    return text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT - 1) + "…";
  }

  private static String oneLine(String text) {
    return text.replace('\r', ' ').replace('\n', ' ');
  }
}
