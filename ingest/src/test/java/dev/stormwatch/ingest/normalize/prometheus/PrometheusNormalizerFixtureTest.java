package dev.stormwatch.ingest.normalize.prometheus;

import static dev.stormwatch.ingest.normalize.Fixtures.bytes;
import static dev.stormwatch.ingest.normalize.Fixtures.events;
import static dev.stormwatch.ingest.normalize.Fixtures.format;
import static dev.stormwatch.ingest.normalize.Fixtures.reason;
import static dev.stormwatch.ingest.normalize.Fixtures.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

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
import dev.stormwatch.ingest.normalize.Normalized;
import dev.stormwatch.ingest.raw.RawHeaders;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every capture in {@code fixtures/prometheus} (Prometheus 2.42.0 and Alertmanager 0.25.0 from
 * Debian 12) normalizes to the events it stands for.
 */
class PrometheusNormalizerFixtureTest {

  static final String TOPIC = "alerts.raw.prometheus";
  static final String DIR = "prometheus/";
  static final String FP_ALWAYS_FIRING = "584730f35ab98b6e";
  static final String FP_DB1 = "d34b4e1048276985";
  static final String FP_DB2 = "be442a564e02b0a8";
  static final String FP_DB3 = "964ba2dc8d4b20db";
  static final Instant STARTS = Instant.parse("2026-11-27T15:07:54.889Z");
  static final Instant RECEIVED = Instant.parse("2026-11-27T15:10:30Z");
  static final String GENERATOR_ALWAYS_FIRING = "http://example.local:19090/graph?g0.expr=vector%281%29&g0.tab=1";

  final PrometheusNormalizer normalizer = PrometheusNormalizer.withDefaults();

  List<AlertEvent> normalize(String file, Instant receivedAt) {
    return events(normalizer.normalize(record(TOPIC, bytes(DIR + file), receivedAt)));
  }

  @Test
  void prometheusBatchOfFourFiringAlertsGetsAlertmanagersFingerprints() {
    // Sent at about 15:08:55 (endsAt = last evaluation + 4 min = 15:12:55.889, in the future).
    List<AlertEvent> events = normalize("prometheus-to-alertmanager-v2-alerts.json", Instant.parse("2026-11-27T15:08:56Z"));

    assertThat(events).extracting(AlertEvent::getFingerprint, AlertEvent::getName, AlertEvent::getService,
            AlertEvent::getSeverity, AlertEvent::getStatus)
        .containsExactly(
            tuple(FP_ALWAYS_FIRING, "ProbeAlwaysFiring", "checkout", Severity.CRITICAL, AlertStatus.FIRING),
            tuple(FP_DB2, "ProbeMultiInstance", "database", Severity.WARNING, AlertStatus.FIRING),
            tuple(FP_DB3, "ProbeMultiInstance", "database", Severity.WARNING, AlertStatus.FIRING),
            tuple(FP_DB1, "ProbeMultiInstance", "database", Severity.WARNING, AlertStatus.FIRING));
    assertThat(events).allSatisfy(e -> {
      assertThat(e.getSource()).isEqualTo(AlertSource.PROMETHEUS);
      assertThat(e.getSourceFormat()).isEqualTo(RawHeaders.FORMAT_PROMETHEUS_API);
      assertThat(e.getStartsAt()).isEqualTo(STARTS);
      assertThat(e.getEndsAt()).isEqualTo(Instant.parse("2026-11-27T15:12:55.889Z"));
      assertThat(e.getObservedAt()).isEqualTo(Instant.parse("2026-11-27T15:08:56Z"));
      assertThat(e.getLabels()).containsEntry("cluster", "probe-cluster");
      assertThat(e.getEnvironment()).isNull();
      assertThat(e.getOrigin()).isEqualTo(new RecordRef(TOPIC, 3, 42L));
    });
    AlertEvent first = events.get(0);
    assertThat(first.getSummary()).isEqualTo("Probe alert that always fires");
    assertThat(first.getDescription()).isEqualTo("vector(1) is 1");
    assertThat(first.getLinks()).containsExactly(
        new Link(LinkKind.GENERATOR, GENERATOR_ALWAYS_FIRING, "Prometheus rule"),
        new Link(LinkKind.RUNBOOK, "https://runbooks.example.local/probe", "Runbook"));
    assertThat(events.get(1).getSummary()).isEqualTo("Instance db-2:9100 has value 2");
    assertThat(events.get(1).getDescription()).isNull();
    assertThat(events.get(1).getLinks()).extracting(Link::getKind).containsExactly(LinkKind.GENERATOR);
  }

