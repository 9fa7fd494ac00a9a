package dev.stormwatch.correlator.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stormwatch.correlator.domain.CorrelatorSettings;
import dev.stormwatch.ingest.normalize.Normalized;
import dev.stormwatch.ingest.normalize.prometheus.PrometheusNormalizer;
import dev.stormwatch.ingest.normalize.prometheus.RecordedAlerts;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 4, item 13: a recorded Alertmanager stream over Online Boutique through the real topology.
 * The file: redis-cart fails at 10:00:00, its dependents follow (one out of order in the file), a
 * garbage line (line 5), then billing (not in the topology) fires at 10:02 and resolves at 10:04.
 */
class BacktestTest {

  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

  /** The decoder the CLI uses: Alertmanager lines through the ingest normalizer. */
  static AlertDecoder prometheus() {
    RecordedAlerts lines = new RecordedAlerts(PrometheusNormalizer.withDefaults());
    return line -> {
      Normalized normalized = lines.decode(line);
      return normalized instanceof Normalized.Events e
          ? new AlertDecoder.Decoded.Events(e.events())
          : new AlertDecoder.Decoded.Rejected(((Normalized.Rejected) normalized).reason());
    };
  }

  private static Path resource(String name) {
    try {
      return Path.of(BacktestTest.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private BacktestReport run(CorrelatorSettings settings, List<Integer> progress) {
    return new Backtest(settings, prometheus()).run(resource("/topologies/online-boutique.json"),
        resource("/backtest/boutique-alerts.jsonl"), progress::add);
  }

  @Test
  void aDependencyFailureAndAnUnrelatedAlertBecomeTwoIncidentsWithEventTimes() {
    List<Integer> progress = new ArrayList<>();
    BacktestReport report = run(CorrelatorSettings.defaults(), progress);

    assertThat(report.summary().lines()).isEqualTo(7);
    assertThat(report.summary().alertsRead()).isEqualTo(6);
    assertThat(report.summary().alertsRejected()).isEqualTo(1);
    assertThat(report.summary().rejected()).singleElement().satisfies(r -> {
      assertThat(r.line()).isEqualTo(5);
      assertThat(r.reason()).startsWith("not JSON");
    });
    assertThat(report.summary().incidents()).isEqualTo(2);
    assertThat(report.incidents()).hasSize(2);

    BacktestReport.IncidentReport boutique = report.incidents().get(0);
    assertThat(boutique.rootCauses().get(0).service()).isEqualTo("redis-cart");
    assertThat(boutique.rootCauses().get(0).rank()).isEqualTo(1);
    assertThat(boutique.rootCauses().get(0).reasons()).isNotEmpty();
    assertThat(boutique.alerts()).extracting(BacktestReport.Member::service)
        .containsExactlyInAnyOrder("redis-cart", "cartservice", "checkoutservice", "frontend");
    assertThat(boutique.alerts()).allSatisfy(m -> {
      assertThat(m.fingerprint()).isNotBlank();
      assertThat(m.labels()).containsKey("alertname");
    });
    assertThat(boutique.firstAlertAt()).isEqualTo(T0.toString());
    assertThat(boutique.escalatedAt()).as("first alert + group-wait").isEqualTo(T0.plusSeconds(30).toString());
    assertThat(boutique.escalations()).first().satisfies(e -> {
      assertThat(e.kind()).isEqualTo("OPENED");
      assertThat(e.at()).isEqualTo(T0.plusSeconds(30).toString());
      assertThat(e.rootCause()).isEqualTo("redis-cart");
    });
    assertThat(boutique.severity()).isEqualTo("CRITICAL");
    assertThat(boutique.resolvedAt()).isNull();

    BacktestReport.IncidentReport billing = report.incidents().get(1);
    assertThat(billing.services()).containsExactly("billing");
    assertThat(billing.escalatedAt()).isEqualTo(T0.plusSeconds(150).toString());
    assertThat(billing.alerts()).singleElement()
        .satisfies(m -> assertThat(m.endsAt()).isEqualTo(T0.plusSeconds(240).toString()));
    assertThat(billing.status()).isEqualTo("RESOLVED");
    assertThat(billing.resolvedAt()).as("resolve + resolve-after")
        .isEqualTo(T0.plusSeconds(240).plus(CorrelatorSettings.DEFAULT_RESOLVE_AFTER).toString());
    assertThat(billing.escalations()).extracting(BacktestReport.EscalationRecord::kind)
        .containsExactly("OPENED", "RESOLVED");

    assertThat(report.summary().escalationsByKind()).containsEntry("OPENED", 2L).containsEntry("RESOLVED", 1L);
    assertThat(report.settings()).containsEntry("group-wait", "PT30S");
    assertThat(progress).endsWith(100).isSorted();
  }

  @Test
  void settingsChangeTheOutcome() {
    CorrelatorSettings longWait = CorrelatorSettings.fromTree(new ObjectMapper().createObjectNode()
        .put("group-wait", "2m"));
    BacktestReport report = run(longWait, new ArrayList<>());
    assertThat(report.incidents().get(0).escalatedAt()).isEqualTo(T0.plusSeconds(120).toString());
  }

  @Test
  void runningTwiceGivesAnIdenticalReport() throws Exception {
    ObjectMapper json = new ObjectMapper();
    String first = json.writeValueAsString(run(CorrelatorSettings.defaults(), new ArrayList<>()));
    String second = json.writeValueAsString(run(CorrelatorSettings.defaults(), new ArrayList<>()));
    assertThat(second).isEqualTo(first);
  }

  @Test
  void aMissingAlertsFileIsAOneLineError() {
    assertThatThrownBy(() -> new Backtest(CorrelatorSettings.defaults(), prometheus())
        .run(resource("/topologies/online-boutique.json"), Path.of("no-such.jsonl"), Backtest.Progress.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("alerts file not found: no-such.jsonl");
  }
}
