package dev.stormwatch.ingest.normalize.sentry;

import static dev.stormwatch.ingest.normalize.Fixtures.bytes;
import static dev.stormwatch.ingest.normalize.Fixtures.events;
import static dev.stormwatch.ingest.normalize.Fixtures.reason;
import static dev.stormwatch.ingest.normalize.Fixtures.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.AlertSource;
import dev.stormwatch.avro.AlertStatus;
import dev.stormwatch.avro.Link;
import dev.stormwatch.avro.LinkKind;
import dev.stormwatch.avro.RecordRef;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.ingest.normalize.Fixtures;
import dev.stormwatch.ingest.normalize.NormalizeConfig;
import dev.stormwatch.ingest.normalize.Normalized;
import dev.stormwatch.ingest.raw.RawHeaders;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every payload in {@code fixtures/sentry} normalizes to the event it stands for, with the
 * {@code Sentry-Hook-Resource} header and without it (recognised by shape).
 */
class SentryNormalizerFixtureTest {

  static final String TOPIC = "alerts.raw.sentry";
  static final Instant RECEIVED = Instant.parse("2026-11-27T15:10:30Z");

  final SentryNormalizer normalizer = SentryNormalizer.withDefaults();

  Normalized normalize(String file, String resource) {
    return normalize(bytes("sentry/" + file), resource);
  }

  Normalized normalize(byte[] body, String resource) {
    Map<String, String> headers = resource == null ? Map.of()
        : Map.of(RawHeaders.SENTRY_RESOURCE, resource, RawHeaders.FORMAT, RawHeaders.FORMAT_SENTRY);
    return normalizer.normalize(record(TOPIC, body, RECEIVED, headers));
  }

  /** The event of {@code file}, checking that header and shape recognition agree. */
  AlertEvent one(String file, String resource) {
    List<AlertEvent> withHeader = events(normalize(file, resource));
    assertThat(withHeader).hasSize(1);
    assertThat(events(normalize(file, null))).as("recognised by shape").isEqualTo(withHeader);
    AlertEvent e = withHeader.get(0);
    assertThat(e.getSource()).isEqualTo(AlertSource.SENTRY);
    assertThat(e.getObservedAt()).isEqualTo(RECEIVED);
    assertThat(e.getOrigin()).isEqualTo(new RecordRef(TOPIC, 3, 42L));
    return e;
  }

  @Test
  void issueCreated() {
    AlertEvent e = one("issue.created.docs.json", "issue");

    assertThat(e.getFingerprint()).isEqualTo("sentry-issue-1170820242");
    assertThat(e.getSourceFormat()).isEqualTo(SentryNormalizer.FORMAT_ISSUE);
    assertThat(e.getStatus()).isEqualTo(AlertStatus.FIRING);
    assertThat(e.getEndsAt()).isNull();
    assertThat(e.getName()).isEqualTo("ReferenceError: blooopy is not defined");
    assertThat(e.getSummary()).isEqualTo("ReferenceError: blooopy is not defined");
    assertThat(e.getDescription()).isEqualTo("?(runner)");
    assertThat(e.getService()).isEqualTo("front-end");
    assertThat(e.getSeverity()).as("level error").isEqualTo(Severity.HIGH);
    assertThat(e.getStartsAt()).as("firstSeen, 6 fractional digits").isEqualTo(Instant.parse("2019-08-19T20:58:37.391Z"));
    assertThat(e.getLabels()).containsExactlyInAnyOrderEntriesOf(
        Map.of("project", "front-end", "level", "error", "platform", "javascript"));
    assertThat(e.getAnnotations()).containsEntry("sentry_short_id", "FRONT-END-9")
        .containsEntry("sentry_action", "created").containsEntry("sentry_resource", "issue");
    assertThat(e.getLinks()).as("this docs sample has no web_url or permalink").isEmpty();
    assertThat(e.getOccurrences()).isEqualTo(1L);
  }