  @Test
  void prometheusBatchIsResolvedOnceItsEndsAtHasPassed() {
    List<AlertEvent> firingLater = normalize("prometheus-to-alertmanager-v2-alerts.json", Instant.parse("2026-11-27T15:13:00Z"));
    assertThat(firingLater).extracting(AlertEvent::getStatus).containsOnly(AlertStatus.RESOLVED);

    List<AlertEvent> resolved = normalize("prometheus-to-alertmanager-v2-alerts-resolved.json", Instant.parse("2026-11-27T15:09:10Z"));
    assertThat(resolved).extracting(AlertEvent::getFingerprint, AlertEvent::getStatus, AlertEvent::getEndsAt)
        .containsExactly(
            tuple(FP_ALWAYS_FIRING, AlertStatus.RESOLVED, Instant.parse("2026-11-27T15:09:08.889Z")),
            tuple(FP_DB3, AlertStatus.RESOLVED, Instant.parse("2026-11-27T15:09:08.889Z")));
  }

  @Test
  void webhookWithOneFiringAlert() {
    List<AlertEvent> events = normalize("alertmanager-webhook-firing.json", RECEIVED);

    assertThat(events).hasSize(1);
    AlertEvent e = events.get(0);
    assertThat(e.getFingerprint()).isEqualTo(FP_ALWAYS_FIRING);
    assertThat(e.getSource()).isEqualTo(AlertSource.ALERTMANAGER);
    assertThat(e.getSourceFormat()).isEqualTo(RawHeaders.FORMAT_ALERTMANAGER_WEBHOOK);
    assertThat(e.getName()).isEqualTo("ProbeAlwaysFiring");
    assertThat(e.getService()).isEqualTo("checkout");
    assertThat(e.getSeverity()).isEqualTo(Severity.CRITICAL);
    assertThat(e.getStatus()).isEqualTo(AlertStatus.FIRING);
    assertThat(e.getStartsAt()).isEqualTo(STARTS);
    assertThat(e.getEndsAt()).as("Go's zero time means open-ended").isNull();
    assertThat(e.getLabels()).containsExactlyInAnyOrderEntriesOf(Map.of("alertname", "ProbeAlwaysFiring",
        "cluster", "probe-cluster", "service", "checkout", "severity", "critical"));
    assertThat(e.getAnnotations()).containsOnlyKeys("description", "runbook_url", "summary");
    assertThat(e.getLinks()).containsExactly(
        new Link(LinkKind.GENERATOR, GENERATOR_ALWAYS_FIRING, "Prometheus rule"),
        new Link(LinkKind.RUNBOOK, "https://runbooks.example.local/probe", "Runbook"));
    assertThat(e.getOccurrences()).isEqualTo(1L);
  }

  @Test
  void webhookWithOneResolvedAlert() {
    List<AlertEvent> events = normalize("alertmanager-webhook-resolved.json", RECEIVED);

    assertThat(events).extracting(AlertEvent::getFingerprint, AlertEvent::getStatus, AlertEvent::getEndsAt)
        .containsExactly(tuple(FP_ALWAYS_FIRING, AlertStatus.RESOLVED, Instant.parse("2026-11-27T15:09:08.889Z")));
    assertThat(events.get(0).getLinks().get(0).getUrl()).endsWith("vector%281%29+%3C+0&g0.tab=1");
  }

  @Test
  void groupedWebhookGivesOneEventPerAlert() {
    List<AlertEvent> events = normalize("alertmanager-webhook-grouped.json", RECEIVED);

    assertThat(events).extracting(AlertEvent::getFingerprint, e -> e.getLabels().get("instance"), AlertEvent::getStatus,
            AlertEvent::getSummary)
        .containsExactly(
            tuple(FP_DB1, "db-1:9100", AlertStatus.FIRING, "Instance db-1:9100 has value 1"),
            tuple(FP_DB2, "db-2:9100", AlertStatus.FIRING, "Instance db-2:9100 has value 2"),
            tuple(FP_DB3, "db-3:9100", AlertStatus.FIRING, "Instance db-3:9100 has value 3"));
    assertThat(events).allSatisfy(e -> {
      assertThat(e.getService()).isEqualTo("database");
      assertThat(e.getSeverity()).isEqualTo(Severity.WARNING);
      assertThat(e.getEndsAt()).isNull();
    });
  }

