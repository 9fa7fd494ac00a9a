package dev.stormwatch.ingest.logs;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.AlertSource;
import dev.stormwatch.avro.AlertStatus;
import dev.stormwatch.avro.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One log alert that is firing: the value of the {@code log-alert-state} store. Pure domain
 * logic, no Kafka: the processor asks it whether a refresh is due or it has gone quiet, and turns
 * it into {@link AlertEvent}s. Immutable; every method taking a time takes it from the caller
 * (record or punctuation time), never from a clock.
 *
 * @param kind                 which rule family raised it
 * @param rule                 rule name ({@code exception} for exception alerts)
 * @param service              canonical service
 * @param exceptionFingerprint the {@link ExceptionFingerprint} for exception alerts, else null
 * @param name                 alert name: rule name, or the exception type
 * @param severity             current severity
 * @param fixedSeverity        whether the severity comes from the rule (else: highest level seen)
 * @param level                level label for the alert's {@code level} label
 * @param environment          environment of the first entry, or null
 * @param sourceFormat         payload format of the first entry
 * @param startsAt             time of the first matching record (epoch ms)
 * @param lastSeen             time of the latest matching record
 * @param lastEmitted          time of the latest FIRING observation sent
 * @param occurrences          matching records since {@code startsAt}
 * @param windowMillis         at most one refresh per this many ms; also the rate window
 * @param quietMillis          resolve after this long without a matching record
 * @param summary              one-line summary of the first occurrence (pattern and exception alerts)
 * @param description          stack-trace head or rule explanation
 * @param exceptionType        exception type, or null
 * @param logger               logger of the first entry, or null
 * @param host                 host of the first entry, or null
 */
