package dev.stormwatch.correlator.backtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stormwatch.correlator.domain.CorrelatorSettings;
import dev.stormwatch.correlator.rules.RulesSettings;
import dev.stormwatch.ingest.changes.ChangeNormalized;
import dev.stormwatch.ingest.changes.ChangeNormalizers;
import dev.stormwatch.ingest.changes.RecordedChanges;
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
 *
 * <p>With changes and silences: a storm on 2025-03-04 (productcatalogservice slow from 14:00:00,
 * frontend and checkoutservice failing, cartservice's own alert last at 14:00:09, all resolved at
 * 14:12) with cartservice deployed at 13:55 (boutique-changes.jsonl: that deploy, a bad kind on line
 * 2, a PagerDuty feature flag three hours before, garbage on line 4, a rollback after the onset);
 * and a Saturday maintenance window over billing.
 */
class BacktestTest {

  private static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

  /** The decoder the CLI uses: Alertmanager lines through the ingest normalizer. */
  static AlertDecoder prometheus() {
    RecordedAlerts lines = new RecordedAlerts(PrometheusNormalizer.withDefaults());
    return line -> {
      Normalized normalized = lines.decode(line);
      return normalized instanceof Normalized.Events e
          ? new LineDecoder.Decoded.Values<>(e.events())
          : new LineDecoder.Decoded.Rejected<>(((Normalized.Rejected) normalized).reason());
    };
  }

  /** The change decoder the CLI uses: both change formats through the ingest normalizers. */
  static ChangeDecoder changes() {
    RecordedChanges lines = new RecordedChanges(ChangeNormalizers.withDefaults());
    return line -> {
      ChangeNormalized normalized = lines.decode(line);
      return normalized.rejected().isEmpty()
          ? new LineDecoder.Decoded.Values<>(normalized.changes())
          : new LineDecoder.Decoded.Rejected<>(normalized.rejected().get(0).reason());
    };
  }

