package dev.stormwatch.ingest.normalize.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.AlertSource;
import dev.stormwatch.avro.AlertStatus;
import dev.stormwatch.avro.Link;
import dev.stormwatch.avro.LinkKind;
import dev.stormwatch.avro.RecordRef;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.ingest.normalize.NormalizeConfig;
import dev.stormwatch.ingest.normalize.Normalized;
import dev.stormwatch.ingest.normalize.Normalizer;
import dev.stormwatch.ingest.normalize.Scales;
import dev.stormwatch.ingest.normalize.ServiceResolver;
import dev.stormwatch.ingest.normalize.support.JsonBody;
import dev.stormwatch.ingest.normalize.support.JsonFields;
import dev.stormwatch.ingest.normalize.support.PayloadException;
import dev.stormwatch.ingest.normalize.support.Rfc3339;
import dev.stormwatch.ingest.raw.RawHeaders;
import dev.stormwatch.ingest.raw.RawRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Normalizes records of {@code alerts.raw.prometheus}: Prometheus' {@code POST /api/v2/alerts}
 * body (a JSON array of alerts; source {@code PROMETHEUS}) and Alertmanager's webhook payload
 * version 4 (an object with {@code alerts}; source {@code ALERTMANAGER}). The
 * {@link RawHeaders#FORMAT} header decides which when present; otherwise the shape does (array or
 * object with {@code alerts}). One {@link AlertEvent} per alert.
 *
 * <p>A record is normalized whole or rejected whole: if any alert in it is invalid (missing or
 * empty {@code labels}, a non-string label value, a bad timestamp, {@code endsAt} before
 * {@code startsAt}), the record is {@link Normalized.Rejected rejected} with the first problem as
 * the reason, and goes to the dead-letter topic intact. Nothing is lost and nothing is emitted
 * twice on replay; Prometheus and Alertmanager validate alerts themselves, so only hand-made
 * producers meet this. The mapping rules are listed in {@code ingest/README.md}.
 */
public final class PrometheusNormalizer implements Normalizer {

  /**
   * Annotation set on every event of an Alertmanager webhook whose {@code truncatedAlerts} is
   * positive: how many alerts of the group Alertmanager left out ({@code max_alerts}). Read it
   * back with {@link #truncatedAlerts(Normalized)}.
   */
  public static final String TRUNCATED_ALERTS_ANNOTATION = "stormwatch_truncated_alerts";
  /** The name of an alert without an {@code alertname} label. */
  public static final String UNNAMED = "unnamed";
  /** The scale source used for the {@code severity} label and alert statuses. */
  public static final String SCALE_SOURCE = Scales.PROMETHEUS;

  private static final List<String> SUMMARY_KEYS = List.of("summary", "message");
  private static final List<String> DESCRIPTION_KEYS = List.of("description", "message");
  private static final List<String> RUNBOOK_KEYS = List.of("runbook_url", "runbook");
  private static final List<String> DASHBOARD_KEYS = List.of("dashboard_url", "grafana_url", "dashboard");

  private final NormalizeConfig config;
  private final ServiceResolver services;
  private final Scales scales;

  /** A normalizer with the given settings. */
  public PrometheusNormalizer(NormalizeConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.services = config.serviceResolver();
    this.scales = config.scales();
  }

  /** A normalizer with {@link NormalizeConfig#defaults()}. */
  public static PrometheusNormalizer withDefaults() {
    return new PrometheusNormalizer(NormalizeConfig.defaults());
  }

  /**
   * How many alerts Alertmanager truncated from the webhook these events came from: the
   * {@value #TRUNCATED_ALERTS_ANNOTATION} annotation of the first event, or 0.
   */
  public static int truncatedAlerts(Normalized normalized) {
    if (normalized instanceof Normalized.Events events && !events.events().isEmpty()) {
      String value = events.events().get(0).getAnnotations().get(TRUNCATED_ALERTS_ANNOTATION);
      if (value != null) {
        try {
          return Integer.parseInt(value);
        } catch (NumberFormatException e) {
          return 0;
        }
      }
    }
    return 0;
  }

  @Override
  public Normalized normalize(RawRecord raw) {
    try {
      return Normalized.events(parse(raw));
    } catch (PayloadException e) {
      return Normalized.rejected(e.getMessage(), e.getCause());
    } catch (RuntimeException e) {
      // A bug, not bad input: still a per-record failure, so the record goes to the DLQ with it.
      return Normalized.rejected("internal error in the Prometheus normalizer: " + e, e);
    }
  }