  @Test
  void errorCreatedIsTheSameAlertAsItsIssue() {
    AlertEvent e = one("error.created.docs.json", "error");

    assertThat(e.getFingerprint()).isEqualTo("sentry-issue-1170820242");
    assertThat(e.getSourceFormat()).isEqualTo(SentryNormalizer.FORMAT_ERROR);
    assertThat(e.getStatus()).isEqualTo(AlertStatus.FIRING);
    assertThat(e.getService()).as("slug from the event's API url").isEqualTo("front-end");
    assertThat(e.getSeverity()).isEqualTo(Severity.HIGH);
    assertThat(e.getStartsAt()).isEqualTo(Instant.parse("2019-08-19T20:58:37.391Z"));
    assertThat(e.getLabels()).containsEntry("browser", "Chrome 75.0.3770").containsEntry("handled", "no")
        .containsEntry("project", "front-end").containsEntry("level", "error").containsEntry("platform", "javascript")
        .hasSize(11);
    assertThat(e.getLinks()).containsExactly(new Link(LinkKind.ISSUE,
        "https://sentry.io/organizations/test-org/issues/1170820242/events/bb78c1407cea4519aa397afc059c793d/", "Sentry event"));
    assertThat(e.getAnnotations()).containsEntry("sentry_event_id", "bb78c1407cea4519aa397afc059c793d");
  }

  @Test
  void issueAlertTriggered() {
    AlertEvent e = one("event_alert.triggered.docs.json", "event_alert");

    assertThat(e.getFingerprint()).isEqualTo("sentry-issue-1117540176");
    assertThat(e.getSourceFormat()).isEqualTo(SentryNormalizer.FORMAT_EVENT_ALERT);
    assertThat(e.getStatus()).isEqualTo(AlertStatus.FIRING);
    assertThat(e.getName()).isEqualTo("ReferenceError: heck is not defined");
    assertThat(e.getDescription()).isEqualTo("?(<anonymous>)");
    assertThat(e.getService()).isEqualTo("front-end");
    assertThat(e.getStartsAt()).isEqualTo(Instant.parse("2019-08-19T21:06:17.677Z"));
    assertThat(e.getAnnotations()).containsEntry("sentry_rule", "Very Important Alert Rule!");
    assertThat(e.getLabels()).containsEntry("os.name", "Mac OS X").containsEntry("user", "ip:162.217.75.90");
    assertThat(e.getLinks()).extracting(Link::getKind, Link::getUrl).containsExactly(org.assertj.core.groups.Tuple.tuple(
        LinkKind.ISSUE, "https://sentry.io/organizations/test-org/issues/1117540176/events/e4874d664c3540c1a32eab185f12c5ab/"));
  }

  @Test
  void metricAlertResolved() {
    AlertEvent e = one("metric_alert.resolved.docs.json", "metric_alert");

    assertThat(e.getFingerprint()).isEqualTo("sentry-metric-alert-7-4");
    assertThat(e.getSourceFormat()).isEqualTo(SentryNormalizer.FORMAT_METRIC_ALERT);
    assertThat(e.getStatus()).isEqualTo(AlertStatus.RESOLVED);
    assertThat(e.getEndsAt()).as("date_closed is null: resolved when received").isEqualTo(RECEIVED);
    assertThat(e.getName()).isEqualTo("Too many errors");
    assertThat(e.getSummary()).isEqualTo("Resolved: Too many errors");
    assertThat(e.getDescription()).isEqualTo("1000 events in the last 10 minutes\\nFilter: level:error");
    assertThat(e.getService()).isEqualTo("bar");
    assertThat(e.getSeverity()).as("a resolve carries no severity").isEqualTo(Severity.UNKNOWN);
    assertThat(e.getStartsAt()).isEqualTo(Instant.parse("2020-09-13T12:26:40Z"));
    assertThat(e.getLabels()).containsExactlyInAnyOrderEntriesOf(
        Map.of("project", "bar", "alert_rule_id", "7", "dataset", "events"));
    assertThat(e.getLinks()).containsExactly(
        new Link(LinkKind.ISSUE, "https://sentry.io/organizations/baz/alerts/1/", "Sentry metric alert"));
  }