  @Test
  void mixedGroupKeepsEachAlertsOwnStatus() {
    List<AlertEvent> events = normalize("alertmanager-webhook-grouped-mixed.json", RECEIVED);

    assertThat(events).extracting(AlertEvent::getFingerprint, AlertEvent::getStatus, AlertEvent::getEndsAt)
        .containsExactly(
            tuple(FP_DB1, AlertStatus.FIRING, null),
            tuple(FP_DB2, AlertStatus.FIRING, null),
            tuple(FP_DB3, AlertStatus.RESOLVED, Instant.parse("2026-11-27T15:09:08.889Z")));
  }

  @Test
  void fullyResolvedGroup() {
    List<AlertEvent> events = normalize("alertmanager-webhook-grouped-resolved.json", RECEIVED);

    assertThat(events).extracting(AlertEvent::getFingerprint, AlertEvent::getStatus, AlertEvent::getEndsAt)
        .containsExactly(
            tuple(FP_DB1, AlertStatus.RESOLVED, Instant.parse("2026-11-27T15:10:28.889Z")),
            tuple(FP_DB2, AlertStatus.RESOLVED, Instant.parse("2026-11-27T15:10:28.889Z")));
  }

  @Test
  void alertPostedWithOnlyLabelsHasNanosecondStartAndNoLinks() {
    List<AlertEvent> events = normalize("alertmanager-webhook-firing-api-posted.json", RECEIVED);

    assertThat(events).hasSize(1);
    AlertEvent e = events.get(0);
    assertThat(e.getFingerprint()).isEqualTo("e38555bb860f2b7b");
    assertThat(e.getName()).isEqualTo("CurlProbe");
    assertThat(e.getService()).isEqualTo("x");
    assertThat(e.getSeverity()).as("no severity label: the configured default").isEqualTo(Severity.UNKNOWN);
    assertThat(e.getStartsAt()).as("9 fractional digits, truncated to millis")
        .isEqualTo(Instant.parse("2026-11-27T15:11:54.726Z"));
    assertThat(e.getLinks()).as("generatorURL is empty").isEmpty();
    assertThat(e.getSummary()).isNull();
    assertThat(e.getAnnotations()).isEmpty();
  }

  @Test
  void truncatedWebhookKeepsWhatCameAndSaysHowManyWereLeftOut() {
    Normalized result = normalizer.normalize(record(TOPIC, bytes(DIR + "alertmanager-webhook-truncated.json"), RECEIVED));
    List<AlertEvent> events = events(result);

    assertThat(events).extracting(AlertEvent::getFingerprint, e -> e.getLabels().get("instance"))
        .containsExactly(tuple("a82389cd1af7ec2b", "node-1:9100"), tuple("a01785ced1dcf0ba", "node-2:9100"));
    assertThat(events).allSatisfy(e -> {
      assertThat(e.getAnnotations()).containsEntry(PrometheusNormalizer.TRUNCATED_ALERTS_ANNOTATION, "3");
      assertThat(e.getStartsAt()).as("no fractional digits").isEqualTo(Instant.parse("2026-11-27T15:12:06Z"));
      assertThat(e.getService()).isEqualTo("storage");
      assertThat(e.getSeverity()).isEqualTo(Severity.CRITICAL);
      assertThat(e.getLinks()).containsExactly(
          new Link(LinkKind.GENERATOR, "http://prometheus.example.local:9090/graph?g0.expr=disk", "Prometheus rule"));
    });
    assertThat(PrometheusNormalizer.truncatedAlerts(result)).isEqualTo(3);
    assertThat(PrometheusNormalizer.truncatedAlerts(
        normalizer.normalize(record(TOPIC, bytes(DIR + "alertmanager-webhook-firing.json"), RECEIVED)))).isZero();
  }

  @Test
  void alertmanagersOwnGetResponseReadsAsAnAlertsArrayWithGivenFingerprints() {
    // Not a request body, but an array of alerts with labels: status is an object there and is ignored.
    List<AlertEvent> atResponse = normalize("alertmanager-v2-alerts-get-response.json", Instant.parse("2026-11-27T15:11:59Z"));
    assertThat(atResponse).extracting(AlertEvent::getFingerprint, AlertEvent::getSource, AlertEvent::getStatus)
        .containsExactly(tuple("e38555bb860f2b7b", AlertSource.PROMETHEUS, AlertStatus.FIRING));

    List<AlertEvent> afterEnd = normalize("alertmanager-v2-alerts-get-response.json", Instant.parse("2026-11-27T15:17:00Z"));
    assertThat(afterEnd).extracting(AlertEvent::getStatus).containsExactly(AlertStatus.RESOLVED);
  }

