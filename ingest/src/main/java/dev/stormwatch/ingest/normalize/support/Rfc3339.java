package dev.stormwatch.ingest.normalize.support;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * RFC 3339 timestamps as Go's {@code time.Time} marshals them and Sentry sends them: a four-digit
 * year, {@code T}, 0 to 9 fractional digits, and {@code Z} or a {@code ±hh:mm} offset. Anything
 * else (missing offset, a space instead of {@code T}, extra digits) is rejected, so a value that
 * would overflow epoch milliseconds can never come through.
 */
public final class Rfc3339 {

  /** Go's zero {@code time.Time}, which Alertmanager sends as the {@code endsAt} of a firing alert. */
  public static final Instant GO_ZERO = Instant.parse("0001-01-01T00:00:00Z");

  private static final Pattern SHAPE = Pattern.compile(
      "\\d{4}-\\d{2}-\\d{2}[Tt]\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?([Zz]|[+-]\\d{2}:\\d{2})");

  /**
   * What {@link #parseLenient} takes: ISO 8601 date and time (seconds and fraction optional, {@code T}
   * or a space), and an offset {@code Z}, {@code ±hh:mm}, {@code ±hhmm} or {@code ±hh}, or none (UTC).
   */
  private static final Pattern LENIENT = Pattern.compile(
      "(\\d{4}-\\d{2}-\\d{2})[Tt ](\\d{2}:\\d{2}(?::\\d{2}(?:[.,]\\d{1,9})?)?)"
      + "(?:([Zz])|([+-]\\d{2})(?::?(\\d{2}))?)?");

  private Rfc3339() {
  }

  /**
   * Parses RFC 3339 and the ISO 8601 variants senders use besides: PagerDuty's documented
   * {@code 2015-07-17T08:42:58.315+0000} (offset without colon), an hour-only offset, a space
   * instead of {@code T}, no seconds, or no offset at all (read as UTC).
   *
   * @param field where the value was, for the rejection reason
   * @param text  the text
   * @return the instant
   * @throws PayloadException when the text is none of these
   */
  public static Instant parseLenient(String field, String text) {
    Matcher m = text.length() > 40 ? null : LENIENT.matcher(text.strip());
    if (m == null || !m.matches()) {
      throw new PayloadException(field + ": not an ISO 8601 timestamp: '" + abbreviate(text) + "'");
    }
    String time = m.group(2).replace(',', '.');
    if (time.length() == 5) {
      time += ":00";
    }
    String offset = m.group(3) != null || m.group(4) == null ? "Z"
        : m.group(4) + ":" + (m.group(5) == null ? "00" : m.group(5));
    String iso = m.group(1) + "T" + time + offset;
    try {
      return OffsetDateTime.parse(iso, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new PayloadException(field + ": not a valid date-time: '" + abbreviate(text) + "'", e);
    }
  }

  /**
   * Parses {@code text} to an instant (nanosecond precision kept).
   *
   * @param field where the value was, for the rejection reason, e.g. {@code alerts[0].startsAt}
   * @throws PayloadException when {@code text} is not an RFC 3339 timestamp
   */
  public static Instant parse(String field, String text) {
    if (text.length() > 40 || !SHAPE.matcher(text).matches()) {
      throw new PayloadException(field + ": not an RFC 3339 timestamp: '" + abbreviate(text) + "'");
    }
    try {
      return OffsetDateTime.parse(text.toUpperCase(Locale.ROOT), DateTimeFormatter.ISO_OFFSET_DATE_TIME)
          .toInstant();
    } catch (DateTimeParseException e) {
      throw new PayloadException(field + ": not a valid date-time: '" + text + "'", e);
    }
  }

  /** {@code instant} truncated to milliseconds, the precision of Avro's {@code timestamp-millis}. */
  public static Instant millis(Instant instant) {
    return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS);
  }

  /**
   * An instant from epoch seconds with a fraction (Sentry's {@code timestamp} and {@code received}).
   *
   * @throws PayloadException when the number is not finite or outside years 1 to 9999
   */
  public static Instant ofEpochSeconds(String field, double seconds) {
    if (!Double.isFinite(seconds) || seconds < GO_ZERO.getEpochSecond() || seconds > 253402300799.0) {
      throw new PayloadException(field + ": epoch seconds out of range: " + seconds);
    }
    long whole = (long) Math.floor(seconds);
    long millis = Math.round((seconds - whole) * 1000);
    return Instant.ofEpochSecond(whole).plusMillis(millis);
  }

  static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 60) + "...";
  }
}