  @Test
  void vendorSamplesWithMalformedTimestampsStillAlertAtTheReceiveTimeAndSayWhichFieldWasUnreadable() {
    AlertEvent metric = events(normalize("metric_alert.warning.sumologic-docs.json", "metric_alert")).get(0);
    assertThat(metric.getStatus()).isEqualTo(AlertStatus.FIRING);
    assertThat(metric.getSeverity()).isEqualTo(Severity.WARNING);
    assertThat(metric.getStartsAt()).as("date_started and date_detected unreadable").isEqualTo(RECEIVED);
    assertThat(metric.getAnnotations()).containsEntry(SentryNormalizer.UNPARSED_TIMESTAMPS,
        "data.metric_alert.date_started=2025-07-14T11:41:32+053000Z; "
            + "data.metric_alert.date_detected=2025-07-14T11:41:32+053000Z");

    AlertEvent issue = events(normalize("issue.created-status-resolved.sumologic-docs.json", null)).get(0);
    assertThat(issue.getFingerprint()).isEqualTo("sentry-issue-1752473492887");
    assertThat(issue.getStartsAt()).isEqualTo(RECEIVED);
    assertThat(issue.getAnnotations()).containsEntry(SentryNormalizer.UNPARSED_TIMESTAMPS,
        "data.issue.firstSeen=2025-07-14T11:41:32+053031+00:00");
  }

  @Test
  void metricAlertWarningInThe2025ShapeOnceItsTimestampsAreRepaired() {
    ObjectNode tree = (ObjectNode) Fixtures.tree("sentry/metric_alert.warning.sumologic-docs.json");
    ObjectNode incident = (ObjectNode) tree.get("data").get("metric_alert");
    incident.put("date_started", "2025-07-14T11:41:32Z");
    incident.put("date_detected", "2025-07-14T11:41:32Z");

    List<AlertEvent> events = events(normalize(Fixtures.write(tree), "metric_alert"));
    assertThat(events).hasSize(1);
    AlertEvent e = events.get(0);
    assertThat(e.getFingerprint()).isEqualTo("sentry-metric-alert-349732-175247349282556");
    assertThat(e.getStatus()).isEqualTo(AlertStatus.FIRING);
    assertThat(e.getSeverity()).isEqualTo(Severity.WARNING);
    assertThat(e.getName()).isEqualTo("higherrorratealert");
    assertThat(e.getSummary()).isEqualTo("Warning: mymetric");
    assertThat(e.getService()).isEqualTo("javascript-react");
    assertThat(e.getStartsAt()).isEqualTo(Instant.parse("2025-07-14T11:41:32Z"));
    assertThat(e.getEndsAt()).isNull();
    assertThat(e.getLinks()).extracting(Link::getUrl).as("kept verbatim, vendor's &amp; included")
        .containsExactly("https://zorlinaxomrel.xyz/alerts/rules/details/349732/?alert=2&amp;referrer=metric_alert_sentry_app"
            + "&amp;detection_type=static&amp;notification_uuid=f82be3a5-c1b2-4004-aa53-2a8b4662d447");
  }

