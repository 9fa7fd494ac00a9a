package dev.stormwatch.ingest.normalize.prometheus;

import static dev.stormwatch.ingest.normalize.Fixtures.events;
import static dev.stormwatch.ingest.normalize.Fixtures.format;
import static dev.stormwatch.ingest.normalize.Fixtures.reason;
import static dev.stormwatch.ingest.normalize.Fixtures.record;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.AlertStatus;
import dev.stormwatch.avro.Link;
import dev.stormwatch.avro.LinkKind;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.ingest.normalize.NormalizeConfig;
import dev.stormwatch.ingest.raw.RawHeaders;
import dev.stormwatch.ingest.raw.RawRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Mapping rules and rejections of {@link PrometheusNormalizer}, on small hand-written payloads. */
class PrometheusNormalizerTest {

  static final Instant NOW = Instant.parse("2026-11-27T15:00:00Z");
  final PrometheusNormalizer normalizer = PrometheusNormalizer.withDefaults();

  static RawRecord body(String json) {
    return record("alerts.raw.prometheus", json.replace('\'', '"').getBytes(StandardCharsets.UTF_8), NOW);
  }

  AlertEvent one(String json) {
    List<AlertEvent> events = events(normalizer.normalize(body(json)));
    assertThat(events).hasSize(1);
    return events.get(0);
  }

  @ParameterizedTest(name = "endsAt {0} -> {1}")
  @CsvSource({
      "'0001-01-01T00:00:00Z', FIRING",
      "'2026-11-27T15:04:00Z', FIRING",
      "'2026-11-27T15:00:00Z', RESOLVED",
      "'2026-11-27T14:59:59.999Z', RESOLVED",
      "'2026-11-27T15:59:59.5+01:00', RESOLVED",
      "'2026-11-27T16:00:00.000000001+01:00', FIRING"})
  void statusWithoutAStatusFieldFollowsEndsAtAgainstTheReceiveTime(String endsAt, AlertStatus expected) {
    AlertEvent e = one("[{'labels':{'alertname':'A'},'startsAt':'2026-11-27T14:00:00Z','endsAt':'" + endsAt + "'}]");
    assertThat(e.getStatus()).isEqualTo(expected);
  }

  @Test
  void absentTimesMeanFiringSinceReceipt() {
    AlertEvent e = one("[{'labels':{'alertname':'A'}}]");
    assertThat(e.getStatus()).isEqualTo(AlertStatus.FIRING);
    assertThat(e.getStartsAt()).isEqualTo(NOW);
    assertThat(e.getEndsAt()).isNull();
  }

  @Test
  void explicitStatusWinsOverEndsAtAndUnknownStatusFallsBackToIt() {
    assertThat(one("[{'status':'resolved','labels':{'a':'b'},'endsAt':'0001-01-01T00:00:00Z'}]").getStatus())
        .isEqualTo(AlertStatus.RESOLVED);
    assertThat(one("[{'status':'resolved','labels':{'a':'b'}}]").getEndsAt()).as("resolved now").isEqualTo(NOW);
    assertThat(one("[{'status':'pending','labels':{'a':'b'},'endsAt':'2026-11-27T14:00:00Z'}]").getStatus())
        .isEqualTo(AlertStatus.RESOLVED);
  }

  @Test
  void timestampsWithOffsetsAndAnyFractionAreTheSameInstant() {
    AlertEvent e = one("[{'labels':{'a':'b'},'startsAt':'2026-11-27T16:07:54.88912+01:00'}]");
    assertThat(e.getStartsAt()).isEqualTo(Instant.parse("2026-11-27T15:07:54.889Z"));
  }

  @Test
  void annotationsGiveSummaryDescriptionAndLinks() {
    AlertEvent e = one("[{'labels':{'alertname':'A','env':'staging','app':'Checkout'},'annotations':{"
        + "'message':'m','runbook':'https://wiki/rb','dashboard_url':'https://grafana/d/1','grafana_url':'https://grafana/d/1',"
        + "'dashboard':'see the board'},'generatorURL':'http://prom/graph'}]");
    assertThat(e.getSummary()).isEqualTo("m");
    assertThat(e.getDescription()).isNull();
    assertThat(e.getEnvironment()).isEqualTo("staging");
    assertThat(e.getService()).isEqualTo("checkout");
    assertThat(e.getLinks()).containsExactly(
        new Link(LinkKind.GENERATOR, "http://prom/graph", "Prometheus rule"),
        new Link(LinkKind.RUNBOOK, "https://wiki/rb", "Runbook"),
        new Link(LinkKind.DASHBOARD, "https://grafana/d/1", "Dashboard"));

    AlertEvent both = one("[{'labels':{'a':'b'},'annotations':{'summary':'s','message':'m'}}]");
    assertThat(both.getSummary()).isEqualTo("s");
    assertThat(both.getDescription()).isEqualTo("m");
  }

  @Test
  void alertWithoutAlertnameOrServiceStillNormalizes() {
    AlertEvent e = one("[{'labels':{'instance':'h:1'}}]");
    assertThat(e.getName()).isEqualTo(PrometheusNormalizer.UNNAMED);
    assertThat(e.getService()).isEqualTo("unknown");
    assertThat(e.getFingerprint()).isEqualTo(LabelSetFingerprint.of(Map.of("instance", "h:1")));
  }

  @Test
  void emptyLabelValuesAreDroppedAsAlertmanagerDoes() {
    AlertEvent e = one("[{'labels':{'alertname':'CurlProbe','service':'x','team':''}}]");
    assertThat(e.getLabels()).containsOnlyKeys("alertname", "service");
    assertThat(e.getFingerprint()).isEqualTo("e38555bb860f2b7b");
  }

