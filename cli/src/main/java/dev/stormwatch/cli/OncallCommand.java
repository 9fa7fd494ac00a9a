package dev.stormwatch.cli;

import dev.stormwatch.avro.oncall.OnCallEntry;
import dev.stormwatch.notifier.oncall.ContactMethod;
import dev.stormwatch.notifier.oncall.OnCall;
import dev.stormwatch.notifier.oncall.OnCallConfig;
import dev.stormwatch.notifier.oncall.OnCallConfigException;
import dev.stormwatch.notifier.oncall.OnCallEntries;
import dev.stormwatch.notifier.oncall.OnCallYaml;
import dev.stormwatch.notifier.oncall.Person;
import dev.stormwatch.notifier.oncall.Schedule;
import dev.stormwatch.notifier.oncall.ScheduleTimeline;
import dev.stormwatch.notifier.oncall.Shift;
import dev.stormwatch.notifier.oncall.Team;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stormwatch oncall}: publish the on-call configuration (people, teams, escalation policies,
 * schedules, routing) from a YAML file to the compacted {@code oncall.config} topic the notifier
 * reads, and show what the topic holds and who is on call. The file format is described in
 * notifier/README.md.
 */
@Command(
    name = "oncall",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 100,
    description = {
        "The on-call configuration in the compacted topic oncall.config, which the notifier reads:",
        "load it from a YAML file, or show it with who is on call."},
    subcommands = {OncallCommand.Load.class, OncallCommand.Show.class},
    footer = {
        "",
        "Examples:",
        "  ./stormwatch oncall load deploy/config/oncall-demo.yaml",
        "  ./stormwatch oncall load oncall.yaml --dry-run",
        "  ./stormwatch oncall show --at 2025-12-24T20:00:00Z",
        "File format: notifier/README.md"})
