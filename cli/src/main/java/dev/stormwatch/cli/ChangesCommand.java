package dev.stormwatch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stormwatch.avro.ChangeEvent;
import dev.stormwatch.avro.ChangeKind;
import dev.stormwatch.avro.Link;
import dev.stormwatch.avro.LinkKind;
import dev.stormwatch.ingest.changes.ChangeIds;
import dev.stormwatch.ingest.changes.ChangeKinds;
import dev.stormwatch.ingest.normalize.ServiceResolver;
import dev.stormwatch.ingest.normalize.support.JsonFields;
import dev.stormwatch.ingest.normalize.support.PayloadException;
import dev.stormwatch.ingest.normalize.support.Rfc3339;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code stormwatch changes}: record a deploy, rollback, config change or feature flag by hand on
 * {@code changes.events} (where the gateway's {@code POST /api/changes} and PagerDuty-compatible
 * {@code POST /v2/change/enqueue} end up too), and list what was recorded.
 */
@Command(
    name = "changes",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 100,
    description = {
        "Changes to services (deploys, rollbacks, config changes, feature flags) in changes.events, which",
        "the correlator names as suspects of incidents: record one by hand, or list recent ones."},
    subcommands = {ChangesCommand.Add.class, ChangesCommand.ListChanges.class},
    footer = {
        "",
        "Examples:",
        "  ./stormwatch changes add --service checkout --version v1.4.2 --author alice \\",
        "      --summary 'Raise the pool size' --link https://ci.example.com/run/4711",
        "  ./stormwatch changes list --service checkout --since 2h",
        "CI tools post changes to the gateway instead: POST /api/changes (see ingest/README.md)."})
