package dev.stormwatch.common.kafka;

import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The one catalogue of Stormwatch's topic names, shared by every app, the CLI and the tests.
 * Every name carries one configurable prefix (empty by default), so several Stormwatch
 * installations can share a cluster. Immutable.
 *
 * @param prefix prepended to every name, e.g. {@code "prod."}; empty for none
 */
public record Topics(String prefix) {

  private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]*");

  public Topics {
    Objects.requireNonNull(prefix, "prefix");
    if (!LEGAL.matcher(prefix).matches()) {
      throw new IllegalArgumentException("topic prefix may only hold letters, digits, '.', '_' and '-': " + prefix);
    }
  }

  /** The default names, without a prefix. */
  public static Topics defaults() {
    return new Topics("");
  }

  /** Raw Prometheus {@code /api/v2/alerts} arrays and Alertmanager webhook bodies, as sent. */
  public String rawPrometheus() {
    return prefix + "alerts.raw.prometheus";
  }

  /** Raw Sentry webhook bodies; the resource type is in a header. */
  public String rawSentry() {
    return prefix + "alerts.raw.sentry";
  }

  /** Raw log records (NDJSON, Loki push, OTLP/JSON, plain lines). */
  public String rawLogs() {
    return prefix + "alerts.raw.logs";
  }

  /** Raw change events as sent to the gateway (Stormwatch's JSON or PagerDuty Change Events v2). */
  public String rawChanges() {
    return prefix + "changes.raw";
  }

  /** Normalized Avro {@code AlertEvent}s, keyed by fingerprint. */
  public String normalized() {
    return prefix + "alerts.normalized";
  }

  /** Records no app could process: original key and bytes, with the reason in headers. */
  public String deadLetters() {
    return prefix + "alerts.dlq";
  }

  /** The service graph: Avro {@code ServiceNode}s keyed by service name (compacted). */
  public String topology() {
    return prefix + "topology.services";
  }

  /** Deploys, rollbacks, config changes and flags: Avro {@code ChangeEvent}s keyed by service. */
  public String changes() {
    return prefix + "changes.events";
  }

  /** Silences and maintenance windows: Avro {@code Silence}s keyed by id (compacted). */
  public String silences() {
    return prefix + "silences";
  }

  /** Full incident state: Avro {@code Incident}s keyed by incident id (compacted). */
  public String incidents() {
    return prefix + "incidents";
  }

  /** Avro {@code EscalationEvent}s keyed by incident id. */
  public String escalations() {
    return prefix + "escalations";
  }

  /** Avro {@code IncidentCommand}s (ack, resolve, ...) keyed by incident id. */
  public String incidentCommands() {
    return prefix + "incident.commands";
  }

  /** Avro {@code PageRequest}s keyed by page dedup key. */
  public String pagesOutbox() {
    return prefix + "pages.outbox";
  }

  /** Avro {@code PageOutcome}s keyed by page dedup key. */
  public String pagesLog() {
    return prefix + "pages.log";
  }

  /** Teams, people, escalation policies, schedules and routes, keyed by kind and id (compacted). */
  public String oncall() {
    return prefix + "oncall.config";
  }

  /** The devstack's pager inbox: every page delivered to the INBOX channel, keyed by dedup key. */
  public String pagerInbox() {
    return prefix + "pages.inbox";
  }

  /** The raw input topics, in a fixed order. */
  public List<String> raw() {
    return List.of(rawPrometheus(), rawSentry(), rawLogs());
  }

  /** Topics whose cleanup policy is {@code compact}. */
  public List<String> compacted() {
    return List.of(topology(), silences(), incidents(), oncall());
  }

  /** Every topic, in a fixed order. */
  public List<String> all() {
    return List.of(rawPrometheus(), rawSentry(), rawLogs(), rawChanges(), normalized(), deadLetters(), topology(),
        changes(), silences(), incidents(), escalations(), incidentCommands(), pagesOutbox(), pagesLog(), oncall(),
        pagerInbox());
  }
}
