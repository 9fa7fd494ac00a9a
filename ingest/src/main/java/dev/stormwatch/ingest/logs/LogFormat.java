package dev.stormwatch.ingest.logs;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * The payload shape a {@link LogEntry} was parsed from. Its {@link #id()} is what goes into
 * {@code AlertEvent.sourceFormat}.
 */
public enum LogFormat {
  /** Elastic Common Schema JSON, dotted ({@code "log.level"}) or nested ({@code {"log":{"level"}}}) keys. */
  ECS("ecs"),
  /** OTLP/JSON {@code ExportLogsServiceRequest} ({@code resourceLogs[].scopeLogs[].logRecords[]}). */
  OTLP_JSON("otlp-json"),
  /** Fluent Bit's JSON output: {@code log}, {@code @timestamp}, {@code kubernetes{...}}. */
  FLUENT_BIT("fluent-bit"),
  /** Vector's {@code kubernetes_logs} event: {@code message}, {@code timestamp}, {@code kubernetes.pod_labels}. */
  VECTOR("vector"),
  /** Loki push API JSON ({@code streams[].stream} labels + {@code values}). */
  LOKI("loki"),
  /** Any other JSON object: best-effort {@code message}/{@code level}/{@code timestamp} fields. */
  JSON("json"),
  /** A plain text line, read through the configured line pattern. */
  PLAIN("plain");

  private final String id;

  LogFormat(String id) {
    this.id = id;
  }

  /** The stable lower-case name, e.g. {@code otlp-json}. */
  @JsonValue
  public String id() {
    return id;
  }

  /**
   * The format with this {@link #id()} (or enum name), case-insensitive.
   *
   * @throws IllegalArgumentException for an unknown id
   */
  @JsonCreator
  public static LogFormat fromId(String id) {
    String wanted = id.trim().toLowerCase(Locale.ROOT);
    for (LogFormat format : values()) {
      if (format.id.equals(wanted) || format.name().equalsIgnoreCase(wanted)) {
        return format;
      }
    }
    throw new IllegalArgumentException("unknown log format: " + id);
  }
}
