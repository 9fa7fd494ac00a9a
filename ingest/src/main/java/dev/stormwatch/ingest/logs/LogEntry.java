package dev.stormwatch.ingest.logs;

import dev.stormwatch.avro.Severity;
import dev.stormwatch.ingest.normalize.ServiceResolver;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One log record, parsed and normalized: the unit that flows from {@link LogParser} to the
 * log-to-alert rules ({@link LogAlerts}). Immutable; text fields are bounded (see the
 * {@code MAX_*} constants) so one huge line cannot blow up the repartition topic or a store.
 *
 * @param service          canonical service ({@link ServiceResolver}), {@link ServiceResolver#UNKNOWN} if none
 * @param environment      deployment environment, or null
 * @param severity         the level on Stormwatch's scale ({@code Scales} source {@code logs});
 *                         {@link Severity#INFO} when the record had no level, {@link Severity#UNKNOWN}
 *                         when it had one the scale does not know
 * @param level            the level text as the record gave it (e.g. {@code "ERROR"}, {@code "Information"}), or null
 * @param timestamp        event time, epoch milliseconds; the raw record's receive time when the
 *                         record had no (usable) timestamp
 * @param message          the log message (may be empty, never null)
 * @param logger           logger / instrumentation scope name, or null
 * @param exceptionType    exception class, e.g. {@code java.lang.NullPointerException}, or null
 * @param exceptionMessage the exception's message, or null
 * @param stackTrace       stack trace text, or null
 * @param host             host or node name, or null
 * @param attributes       every other field, flattened to dotted keys and string values
 * @param format           the payload shape it came in
 */
public record LogEntry(String service, String environment, Severity severity, String level, long timestamp,
                       String message, String logger, String exceptionType, String exceptionMessage,
                       String stackTrace, String host, Map<String, String> attributes, LogFormat format) {

  /** Longest message kept, in chars; longer ones are cut and end with {@link #TRUNCATED}. */
  public static final int MAX_MESSAGE_CHARS = 8 * 1024;
  /** Longest stack trace kept, in chars. */
  public static final int MAX_STACK_TRACE_CHARS = 32 * 1024;
  /** Longest short field (service, level, logger, exception type, host, attribute value), in chars. */
  public static final int MAX_FIELD_CHARS = 1024;
  /** Most attributes kept; further ones are dropped and counted in {@link #DROPPED_ATTRIBUTES}. */
  public static final int MAX_ATTRIBUTES = 128;
  /** Attribute counting the attributes dropped over {@link #MAX_ATTRIBUTES}. */
  public static final String DROPPED_ATTRIBUTES = "stormwatch.dropped_attributes";
  /** Attribute holding a timestamp that was present but could not be read (receive time used instead). */
  public static final String UNPARSED_TIMESTAMP = "stormwatch.unparsed_timestamp";
  /** Marker appended to cut text. */
  public static final String TRUNCATED = "…[truncated]";

  public LogEntry {
    service = service == null || service.isBlank() ? ServiceResolver.UNKNOWN : cut(service, MAX_FIELD_CHARS);
    environment = cut(environment, MAX_FIELD_CHARS);
    severity = Objects.requireNonNullElse(severity, Severity.UNKNOWN);
    level = cut(level, MAX_FIELD_CHARS);
    message = message == null ? "" : cut(message, MAX_MESSAGE_CHARS);
    logger = cut(logger, MAX_FIELD_CHARS);
    exceptionType = cut(exceptionType, MAX_FIELD_CHARS);
    exceptionMessage = cut(exceptionMessage, MAX_MESSAGE_CHARS);
    stackTrace = cut(stackTrace, MAX_STACK_TRACE_CHARS);
    host = cut(host, MAX_FIELD_CHARS);
    attributes = boundedAttributes(attributes == null ? Map.of() : attributes);
    format = Objects.requireNonNullElse(format, LogFormat.PLAIN);
  }

  /** The event time as an {@link Instant}. */
  public Instant time() {
    return Instant.ofEpochMilli(timestamp);
  }

  /** Whether the record carried an exception (a type or a stack trace). */
  public boolean hasException() {
    return exceptionType != null || stackTrace != null;
  }

  static String cut(String text, int max) {
    if (text == null || text.length() <= max) {
      return text;
    }
    int end = max - TRUNCATED.length();
    if (Character.isHighSurrogate(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end) + TRUNCATED;
  }

  private static Map<String, String> boundedAttributes(Map<String, String> raw) {
    Map<String, String> kept = new LinkedHashMap<>();
    int dropped = 0;
    for (Map.Entry<String, String> e : raw.entrySet()) {
      if (e.getKey() == null || e.getKey().isEmpty() || e.getValue() == null) {
        continue;
      }
      if (kept.size() >= MAX_ATTRIBUTES && !kept.containsKey(e.getKey())) {
        dropped++;
        continue;
      }
      kept.put(cut(e.getKey(), MAX_FIELD_CHARS), cut(e.getValue(), MAX_FIELD_CHARS));
    }
    if (dropped > 0) {
      kept.put(DROPPED_ATTRIBUTES, Integer.toString(dropped));
    }
    return Collections.unmodifiableMap(kept);
  }
}