  @Test
  void issueWithNumericIdOnceItsTimestampsAreRepaired() {
    ObjectNode tree = (ObjectNode) Fixtures.tree("sentry/issue.created-status-resolved.sumologic-docs.json");
    ((ObjectNode) tree.get("data").get("issue")).put("firstSeen", "2025-07-14T11:41:32+05:30");

    List<AlertEvent> events = events(normalize(Fixtures.write(tree), "issue"));
    AlertEvent e = events.get(0);
    assertThat(e.getFingerprint()).as("numeric id").isEqualTo("sentry-issue-1752473492887");
    assertThat(e.getStatus()).as("the action (created) wins over the inconsistent status").isEqualTo(AlertStatus.FIRING);
    assertThat(e.getStartsAt()).isEqualTo(Instant.parse("2025-07-14T06:11:32Z"));
    assertThat(e.getService()).isEqualTo("python");
    assertThat(e.getDescription()).isEqualTo("__main__ in &lt;module&gt;");
    assertThat(e.getLinks()).containsExactly(
        new Link(LinkKind.ISSUE, "https://zorlinaxomrel.xyz/issues/1752473492887/", "Sentry issue"));
  }

  @Test
  void legacyWebhooksPluginPayload() {
    byte[] body = bytes("sentry/legacy-webhooks-plugin.sentry8-9.alerta-readme.json");
    List<AlertEvent> byHeader = events(normalizer.normalize(record(TOPIC, body, RECEIVED,
        Map.of(RawHeaders.FORMAT, RawHeaders.FORMAT_SENTRY_LEGACY))));
    assertThat(events(normalize(body, null))).as("recognised by shape").isEqualTo(byHeader);

    AlertEvent e = byHeader.get(0);
    assertThat(byHeader).hasSize(1);
    assertThat(e.getFingerprint()).isEqualTo("sentry-issue-541485531");
    assertThat(e.getSourceFormat()).isEqualTo(RawHeaders.FORMAT_SENTRY_LEGACY);
    assertThat(e.getStatus()).isEqualTo(AlertStatus.FIRING);
    assertThat(e.getName()).isEqualTo("This is an example Python exception");
    assertThat(e.getDescription()).isEqualTo("raven.scripts.runner in main");
    assertThat(e.getService()).isEqualTo("alerta5");
    assertThat(e.getSeverity()).isEqualTo(Severity.HIGH);
    assertThat(e.getStartsAt()).as("event.received, epoch seconds").isEqualTo(Instant.ofEpochSecond(1525248430));
    assertThat(e.getLabels()).containsEntry("project", "alerta5").containsEntry("level", "error")
        .containsEntry("sentry:user", "id:1").containsEntry("os", "Windows 8");
    assertThat(e.getLinks()).containsExactly(
        new Link(LinkKind.ISSUE, "https://sentry.io/alertaio/alerta5/issues/541485531/", "Sentry issue"));
  }

  @Test
  void projectMapNamesTheService() {
    NormalizeConfig config = NormalizeConfig.fromMap(Map.of(
        "sentry", Map.of("projects", Map.of("front-end", "Web-Shop")),
        "service", Map.of("aliases", Map.of("web-shop", "shop"))));
    SentryNormalizer mapped = new SentryNormalizer(config);
    AlertEvent e = events(mapped.normalize(record(TOPIC, bytes("sentry/issue.created.docs.json"), RECEIVED))).get(0);
    assertThat(e.getService()).as("mapped, then canonical").isEqualTo("shop");
  }

  @ParameterizedTest(name = "issue {0} -> {1}")
  @CsvSource({"created, FIRING", "unresolved, FIRING", "assigned, FIRING", "resolved, RESOLVED",
      "ignored, RESOLVED", "archived, RESOLVED"})
  void issueActions(String action, AlertStatus expected) {
    ObjectNode tree = (ObjectNode) Fixtures.tree("sentry/issue.created.docs.json");
    tree.put("action", action);
    AlertEvent e = events(normalize(Fixtures.write(tree), "issue")).get(0);
    assertThat(e.getStatus()).isEqualTo(expected);
    assertThat(e.getEndsAt()).isEqualTo(expected == AlertStatus.RESOLVED ? RECEIVED : null);
    assertThat(e.getFingerprint()).isEqualTo("sentry-issue-1170820242");
  }

