package dev.stormwatch.notifier.channel;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Parses an HTTP {@code Retry-After} header (RFC 9110 §10.2.3): either delay-seconds ({@code 120})
 * or an HTTP-date ({@code Wed, 21 Oct 2015 07:28:00 GMT}). Never throws: anything unparsable is
 * no hint.
 */
public final class RetryAfter {

  /** Longest wait a header can ask for; longer values are capped (a retry deadline bounds it anyway). */
  public static final Duration MAX = Duration.ofHours(1);

  private RetryAfter() {
  }

  /**
   * The wait the header asks for, capped at {@link #MAX}; a date in the past is zero.
   *
   * @param header the header value, or null
   * @param now    the current time, to turn a date into a delay
   * @return the delay, or empty when absent or malformed
   */
  public static Optional<Duration> parse(String header, Instant now) {
    if (header == null) {
      return Optional.empty();
    }
    String value = header.strip();
    if (value.isEmpty()) {
      return Optional.empty();
    }
    if (value.chars().allMatch(Character::isDigit)) {
      if (value.length() > 9) {
        return Optional.of(MAX);
      }
      return Optional.of(cap(Duration.ofSeconds(Long.parseLong(value))));
    }
    try {
      Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration wait = Duration.between(now, at);
      return Optional.of(wait.isNegative() ? Duration.ZERO : cap(wait));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  private static Duration cap(Duration d) {
    return d.compareTo(MAX) > 0 ? MAX : d;
  }
}
