package dev.stormwatch.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.stormwatch.correlator.backtest.AlertDecoder;
import dev.stormwatch.correlator.backtest.Backtest;
import dev.stormwatch.correlator.backtest.BacktestReport;
import dev.stormwatch.correlator.domain.CorrelatorSettings;
import dev.stormwatch.ingest.normalize.NormalizeConfig;
import dev.stormwatch.ingest.normalize.Normalized;
import dev.stormwatch.ingest.normalize.prometheus.PrometheusNormalizer;
import dev.stormwatch.ingest.normalize.prometheus.RecordedAlerts;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stormwatch backtest}: replays a recorded alert stream through the real correlator
 * topology, without a broker, and writes every incident to a JSON report. docs/backtest.md
 * describes the formats.
 */
@Command(
    name = "backtest",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 100,
    description = {
        "Replay recorded alerts (JSON lines, one Alertmanager alert object per line) through the",
        "correlator in event-time order, as fast as possible and without a broker, and write every",
        "incident (member alerts, ranked root causes, opened/escalated/resolved times) to a report.",
        "Use it to tune the correlator section of the config file on your own alert history."},
    footer = {
        "",
        "Example:",
        "  ./stormwatch backtest --topology online-boutique.json --alerts alerts.jsonl \\",
        "      --config stormwatch.yaml --out report.json",
        "Formats: docs/backtest.md"})
public final class BacktestCommand implements Callable<Integer> {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--topology", required = true, paramLabel = "FILE",
      description = "Topology file (JSON, YAML or Backstage catalog-info.yaml; see docs/topology.md).")
  Path topology;

  @Option(names = "--alerts", required = true, paramLabel = "FILE.jsonl",
      description = "Recorded alerts: one Alertmanager alert object per line.")
  Path alerts;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Configuration file (YAML): its correlator and normalize sections apply.")
  Path configFile;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the JSON report.")
  Path out;

  @Override
  public Integer call() throws IOException {
    ConfigFile file = configFile == null ? ConfigFile.empty() : ConfigFile.load(configFile);
    CorrelatorSettings settings = CorrelatorSettings.fromTree(file.root().path("correlator"));
    RecordedAlerts lines = new RecordedAlerts(
        new PrometheusNormalizer(NormalizeConfig.fromTree(file.root().path("normalize"))));
    AlertDecoder decoder = line -> {
      Normalized normalized = lines.decode(line);
      return normalized instanceof Normalized.Events events
          ? new AlertDecoder.Decoded.Events(events.events())
          : new AlertDecoder.Decoded.Rejected(((Normalized.Rejected) normalized).reason());
    };
    PrintWriter err = spec.commandLine().getErr();
    BacktestReport report = new Backtest(settings, decoder).run(topology, alerts, percent -> {
      err.print("\rreplaying alerts: " + percent + "%");
      err.flush();
    });
    err.println();
    err.flush();
    Path parent = out.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    JSON.writeValue(out.toFile(), report);
    print(spec.commandLine().getOut(), report);
    return 0;
  }

  private void print(PrintWriter w, BacktestReport report) {
    BacktestReport.Summary s = report.summary();
    w.printf("%d alerts replayed, %d lines rejected, %d incidents (%d merged) -> %s%n", s.alertsRead(),
        s.alertsRejected(), s.incidents(), s.mergedIncidents(), out);
    if (!report.incidents().isEmpty()) {
      w.printf("%-36s %-9s %-8s %6s  %-24s %s%n", "INCIDENT", "STATUS", "SEVERITY", "ALERTS", "ESCALATED",
          "TOP ROOT CAUSE");
      for (BacktestReport.IncidentReport i : report.incidents()) {
        String top = i.rootCauses().isEmpty() ? "-" : i.rootCauses().get(0).service()
            + (i.rootCauses().get(0).inferred() ? " (inferred)" : "");
        w.printf("%-36s %-9s %-8s %6d  %-24s %s%n", i.id(), i.status(), i.severity(), i.alerts().size(),
            i.escalatedAt() == null ? "-" : i.escalatedAt(), top);
      }
    }
    for (BacktestReport.Rejection r : s.rejected()) {
      w.printf("rejected line %d: %s%n", r.line(), r.reason());
    }
    w.flush();
  }
}
