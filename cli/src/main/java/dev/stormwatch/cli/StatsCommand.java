package dev.stormwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.math.RoundingMode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code stormwatch stats}: the correlator's incident statistics ({@code GET /api/stats}) for a
 * window — incidents by severity, MTTD, MTTA, MTTR and the change failure rate per service — as a
 * summary, or as the API's JSON.
 */
@Command(
    name = "stats",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 100,
    description = {
        "Incident statistics over a window, from the correlator's query API (GET /api/stats): incidents opened",
        "in [--from, --to) by severity; time to detect (first alert to page), acknowledge (page to ack) and",
        "restore (first alert to resolve) as count, mean, p50 and p90; and the change failure rate (changes",
        "in the window named as a suspect of an incident / all changes) overall and per service."},
    footer = {
        "",
        "--from and --to take an ISO-8601 instant (2026-03-01T00:00:00Z) or epoch milliseconds, which go to the",
        "API as given, or a duration back from now on this machine's clock (30m, 24h, 7d, PT1H), sent as the",
        "instant it names. Without --to the window ends now; without --from it starts 7 days before its end.",
        "",
        "Examples:",
        "  ./stormwatch stats",
        "  ./stormwatch stats --from 24h --service checkout",
        "  ./stormwatch stats --from 2026-03-01T00:00:00Z --to 2026-04-01T00:00:00Z --team payments",
        "  ./stormwatch stats --from 30d --json | jq '.changeFailureByService'"})
public final class StatsCommand implements Callable<Integer> {

  /** How {@code --from}/{@code --to} write a duration back from now; anything else goes to the API as given. */
  private static final Pattern DURATION = Pattern.compile("(?i)\\d+(ms|s|m|h|d)|p\\S*");

  @Mixin
  QueryApiClient queryApi;

  @Option(names = "--from", paramLabel = "WHEN",
      description = "Start of the window: an instant, epoch millis or a duration ago (see below); default: 7 days"
          + " before --to.")
  String from;

  @Option(names = "--to", paramLabel = "WHEN",
      description = "End of the window, exclusive: an instant, epoch millis or a duration ago; default: now.")
  String to;

  @Option(names = "--service", paramLabel = "NAME",
      description = "Only incidents with this service, and changes to it.")
  String service;

  @Option(names = "--team", paramLabel = "TEAM",
      description = "Only incidents of this team, and changes to services it owns.")
  String team;

