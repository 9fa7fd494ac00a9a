package dev.stormwatch.ingest.gateway;

import dev.stormwatch.common.kafka.Topics;

/**
 * The gateway's data endpoints: each has its own path, raw topic, optional authentication and
 * metric label. The label values are a fixed, bounded set.
 */
public enum Endpoint {

  /** Prometheus' Alertmanager client: {@code POST /api/v2/alerts}. */
  PROMETHEUS("prometheus", "/api/v2/alerts"),
  /** Alertmanager's webhook receiver: {@code POST /webhooks/alertmanager}. */
  ALERTMANAGER("alertmanager", "/webhooks/alertmanager"),
  /** Sentry's integration-platform and legacy webhooks: {@code POST /webhooks/sentry}. */
  SENTRY("sentry", "/webhooks/sentry"),
  /** Log push (NDJSON, Loki push JSON, plain text): {@code POST /logs}. */
  LOGS("logs", "/logs"),
  /** Stormwatch's change JSON: {@code POST /api/changes}. */
  CHANGES("changes", "/api/changes"),
  /**
   * PagerDuty Change Events v2, at PagerDuty's own path: {@code POST /v2/change/enqueue}, so a tool
   * configured for PagerDuty sends to Stormwatch by changing its base URL.
   */
  PAGERDUTY_CHANGES("pagerduty-changes", "/v2/change/enqueue");

  private final String label;
  private final String path;

  Endpoint(String label, String path) {
    this.label = label;
    this.path = path;
  }

  /**
   * The name used in configuration keys ({@code auth.<label>}) and as the {@code endpoint} metric
   * label.
   *
   * @return e.g. {@code "prometheus"}
   */
  public String label() {
    return label;
  }

  /**
   * The HTTP path.
   *
   * @return e.g. {@code "/api/v2/alerts"}
   */
  public String path() {
    return path;
  }

  /**
   * The raw topic this endpoint writes to.
   *
   * @param topics the topic catalogue
   * @return the topic name
   */
  public String topic(Topics topics) {
    return switch (this) {
      case PROMETHEUS, ALERTMANAGER -> topics.rawPrometheus();
      case SENTRY -> topics.rawSentry();
      case LOGS -> topics.rawLogs();
      case CHANGES, PAGERDUTY_CHANGES -> topics.rawChanges();
    };
  }
}