  private static Backtest withRules() {
    return new Backtest(CorrelatorSettings.defaults(), RulesSettings.defaults(), prometheus(), changes());
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

  // ---- changes -------------------------------------------------------------------------------

  private static final Instant ONSET = Instant.parse("2025-03-04T14:00:00Z");

  private BacktestReport storm(boolean withChanges) {
    Backtest.Inputs files = Backtest.Inputs.of(resource("/topologies/online-boutique.json"),
        resource("/backtest/boutique-deploy-alerts.jsonl"));
    return withRules().run(withChanges ? files.withChanges(resource("/backtest/boutique-changes.jsonl")) : files,
        Backtest.Progress.NONE);
  }

  @Test
  void aDeployOfTheFailingDependencyFiveMinutesBeforeOnsetIsTheSuspectAndRanksItFirst() {
    BacktestReport report = storm(true);

    assertThat(report.incidents()).as("one storm, one incident").hasSize(1);
    BacktestReport.IncidentReport incident = report.incidents().get(0);
    assertThat(incident.firstAlertAt()).isEqualTo(ONSET.toString());
    assertThat(incident.suspectChanges()).singleElement().satisfies(s -> {
      assertThat(s.changeId()).isEqualTo("deploy-cart-231");
      assertThat(s.service()).isEqualTo("cartservice");
      assertThat(s.kind()).isEqualTo("DEPLOY");
      assertThat(s.version()).isEqualTo("v2.3.1");
      assertThat(s.author()).isEqualTo("alice");
      assertThat(s.link()).isEqualTo("https://ci.example.com/runs/231");
      assertThat(s.time()).isEqualTo("2025-03-04T13:55:00Z");
      assertThat(s.beforeOnset()).isEqualTo("PT5M");
    });
    assertThat(incident.rootCauses().get(0).service()).isEqualTo("cartservice");
    assertThat(incident.rootCauses().get(0).reasons())
        .anySatisfy(r -> assertThat(r).contains("v2.3.1").contains("5m before onset"))
        .contains("ranked above productcatalogservice for the recent change");
    assertThat(incident.rootCauses().get(1).service()).isEqualTo("productcatalogservice");
    assertThat(incident.escalations()).first().satisfies(e -> {
      assertThat(e.kind()).isEqualTo("OPENED");
      assertThat(e.at()).isEqualTo(ONSET.plusSeconds(30).toString());
      assertThat(e.rootCause()).as("the deploy was known before the page").isEqualTo("cartservice");
    });
    assertThat(incident.paged()).isTrue();
    assertThat(incident.notPagedBecause()).isNull();
    assertThat(incident.status()).isEqualTo("RESOLVED");

    assertThat(report.summary().changesRead()).as("the deploy, the PagerDuty flag and the rollback").isEqualTo(3);
    assertThat(report.summary().changesSuspected()).isEqualTo(1);
    assertThat(report.summary().firstEventAt()).as("the flag, three hours before").isEqualTo("2025-03-04T11:00:00Z");
  }

  @Test
  void withoutTheChangesTheEarliestAlertingServiceRanksFirst() {
    BacktestReport report = storm(false);

    BacktestReport.IncidentReport incident = report.incidents().get(0);
    assertThat(incident.rootCauses().get(0).service()).isEqualTo("productcatalogservice");
    assertThat(incident.suspectChanges()).isEmpty();
    assertThat(report.summary().changeLines()).isZero();
    assertThat(report.summary().changesRead()).isZero();
    assertThat(report.summary().changesSuspected()).isZero();
  }

  @Test
  void badChangeLinesAreRejectedWithTheirNumbersAndTheRestReplays() {
    BacktestReport report = storm(true);

    assertThat(report.summary().changeLines()).as("non-blank lines").isEqualTo(5);
    assertThat(report.summary().changesRejected()).isEqualTo(2);
    assertThat(report.summary().rejectedChanges()).extracting(BacktestReport.Rejection::line).containsExactly(2L, 4L);
    assertThat(report.summary().rejectedChanges().get(0).reason()).startsWith("kind: 'migration' is not one of");
    assertThat(report.summary().rejectedChanges().get(1).reason()).startsWith("not JSON");
    assertThat(report.summary().alertsRejected()).isZero();
    assertThat(report.incidents().get(0).suspectChanges()).extracting(BacktestReport.Suspect::changeId)
        .containsExactly("deploy-cart-231");
  }

  @Test
  void aChangeFileNeedsAChangeDecoder() {
    assertThatThrownBy(() -> new Backtest(CorrelatorSettings.defaults(), prometheus()).run(
        Backtest.Inputs.of(resource("/topologies/online-boutique.json"), resource("/backtest/boutique-alerts.jsonl"))
            .withChanges(resource("/backtest/boutique-changes.jsonl")), Backtest.Progress.NONE))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aMissingChangesFileIsAOneLineError() {
    assertThatThrownBy(() -> withRules().run(Backtest.Inputs.of(resource("/topologies/online-boutique.json"),
        resource("/backtest/boutique-alerts.jsonl")).withChanges(Path.of("no-changes.jsonl")), Backtest.Progress.NONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("changes file not found: no-changes.jsonl");
  }

  // ---- silences ------------------------------------------------------------------------------

  private BacktestReport withSilences(String file) {
    return withRules().run(Backtest.Inputs.of(resource("/topologies/online-boutique.json"),
        resource("/backtest/boutique-alerts.jsonl")).withSilences(resource(file)), Backtest.Progress.NONE);
  }

  @Test
  void aMaintenanceWindowOverAServiceKeepsItsIncidentFromEverPaging() {
    BacktestReport report = withSilences("/backtest/maintenance-silences.json");

    assertThat(report.summary().silences()).isEqualTo(2);
    assertThat(report.incidents()).hasSize(2);
    BacktestReport.IncidentReport boutique = report.incidents().get(0);
    assertThat(boutique.escalatedAt()).as("not silenced").isEqualTo(T0.plusSeconds(30).toString());
    assertThat(boutique.paged()).isTrue();
    assertThat(boutique.suppressed()).isFalse();

    BacktestReport.IncidentReport billing = report.incidents().get(1);
    assertThat(billing.services()).containsExactly("billing");
    assertThat(billing.status()).isEqualTo("RESOLVED");
    assertThat(billing.escalatedAt()).isNull();
    assertThat(billing.escalations()).as("no OPENED, so no RESOLVED either").isEmpty();
    assertThat(billing.paged()).isFalse();
    assertThat(billing.suppressed()).isTrue();
    assertThat(billing.notPagedBecause()).isEqualTo("silenced");
    assertThat(billing.alerts()).singleElement().satisfies(m -> {
      assertThat(m.suppressed()).isTrue();
      assertThat(m.suppressedBy()).isEqualTo("silence:billing-disk-maintenance");
    });
    assertThat(report.summary().unpagedIncidents()).isEqualTo(1);
    assertThat(report.summary().escalationsByKind()).containsEntry("OPENED", 1L).containsEntry("RESOLVED", 0L);
  }

  @Test
  void anIncidentMutedByASilenceThatEndsWhileItFiresPagesWhenTheSilenceEnds() {
    BacktestReport report = withSilences("/backtest/silence-ends-mid-incident.jsonl");

    assertThat(report.summary().silences()).isEqualTo(1);
    BacktestReport.IncidentReport billing = report.incidents().get(1);
    assertThat(billing.escalatedAt()).as("at the silence's end, not at the next recorded alert (10:04)")
        .isEqualTo("2025-03-01T10:03:00Z");
    assertThat(billing.paged()).isTrue();
    assertThat(billing.escalations()).extracting(BacktestReport.EscalationRecord::kind)
        .containsExactly("OPENED", "RESOLVED");
  }

  @Test
  void aSilenceWithADurationButNoStartIsAOneLineError() {
    Path file = resource("/backtest/silence-duration-without-start.json");
    assertThatThrownBy(() -> withSilences("/backtest/silence-duration-without-start.json"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("silences file " + file + ", entry 2 (line 3): a silence with a duration needs a "
            + "startsAt")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void theSameInputsWithChangesAndSilencesGiveAnIdenticalReport() throws Exception {
    ObjectMapper json = new ObjectMapper();
    Backtest.Inputs files = Backtest.Inputs.of(resource("/topologies/online-boutique.json"),
        resource("/backtest/boutique-deploy-alerts.jsonl")).withChanges(resource("/backtest/boutique-changes.jsonl"))
        .withSilences(resource("/backtest/maintenance-silences.json"));
    String first = json.writeValueAsString(withRules().run(files, Backtest.Progress.NONE));
    String second = json.writeValueAsString(withRules().run(files, Backtest.Progress.NONE));
    assertThat(second).isEqualTo(first);
  }
}
