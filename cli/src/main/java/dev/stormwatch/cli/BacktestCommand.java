package dev.stormwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.stormwatch.correlator.backtest.AlertDecoder;
import dev.stormwatch.correlator.backtest.Backtest;
import dev.stormwatch.correlator.backtest.BacktestReport;
import dev.stormwatch.correlator.backtest.ChangeDecoder;
import dev.stormwatch.correlator.backtest.LineDecoder;
import dev.stormwatch.correlator.domain.CorrelatorSettings;
import dev.stormwatch.correlator.rules.RulesSettings;
import dev.stormwatch.ingest.changes.ChangeNormalized;
import dev.stormwatch.ingest.changes.ChangeNormalizers;
import dev.stormwatch.ingest.changes.RecordedChanges;
import dev.stormwatch.ingest.normalize.NormalizeConfig;
import dev.stormwatch.ingest.normalize.Normalized;
import dev.stormwatch.ingest.normalize.prometheus.PrometheusNormalizer;
import dev.stormwatch.ingest.normalize.prometheus.RecordedAlerts;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stormwatch backtest}: replays a recorded alert stream, optionally with recorded changes
 * and silences, through the real correlator topology, without a broker, and writes every incident
 * to a JSON report. docs/backtest.md describes the formats.
 */
@Command(
    name = "backtest",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 100,
    description = {
        "Replay recorded alerts (JSON lines, one Alertmanager alert object per line) through the",
        "correlator in event-time order, as fast as possible and without a broker, and write every",
        "incident (member alerts, ranked root causes, suspect changes, opened/escalated/resolved",
        "times, whether it paged) to a report. Recorded changes (deploys, flags...) are replayed",
        "with the alerts in event-time order; silences and maintenance windows are in force from",
        "the start. Use it to tune the correlator section of the config file on your own history."},
    footer = {
        "",
        "Examples:",
        "  ./stormwatch backtest --topology online-boutique.json --alerts alerts.jsonl \\",
        "      --config stormwatch.yaml --out report.json",
        "  ./stormwatch backtest --topology online-boutique.json --alerts alerts.jsonl \\",
        "      --changes deploys.jsonl --silences maintenance.json --out report.json",
        "",
        "--changes: one change per line, Stormwatch's change JSON (as POST /api/changes) or a",
        "  PagerDuty Change Events v2 body, each with its time. --silences: a JSON array (or JSON",
        "  lines) of silences as POST /api/silences takes them; 'duration' needs a 'startsAt'.",
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

  @Option(names = "--changes", paramLabel = "FILE.jsonl",
      description = "Recorded changes: one per line, Stormwatch's change JSON or a PagerDuty change event.")
  Path changes;

  @Option(names = "--silences", paramLabel = "FILE",
      description = "Silences and maintenance windows in force from the start: a JSON array or JSON lines, "
          + "in the body format of POST /api/silences.")
  Path silences;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Configuration file (YAML): its correlator and normalize sections apply.")
  Path configFile;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "Where to write the JSON report.")
  Path out;

  @Override
  public Integer call() throws IOException {
    ConfigFile file = configFile == null ? ConfigFile.empty() : ConfigFile.load(configFile);
    JsonNode section = file.root().path("correlator");
    CorrelatorSettings settings = CorrelatorSettings.fromTree(section);
    RulesSettings rules = RulesSettings.fromTree(section.path(CorrelatorSettings.RULES));
    NormalizeConfig normalize = NormalizeConfig.fromTree(file.root().path("normalize"));
    RecordedAlerts alertLines = new RecordedAlerts(new PrometheusNormalizer(normalize));
    AlertDecoder alertDecoder = line -> {
      Normalized normalized = alertLines.decode(line);
      return normalized instanceof Normalized.Events events
          ? new LineDecoder.Decoded.Values<>(events.events())
          : new LineDecoder.Decoded.Rejected<>(((Normalized.Rejected) normalized).reason());
    };
    RecordedChanges changeLines = new RecordedChanges(new ChangeNormalizers(normalize));
    ChangeDecoder changeDecoder = line -> {
      ChangeNormalized normalized = changeLines.decode(line);
      return normalized.rejected().isEmpty()
          ? new LineDecoder.Decoded.Values<>(normalized.changes())
          : new LineDecoder.Decoded.Rejected<>(normalized.rejected().get(0).reason());
    };
    PrintWriter err = spec.commandLine().getErr();
    BacktestReport report = new Backtest(settings, rules, alertDecoder, changeDecoder)
        .run(Backtest.Inputs.of(topology, alerts).withChanges(changes).withSilences(silences), percent -> {
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
    w.printf("%d alerts replayed, %d lines rejected, %d incidents (%d merged, %d never paged) -> %s%n",
        s.alertsRead(), s.alertsRejected(), s.incidents(), s.mergedIncidents(), s.unpagedIncidents(), out);
    if (changes != null || silences != null) {
      w.printf("%d changes replayed (%d named suspect), %d change lines rejected, %d silences loaded%n",
          s.changesRead(), s.changesSuspected(), s.changesRejected(), s.silences());
    }
    if (!report.incidents().isEmpty()) {
      w.printf("%-36s %-9s %-8s %6s  %-24s %-28s %s%n", "INCIDENT", "STATUS", "SEVERITY", "ALERTS", "ESCALATED",
          "TOP ROOT CAUSE", "SUSPECT");
      for (BacktestReport.IncidentReport i : report.incidents()) {
        String top = i.rootCauses().isEmpty() ? "-" : i.rootCauses().get(0).service()
            + (i.rootCauses().get(0).inferred() ? " (inferred)" : "");
        String escalated = i.escalatedAt() != null ? i.escalatedAt()
            : i.notPagedBecause() == null ? "-" : "- (" + i.notPagedBecause() + ")";
        w.printf("%-36s %-9s %-8s %6d  %-24s %-28s %s%n", i.id(), i.status(), i.severity(), i.alerts().size(),
            escalated, top, suspect(i));
      }
    }
    for (BacktestReport.Rejection r : s.rejected()) {
      w.printf("rejected line %d: %s%n", r.line(), r.reason());
    }
    for (BacktestReport.Rejection r : s.rejectedChanges()) {
      w.printf("rejected change line %d: %s%n", r.line(), r.reason());
    }
    w.flush();
  }

  /** The top suspect change as service and version (or kind when it has none), or '-'. */
  private static String suspect(BacktestReport.IncidentReport i) {
    if (i.suspectChanges().isEmpty()) {
      return "-";
    }
    BacktestReport.Suspect top = i.suspectChanges().get(0);
    return top.service() + " " + (top.version() != null ? top.version() : top.kind().toLowerCase(Locale.ROOT));
  }
}