public record TrackedAlert(Kind kind, String rule, String service, String exceptionFingerprint, String name,
                           Severity severity, boolean fixedSeverity, String level, String environment,
                           String sourceFormat, long startsAt, long lastSeen, long lastEmitted, long occurrences,
                           long windowMillis, long quietMillis, String summary, String description,
                           String exceptionType, String logger, String host) {

  /** Rule families. */
  public enum Kind {
    /** A rate rule crossed its threshold. */
    RATE,
    /** A pattern rule matched. */
    PATTERN,
    /** An exception fingerprint was seen. */
    EXCEPTION
  }

  private static final int DESCRIPTION_LINES = 15;
  private static final int DESCRIPTION_CHARS = 4000;
  private static final int SUMMARY_CHARS = 300;

  public TrackedAlert {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(severity, "severity");
  }

  /**
   * The state key in {@code log-alert-state}: service first, so one service's alerts are one
   * prefix ({@link #servicePrefix}).
   */
  public static String key(String service, Kind kind, String rule, String exceptionFingerprint) {
    return servicePrefix(service) + kind + SEP + rule + SEP + (exceptionFingerprint == null ? "" : exceptionFingerprint);
  }

  /** The key prefix of every alert of one service. */
  public static String servicePrefix(String service) {
    return service + SEP;
  }

  private static final char SEP = '\u001f';

  /** The alert's fingerprint: 16 hex digits of SHA-256 over (kind, rule, service, exception fingerprint). */
  public static String fingerprint(Kind kind, String rule, String service, String exceptionFingerprint) {
    return ExceptionFingerprint.sha256Hex16("logs" + SEP + kind + SEP + rule + SEP + service + SEP
        + (exceptionFingerprint == null ? "" : exceptionFingerprint));
  }

  /** This alert's fingerprint. */
  public String fingerprint() {
    return fingerprint(kind, rule, service, exceptionFingerprint);
  }

  /**
   * A new alert from its first matching entry.
   *
   * @param severity the rule's severity, or null for the entry's level
   */
  public static TrackedAlert open(Kind kind, String rule, String service, String exceptionFingerprint, String name,
                                  Severity severity, String level, LogEntry first, long startsAt, long now,
                                  long occurrences, Duration window, Duration quiet, String description) {
    boolean fixed = severity != null;
    String summary = switch (kind) {
      case EXCEPTION -> first.exceptionType() + ": " + firstLine(
          first.exceptionMessage() != null ? first.exceptionMessage() : first.message());
      case PATTERN -> firstLine(first.message().isEmpty() && first.exceptionType() != null
          ? first.exceptionType() : first.message());
      case RATE -> null;
    };
    return new TrackedAlert(kind, rule, service, exceptionFingerprint, name,
        fixed ? severity : first.severity(), fixed, level, first.environment(), first.format().id(), startsAt,
        Math.max(startsAt, now), now, occurrences, window.toMillis(), quiet.toMillis(),
        summary == null ? null : LogEntry.cut(summary, SUMMARY_CHARS), description, first.exceptionType(),
        first.logger(), first.host());
  }

  /** This alert after one more matching entry at time {@code t}. */
  public TrackedAlert observe(long t, LogEntry entry) {
    Severity next = fixedSeverity || entry.severity().ordinal() <= severity.ordinal() ? severity : entry.severity();
    return new TrackedAlert(kind, rule, service, exceptionFingerprint, name, next, fixedSeverity, level, environment,
        sourceFormat, Math.min(startsAt, t), Math.max(lastSeen, t), lastEmitted, occurrences + 1, windowMillis,
        quietMillis, summary, description, exceptionType, logger, host);
  }

  /** Whether a refresh may be sent at {@code t}: a window has passed since the last observation sent. */
  public boolean refreshDue(long t) {
    return t - lastEmitted >= windowMillis;
  }

  /** This alert, marked as sent at {@code t}. */
  public TrackedAlert emitted(long t) {
    return new TrackedAlert(kind, rule, service, exceptionFingerprint, name, severity, fixedSeverity, level,
        environment, sourceFormat, startsAt, lastSeen, Math.max(lastEmitted, t), occurrences, windowMillis,
        quietMillis, summary, description, exceptionType, logger, host);
  }

  /** Whether no matching record came for the quiet period, as of {@code now}. */
  public boolean quietAt(long now) {
    return now - lastSeen >= quietMillis;
  }

  /** When it is considered over: the latest match plus the quiet period. */
  public long endsAt() {
    return lastSeen + quietMillis;
  }

  /** A FIRING observation of this alert, observed at {@code observedAt}. */
  public AlertEvent firing(long observedAt) {
    return event(AlertStatus.FIRING, observedAt);
  }

  /** The RESOLVED observation of this alert, observed at {@code observedAt}, ending at {@link #endsAt()}. */
  public AlertEvent resolved(long observedAt) {
    return event(AlertStatus.RESOLVED, observedAt);
  }

  private AlertEvent event(AlertStatus status, long observedAt) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("rule", rule);
    labels.put("service", service);
    labels.put("kind", kind.name().toLowerCase(java.util.Locale.ROOT));
    if (level != null) {
      labels.put("level", level);
    }
    if (exceptionType != null && kind != Kind.RATE) {
      labels.put("exception_type", exceptionType);
    }
    if (exceptionFingerprint != null) {
      labels.put("exception_fingerprint", exceptionFingerprint);
    }
    Map<String, String> annotations = new LinkedHashMap<>();
    if (logger != null) {
      annotations.put("logger", logger);
    }
    if (host != null) {
      annotations.put("host", host);
    }
    return AlertEvent.newBuilder()
        .setFingerprint(fingerprint())
        .setSource(AlertSource.LOGS)
        .setSourceFormat(sourceFormat)
        .setName(name)
        .setService(service)
        .setEnvironment(environment)
        .setSeverity(severity)
        .setStatus(status)
        .setSummary(kind == Kind.RATE ? rateSummary() : summary)
        .setDescription(description)
        .setLabels(labels)
        .setAnnotations(annotations)
        .setStartsAt(Instant.ofEpochMilli(startsAt))
        .setEndsAt(status == AlertStatus.RESOLVED ? Instant.ofEpochMilli(endsAt()) : null)
        .setObservedAt(Instant.ofEpochMilli(observedAt))
        .setLinks(List.of())
        .setOccurrences(occurrences)
        .setOrigin(null)
        .build();
  }

  private String rateSummary() {
    long span = Math.max(windowMillis, lastSeen - startsAt);
    return occurrences + " " + level + " logs in " + human(Duration.ofMillis(span)) + " on " + service;
  }

  /** {@code 90s} → {@code 1m30s}; {@code 1h} → {@code 1h}. */
  static String human(Duration d) {
    long s = (d.toMillis() + 999) / 1000;
    if (s == 0) {
      return d.toMillis() + "ms";
    }
    StringBuilder sb = new StringBuilder();
    long h = s / 3600;
    long m = s % 3600 / 60;
    long sec = s % 60;
    if (h > 0) {
      sb.append(h).append('h');
    }
    if (m > 0) {
      sb.append(m).append('m');
    }
    if (sec > 0) {
      sb.append(sec).append('s');
    }
    return sb.toString();
  }

  /** The first {@value #DESCRIPTION_LINES} lines of a stack trace, at most {@value #DESCRIPTION_CHARS} chars. */
  static String stackHead(String stackTrace) {
    if (stackTrace == null) {
      return null;
    }
    String[] lines = stackTrace.strip().split("\n");
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < Math.min(lines.length, DESCRIPTION_LINES); i++) {
      sb.append(i == 0 ? "" : "\n").append(lines[i].stripTrailing());
    }
    if (lines.length > DESCRIPTION_LINES) {
      sb.append("\n\t... ").append(lines.length - DESCRIPTION_LINES).append(" more lines");
    }
    return LogEntry.cut(sb.toString(), DESCRIPTION_CHARS);
  }

  private static String firstLine(String text) {
    return LogParser.firstLine(text);
  }
}
