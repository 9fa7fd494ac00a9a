package dev.stormwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stormwatch silence add|list|expire}: silences and maintenance windows, through the
 * correlator's query API ({@code /api/silences}), like {@link IncidentsCommand}.
 */
@Command(
    name = "silence",
    mixinStandardHelpOptions = true,
    description = "Silence alerts for a while, or every week in a maintenance window, through the correlator's"
        + " query API. Silenced alerts stay in their incidents, marked, and never page.",
    subcommands = {SilenceCommand.Add.class, SilenceCommand.ListSilences.class, SilenceCommand.Expire.class},
    footer = {"", "Examples:",
        "  ./stormwatch silence add --matcher 'service=checkout' --duration 2h --comment 'deploying v2'",
        "  ./stormwatch silence add --matcher 'service=~\"db|cache\"' --matcher 'env=prod' \\",
        "      --weekly MON,TUE --at 02:00 --for 2h --zone Europe/Berlin --comment 'nightly maintenance'",
        "  ./stormwatch silence list --all",
        "  ./stormwatch silence expire 7f3a…"})
public final class SilenceCommand implements Runnable {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin
  QueryApiClient queryApi;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is needed: add, list or expire");
  }

  @Command(name = "add", mixinStandardHelpOptions = true,
      description = "Create a silence, or with --weekly a maintenance window.")
  static final class Add implements Callable<Integer> {
    @CommandLine.ParentCommand SilenceCommand parent;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--matcher", required = true, paramLabel = "MATCHER",
        description = "A label matcher as Alertmanager writes it: name=value, name!=value, name=~regex, name!~regex"
            + " (regexes are fully anchored; service and alertname also match the alert's canonical service and"
            + " name). Repeat for several; all must match.")
    List<String> matchers;
    @Option(names = "--duration", paramLabel = "DURATION", description = "How long, e.g. 2h, 30m, 1d.")
    String duration;
    @Option(names = "--until", paramLabel = "INSTANT", description = "Until this ISO-8601 instant (instead of --duration).")
    String until;
    @Option(names = "--starts", paramLabel = "INSTANT", description = "From this ISO-8601 instant (default: now).")
    String starts;
    @Option(names = "--weekly", paramLabel = "DAYS", split = ",",
        description = "A maintenance window: only on these weekdays (MON,TUE,...), with --at and --for.")
    List<String> weekly;
    @Option(names = "--at", paramLabel = "HH:MM", description = "Local start time of each weekly slot.")
    String at;
    @Option(names = "--for", paramLabel = "DURATION", description = "Length of each weekly slot, e.g. 2h.")
    String slot;
    @Option(names = "--zone", paramLabel = "ZONE", defaultValue = "UTC",
        description = "IANA time zone of --at (default: ${DEFAULT-VALUE}).")
    String zone;
    @Option(names = "--author", defaultValue = "${env:USER:-cli}", description = "Who (default: ${DEFAULT-VALUE}).")
    String author;
    @Option(names = "--comment", description = "Why (a ticket, a deploy).")
    String comment;
    @Option(names = "--id", description = "Replace the silence with this id.")
    String id;
    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Override
    public Integer call() {
      if (duration != null && until != null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "give --duration or --until, not both");
      }
      ObjectNode body = JSON.createObjectNode();
      body.put("matchers", String.join(", ", matchers));
      if (starts != null) {
        body.put("startsAt", starts);
      }
      if (duration != null) {
        body.put("duration", duration);
      }
      if (until != null) {
        body.put("endsAt", until);
      }
      if (weekly != null && !weekly.isEmpty()) {
        if (at == null || slot == null) {
          throw new CommandLine.ParameterException(spec.commandLine(), "--weekly needs --at HH:MM and --for DURATION");
        }
        ObjectNode r = body.putObject("recurrence");
        weekly.forEach(d -> r.withArray("days").add(d.strip()));
        r.put("startTime", at);
        r.put("duration", slot);
        r.put("timeZone", zone);
      } else if (at != null || slot != null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--at and --for need --weekly DAYS");
      } else if (duration == null && until == null) {
        throw new CommandLine.ParameterException(spec.commandLine(), "give --duration or --until");
      }
      body.put("author", author);
      if (comment != null) {
        body.put("comment", comment);
      }
      if (id != null) {
        body.put("id", id);
      }
      JsonNode s = parent.queryApi.call("POST", "/api/silences", body.toString());
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(s.toPrettyString());
        return 0;
      }
      out.printf("silence %s added: %s from %s until %s%s%n", s.path("id").asText(), s.path("matchersText").asText(),
          s.path("startsAt").asText(), s.path("endsAt").asText(),
          s.hasNonNull("schedule") ? ", " + s.path("schedule").asText() : "");
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true,
      description = "Active and pending silences, newest first; --all adds the expired ones still kept.")
  static final class ListSilences implements Callable<Integer> {
    @CommandLine.ParentCommand SilenceCommand parent;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Option(names = "--all", description = "Also the expired silences.")
    boolean all;
    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Override
    public Integer call() {
      JsonNode silences = parent.queryApi.call("GET", "/api/silences" + (all ? "?all=true" : ""), null);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(silences.toPrettyString());
        return 0;
      }
      if (silences.isEmpty()) {
        out.println("no silences");
        return 0;
      }
      out.printf("%-36s %-8s %-24s %-24s %-12s %s%n", "ID", "STATE", "STARTS", "ENDS", "AUTHOR", "MATCHERS");
      for (JsonNode s : silences) {
        String matchers = s.path("matchersText").asText(s.path("matchers").toString());
        out.printf("%-36s %-8s %-24s %-24s %-12s %s%s%s%n", s.path("id").asText(), s.path("state").asText(),
            s.path("startsAt").asText(), s.path("endsAt").asText(), s.path("author").asText(), matchers,
            s.hasNonNull("schedule") ? " (" + s.path("schedule").asText() + ")" : "",
            s.path("comment").asText().isEmpty() ? "" : "  # " + s.path("comment").asText());
      }
      return 0;
    }
  }

  @Command(name = "expire", mixinStandardHelpOptions = true,
      description = "End a silence now; it stays listed under --all for the record.")
  static final class Expire implements Callable<Integer> {
    @CommandLine.ParentCommand SilenceCommand parent;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Parameters(paramLabel = "ID", description = "Silence id.")
    String id;

    @Override
    public Integer call() {
      JsonNode s = parent.queryApi.call("DELETE", "/api/silences/" + QueryApiClient.encode(id), null);
      spec.commandLine().getOut().printf("silence %s expired at %s%n", s.path("id").asText(), s.path("endsAt").asText());
      return 0;
    }
  }
}
