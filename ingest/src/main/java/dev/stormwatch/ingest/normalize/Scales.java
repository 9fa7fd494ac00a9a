package dev.stormwatch.ingest.normalize;

import dev.stormwatch.avro.AlertStatus;
import dev.stormwatch.avro.Severity;
import java.util.Map;

/**
 * How each source's severities and statuses map onto Stormwatch's one scale (CRITICAL, HIGH,
 * WARNING, INFO; FIRING, RESOLVED). Sources: {@code prometheus} (the {@code severity} label, also
 * for Alertmanager), {@code sentry} (levels and alert statuses), {@code logs} (log levels). The
 * defaults below cover the common vocabularies; configuration lays its own entries over them.
 *
 * @param severity raw severity to {@link Severity}
 * @param status   raw status to {@link AlertStatus}
 */
public record Scales(LookupTable<Severity> severity, LookupTable<AlertStatus> status) {

  public static final String PROMETHEUS = "prometheus";
  public static final String SENTRY = "sentry";
  public static final String LOGS = "logs";

  /** The default tables. */
  public static Scales defaults() {
    Map<String, Severity> common = Map.ofEntries(
        Map.entry("critical", Severity.CRITICAL), Map.entry("crit", Severity.CRITICAL),
        Map.entry("fatal", Severity.CRITICAL), Map.entry("emergency", Severity.CRITICAL),
        Map.entry("emerg", Severity.CRITICAL), Map.entry("alert", Severity.CRITICAL),
        Map.entry("page", Severity.CRITICAL), Map.entry("p1", Severity.CRITICAL), Map.entry("sev1", Severity.CRITICAL),
        Map.entry("high", Severity.HIGH), Map.entry("error", Severity.HIGH), Map.entry("err", Severity.HIGH),
        Map.entry("major", Severity.HIGH), Map.entry("p2", Severity.HIGH), Map.entry("sev2", Severity.HIGH),
        Map.entry("warning", Severity.WARNING), Map.entry("warn", Severity.WARNING),
        Map.entry("medium", Severity.WARNING), Map.entry("minor", Severity.WARNING), Map.entry("p3", Severity.WARNING),
        Map.entry("info", Severity.INFO), Map.entry("informational", Severity.INFO),
        Map.entry("notice", Severity.INFO), Map.entry("low", Severity.INFO), Map.entry("none", Severity.INFO),
        Map.entry("debug", Severity.INFO), Map.entry("trace", Severity.INFO), Map.entry("p4", Severity.INFO),
        Map.entry("p5", Severity.INFO));
    Map<String, AlertStatus> statuses = Map.ofEntries(
        Map.entry("firing", AlertStatus.FIRING), Map.entry("resolved", AlertStatus.RESOLVED),
        Map.entry("triggered", AlertStatus.FIRING), Map.entry("active", AlertStatus.FIRING),
        Map.entry("unresolved", AlertStatus.FIRING), Map.entry("created", AlertStatus.FIRING),
        Map.entry("critical", AlertStatus.FIRING), Map.entry("warning", AlertStatus.FIRING),
        Map.entry("ignored", AlertStatus.RESOLVED), Map.entry("archived", AlertStatus.RESOLVED),
        Map.entry("closed", AlertStatus.RESOLVED), Map.entry("ok", AlertStatus.RESOLVED));
    return new Scales(
        new LookupTable<>(Map.of(LookupTable.ANY_SOURCE, common)),
        new LookupTable<>(Map.of(LookupTable.ANY_SOURCE, statuses)));
  }

  /** The severity of {@code raw} from {@code source}, or {@code fallback} when the tables do not know it. */
  public Severity severityOf(String source, String raw, Severity fallback) {
    return severity.lookup(source, raw).orElse(fallback);
  }

  /** The status of {@code raw} from {@code source}, or {@code fallback} when the tables do not know it. */
  public AlertStatus statusOf(String source, String raw, AlertStatus fallback) {
    return status.lookup(source, raw).orElse(fallback);
  }
}