public final class ChangesCommand implements Runnable {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /** {@code origin} of changes recorded with {@code changes add}. */
  static final String ORIGIN = "cli";

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "a subcommand is needed: stormwatch changes add --service S, or stormwatch changes list");
  }

  /** {@code stormwatch changes add}. */
  @Command(
      name = "add",
      usageHelpWidth = 100,
      description = {
          "Record one change on changes.events, keyed by its service, as an Avro ChangeEvent with origin",
          "'cli'. Without --id, the id is derived from the content and the time, so running the same",
          "command with the same --time again records the same change, not a second one."},
      footer = {
          "",
          "Examples:",
          "  ./stormwatch changes add --service checkout --kind deploy --version v1.4.2 --author alice \\",
          "      --summary 'Raise the pool size' --link https://ci.example.com/run/4711",
          "  ./stormwatch changes add --service frontend --kind feature-flag --summary 'new-checkout 10%%' \\",
          "      --label flag=new-checkout --time 2026-11-27T15:04:05Z",
          "  export STORMWATCH_BOOTSTRAP_SERVERS=kafka:9092",
          "  export STORMWATCH_REGISTRY_URL=http://registry:8081",
          "  ./stormwatch changes add --service payments --kind rollback --version v2.0.9 --topic-prefix prod."})
  public static final class Add implements Callable<Integer> {

    // no mixinStandardHelpOptions here: its -V/--version would take --version from the change
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--service", required = true, paramLabel = "NAME",
        description = "The changed service (its canonical name, as the topology names it).")
    String service;

    @Option(names = "--kind", paramLabel = "KIND", defaultValue = "deploy",
        description = {"deploy, rollback, config, feature-flag or other; default: ${DEFAULT-VALUE}."})
    String kind;

    @Option(names = "--version", paramLabel = "VERSION", description = "Version, image tag or commit deployed.")
    String version;

    @Option(names = "--author", paramLabel = "WHO", description = "Who made the change.")
    String author;

    @Option(names = "--summary", paramLabel = "TEXT", description = "One line describing the change.")
    String summary;

    @Option(names = "--environment", paramLabel = "ENV", description = "The environment changed, e.g. production.")
    String environment;

    @Option(names = "--link", paramLabel = "URL", description = "A link to the pipeline run, pull request or flag"
        + " (http or https); repeatable.")
    List<String> links = new ArrayList<>();

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Another attribute; repeatable.")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--time", paramLabel = "RFC3339",
        description = "When the change took effect, e.g. 2026-11-27T15:04:05Z; default: now.")
    String time;

    @Option(names = "--id", paramLabel = "ID", description = "The change's id; default: derived from the content.")
    String id;

    @Mixin
    KafkaOptions kafka;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
      Instant now = clock.instant();
      ChangeEvent change = change(now);
      try (ChangesTopic target = new ChangesTopic(kafka)) {
        target.ensureExists();
        target.write(change, now);
        PrintWriter out = spec.commandLine().getOut();
        out.println("recorded " + ChangeKinds.name(change.getKind()) + " of " + change.getService()
            + (change.getVersion() == null ? "" : " " + change.getVersion()) + " at " + change.getTime()
            + " as " + change.getId() + " in " + target.name());
        out.flush();
      }
      return 0;
    }

    /** The change the options describe; a bad option is a one-line {@link IllegalArgumentException}. */
    ChangeEvent change(Instant now) {
      if (service == null || service.isBlank()) {
        throw new IllegalArgumentException("--service: must not be blank");
      }
      ChangeKind changeKind = ChangeKinds.parse(kind).orElseThrow(() -> new IllegalArgumentException(
          "--kind: '" + kind + "' is not one of " + String.join(", ", ChangeKinds.NAMES)));
      Instant at;
      try {
        at = time == null ? now : Rfc3339.parse("--time", time.strip());
      } catch (PayloadException e) {
        throw new IllegalArgumentException(e.getMessage() + " (write e.g. 2026-11-27T15:04:05Z)", e);
      }
      List<Link> linkList = new ArrayList<>();
      for (String url : links) {
        if (!JsonFields.isHttpUrl(url)) {
          throw new IllegalArgumentException("--link: not an absolute http(s) URL: '" + url + "'");
        }
        linkList.add(Link.newBuilder().setKind(LinkKind.CHANGE).setUrl(url.strip()).setTitle(null).build());
      }
      Map<String, String> labelMap = new TreeMap<>();
      labels.forEach((key, value) -> {
        if (key.isBlank()) {
          throw new IllegalArgumentException("--label: expected KEY=VALUE with a non-empty KEY");
        }
        labelMap.put(key.strip(), value);
      });
      ChangeEvent change = ChangeEvent.newBuilder()
          .setId("")
          .setService(ServiceResolver.defaults().canonical(service))
          .setKind(changeKind)
          .setSummary(blankToNull(summary))
          .setVersion(blankToNull(version))
          .setAuthor(blankToNull(author))
          .setEnvironment(blankToNull(environment))
          .setLinks(linkList)
          .setOrigin(ORIGIN)
          .setLabels(labelMap)
          .setTime(at.truncatedTo(ChronoUnit.MILLIS))
          .build();
      String given = blankToNull(id);
      return ChangeEvent.newBuilder(change).setId(given != null ? given : ChangeIds.derive(change, true)).build();
    }
  }

  /** {@code stormwatch changes list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      usageHelpWidth = 100,
      description = {
          "Print the changes recorded on changes.events within --since, oldest first, one per id (a retried",
          "write is one change): time, service, kind, version, author and summary; --json prints every field."},
      footer = {
          "",
          "Examples:",
          "  ./stormwatch changes list",
          "  ./stormwatch changes list --service checkout --since 2h",
          "  ./stormwatch changes list --since 7d --json | jq -r '.[] | select(.kind == \"rollback\") | .service'"})
  public static final class ListChanges implements Callable<Integer> {

    @Option(names = "--service", paramLabel = "NAME", description = "Only changes of this service.")
    String service;

    @Option(names = "--since", paramLabel = "DURATION", defaultValue = "24h", converter = DaysOrDuration.class,
        description = {"How far back, e.g. 30m, 2h, 7d or PT1H; default: ${DEFAULT-VALUE}."})
    Duration since;

    @Option(names = "--json", description = "Print a JSON array of changes with every field.")
    boolean json;

    @Mixin
    KafkaOptions kafka;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
      Instant from = clock.instant().minus(since);
      String only = service == null || service.isBlank() ? null : ServiceResolver.defaults().canonical(service);
      List<ChangeEvent> changes;
      String topic;
      try (ChangesTopic source = new ChangesTopic(kafka)) {
        topic = source.name();
        Map<String, ChangeEvent> byId = new LinkedHashMap<>();
        source.readSince(from).stream()
            .filter(c -> !c.getTime().isBefore(from))
            .filter(c -> only == null || only.equals(c.getService()))
            .forEach(c -> byId.putIfAbsent(c.getId(), c)); // a retried write is one change
        changes = byId.values().stream()
            .sorted(Comparator.comparing(ChangeEvent::getTime).thenComparing(ChangeEvent::getId))
            .toList();
      }
      PrintWriter out = spec.commandLine().getOut();
      String scope = (only == null ? "" : " of " + only) + " in " + topic + " since " + from.truncatedTo(ChronoUnit.SECONDS);
      if (json) {
        out.println(toJson(changes));
      } else if (changes.isEmpty()) {
        out.println("no changes" + scope);
      } else {
        printTable(out, changes);
        out.println(changes.size() + (changes.size() == 1 ? " change" : " changes") + scope);
      }
      out.flush();
      return 0;
    }
  }

  /** Durations as {@code --timeout} takes them, and days: {@code 7d}. */
  static final class DaysOrDuration implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.strip();
      if (v.endsWith("d") && v.length() > 1 && v.chars().limit(v.length() - 1).allMatch(Character::isDigit)) {
        try {
          long days = Long.parseLong(v.substring(0, v.length() - 1));
          if (days > 0 && days <= 36_500) {
            return Duration.ofDays(days);
          }
        } catch (NumberFormatException tooLong) {
          // falls through to the message below
        }
        throw new CommandLine.TypeConversionException("expected a positive duration such as 30m, 2h or 7d: " + value);
      }
      return new KafkaOptions.DurationConverter().convert(value);
    }
  }

  /** The table: TIME, SERVICE, KIND, VERSION, AUTHOR, SUMMARY; {@code -} for none; long summaries cut. */
  static void printTable(PrintWriter out, List<ChangeEvent> changes) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"TIME", "SERVICE", "KIND", "VERSION", "AUTHOR", "SUMMARY"});
    for (ChangeEvent c : changes) {
      rows.add(new String[] {c.getTime().toString(), c.getService(), ChangeKinds.name(c.getKind()),
          orDash(c.getVersion()), orDash(c.getAuthor()), cut(orDash(c.getSummary()), 80)});
    }
    TextTable.print(out, rows);
  }

  static String toJson(List<ChangeEvent> changes) {
    ArrayNode array = JSON.createArrayNode();
    for (ChangeEvent c : changes) {
      ObjectNode node = array.addObject();
      node.put("id", c.getId());
      node.put("service", c.getService());
      node.put("kind", ChangeKinds.name(c.getKind()));
      node.put("time", c.getTime().toString());
      node.put("version", c.getVersion());
      node.put("author", c.getAuthor());
      node.put("summary", c.getSummary());
      node.put("environment", c.getEnvironment());
      ArrayNode links = node.putArray("links");
      for (Link link : c.getLinks()) {
        ObjectNode l = links.addObject();
        l.put("url", link.getUrl());
        l.put("title", link.getTitle());
      }
      ObjectNode labels = node.putObject("labels");
      new TreeMap<>(c.getLabels()).forEach(labels::put);
      node.put("origin", c.getOrigin());
    }
    try {
      return JSON.writeValueAsString(array);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write the changes as JSON", e);
    }
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text.strip();
  }

  private static String orDash(String value) {
    return value == null || value.isBlank() ? "-" : value;
  }

  private static String cut(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 3) + "...";
  }
}
