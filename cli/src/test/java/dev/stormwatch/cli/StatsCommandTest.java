package dev.stormwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stormwatch.correlator.rules.IncidentStats;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * {@code stormwatch stats} without a stack: what {@code --from}/{@code --to} send, how the
 * correlator's own statistics record reads as a summary, help and the one-line errors. The numbers
 * from a running stack are checked in {@link UpDemoTest}.
 */
class StatsCommandTest {

  private static final Instant NOW = Instant.parse("2026-03-10T12:00:00Z");

  @Test
  void aDurationIsSentAsTheInstantThatLongAgoAndEverythingElseAsGivenForTheApiToJudge() {
    assertThat(StatsCommand.when("--from", "7d", NOW)).isEqualTo("2026-03-03T12:00:00Z");
    assertThat(StatsCommand.when("--from", "90m", NOW)).isEqualTo("2026-03-10T10:30:00Z");
    assertThat(StatsCommand.when("--from", "PT2H", NOW)).isEqualTo("2026-03-10T10:00:00Z");
    assertThat(StatsCommand.when("--to", " 30s ", NOW)).isEqualTo("2026-03-10T11:59:30Z");
    // the API's own forms, untouched: ISO-8601 instants and epoch milliseconds
    assertThat(StatsCommand.when("--from", "2026-03-01T00:00:00Z", NOW)).isEqualTo("2026-03-01T00:00:00Z");
    assertThat(StatsCommand.when("--from", "1772323200000", NOW)).isEqualTo("1772323200000");
    // a mistake goes to the API, whose 400 names the parameter
    assertThat(StatsCommand.when("--from", "yesterday", NOW)).isEqualTo("yesterday");
  }

  @Test
  void aDurationThatIsNotPositiveIsRefusedBeforeAnyCall() {
    assertThatThrownBy(() -> StatsCommand.when("--from", "0d", NOW)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("--from: expected a positive duration");
    CliRun run = CliRun.run("stats", "--to", "0h", "--api", "http://127.0.0.1:" + closedPort());
    assertThat(run.exit()).isNotZero();
    assertThat(run.err().strip()).startsWith("stormwatch: --to: the duration must be positive: 0h")
        .doesNotContain("\n");
  }

  @Test
  void theSummaryShowsSeveritiesSpansAndChangeFailurePerServiceOfTheCorrelatorsRecord() {
    Map<String, Integer> bySeverity = new LinkedHashMap<>();
    bySeverity.put("critical", 7);
    bySeverity.put("high", 6);
    bySeverity.put("warning", 4);
    bySeverity.put("info", 2);
    bySeverity.put("unknown", 0);
    TreeMap<String, IncidentStats.ChangeFailure> byService = new TreeMap<>(Map.of(
        "cart", new IncidentStats.ChangeFailure(3, 2, 2 / 3.0),
        "payments", new IncidentStats.ChangeFailure(5, 4, 0.8)));
    IncidentStats.Result result = new IncidentStats.Result("2026-03-03T00:00:00Z", "2026-03-10T00:00:00Z", null,
        "payments", 19, bySeverity,
        new IncidentStats.Spans(17, 137_647L, 120_000L, 240_000L),
        new IncidentStats.Spans(0, null, null, null),
        new IncidentStats.Spans(17, 2_851_765L, 2_100_000L, 7_200_000L),
        new IncidentStats.ChangeFailure(8, 6, 0.75), byService);
    JsonNode json = new ObjectMapper().valueToTree(result); // as the query API writes it

    StringWriter text = new StringWriter();
    StatsCommand.print(new PrintWriter(text, true), json);

    assertThat(text.toString()).startsWith(
        "19 incidents opened from 2026-03-03T00:00:00Z to 2026-03-10T00:00:00Z, team payments\n");
    assertThat(text.toString().lines().map(String::stripTrailing)).containsSubsequence(
        "SEVERITY  INCIDENTS",
        "critical  7",
        "high      6",
        "warning   4",
        "info      2",
        "unknown   0",
        "",
        "TIME TO             INCIDENTS  MEAN     P50  P90",
        "detect (MTTD)       17         2m 18s   2m   4m",
        "acknowledge (MTTA)  0          -        -    -",
        "restore (MTTR)      17         47m 32s  35m  2h",
        "",
        "SERVICE   CHANGES  FAILED  CHANGE FAILURE RATE",
        "cart      3        2       66.7%",
        "payments  5        4       80.0%",
        "all       8        6       75.0%");
  }

  @Test
  void withoutChangesThereIsNoRate() {
    IncidentStats.Result result = new IncidentStats.Result("2026-03-03T00:00:00Z", "2026-03-10T00:00:00Z", "cart",
        null, 0, Map.of("critical", 0), new IncidentStats.Spans(0, null, null, null),
        new IncidentStats.Spans(0, null, null, null), new IncidentStats.Spans(0, null, null, null),
        new IncidentStats.ChangeFailure(0, 0, null), new TreeMap<>());
    StringWriter text = new StringWriter();
    StatsCommand.print(new PrintWriter(text, true), new ObjectMapper().valueToTree(result));
    assertThat(text.toString()).startsWith("0 incidents opened from 2026-03-03T00:00:00Z to 2026-03-10T00:00:00Z,"
        + " service cart\n").endsWith("no changes in the window: no change failure rate\n");
  }

  @Test
  void spansReadAsTwoUnitsAtMost() {
    assertThat(StatsCommand.human(Duration.ofMillis(850))).isEqualTo("850ms");
    assertThat(StatsCommand.human(Duration.ofMillis(42_400))).isEqualTo("42s");
    assertThat(StatsCommand.human(Duration.ofMillis(59_600))).isEqualTo("1m");
    assertThat(StatsCommand.human(Duration.ofMillis(137_647))).isEqualTo("2m 18s");
    assertThat(StatsCommand.human(Duration.ofMinutes(59).plusSeconds(59).plusMillis(600))).isEqualTo("1h");
    assertThat(StatsCommand.human(Duration.ofMinutes(65).plusSeconds(29))).isEqualTo("1h 5m");
    assertThat(StatsCommand.human(Duration.ofHours(51).plusMinutes(31))).isEqualTo("2d 4h");
  }

  @Test
  void anUnreachableApiIsOneLineAndANonZeroExit() throws Exception {
    int port = closedPort();
    CliRun run = CliRun.run("stats", "--api", "http://127.0.0.1:" + port);
    assertThat(run.exit()).isNotZero();
    assertThat(run.err().strip()).startsWith("stormwatch: cannot reach the query API at http://127.0.0.1:" + port)
        .doesNotContain("\n");
  }

  @Test
  void helpListsTheOptionsTheWindowFormsAndExamples() {
    CliRun help = CliRun.run("stats", "--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out()).contains("--from=WHEN", "--to=WHEN", "--service=NAME", "--team=TEAM", "--json", "--api",
        "STORMWATCH_QUERY_URL", "--token", "epoch milliseconds", "7d", "Examples:", "./stormwatch stats --from 24h");
    assertThat(CliRun.run("--help").out()).contains("stats");
  }

  private static int closedPort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
