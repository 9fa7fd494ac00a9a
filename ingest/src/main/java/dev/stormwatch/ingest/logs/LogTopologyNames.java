package dev.stormwatch.ingest.logs;

/**
 * Every name the log-alert sub-topology gives to Kafka Streams, in one place for the topology,
 * the query layer and the tests. Renaming one is a migration (a new changelog or repartition
 * topic), so these never change casually.
 */
public final class LogTopologyNames {

  /** Repartition topic (suffix) re-keying entries by service: {@code <app-id>-logs-by-service-repartition}. */
  public static final String REPARTITION_BY_SERVICE = "logs-by-service";
  /** Window store of per-bucket counts of rate rules, keyed by (rule, service). */
  public static final String RATE_WINDOWS_STORE = "log-rate-windows";
  /** Key-value store of the firing log alerts, keyed by (service, kind, rule, exception fingerprint). */
  public static final String ALERT_STATE_STORE = "log-alert-state";

  /** Drops entries no rule could act on, before the repartition. */
  public static final String RELEVANT_FILTER = "logs-rule-relevant";
  /** Sets each record's timestamp to the entry's event time (clamped to the future-skew bound). */
  public static final String EVENT_TIME = "logs-event-time";
  /** Re-keys entries by service. */
  public static final String KEY_BY_SERVICE = "logs-key-by-service";
  /** Runs the rate, pattern and exception rules. */
  public static final String RULES_PROCESSOR = "logs-alert-rules";

  private LogTopologyNames() {
  }
}