  @ParameterizedTest(name = "metric action ''{0}'' status {1} -> {2} {3}")
  @CsvSource({"critical, 20, FIRING, CRITICAL", "warning, 10, FIRING, WARNING", "resolved, 2, RESOLVED, UNKNOWN",
      "'', 20, FIRING, CRITICAL", "'', 10, FIRING, WARNING", "'', 2, RESOLVED, UNKNOWN", "'', 0, RESOLVED, UNKNOWN",
      "'', 7, UNKNOWN, UNKNOWN"})
  void metricAlertActionsAndStatusCodes(String action, int code, AlertStatus status, Severity severity) {
    ObjectNode tree = (ObjectNode) Fixtures.tree("sentry/metric_alert.resolved.docs.json");
    tree.put("action", action);
    ((ObjectNode) tree.get("data").get("metric_alert")).put("status", code);
    AlertEvent e = events(normalize(Fixtures.write(tree), "metric_alert")).get(0);
    assertThat(e.getStatus()).isEqualTo(status);
    assertThat(e.getSeverity()).isEqualTo(severity);
    assertThat(e.getFingerprint()).isEqualTo("sentry-metric-alert-7-4");
  }

  @Test
  void installationAndUnknownResourcesAreNoEvents() {
    String installation = "{\"action\":\"created\",\"installation\":{\"uuid\":\"u\"},\"data\":{\"installation\":{\"uuid\":\"u\"}}}";
    assertThat(events(normalize(installation.getBytes(), "installation"))).isEmpty();
    assertThat(events(normalize(installation.getBytes(), null))).isEmpty();
    String comment = "{\"action\":\"created\",\"data\":{\"comment\":\"hi\",\"issue_id\":1}}";
    assertThat(events(normalize(comment.getBytes(), "comment"))).isEmpty();
    assertThat(events(normalize(comment.getBytes(), null))).isEmpty();
  }

  @Test
  void tagsAsKeyValueObjectsBecomeLabels() {
    ObjectNode tree = (ObjectNode) Fixtures.tree("sentry/error.created.docs.json");
    JsonNode tags = Fixtures.JSON.createArrayNode()
        .add(Fixtures.JSON.createObjectNode().put("key", "environment").put("value", "production"))
        .add(Fixtures.JSON.createObjectNode().put("key", "release").put("value", 12))
        .add(Fixtures.JSON.createArrayNode().add("server_name").add("web-1"))
        .add("not a tag");
    ((ObjectNode) tree.get("data").get("error")).set("tags", tags);

    AlertEvent e = events(normalize(Fixtures.write(tree), "error")).get(0);
    assertThat(e.getLabels()).containsEntry("environment", "production").containsEntry("release", "12")
        .containsEntry("server_name", "web-1");
    assertThat(e.getEnvironment()).isEqualTo("production");
  }

  @ParameterizedTest(name = "[{index}] {2}")
  @CsvSource(delimiter = '|', value = {
      "issue        | []                                        | expected a Sentry webhook JSON object, got an array",
      "issue        | {'action':'created','data':{}}            | data.issue: expected an object, got nothing",
      "issue        | {'action':'created','data':[]}            | data: expected an object, got an array",
      "issue        | {'action':'created','data':{'issue':{}}}  | data.issue.id: missing",
      "issue        | {'action':'created','data':{'issue':{'id':1.5}}} | data.issue.id: expected a string or integer id, got a number",
      "error        | {'action':'created','data':{'error':{}}}  | data.error: neither issue_id nor event_id",
      "metric_alert | {'action':'critical','data':{'metric_alert':{}}} | data.metric_alert: neither alert_rule.id nor id",
      "''           | {'hello':'world'}                         | not a Sentry webhook",
      "''           | <html>                                    | not JSON: Unexpected character ('<'"})
  void unusablePayloadsAreRejected(String resource, String json, String expected) {
    Normalized result = normalize(json.replace('\'', '"').getBytes(), resource.isEmpty() ? null : resource);
    assertThat(reason(result)).startsWith(expected).doesNotContain("\n");
  }
}