  private List<AlertEvent> parse(RawRecord raw) {
    String format = raw.header(RawHeaders.FORMAT).map(String::strip).filter(s -> !s.isEmpty())
        .map(s -> s.toLowerCase(Locale.ROOT)).orElse(null);
    if (format != null && !format.equals(RawHeaders.FORMAT_PROMETHEUS_API)
        && !format.equals(RawHeaders.FORMAT_ALERTMANAGER_WEBHOOK)) {
      throw new PayloadException("format header '" + format + "' is not " + RawHeaders.FORMAT_PROMETHEUS_API
          + " or " + RawHeaders.FORMAT_ALERTMANAGER_WEBHOOK);
    }
    JsonNode root = JsonBody.parse(raw.body());
    if (format == null) {
      if (root.isArray()) {
        format = RawHeaders.FORMAT_PROMETHEUS_API;
      } else if (root.isObject() && root.has("alerts")) {
        format = RawHeaders.FORMAT_ALERTMANAGER_WEBHOOK;
      } else {
        throw new PayloadException("neither a Prometheus alerts array nor an Alertmanager webhook object with"
            + " 'alerts': got " + JsonFields.kind(root));
      }
    }
    Context ctx = new Context(raw, format);
    if (format.equals(RawHeaders.FORMAT_PROMETHEUS_API)) {
      if (!root.isArray()) {
        throw new PayloadException("format " + format + " needs a JSON array of alerts, got " + JsonFields.kind(root));
      }
      return alerts(root, "", ctx, AlertSource.PROMETHEUS, Map.of());
    }
    return webhook(root, ctx);
  }

  private List<AlertEvent> webhook(JsonNode root, Context ctx) {
    if (!root.isObject()) {
      throw new PayloadException("format " + ctx.format + " needs a JSON object, got " + JsonFields.kind(root));
    }
    String version = JsonFields.text(root, "version", "version");
    if (version != null && !version.strip().equals("4")) {
      throw new PayloadException("unsupported Alertmanager webhook version '" + version + "' (only 4 is known)");
    }
    JsonNode alerts = root.get("alerts");
    if (alerts == null || !alerts.isArray()) {
      throw new PayloadException("alerts: expected an array, got " + JsonFields.kind(alerts));
    }
    long truncated = 0;
    JsonNode t = root.get("truncatedAlerts");
    if (t != null && !t.isNull()) {
      if (!t.isIntegralNumber() || !t.canConvertToLong() || t.longValue() < 0) {
        throw new PayloadException("truncatedAlerts: expected a non-negative integer, got " + t);
      }
      truncated = t.longValue();
    }
    if (alerts.isEmpty() && truncated > 0) {
      throw new PayloadException("webhook has no alerts but says " + truncated + " were truncated");
    }
    Map<String, String> extra = truncated > 0
        ? Map.of(TRUNCATED_ALERTS_ANNOTATION, Long.toString(truncated)) : Map.of();
    return alerts(alerts, "alerts", ctx, AlertSource.ALERTMANAGER, extra);
  }