  @Option(names = "--json", description = "Print the API's JSON.")
  boolean json;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() {
    Instant now = clock.instant();
    Map<String, String> query = new LinkedHashMap<>();
    putIfGiven(query, "from", from == null ? null : when("--from", from, now));
    putIfGiven(query, "to", to == null ? null : when("--to", to, now));
    putIfGiven(query, "service", service);
    putIfGiven(query, "team", team);
    String path = "/api/stats" + (query.isEmpty() ? "" : "?" + query.entrySet().stream()
        .map(e -> e.getKey() + "=" + QueryApiClient.encode(e.getValue())).collect(Collectors.joining("&")));
    JsonNode stats = queryApi.call("GET", path, null);
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(stats.toPrettyString());
    } else {
      print(out, stats);
    }
    out.flush();
    return 0;
  }

  private static void putIfGiven(Map<String, String> query, String name, String value) {
    if (value != null && !value.isBlank()) {
      query.put(name, value.strip());
    }
  }

  /**
   * What {@code --from} or {@code --to} sends: a duration ({@code 30m}, {@code 7d}, {@code PT1H}) as
   * the instant that long before {@code now}; anything else (an ISO-8601 instant, epoch
   * milliseconds, or a mistake) as given, for the API to accept or answer 400 with its reason.
   *
   * @throws IllegalArgumentException for a duration that is not positive or not well formed
   */
  static String when(String option, String value, Instant now) {
    String v = value.strip();
    if (!DURATION.matcher(v).matches()) {
      return v;
    }
    try {
      return now.minus(new ChangesCommand.DaysOrDuration().convert(v)).toString();
    } catch (CommandLine.TypeConversionException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage()
          + " (or an ISO-8601 instant, or epoch milliseconds)", e);
    }
  }

  /** The summary: window and filters, severities, the three spans, change failure per service. */
  static void print(PrintWriter out, JsonNode stats) {
    StringBuilder scope = new StringBuilder();
    if (stats.hasNonNull("service")) {
      scope.append(", service ").append(stats.path("service").asText());
    }
    if (stats.hasNonNull("team")) {
      scope.append(", team ").append(stats.path("team").asText());
    }
    out.printf("%d incident%s opened from %s to %s%s%n", stats.path("incidents").asInt(),
        stats.path("incidents").asInt() == 1 ? "" : "s", stats.path("from").asText(), stats.path("to").asText(), scope);
    out.println();

    List<String[]> severities = new ArrayList<>();
    severities.add(new String[] {"SEVERITY", "INCIDENTS"});
    for (Iterator<Map.Entry<String, JsonNode>> it = stats.path("bySeverity").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      severities.add(new String[] {e.getKey(), Integer.toString(e.getValue().asInt())});
    }
    TextTable.print(out, severities);
    out.println();

    List<String[]> spans = new ArrayList<>();
    spans.add(new String[] {"TIME TO", "INCIDENTS", "MEAN", "P50", "P90"});
    spans.add(spanRow("detect (MTTD)", stats.path("mttd")));
    spans.add(spanRow("acknowledge (MTTA)", stats.path("mtta")));
    spans.add(spanRow("restore (MTTR)", stats.path("mttr")));
    TextTable.print(out, spans);
    out.println();

    JsonNode overall = stats.path("changeFailure");
    if (overall.path("changes").asInt() == 0) {
      out.println("no changes in the window: no change failure rate");
      return;
    }
    List<String[]> changes = new ArrayList<>();
    changes.add(new String[] {"SERVICE", "CHANGES", "FAILED", "CHANGE FAILURE RATE"});
    for (Iterator<Map.Entry<String, JsonNode>> it = stats.path("changeFailureByService").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      changes.add(changeRow(e.getKey(), e.getValue()));
    }
    changes.add(changeRow("all", overall));
    TextTable.print(out, changes);
  }

  private static String[] spanRow(String name, JsonNode span) {
    return new String[] {name, Integer.toString(span.path("count").asInt()), millis(span.path("meanMs")),
        millis(span.path("p50Ms")), millis(span.path("p90Ms"))};
  }

  private static String[] changeRow(String name, JsonNode rate) {
    return new String[] {name, Integer.toString(rate.path("changes").asInt()),
        Integer.toString(rate.path("failed").asInt()), percent(rate.path("rate"))};
  }

  /** {@code 66.7%}; {@code -} for none. */
  static String percent(JsonNode rate) {
    if (!rate.isNumber()) {
      return "-";
    }
    return rate.decimalValue().movePointRight(2).setScale(1, RoundingMode.HALF_UP).toPlainString() + "%";
  }

  /** A span in milliseconds for people: {@code 850ms}, {@code 42s}, {@code 2m 18s}, {@code 1h 5m}, {@code 2d 3h}; {@code -} for none. */
  static String millis(JsonNode ms) {
    if (!ms.canConvertToLong()) {
      return "-";
    }
    return human(Duration.ofMillis(ms.asLong()));
  }

  /** Two units at most, the smaller one rounded half up; a zero smaller unit is left out. */
  static String human(Duration d) {
    if (d.isNegative()) {
      return "-" + human(d.negated());
    }
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      return d.toMillis() + "ms";
    }
    long ms = d.toMillis();
    if (ms < 3_600_000L - 500) {
      long s = rounded(ms, 1_000);
      return pair(s / 60, "m", s % 60, "s");
    }
    if (ms < 86_400_000L - 30_000) {
      long m = rounded(ms, 60_000);
      return pair(m / 60, "h", m % 60, "m");
    }
    long h = rounded(ms, 3_600_000);
    return pair(h / 24, "d", h % 24, "h");
  }

  private static long rounded(long ms, long unit) {
    return (ms + unit / 2) / unit;
  }

  private static String pair(long big, String bigUnit, long small, String smallUnit) {
    if (big == 0) {
      return small + smallUnit;
    }
    return big + bigUnit + (small == 0 ? "" : " " + small + smallUnit);
  }
}
