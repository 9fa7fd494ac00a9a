package dev.stormwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stormwatch incidents list|show|ack|resolve}: the correlator's query API from the shell. */
@Command(
    name = "incidents",
    mixinStandardHelpOptions = true,
    description = "Look at incidents and acknowledge or resolve them, through the correlator's query API.",
    subcommands = {IncidentsCommand.ListIncidents.class, IncidentsCommand.Show.class, IncidentsCommand.Ack.class,
        IncidentsCommand.Resolve.class},
    footer = {"", "Examples:", "  ./stormwatch incidents list --status open", "  ./stormwatch incidents show inc-…",
        "  ./stormwatch incidents ack inc-… --actor alice --comment 'looking'"})
public final class IncidentsCommand implements Runnable {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Mixin
  QueryApiClient queryApi;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is needed: list, show, ack or resolve");
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "Incidents, newest first.")
  static final class ListIncidents implements Callable<Integer> {
    @CommandLine.ParentCommand IncidentsCommand parent;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--status", description = "open, acknowledged, resolved, reopened (open = every unresolved one).")
    String status;
    @Option(names = "--service", description = "Only incidents with this service.")
    String service;
    @Option(names = "--severity", description = "Only this severity (critical, high, warning, info).")
    String severity;
    @Option(names = "--limit", defaultValue = "50", description = "At most this many (default: ${DEFAULT-VALUE}).")
    int limit;
    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Override
    public Integer call() {
      Map<String, String> query = new LinkedHashMap<>();
      if (status != null) {
        query.put("status", status);
      }
      if (service != null) {
        query.put("service", service);
      }
      if (severity != null) {
        query.put("severity", severity);
      }
      query.put("limit", Integer.toString(limit));
      JsonNode incidents = parent.queryApi.call("GET", "/api/incidents?" + query.entrySet().stream()
          .map(e -> e.getKey() + "=" + QueryApiClient.encode(e.getValue())).collect(Collectors.joining("&")), null);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(incidents.toPrettyString());
        return 0;
      }
      if (incidents.isEmpty()) {
        out.println("no incidents");
        return 0;
      }
      out.printf("%-36s %-12s %-8s %-24s %-20s %6s  %s%n", "ID", "STATUS", "SEVERITY", "OPENED", "ROOT CAUSE",
          "ALERTS", "SERVICES");
      for (JsonNode i : incidents) {
        out.printf("%-36s %-12s %-8s %-24s %-20s %6d  %s%n", i.path("id").asText(), i.path("status").asText(),
            i.path("severity").asText(), i.path("openedAt").asText(), rootCause(i), i.path("alertCount").asInt(),
            joined(i.path("services")));
      }
      return 0;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "One incident: alerts, root cause, timeline.")
  static final class Show implements Callable<Integer> {
    @CommandLine.ParentCommand IncidentsCommand parent;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Parameters(paramLabel = "ID", description = "Incident id.")
    String id;
    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Override
    public Integer call() {
      JsonNode i = parent.queryApi.call("GET", "/api/incidents/" + QueryApiClient.encode(id), null);
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        out.println(i.toPrettyString());
        return 0;
      }
      out.printf("%s  %s  %s%n", i.path("id").asText(), i.path("status").asText(), i.path("severity").asText());
      out.printf("  %s%n", i.path("title").asText());
      out.printf("  opened %s, first alert %s, %d alert(s), services: %s%n", i.path("openedAt").asText(),
          i.path("firstAlertAt").asText(), i.path("alertCount").asInt(), joined(i.path("services")));
      out.println("  root cause candidates:");
      for (JsonNode c : i.path("rootCauses")) {
        out.printf("    %d. %s%s%n", c.path("rank").asInt(), c.path("service").asText(),
            c.path("inferred").asBoolean() ? " (inferred)" : "");
        for (JsonNode reason : c.path("reasons")) {
          out.printf("       - %s%n", reason.asText());
        }
      }
      out.println("  alerts:");
      for (JsonNode a : i.path("alerts")) {
        out.printf("    %-8s %-9s %-20s %s%n", a.path("status").asText(), a.path("severity").asText(),
            a.path("service").asText(), a.path("name").asText());
      }
      out.println("  timeline:");
      for (JsonNode t : i.path("timeline")) {
        out.printf("    %s  %-14s %s%n", t.path("at").asText(), t.path("kind").asText(), t.path("detail").asText());
      }
      return 0;
    }
  }

  /** Shared by ack and resolve. */
  abstract static class Act implements Callable<Integer> {
    @CommandLine.ParentCommand IncidentsCommand parent;
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Parameters(paramLabel = "ID", description = "Incident id.")
    String id;
    @Option(names = "--actor", defaultValue = "${env:USER:-cli}", description = "Who (default: ${DEFAULT-VALUE}).")
    String actor;
    @Option(names = "--comment", description = "Why.")
    String comment;

    abstract String verb();

    @Override
    public Integer call() {
      ObjectNode body = JSON.createObjectNode().put("actor", actor);
      if (comment != null) {
        body.put("comment", comment);
      }
      JsonNode accepted = parent.queryApi.call("POST", "/api/incidents/" + QueryApiClient.encode(id) + "/" + verb(),
          body.toString());
      spec.commandLine().getOut().printf("%s of %s accepted (command %s)%n", verb(), id,
          accepted.path("commandId").asText());
      return 0;
    }
  }

  @Command(name = "ack", mixinStandardHelpOptions = true, description = "Acknowledge an incident: stops escalation.")
  static final class Ack extends Act {
    @Override
    String verb() {
      return "ack";
    }
  }

  @Command(name = "resolve", mixinStandardHelpOptions = true, description = "Resolve an incident by hand.")
  static final class Resolve extends Act {
    @Override
    String verb() {
      return "resolve";
    }
  }

  private static String rootCause(JsonNode incident) {
    JsonNode first = incident.path("rootCauses").path(0);
    return first.isMissingNode() ? "-" : first.path("service").asText() + (first.path("inferred").asBoolean() ? "*" : "");
  }

  private static String joined(JsonNode array) {
    StringBuilder sb = new StringBuilder();
    array.forEach(n -> sb.append(sb.length() == 0 ? "" : ",").append(n.asText()));
    return sb.toString();
  }
}
