package dev.stormwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code stormwatch backtest}: no broker, the real topology, files in and a report out. */
class BacktestCommandTest {

  private static final Path ONLINE_BOUTIQUE = Path.of("../correlator/src/test/resources/topologies/online-boutique.json");
  private static final Path ALERTS = Path.of("../correlator/src/test/resources/backtest/boutique-alerts.jsonl");
  private static final Path STORM = Path.of("../correlator/src/test/resources/backtest/boutique-deploy-alerts.jsonl");
  private static final Path CHANGES = Path.of("../correlator/src/test/resources/backtest/boutique-changes.jsonl");
  private static final Path MAINTENANCE = Path.of("../correlator/src/test/resources/backtest/maintenance-silences.json");
  private static final Path NO_START = Path.of(
      "../correlator/src/test/resources/backtest/silence-duration-without-start.json");

  @TempDir Path dir;

  @Test
  void writesTheReportAndPrintsASummary() throws Exception {
    Path config = dir.resolve("stormwatch.yaml");
    Files.writeString(config, "correlator:\n  group-wait: 45s\n");
    Path report = dir.resolve("out/report.json");

    CliRun run = CliRun.run("backtest", "--topology", ONLINE_BOUTIQUE.toString(), "--alerts", ALERTS.toString(),
        "--config", config.toString(), "--out", report.toString());

    assertThat(run.exit()).as(run.toString()).isZero();
    JsonNode json = new ObjectMapper().readTree(report.toFile());
    assertThat(json.path("settings").path("group-wait").asText()).isEqualTo("PT45S");
    assertThat(json.path("summary").path("incidents").asInt()).isEqualTo(2);
    assertThat(json.path("summary").path("alertsRejected").asInt()).isEqualTo(1);
    assertThat(json.path("incidents").get(0).path("rootCauses").get(0).path("service").asText())
        .isEqualTo("redis-cart");
    assertThat(json.path("incidents").get(0).path("escalatedAt").asText()).isEqualTo("2025-03-01T10:00:45Z");
    assertThat(run.out()).contains("6 alerts replayed, 1 lines rejected, 2 incidents")
        .containsPattern("(?m)^inc-\\S+ +OPEN +CRITICAL +4 +2025-03-01T10:00:45Z +redis-cart +-$")
        .contains("rejected line 5: not JSON");
    assertThat(run.err()).contains("\rreplaying alerts: 100%");
  }

  @Test
  void aMissingAlertsFileIsOneLineAndNonZero() {
    CliRun run = CliRun.run("backtest", "--topology", ONLINE_BOUTIQUE.toString(), "--alerts",
        dir.resolve("missing.jsonl").toString(), "--out", dir.resolve("report.json").toString());
    assertThat(run.exit()).isNotZero();
    assertThat(run.err()).isEqualTo("stormwatch: alerts file not found: " + dir.resolve("missing.jsonl") + "\n");
    assertThat(dir.resolve("report.json")).doesNotExist();
  }

  @Test
  void aDeployBeforeAStormIsTheSuspectAndTheBadChangeLinesAreListed() throws Exception {
    Path report = dir.resolve("report.json");

    CliRun run = CliRun.run("backtest", "--topology", ONLINE_BOUTIQUE.toString(), "--alerts", STORM.toString(),
        "--changes", CHANGES.toString(), "--out", report.toString());

    assertThat(run.exit()).as(run.toString()).isZero();
    JsonNode incident = new ObjectMapper().readTree(report.toFile()).path("incidents").get(0);
    assertThat(incident.path("rootCauses").get(0).path("service").asText()).isEqualTo("cartservice");
    assertThat(incident.path("suspectChanges").get(0).path("changeId").asText()).isEqualTo("deploy-cart-231");
    assertThat(incident.path("suspectChanges").get(0).path("beforeOnset").asText()).isEqualTo("PT5M");
    assertThat(incident.path("paged").asBoolean()).isTrue();
    assertThat(run.out()).contains("8 alerts replayed, 0 lines rejected, 1 incidents (0 merged, 0 never paged)")
        .contains("3 changes replayed (1 named suspect), 2 change lines rejected, 0 silences loaded")
        .containsPattern("(?m)^INCIDENT .* TOP ROOT CAUSE +SUSPECT$")
        .containsPattern("(?m)^inc-\\S+ +RESOLVED +CRITICAL +4 +2025-03-04T14:00:30Z +cartservice +cartservice v2.3.1$")
        .contains("rejected change line 2: kind: 'migration' is not one of")
        .contains("rejected change line 4: not JSON");
  }

