package dev.stormwatch.ingest.normalize.sentry;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Normalizes records of {@code alerts.raw.sentry}: Sentry integration-platform webhooks, by
 * resource ({@link RawHeaders#SENTRY_RESOURCE} header, else recognised by the object under
 * {@code data}), and the legacy WebHooks plugin payload ({@link RawHeaders#FORMAT_SENTRY_LEGACY},
 * else recognised by its flat shape).
 *
 * <ul>
 *   <li>{@code issue}, {@code error}, {@code event_alert} and legacy payloads are one event each,
 *       fingerprinted by the Sentry issue: {@code sentry-issue-<issue id>}, so every observation
 *       of one issue, from any of these resources, is one alert.</li>
 *   <li>{@code metric_alert} is one event per incident:
 *       {@code sentry-metric-alert-<alert rule id>-<incident id>}, so critical → warning →
 *       resolved of one incident is one alert, and the next incident of the same rule is a new
 *       one.</li>
 *   <li>{@code installation}, {@code comment} and resources this class does not know are zero
 *       events (not rejected).</li>
 * </ul>
 *
 * <p>A payload whose resource is known but whose content is not usable (no issue id, a malformed
 * timestamp, a non-object {@code data}) is {@link Normalized.Rejected rejected} with the reason.
 * The mapping rules are listed in {@code ingest/README.md}.
 */
public final class SentryNormalizer implements Normalizer {

  /** {@code sourceFormat} of issue webhooks. */
  public static final String FORMAT_ISSUE = "sentry-issue";
  /** {@code sourceFormat} of error webhooks. */
  public static final String FORMAT_ERROR = "sentry-error";
  /** {@code sourceFormat} of issue-alert ({@code event_alert}) webhooks. */
  public static final String FORMAT_EVENT_ALERT = "sentry-event-alert";
  /** {@code sourceFormat} of metric-alert webhooks. */
  public static final String FORMAT_METRIC_ALERT = "sentry-metric-alert";
  /** Prefix of the fingerprint of an issue-based alert; the issue id follows. */
  public static final String ISSUE_FINGERPRINT_PREFIX = "sentry-issue-";
  /** Prefix of the fingerprint of a metric alert; {@code <rule id>-<incident id>} follows. */
  public static final String METRIC_FINGERPRINT_PREFIX = "sentry-metric-alert-";
  /** The scale source for levels, actions and statuses. */
  public static final String SCALE_SOURCE = Scales.SENTRY;

  /** Project slug in an event's API URL: {@code .../api/0/projects/<org>/<project>/events/...}. */
  /** Annotation naming timestamp fields that could not be read, with their text. */
  public static final String UNPARSED_TIMESTAMPS = "stormwatch_unparsed_timestamps";

  private static final Pattern PROJECT_IN_URL = Pattern.compile("/projects/[^/]+/([^/?#]+)/");

  private final NormalizeConfig config;
  private final ServiceResolver services;
  private final Scales scales;

  /** A normalizer with the given settings. */
  public SentryNormalizer(NormalizeConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.services = config.serviceResolver();
    this.scales = config.scales();
  }

  /** A normalizer with {@link NormalizeConfig#defaults()}. */
  public static SentryNormalizer withDefaults() {
    return new SentryNormalizer(NormalizeConfig.defaults());
  }

  @Override
  public Normalized normalize(RawRecord raw) {
    try {
      return Normalized.events(parse(raw));
    } catch (PayloadException e) {
      return Normalized.rejected(e.getMessage(), e.getCause());
    } catch (RuntimeException e) {
      // A bug, not bad input: still a per-record failure, so the record goes to the DLQ with it.
      return Normalized.rejected("internal error in the Sentry normalizer: " + e, e);
    }
  }

  private List<AlertEvent> parse(RawRecord raw) {
    String format = lowerHeader(raw, RawHeaders.FORMAT);
    if (format != null && !format.equals(RawHeaders.FORMAT_SENTRY) && !format.equals(RawHeaders.FORMAT_SENTRY_LEGACY)) {
      throw new PayloadException("format header '" + format + "' is not " + RawHeaders.FORMAT_SENTRY
          + " or " + RawHeaders.FORMAT_SENTRY_LEGACY);
    }
    JsonNode root = JsonBody.parse(raw.body());
    if (!root.isObject()) {
      throw new PayloadException("expected a Sentry webhook JSON object, got " + JsonFields.kind(root));
    }
    Context ctx = new Context(raw, Instant.ofEpochMilli(raw.receivedAt()));
    if (RawHeaders.FORMAT_SENTRY_LEGACY.equals(format)) {
      AlertEvent legacy = legacy(root, ctx);
      return List.of(ctx.unparsed.isEmpty() ? legacy : markUnparsed(legacy, ctx));
    }
    String resource = lowerHeader(raw, RawHeaders.SENTRY_RESOURCE);
    if (resource == null) {
      resource = recognise(root, format != null);
    }
    String action = JsonFields.nonBlank(root, "action", "action");
    action = action == null ? "" : action.strip().toLowerCase(Locale.ROOT);
    List<AlertEvent> events = switch (resource) {
      case "legacy" -> List.of(legacy(root, ctx));
      case "issue" -> List.of(issue(data(root, "issue"), action, ctx));
      case "error" -> List.of(event(data(root, "error"), "data.error", FORMAT_ERROR, root, action, ctx));
      case "event_alert" -> List.of(event(data(root, "event"), "data.event", FORMAT_EVENT_ALERT, root, action, ctx));
      case "metric_alert" -> List.of(metricAlert(root, action, ctx));
      default -> List.of(); // installation, comment, seer... carry no alert
    };
    return ctx.unparsed.isEmpty() ? events : events.stream().map(e -> markUnparsed(e, ctx)).toList();
  }

  /**
   * A malformed timestamp does not cost the alert: the time falls back (to the receive time) and
   * the annotation {@value #UNPARSED_TIMESTAMPS} says which fields were unreadable and what they held.
   */
  private static AlertEvent markUnparsed(AlertEvent event, Context ctx) {
    Map<String, String> annotations = new java.util.LinkedHashMap<>(event.getAnnotations());
    annotations.put(UNPARSED_TIMESTAMPS, String.join("; ", ctx.unparsed));
    return AlertEvent.newBuilder(event).setAnnotations(annotations).build();
  }

  /** The resource of a payload that came without the header, by its shape. */
  private static String recognise(JsonNode root, boolean integrationPlatform) {
    JsonNode data = root.get("data");
    if (root.hasNonNull("action") && data != null && data.isObject()) {
      for (String resource : List.of("issue", "error", "metric_alert", "installation")) {
        if (data.has(resource)) {
          return resource;
        }
      }
      if (data.has("event")) {
        return "event_alert";
      }
      return "unknown";
    }
    if (!integrationPlatform && root.hasNonNull("id")
        && (root.hasNonNull("project") || root.hasNonNull("project_slug"))
        && (root.has("level") || root.has("message") || root.has("culprit") || root.has("event"))) {
      return "legacy";
    }
    throw new PayloadException("not a Sentry webhook: no Sentry-Hook-Resource header, no 'action' with a 'data'"
        + " object, and not the legacy plugin's shape (id, project, level/message)");
  }

  private static JsonNode data(JsonNode root, String field) {
    JsonNode data = root.get("data");
    if (data == null || !data.isObject()) {
      throw new PayloadException("data: expected an object, got " + JsonFields.kind(data));
    }
    JsonNode node = data.get(field);
    if (node == null || !node.isObject()) {
      throw new PayloadException("data." + field + ": expected an object, got " + JsonFields.kind(node));
    }
    return node;
  }

  // ---- issue ---------------------------------------------------------------------------------

  private AlertEvent issue(JsonNode issue, String action, Context ctx) {
    String path = "data.issue";
    String id = id(issue, "id", path + ".id");
    if (id == null) {
      throw new PayloadException(path + ".id: missing");
    }
    AlertStatus status = switch (action) {
      case "assigned" -> AlertStatus.FIRING; // an update of an open issue
      default -> {
        AlertStatus byAction = scales.statusOf(SCALE_SOURCE, action, AlertStatus.UNKNOWN);
        yield byAction != AlertStatus.UNKNOWN ? byAction
            : scales.statusOf(SCALE_SOURCE, JsonFields.text(issue, "status", path + ".status"), AlertStatus.UNKNOWN);
      }
    };
    JsonNode project = issue.get("project");
    String slug = project != null && project.isObject() ? JsonFields.nonBlank(project, "slug", path + ".project.slug") : null;
    String projectId = project != null && project.isObject() ? id(project, "id", path + ".project.id") : null;
    String platform = JsonFields.nonBlank(issue, "platform", path + ".platform");
    if (platform == null && project != null && project.isObject()) {
      platform = JsonFields.nonBlank(project, "platform", path + ".project.platform");
    }
    String level = JsonFields.nonBlank(issue, "level", path + ".level");

    Map<String, String> labels = new LinkedHashMap<>();
    putLabels(labels, slug, level, platform);
    Map<String, String> annotations = annotations("issue", action);
    putIfPresent(annotations, "sentry_short_id", JsonFields.nonBlank(issue, "shortId", path + ".shortId"));
    putIfPresent(annotations, "sentry_substatus", JsonFields.nonBlank(issue, "substatus", path + ".substatus"));

    String title = JsonFields.nonBlank(issue, "title", path + ".title");
    String culprit = JsonFields.nonBlank(issue, "culprit", path + ".culprit");
    Instant startsAt = timestamp(issue, "firstSeen", path, ctx.receivedAt, ctx);
    String url = firstNonNull(JsonFields.nonBlank(issue, "web_url", path + ".web_url"),
        JsonFields.nonBlank(issue, "permalink", path + ".permalink"),
        JsonFields.nonBlank(issue, "url", path + ".url"));
    long occurrences = positiveCount(issue.get("count"));

    return base(ctx, FORMAT_ISSUE, ISSUE_FINGERPRINT_PREFIX + id, status, startsAt)
        .setName(title != null ? title : culprit != null ? culprit : "Sentry issue " + id)
        .setService(service(slug, projectId, labels))
        .setEnvironment(config.environmentOf(labels))
        .setSeverity(scales.severityOf(SCALE_SOURCE, level, config.defaultSeverity()))
        .setSummary(title != null ? title : culprit)
        .setDescription(culprit)
        .setLabels(labels)
        .setAnnotations(annotations)
        .setLinks(link(url, "Sentry issue"))
        .setOccurrences(occurrences)
        .build();
  }

  // ---- error and event_alert: a serialized event ---------------------------------------------

  private AlertEvent event(JsonNode event, String path, String format, JsonNode root, String action, Context ctx) {
    String issueId = id(event, "issue_id", path + ".issue_id");
    String eventId = JsonFields.nonBlank(event, "event_id", path + ".event_id");
    if (issueId == null && eventId == null) {
      throw new PayloadException(path + ": neither issue_id nor event_id");
    }
    String fingerprint = issueId != null ? ISSUE_FINGERPRINT_PREFIX + issueId : "sentry-event-" + eventId;
    AlertStatus status = scales.statusOf(SCALE_SOURCE, action, AlertStatus.FIRING);

    Map<String, String> labels = tags(event.get("tags"));
    String level = JsonFields.nonBlank(event, "level", path + ".level");
    String platform = JsonFields.nonBlank(event, "platform", path + ".platform");
    String slug = projectSlugFromUrl(JsonFields.nonBlank(event, "url", path + ".url"));
    String projectId = id(event, "project", path + ".project");
    putLabels(labels, slug, level, platform);

    Map<String, String> annotations = annotations(format.equals(FORMAT_ERROR) ? "error" : "event_alert", action);
    putIfPresent(annotations, "sentry_event_id", eventId);
    JsonNode data = root.get("data");
    String rule = JsonFields.nonBlank(data, "triggered_rule", "data.triggered_rule");
    if (rule == null && data.get("issue_alert") != null && data.get("issue_alert").isObject()) {
      rule = JsonFields.nonBlank(data.get("issue_alert"), "title", "data.issue_alert.title");
    }
    putIfPresent(annotations, "sentry_rule", rule);

    String title = JsonFields.nonBlank(event, "title", path + ".title");
    if (title == null && event.get("metadata") != null && event.get("metadata").isObject()) {
      title = JsonFields.nonBlank(event.get("metadata"), "title", path + ".metadata.title");
    }
    String culprit = JsonFields.nonBlank(event, "culprit", path + ".culprit");
    Instant startsAt = eventTime(event, path, ctx.receivedAt, ctx);
    String url = firstNonNull(JsonFields.nonBlank(event, "web_url", path + ".web_url"),
        JsonFields.nonBlank(event, "issue_url", path + ".issue_url"));

    return base(ctx, format, fingerprint, status, startsAt)
        .setName(title != null ? title : culprit != null ? culprit : "Sentry event")
        .setService(service(slug, projectId, labels))
        .setEnvironment(config.environmentOf(labels))
        .setSeverity(scales.severityOf(SCALE_SOURCE, level, config.defaultSeverity()))
        .setSummary(title != null ? title : culprit)
        .setDescription(culprit)
        .setLabels(labels)
        .setAnnotations(annotations)
        .setLinks(link(url, "Sentry event"))
        .build();
  }

  // ---- metric_alert --------------------------------------------------------------------------

  private AlertEvent metricAlert(JsonNode root, String action, Context ctx) {
    JsonNode incident = data(root, "metric_alert");
    JsonNode data = root.get("data");
    String path = "data.metric_alert";
    JsonNode rule = incident.get("alert_rule");
    if (rule != null && !rule.isNull() && !rule.isObject()) {
      throw new PayloadException(path + ".alert_rule: expected an object, got " + JsonFields.kind(rule));
    }
    boolean hasRule = rule != null && rule.isObject();
    String ruleId = hasRule ? id(rule, "id", path + ".alert_rule.id") : null;
    String incidentId = id(incident, "id", path + ".id");
    if (ruleId == null && incidentId == null) {
      throw new PayloadException(path + ": neither alert_rule.id nor id");
    }
    String fingerprint = METRIC_FINGERPRINT_PREFIX
        + (ruleId == null ? "incident-" + incidentId : incidentId == null ? ruleId : ruleId + "-" + incidentId);

    // Status and severity: the action, else the incident status code (20 critical, 10 warning, 2/0 closed).
    JsonNode code = incident.get("status");
    String level = switch (action) {
      case "critical", "warning" -> action;
      case "resolved" -> null;
      default -> code != null && code.isIntegralNumber()
          ? (code.intValue() == 20 ? "critical" : code.intValue() == 10 ? "warning" : null) : null;
    };
    AlertStatus status = scales.statusOf(SCALE_SOURCE, action, AlertStatus.UNKNOWN);
    if (status == AlertStatus.UNKNOWN && code != null && code.isIntegralNumber()) {
      int c = code.intValue();
      status = c == 20 || c == 10 ? AlertStatus.FIRING : c == 2 || c == 0 ? AlertStatus.RESOLVED : AlertStatus.UNKNOWN;
    }

    List<String> projects = stringList(incident.get("projects"));
    if (projects.isEmpty() && hasRule) {
      projects = stringList(rule.get("projects"));
    }
    String slug = projects.isEmpty() ? null : projects.get(0);
    Map<String, String> labels = new LinkedHashMap<>();
    if (!projects.isEmpty()) {
      labels.put("project", String.join(",", projects));
    }
    putIfPresent(labels, "alert_rule_id", ruleId);
    if (hasRule) {
      putIfPresent(labels, "environment", JsonFields.nonBlank(rule, "environment", path + ".alert_rule.environment"));
      putIfPresent(labels, "dataset", JsonFields.nonBlank(rule, "dataset", path + ".alert_rule.dataset"));
    }
    Map<String, String> annotations = annotations("metric_alert", action);
    putIfPresent(annotations, "sentry_incident_id", incidentId);
    putIfPresent(annotations, "sentry_incident_identifier", id(incident, "identifier", path + ".identifier"));
    if (hasRule) {
      putIfPresent(annotations, "sentry_query", JsonFields.nonBlank(rule, "query", path + ".alert_rule.query"));
      putIfPresent(annotations, "sentry_aggregate", JsonFields.nonBlank(rule, "aggregate", path + ".alert_rule.aggregate"));
    }

    Instant startsAt = timestamp(incident, "date_started", path, null, ctx);
    if (startsAt == null) {
      startsAt = timestamp(incident, "date_detected", path, ctx.receivedAt, ctx);
    }
    Instant endsAt = null;
    if (status == AlertStatus.RESOLVED) {
      endsAt = timestamp(incident, "date_closed", path, ctx.receivedAt, ctx);
    }
    String ruleName = hasRule ? JsonFields.nonBlank(rule, "name", path + ".alert_rule.name") : null;
    String incidentTitle = JsonFields.nonBlank(incident, "title", path + ".title");
    String descriptionTitle = JsonFields.nonBlank(data, "description_title", "data.description_title");

    return base(ctx, FORMAT_METRIC_ALERT, fingerprint, status, startsAt)
        .setEndsAt(Rfc3339.millis(endsAt))
        .setName(firstNonNull(ruleName, incidentTitle, descriptionTitle, "Sentry metric alert"))
        .setService(service(slug, null, labels))
        .setEnvironment(config.environmentOf(labels))
        .setSeverity(scales.severityOf(SCALE_SOURCE, level, config.defaultSeverity()))
        .setSummary(firstNonNull(descriptionTitle, ruleName, incidentTitle))
        .setDescription(JsonFields.nonBlank(data, "description_text", "data.description_text"))
        .setLabels(labels)
        .setAnnotations(annotations)
        .setLinks(link(JsonFields.nonBlank(data, "web_url", "data.web_url"), "Sentry metric alert"))
        .build();
  }

  // ---- legacy WebHooks plugin ----------------------------------------------------------------

  private AlertEvent legacy(JsonNode root, Context ctx) {
    String id = id(root, "id", "id");
    if (id == null) {
      throw new PayloadException("id: missing (legacy Sentry webhook)");
    }
    JsonNode event = root.get("event");
    if (event != null && !event.isNull() && !event.isObject()) {
      throw new PayloadException("event: expected an object, got " + JsonFields.kind(event));
    }
    boolean hasEvent = event != null && event.isObject();
    Map<String, String> labels = hasEvent ? tags(event.get("tags")) : new LinkedHashMap<>();
    String slug = firstNonNull(JsonFields.nonBlank(root, "project_slug", "project_slug"),
        JsonFields.nonBlank(root, "project", "project"));
    String level = JsonFields.nonBlank(root, "level", "level");
    String platform = firstNonNull(hasEvent ? JsonFields.nonBlank(event, "platform", "event.platform") : null,
        JsonFields.nonBlank(root, "platform", "platform"));
    putLabels(labels, slug, level, platform);

    Map<String, String> annotations = annotations("legacy", null);
    JsonNode rules = root.get("triggering_rules");
    if (rules != null && rules.isArray() && !rules.isEmpty()) {
      annotations.put("sentry_rule", String.join(", ", stringList(rules)));
    }
    String title = hasEvent ? JsonFields.nonBlank(event, "title", "event.title") : null;
    if (title == null && hasEvent && event.get("metadata") != null && event.get("metadata").isObject()) {
      title = JsonFields.nonBlank(event.get("metadata"), "title", "event.metadata.title");
    }
    String message = JsonFields.nonBlank(root, "message", "message");
    String culprit = JsonFields.nonBlank(root, "culprit", "culprit");
    String name = firstNonNull(title, message, culprit, "Sentry issue " + id);
    Instant startsAt = hasEvent ? eventTime(event, "event", ctx.receivedAt, ctx) : ctx.receivedAt;

    return base(ctx, RawHeaders.FORMAT_SENTRY_LEGACY, ISSUE_FINGERPRINT_PREFIX + id, AlertStatus.FIRING, startsAt)
        .setName(name)
        .setService(service(slug, null, labels))
        .setEnvironment(config.environmentOf(labels))
        .setSeverity(scales.severityOf(SCALE_SOURCE, level, config.defaultSeverity()))
        .setSummary(firstNonNull(title, message, culprit))
        .setDescription(culprit)
        .setLabels(labels)
        .setAnnotations(annotations)
        .setLinks(link(JsonFields.nonBlank(root, "url", "url"), "Sentry issue"))
        .build();
  }

  // ---- shared --------------------------------------------------------------------------------

  private static AlertEvent.Builder base(Context ctx, String format, String fingerprint, AlertStatus status,
                                         Instant startsAt) {
    return AlertEvent.newBuilder()
        .setFingerprint(fingerprint)
        .setSource(AlertSource.SENTRY)
        .setSourceFormat(format)
        .setStatus(status)
        .setStartsAt(Rfc3339.millis(startsAt))
        .setEndsAt(status == AlertStatus.RESOLVED ? ctx.receivedAt : null)
        .setObservedAt(ctx.receivedAt)
        .setOccurrences(1L)
        .setOrigin(ctx.origin());
  }

  /**
   * The service: the project (slug, then numeric id) through {@code sentry.projects}; else the slug
   * itself; else, with no project at all, the labels (tags) through the service resolver.
   */
  private String service(String slug, String projectId, Map<String, String> labels) {
    for (String key : new String[] {slug, projectId}) {
      if (key != null) {
        String mapped = config.sentryProjects().get(key);
        if (mapped != null) {
          return services.canonical(mapped);
        }
      }
    }
    if (slug != null) {
      return services.canonical(slug);
    }
    return services.resolve(labels);
  }

  /** Sentry tags, {@code [[k, v], ...]} or {@code [{key, value}, ...]} (or an object), as labels. */
  static Map<String, String> tags(JsonNode tags) {
    Map<String, String> out = new LinkedHashMap<>();
    if (tags == null || tags.isNull()) {
      return out;
    }
    if (tags.isObject()) {
      for (Map.Entry<String, JsonNode> e : tags.properties()) {
        putScalar(out, e.getKey(), e.getValue());
      }
      return out;
    }
    if (!tags.isArray()) {
      return out; // not tags as Sentry writes them; the event is still usable without them
    }
    for (JsonNode tag : tags) {
      if (tag.isArray() && tag.size() == 2 && tag.get(0).isTextual()) {
        putScalar(out, tag.get(0).textValue(), tag.get(1));
      } else if (tag.isObject() && tag.path("key").isTextual()) {
        putScalar(out, tag.get("key").textValue(), tag.get("value"));
      }
    }
    return out;
  }

  private static void putScalar(Map<String, String> out, String key, JsonNode value) {
    if (!key.isBlank() && value != null && value.isValueNode() && !value.isNull()) {
      out.put(key, value.asText());
    }
  }

  private static void putLabels(Map<String, String> labels, String project, String level, String platform) {
    putIfPresent(labels, "project", project);
    putIfPresent(labels, "level", level);
    putIfPresent(labels, "platform", platform);
  }

  private static Map<String, String> annotations(String resource, String action) {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put("sentry_resource", resource);
    if (action != null && !action.isEmpty()) {
      annotations.put("sentry_action", action);
    }
    return annotations;
  }

  private static void putIfPresent(Map<String, String> map, String key, String value) {
    if (value != null && !value.isBlank()) {
      map.put(key, value);
    }
  }

  /** An id that Sentry sends as a string or a number; null when absent. */
  private static String id(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isIntegralNumber()) {
      return value.bigIntegerValue().toString();
    }
    if (value.isTextual() && !value.textValue().isBlank()) {
      return value.textValue().strip();
    }
    throw new PayloadException(path + ": expected a string or integer id, got " + JsonFields.kind(value)
        + (value.isTextual() ? " (blank)" : ""));
  }

  /**
   * An RFC 3339 field; {@code fallback} when absent. A present but malformed value also gives
   * {@code fallback} and is noted in {@code ctx}, so the alert still goes out (Sentry's own
   * payloads are well-formed; relayed or anonymised ones are not always).
   */
  private static Instant timestamp(JsonNode node, String field, String path, Instant fallback, Context ctx) {
    String text = JsonFields.nonBlank(node, field, path + "." + field);
    if (text == null) {
      return fallback;
    }
    try {
      return Rfc3339.parse(path + "." + field, text.strip());
    } catch (PayloadException e) {
      ctx.unparsed.add(path + "." + field + "=" + text.strip());
      return fallback;
    }
  }

  /** When an event happened: {@code datetime}, else epoch-seconds {@code timestamp}, else {@code received}. */
  private static Instant eventTime(JsonNode event, String path, Instant fallback, Context ctx) {
    Instant datetime = timestamp(event, "datetime", path, null, ctx);
    if (datetime != null) {
      return datetime;
    }
    for (String field : List.of("timestamp", "received")) {
      JsonNode value = event.get(field);
      if (value != null && value.isNumber()) {
        return Rfc3339.ofEpochSeconds(path + "." + field, value.doubleValue());
      }
    }
    return fallback;
  }

  private static long positiveCount(JsonNode count) {
    if (count != null && (count.isTextual() || count.isIntegralNumber())) {
      try {
        long n = Long.parseLong(count.asText().strip());
        return n > 0 ? n : 1L;
      } catch (NumberFormatException e) {
        return 1L; // Sentry's count is informative only; a garbled one stands for one occurrence
      }
    }
    return 1L;
  }

  private static List<String> stringList(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array != null && array.isArray()) {
      for (JsonNode item : array) {
        if (item.isValueNode() && !item.isNull() && !item.asText().isBlank()) {
          out.add(item.asText().strip());
        }
      }
    }
    return out;
  }

  private static String projectSlugFromUrl(String url) {
    if (url == null) {
      return null;
    }
    Matcher m = PROJECT_IN_URL.matcher(url);
    return m.find() ? m.group(1) : null;
  }

  private static List<Link> link(String url, String title) {
    return JsonFields.isHttpUrl(url) ? List.of(new Link(LinkKind.ISSUE, url.strip(), title)) : List.of();
  }

  @SafeVarargs
  private static <T> T firstNonNull(T... values) {
    for (T value : values) {
      if (value != null) {
        return value;
      }
    }
    return null;
  }

  private static String lowerHeader(RawRecord raw, String name) {
    return raw.header(name).map(String::strip).filter(s -> !s.isEmpty()).map(s -> s.toLowerCase(Locale.ROOT))
        .orElse(null);
  }

  /** Per-record values. */
  private record Context(RawRecord raw, Instant receivedAt, List<String> unparsed) {
    Context(RawRecord raw, Instant receivedAt) {
      this(raw, receivedAt, new java.util.ArrayList<>());
    }

    RecordRef origin() {
      return raw.offset() >= 0 ? new RecordRef(raw.topic(), raw.partition(), raw.offset()) : null;
    }
  }
}
