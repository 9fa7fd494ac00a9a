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
        .containsPattern("(?m)^inc-\\S+ +OPEN +CRITICAL +4 +2025-03-01T10:00:45Z +redis-cart$")
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
}