  @Test
  void severityGoesThroughTheScalesWithAConfigurableDefault() {
    assertThat(one("[{'labels':{'severity':'page'}}]").getSeverity()).isEqualTo(Severity.CRITICAL);
    assertThat(one("[{'labels':{'severity':'Warning '}}]").getSeverity()).isEqualTo(Severity.WARNING);
    assertThat(one("[{'labels':{'severity':'whatever'}}]").getSeverity()).isEqualTo(Severity.UNKNOWN);

    NormalizeConfig config = NormalizeConfig.fromMap(Map.of("severity", Map.of("default", "WARNING"),
        "scales", Map.of("severity", Map.of("prometheus", Map.of("whatever", "HIGH")))));
    PrometheusNormalizer configured = new PrometheusNormalizer(config);
    assertThat(events(configured.normalize(body("[{'labels':{'severity':'whatever'}}]"))).get(0).getSeverity())
        .isEqualTo(Severity.HIGH);
    assertThat(events(configured.normalize(body("[{'labels':{'a':'b'}}]"))).get(0).getSeverity())
        .isEqualTo(Severity.WARNING);
  }

  @Test
  void originIsSetOnlyForRecordsReadFromKafka() {
    RawRecord outside = RawRecord.of("alerts.raw.prometheus", "[{\"labels\":{\"a\":\"b\"}}]".getBytes(StandardCharsets.UTF_8),
        Map.of(RawHeaders.RECEIVED_AT, "1764255600000"), 1L);
    AlertEvent e = events(normalizer.normalize(outside)).get(0);
    assertThat(e.getOrigin()).isNull();
    assertThat(e.getObservedAt()).as("the gateway's receive-time header wins").isEqualTo(Instant.ofEpochMilli(1764255600000L));
  }

  @Test
  void emptyBatchIsNoEvents() {
    assertThat(events(normalizer.normalize(body("[]")))).isEmpty();
    assertThat(events(normalizer.normalize(body("{'version':'4','alerts':[],'truncatedAlerts':0}")))).isEmpty();
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @CsvSource(delimiter = '|', value = {
      "''                                                        | empty body",
      "'<html>'                                                  | not JSON: Unexpected character ('<' (code 60)): expected a valid value",
      "'[] []'                                                   | not JSON: Trailing token (of type START_ARRAY) found after value",
      "'42'                                                      | neither a Prometheus alerts array nor an Alertmanager webhook object with 'alerts': got a number",
      "{'labels':{'a':'b'}}                                      | neither a Prometheus alerts array nor an Alertmanager webhook object with 'alerts': got an object",
      "[{'annotations':{}}]                                      | [0].labels: missing",
      "[{'labels':{}}]                                           | [0].labels: at least one label pair required",
      "[{'labels':{'a':''}}]                                     | [0].labels: at least one label pair required",
      "[{'labels':[]}]                                           | [0].labels: expected an object of strings, got an array",
      "[{'labels':{'a':1}}]                                      | [0].labels.a: expected a string, got a number",
      "[{'labels':{'a':'b'},'annotations':{'x':{}}}]             | [0].annotations.x: expected a string, got an object",
      "[{'labels':{'a':'b'},'startsAt':'yesterday'}]             | [0].startsAt: not an RFC 3339 timestamp: 'yesterday'",
      "[{'labels':{'a':'b'},'startsAt':'2026-11-27 15:00:00Z'}]  | [0].startsAt: not an RFC 3339 timestamp: '2026-11-27 15:00:00Z'",
      "[{'labels':{'a':'b'},'startsAt':'2026-02-30T15:00:00Z'}]  | [0].startsAt: not a valid date-time: '2026-02-30T15:00:00Z'",
      "[{'labels':{'a':'b'},'endsAt':'+999999999-12-31T23:59:59Z'}] | [0].endsAt: not an RFC 3339 timestamp: '+999999999-12-31T23:59:59Z'",
      "[{'labels':{'a':'b'},'startsAt':'2026-11-27T15:00:00Z','endsAt':'2026-11-27T14:00:00Z'}] | [0]: endsAt 2026-11-27T14:00:00Z is before startsAt 2026-11-27T15:00:00Z",
      "[{'labels':{'a':'b'}},7]                                  | [1]: expected an alert object, got a number",
      "{'version':'5','alerts':[]}                               | unsupported Alertmanager webhook version '5' (only 4 is known)",
      "{'alerts':{}}                                             | alerts: expected an array, got an object",
      "{'alerts':[],'truncatedAlerts':2}                         | webhook has no alerts but says 2 were truncated",
      "{'alerts':[],'truncatedAlerts':-1}                        | truncatedAlerts: expected a non-negative integer, got -1",
      "{'alerts':[{'status':'firing','labels':{'a':'b'}},{'status':'firing'}]} | alerts[1].labels: missing"})
  void badPayloadsAreRejectedWholeWithAOneLineReason(String json, String expected) {
    assertThat(reason(normalizer.normalize(body(json)))).startsWith(expected).doesNotContain("\n");
  }

  @Test
  void unknownFormatHeaderIsRejected() {
    RawRecord raw = record("alerts.raw.prometheus", "[]".getBytes(StandardCharsets.UTF_8), NOW,
        format(RawHeaders.FORMAT_SENTRY));
    assertThat(reason(normalizer.normalize(raw)))
        .isEqualTo("format header 'sentry-webhook' is not prometheus-api-v2 or alertmanager-webhook-v4");
  }
}
