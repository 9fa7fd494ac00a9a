package dev.stormwatch.ingest.raw;

/**
 * Headers the gateway puts on every raw record (values are UTF-8 strings). Producers that write
 * to the raw topics directly may set them too; ingest works without them by recognising the
 * payload's shape.
 */
public final class RawHeaders {

  /**
   * What the payload is, as the gateway's endpoint knew it: one of the {@code FORMAT_*} values.
   */
  public static final String FORMAT = "stormwatch.format";
  /** The HTTP {@code Content-Type} the body came with. */
  public static final String CONTENT_TYPE = "content-type";
  /** Sentry's {@code Sentry-Hook-Resource} header: issue, event_alert, metric_alert, error, installation. */
  public static final String SENTRY_RESOURCE = "sentry-hook-resource";
  /** When the gateway received the body: epoch milliseconds, decimal. */
  public static final String RECEIVED_AT = "stormwatch.received-at";
  /** The remote address of the sender, for tracing a bad producer. */
  public static final String REMOTE = "stormwatch.remote";

  /** Prometheus' POST /api/v2/alerts body: a JSON array of alerts. */
  public static final String FORMAT_PROMETHEUS_API = "prometheus-api-v2";
  /** Alertmanager's webhook receiver body, version 4. */
  public static final String FORMAT_ALERTMANAGER_WEBHOOK = "alertmanager-webhook-v4";
  /** Sentry integration-platform webhook ({@link #SENTRY_RESOURCE} tells the resource). */
  public static final String FORMAT_SENTRY = "sentry-webhook";
  /** Sentry's legacy webhooks plugin body. */
  public static final String FORMAT_SENTRY_LEGACY = "sentry-legacy-webhook";
  /** Newline-delimited JSON log records (ECS, OTLP/JSON, Fluent Bit, Vector...) or plain lines. */
  public static final String FORMAT_LOGS_NDJSON = "logs-ndjson";
  /** Loki push API JSON body. */
  public static final String FORMAT_LOKI_PUSH = "loki-push";
  /** Stormwatch's own change-event JSON ({@code POST /api/changes}): one change object or an array of them. */
  public static final String FORMAT_STORMWATCH_CHANGE = "stormwatch-change-v1";
  /** A PagerDuty Change Events API v2 body ({@code POST /v2/change/enqueue}). */
  public static final String FORMAT_PAGERDUTY_CHANGE = "pagerduty-change-events-v2";

  private RawHeaders() {
  }
}