  @Test
  void theConfigFilesRulesApplyToTheChanges() throws Exception {
    Path config = dir.resolve("stormwatch.yaml");
    Files.writeString(config, "correlator:\n  rules:\n    change-lookback: 2m\n");
    Path report = dir.resolve("report.json");

    CliRun run = CliRun.run("backtest", "--topology", ONLINE_BOUTIQUE.toString(), "--alerts", STORM.toString(),
        "--changes", CHANGES.toString(), "--config", config.toString(), "--out", report.toString());

    assertThat(run.exit()).as(run.toString()).isZero();
    JsonNode json = new ObjectMapper().readTree(report.toFile());
    assertThat(json.path("settings").path("rules").path("change-lookback").asText()).isEqualTo("PT2M");
    assertThat(json.path("incidents").get(0).path("suspectChanges")).as("5m before onset is past a 2m lookback")
        .isEmpty();
    assertThat(json.path("incidents").get(0).path("rootCauses").get(0).path("service").asText())
        .isEqualTo("productcatalogservice");
    assertThat(json.path("summary").path("changesSuspected").asInt()).isZero();
  }

  @Test
  void aMaintenanceWindowKeepsItsServicesIncidentFromPaging() throws Exception {
    Path report = dir.resolve("report.json");

    CliRun run = CliRun.run("backtest", "--topology", ONLINE_BOUTIQUE.toString(), "--alerts", ALERTS.toString(),
        "--silences", MAINTENANCE.toString(), "--out", report.toString());

    assertThat(run.exit()).as(run.toString()).isZero();
    JsonNode json = new ObjectMapper().readTree(report.toFile());
    assertThat(json.path("summary").path("silences").asInt()).isEqualTo(2);
    JsonNode billing = json.path("incidents").get(1);
    assertThat(billing.path("services").get(0).asText()).isEqualTo("billing");
    assertThat(billing.path("paged").asBoolean()).isFalse();
    assertThat(billing.path("notPagedBecause").asText()).isEqualTo("silenced");
    assertThat(billing.path("escalatedAt").isNull()).isTrue();
    assertThat(run.out()).contains("2 incidents (0 merged, 1 never paged)")
        .contains("0 changes replayed (0 named suspect), 0 change lines rejected, 2 silences loaded")
        .containsPattern("(?m)^inc-\\S+ +RESOLVED +WARNING +1 +- \\(silenced\\) +billing +-$");
  }

  @Test
  void aSilenceWithADurationButNoStartIsOneLineAndExitOne() {
    CliRun run = CliRun.run("backtest", "--topology", ONLINE_BOUTIQUE.toString(), "--alerts", ALERTS.toString(),
        "--silences", NO_START.toString(), "--out", dir.resolve("report.json").toString());

    assertThat(run.exit()).isEqualTo(1);
    assertThat(run.err()).startsWith("stormwatch: silences file " + NO_START + ", entry 2 (line 3): a silence with a "
        + "duration needs a startsAt").endsWith("\n");
    assertThat(run.err().lines()).as(run.err()).hasSize(1);
    assertThat(dir.resolve("report.json")).doesNotExist();
  }

  @Test
  void theHelpShowsBothFilesInAnExample() {
    CliRun run = CliRun.run("backtest", "--help");
    assertThat(run.exit()).isZero();
    assertThat(run.out()).contains("--changes=FILE.jsonl").contains("--silences=FILE")
        .contains("--changes deploys.jsonl --silences maintenance.json");
  }
}