public final class OncallCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "a subcommand is needed: stormwatch oncall load FILE, or stormwatch oncall show");
  }

  /** {@code stormwatch oncall load FILE}. */
  @Command(
      name = "load",
      mixinStandardHelpOptions = true,
      usageHelpWidth = 100,
      description = {
          "Validate an on-call file and publish every person, team, escalation policy and schedule,",
          "and the routing, to oncall.config, keyed <kind>/<id> (e.g. schedule/primary). The file is",
          "the whole configuration: entities an earlier load published that the file no longer has",
          "are removed (tombstoned). A file with problems is not loaded at all; every problem is",
          "printed on one line with the path of the value at fault."},
      footer = {
          "",
          "Examples:",
          "  ./stormwatch oncall load deploy/config/oncall-demo.yaml",
          "  ./stormwatch oncall load oncall.yaml --dry-run",
          "  export STORMWATCH_BOOTSTRAP_SERVERS=kafka:9092",
          "  export STORMWATCH_REGISTRY_URL=http://registry:8081",
          "  ./stormwatch oncall load oncall.yaml --topic-prefix prod."})
  public static final class Load implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The on-call YAML file.")
    Path file;

    @Option(names = "--dry-run",
        description = "Only validate the file and print what would be loaded; contact nothing, write nothing.")
    boolean dryRun;

    @Mixin
    KafkaOptions kafka;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      OnCallConfig config;
      try {
        config = OnCallYaml.read(file);
      } catch (OnCallConfigException e) {
        for (String problem : e.problems()) {
          err.println("stormwatch: " + (problem.startsWith(file.toString()) ? "" : file + ": ") + problem);
        }
        err.flush();
        return 1;
      }
      String topic = kafka.topics().oncall();
      Map<String, OnCallEntry> entries = OnCallEntries.toEntries(config, file.getFileName().toString(),
          clock.instant());
      if (dryRun) {
        printTables(out, config, clock.instant());
        out.println(CompactedTopic.dryRunLine(summary(config), topic));
        out.flush();
        return 0;
      }
      try (CompactedTopic<OnCallEntry> target = new CompactedTopic<>(kafka, topic, OnCallEntry.class)) {
        target.ensureExists();
        List<String> removals = target.readAll().keySet().stream().filter(k -> !entries.containsKey(k)).sorted()
            .toList();
        target.write(entries, removals);
        out.println(CompactedTopic.loadedLine(summary(config), topic, removals));
        out.flush();
      }
      return 0;
    }
  }

  /** {@code stormwatch oncall show}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      usageHelpWidth = 100,
      description = {
          "Read oncall.config to its end and print the teams with who is paged first, the schedules",
          "with who is on call and until when, and the people: now, or at --at."},
      footer = {
          "",
          "Examples:",
          "  ./stormwatch oncall show",
          "  ./stormwatch oncall show --at 2025-12-24T20:00:00+01:00",
          "  ./stormwatch oncall show --bootstrap-servers kafka:9092 --registry-url http://registry:8081"})
  public static final class Show implements Callable<Integer> {

    @Option(names = "--at", paramLabel = "DATE-TIME",
        description = "Who is on call at this instant (ISO-8601 with an offset, e.g. 2025-12-24T20:00:00Z);"
            + " default: now.")
    String at;

    @Mixin
    KafkaOptions kafka;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Instant when;
      try {
        when = at == null ? clock.instant() : OffsetDateTime.parse(at).toInstant();
      } catch (DateTimeParseException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--at: not a date-time with an offset"
            + " (e.g. 2025-12-24T20:00:00Z): " + at);
      }
      String topic = kafka.topics().oncall();
      Map<String, OnCallEntry> entries;
      try (CompactedTopic<OnCallEntry> source = new CompactedTopic<>(kafka, topic, OnCallEntry.class)) {
        entries = source.readAll();
      }
      if (entries.isEmpty()) {
        out.println("nothing in " + topic + "; load a file with: stormwatch oncall load FILE");
        out.flush();
        return 0;
      }
      OnCallConfig config = OnCallEntries.fromEntries(entries.values(), p -> err.println("warning: " + p));
      err.flush();
      printTables(out, config, when);
      out.println(summary(config) + " in " + topic + "; on call at " + when);
      out.flush();
      return 0;
    }
  }

  /** Teams, schedules and people, each a table, with who is on call at {@code at}. */
  static void printTables(PrintWriter out, OnCallConfig config, Instant at) {
    if (!config.teams().isEmpty()) {
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"TEAM", "NAME", "POLICY", "CHAT", "PAGED FIRST"});
      for (Team t : config.teams().values()) {
        String first = OnCall.team(config, t.id(), at)
            .map(o -> o.first().stream().map(Person::id).collect(Collectors.joining(", "))).orElse("");
        rows.add(new String[] {t.id(), t.name(), t.policy().orElse("-"),
            t.chat().map(ContactMethod::label).orElse("-"), first.isEmpty() ? "nobody" : first});
      }
      TextTable.print(out, rows);
      out.println();
    }
    if (!config.schedules().isEmpty()) {
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"SCHEDULE", "TIME ZONE", "LAYERS", "OVERRIDES", "ON CALL", "UNTIL"});
      for (Schedule s : config.schedules().values()) {
        Optional<String> who = ScheduleTimeline.at(s, at).person();
        String until = "-";
        if (who.isPresent()) {
          List<Shift> shifts = ScheduleTimeline.wholeShifts(s, at, at.plusMillis(1));
          until = shifts.isEmpty() ? "-" : shifts.get(0).end().toString();
        }
        rows.add(new String[] {s.id(), s.zone().getId(), Integer.toString(s.layers().size()),
            Integer.toString(s.overrides().size()), who.orElse("nobody"), until});
      }
      TextTable.print(out, rows);
      out.println();
    }
    if (!config.people().isEmpty()) {
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"PERSON", "NAME", "TIME ZONE", "CONTACTS"});
      for (Person p : config.people().values()) {
        rows.add(new String[] {p.id(), p.name(), p.timeZone().getId(),
            p.contacts().stream().map(ContactMethod::label).collect(Collectors.joining(", "))});
      }
      TextTable.print(out, rows);
      out.println();
    }
  }

  /** {@code 2 people, 1 team, 1 escalation policy, 1 schedule and routing (1 rule)}. */
  static String summary(OnCallConfig config) {
    int rules = config.routing().rules().size();
    return plural(config.people().size(), "person", "people") + ", "
        + plural(config.teams().size(), "team", "teams") + ", "
        + plural(config.policies().size(), "escalation policy", "escalation policies") + ", "
        + plural(config.schedules().size(), "schedule", "schedules") + " and routing ("
        + plural(rules, "rule", "rules") + (config.routing().defaultTeam().isPresent()
        ? ", default team " + config.routing().defaultTeam().get() : "") + ")";
  }

  private static String plural(int n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }
}