  private List<AlertEvent> alerts(JsonNode array, String path, Context ctx, AlertSource source,
                                  Map<String, String> extraAnnotations) {
    List<AlertEvent> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      out.add(alert(array.get(i), path + "[" + i + "]", ctx, source, extraAnnotations));
    }
    return out;
  }

  private AlertEvent alert(JsonNode alert, String path, Context ctx, AlertSource source,
                           Map<String, String> extraAnnotations) {
    if (!alert.isObject()) {
      throw new PayloadException(path + ": expected an alert object, got " + JsonFields.kind(alert));
    }
    if (!alert.has("labels") || alert.get("labels").isNull()) {
      throw new PayloadException(path + ".labels: missing");
    }
    Map<String, String> labels = JsonFields.stringMap(alert, "labels", path + ".labels");
    // Alertmanager drops empty-valued labels before it fingerprints; so do we.
    labels.values().removeIf(String::isEmpty);
    if (labels.isEmpty()) {
      throw new PayloadException(path + ".labels: at least one label pair required");
    }
    Map<String, String> annotations = JsonFields.stringMap(alert, "annotations", path + ".annotations");
    annotations.putAll(extraAnnotations);

    Instant observedAt = Instant.ofEpochMilli(ctx.raw.receivedAt());
    Instant startsAt = timestamp(alert, "startsAt", path);
    Instant endsAt = timestamp(alert, "endsAt", path);
    if (startsAt != null && endsAt != null && endsAt.isBefore(startsAt)) {
      throw new PayloadException(path + ": endsAt " + endsAt + " is before startsAt " + startsAt);
    }
    AlertStatus status = status(alert, endsAt, observedAt);
    if (startsAt == null) {
      startsAt = observedAt; // as Alertmanager does for an alert posted without startsAt
    }
    if (status == AlertStatus.RESOLVED && endsAt == null) {
      endsAt = observedAt;
    }

    String fingerprint = JsonFields.nonBlank(alert, "fingerprint", path + ".fingerprint");
    fingerprint = fingerprint == null ? LabelSetFingerprint.of(labels) : fingerprint.strip();
    String name = labels.getOrDefault("alertname", UNNAMED);
    Severity severity = scales.severityOf(SCALE_SOURCE, labels.get("severity"), config.defaultSeverity());
    String summary = first(annotations, SUMMARY_KEYS);
    String description = first(annotations, DESCRIPTION_KEYS);
    if (Objects.equals(summary, description) && !annotations.containsKey("description")) {
      description = null; // 'message' alone is the summary, not also the description
    }

    AlertEvent.Builder event = AlertEvent.newBuilder()
        .setFingerprint(fingerprint)
        .setSource(source)
        .setSourceFormat(ctx.format)
        .setName(name)
        .setService(services.resolve(labels))
        .setEnvironment(config.environmentOf(labels))
        .setSeverity(severity)
        .setStatus(status)
        .setSummary(summary)
        .setDescription(description)
        .setLabels(labels)
        .setAnnotations(annotations)
        .setStartsAt(Rfc3339.millis(startsAt))
        .setEndsAt(Rfc3339.millis(endsAt))
        .setObservedAt(observedAt)
        .setLinks(links(alert, annotations, path))
        .setOccurrences(1L)
        .setOrigin(ctx.origin());
    return event.build();
  }

  /** The alert's status: its own {@code status} string when the scales know it, else by {@code endsAt}. */
  private AlertStatus status(JsonNode alert, Instant endsAt, Instant observedAt) {
    JsonNode s = alert.get("status");
    if (s != null && s.isTextual()) {
      AlertStatus own = scales.statusOf(SCALE_SOURCE, s.textValue(), null);
      if (own != null && own != AlertStatus.UNKNOWN) {
        return own;
      }
    }
    // Alertmanager's rule (types.Alert.Resolved): ended when endsAt is set and not after now.
    return endsAt != null && !endsAt.isAfter(observedAt) ? AlertStatus.RESOLVED : AlertStatus.FIRING;
  }

  /** An RFC 3339 field; null when absent, empty or Go's zero time. */
  private static Instant timestamp(JsonNode alert, String field, String path) {
    String text = JsonFields.nonBlank(alert, field, path + "." + field);
    if (text == null) {
      return null;
    }
    Instant instant = Rfc3339.parse(path + "." + field, text.strip());
    return instant.equals(Rfc3339.GO_ZERO) ? null : instant;
  }

  private static List<Link> links(JsonNode alert, Map<String, String> annotations, String path) {
    Set<String> seen = new LinkedHashSet<>();
    List<Link> links = new ArrayList<>();
    String generator = JsonFields.nonBlank(alert, "generatorURL", path + ".generatorURL");
    addLink(links, seen, LinkKind.GENERATOR, generator, "Prometheus rule");
    for (String key : RUNBOOK_KEYS) {
      addLink(links, seen, LinkKind.RUNBOOK, annotations.get(key), "Runbook");
    }
    for (String key : DASHBOARD_KEYS) {
      addLink(links, seen, LinkKind.DASHBOARD, annotations.get(key), "Dashboard");
    }
    return links;
  }

  private static void addLink(List<Link> links, Set<String> seen, LinkKind kind, String url, String title) {
    if (JsonFields.isHttpUrl(url) && seen.add(kind + " " + url.strip())) {
      links.add(new Link(kind, url.strip(), title));
    }
  }

  private static String first(Map<String, String> map, List<String> keys) {
    for (String key : keys) {
      String value = map.get(key);
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return null;
  }

  /** Per-record values shared by its alerts. */
  private record Context(RawRecord raw, String format) {
    RecordRef origin() {
      return raw.offset() >= 0 ? new RecordRef(raw.topic(), raw.partition(), raw.offset()) : null;
    }
  }
}