  @Test
  void docsTemplateIsNotJsonAndIsRejected() {
    Normalized result = normalizer.normalize(record(TOPIC, bytes(DIR + "alertmanager-webhook-docs-example.json.txt"),
        RECEIVED, format(RawHeaders.FORMAT_ALERTMANAGER_WEBHOOK)));

    assertThat(reason(result)).startsWith("not JSON: Unexpected character ('<'").endsWith("at 3:15");
    assertThat(((Normalized.Rejected) result).cause()).isNotNull();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "alertmanager-v2-alerts-get-response.json", "alertmanager-webhook-firing-api-posted.json",
      "alertmanager-webhook-firing.json", "alertmanager-webhook-grouped-mixed.json",
      "alertmanager-webhook-grouped-resolved.json", "alertmanager-webhook-grouped.json",
      "alertmanager-webhook-resolved.json", "alertmanager-webhook-truncated.json",
      "prometheus-to-alertmanager-v2-alerts-resolved.json", "prometheus-to-alertmanager-v2-alerts.json"})
  void wireBytesNormalizeLikeThePrettyPrintedCopy(String file) {
    assertThat(normalize("raw/" + file, RECEIVED)).isNotEmpty().isEqualTo(normalize(file, RECEIVED));
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "alertmanager-webhook-firing-api-posted.json", "alertmanager-webhook-firing.json",
      "alertmanager-webhook-grouped-mixed.json", "alertmanager-webhook-grouped-resolved.json",
      "alertmanager-webhook-grouped.json", "alertmanager-webhook-resolved.json", "alertmanager-webhook-truncated.json",
      "alertmanager-v2-alerts-get-response.json"})
  void computedFingerprintEqualsAlertmanagersForEveryAlert(String file) {
    JsonNode tree = Fixtures.tree(DIR + file);
    JsonNode alerts = tree.isArray() ? tree : tree.get("alerts");
    for (JsonNode alert : alerts) {
      Map<String, String> labels = Fixtures.JSON.convertValue(alert.get("labels"),
          Fixtures.JSON.getTypeFactory().constructMapType(Map.class, String.class, String.class));
      assertThat(LabelSetFingerprint.of(labels)).as(labels.toString()).isEqualTo(alert.get("fingerprint").textValue());
      ((ObjectNode) alert).remove("fingerprint");
    }
    // And without the fingerprint field, the normalizer computes the same ones.
    List<AlertEvent> computed = events(normalizer.normalize(record(TOPIC, Fixtures.write(tree), RECEIVED)));
    assertThat(computed).extracting(AlertEvent::getFingerprint)
        .containsExactlyElementsOf(normalize(file, RECEIVED).stream().map(AlertEvent::getFingerprint).toList());
  }

  @Test
  void formatHeaderGivesTheSameEventsAsShapeRecognition() {
    assertThat(events(normalizer.normalize(record(TOPIC, bytes(DIR + "alertmanager-webhook-grouped.json"), RECEIVED,
        format(RawHeaders.FORMAT_ALERTMANAGER_WEBHOOK))))).isEqualTo(normalize("alertmanager-webhook-grouped.json", RECEIVED));
    assertThat(events(normalizer.normalize(record(TOPIC, bytes(DIR + "prometheus-to-alertmanager-v2-alerts.json"), RECEIVED,
        format(RawHeaders.FORMAT_PROMETHEUS_API))))).isEqualTo(normalize("prometheus-to-alertmanager-v2-alerts.json", RECEIVED));
  }

  @Test
  void formatHeaderThatContradictsTheBodyIsRejected() {
    assertThat(reason(normalizer.normalize(record(TOPIC, bytes(DIR + "alertmanager-webhook-grouped.json"), RECEIVED,
        format(RawHeaders.FORMAT_PROMETHEUS_API)))))
        .isEqualTo("format prometheus-api-v2 needs a JSON array of alerts, got an object");
    assertThat(reason(normalizer.normalize(record(TOPIC, bytes(DIR + "prometheus-to-alertmanager-v2-alerts.json"), RECEIVED,
        format(RawHeaders.FORMAT_ALERTMANAGER_WEBHOOK)))))
        .isEqualTo("format alertmanager-webhook-v4 needs a JSON object, got an array");
  }
}
