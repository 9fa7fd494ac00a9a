package dev.stormwatch.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.correlator.graph.TopologyDocument;
import dev.stormwatch.correlator.graph.TopologyDocuments;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stormwatch topology}: publish the service graph to {@code topology.services} from a
 * topology file, and show what the topic holds. The file formats are those of
 * {@link TopologyDocuments}; docs/topology.md describes them.
 */
@Command(
    name = "topology",
    mixinStandardHelpOptions = true,
    usageHelpWidth = 100,
    description = {
        "The service topology in the compacted topic topology.services, which the correlator reads:",
        "load it from a file (JSON, YAML or a Backstage catalog-info.yaml), or show it."},
    subcommands = {TopologyCommand.Load.class, TopologyCommand.Show.class},
    footer = {
        "",
        "Examples:",
        "  ./stormwatch topology load online-boutique.json",
        "  ./stormwatch topology load catalog-info.yaml --dry-run",
        "  ./stormwatch topology show",
        "File formats: docs/topology.md"})
public final class TopologyCommand implements Runnable {

  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "a subcommand is needed: stormwatch topology load FILE, or stormwatch topology show");
  }

  /** {@code stormwatch topology load FILE}. */
  @Command(
      name = "load",
      mixinStandardHelpOptions = true,
      usageHelpWidth = 100,
      description = {
          "Parse a topology file and publish every service, keyed by name, to topology.services.",
          "Services that an earlier load of the same topology (same name) published and that the",
          "file no longer has are removed (tombstoned), so a reload reflects removals. Warnings",
          "(e.g. a dependency on a service the file does not define) are printed; they do not stop",
          "the load."},
      footer = {
          "",
          "The format is recognised by content: JSON or YAML of the form",
          "  {\"name\": ..., \"services\": [{\"name\", \"kind\", \"dependsOn\": [...]}]}",
          "or a Backstage catalog of Component/Resource entities (apiVersion: backstage.io/...).",
          "See docs/topology.md.",
          "",
          "Examples:",
          "  ./stormwatch topology load ../shared/topologies/online-boutique.json",
          "  ./stormwatch topology load catalog-info.yaml --name online-boutique",
          "  ./stormwatch topology load sock-shop.yaml --dry-run",
          "  export STORMWATCH_BOOTSTRAP_SERVERS=kafka:9092",
          "  export STORMWATCH_REGISTRY_URL=http://registry:8081",
          "  ./stormwatch topology load topology.json --topic-prefix prod."})
  public static final class Load implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "The topology file (JSON, YAML or Backstage catalog).")
    Path file;

    @Option(names = "--dry-run",
        description = "Only parse the file and print what would be loaded; contact nothing, write nothing.")
    boolean dryRun;

    @Option(names = "--name", paramLabel = "NAME",
        description = "The topology's name, instead of the file's own (\"name\", or a Backstage System).")
    String name;

    @Mixin
    KafkaOptions kafka;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      TopologyDocument doc = TopologyDocuments.read(file, name, clock.instant());
      for (String warning : doc.warnings()) {
        err.println("warning: " + file + ": " + warning);
      }
      err.flush();
      String topic = kafka.topics().topology();
      if (dryRun) {
        printTable(out, doc.services());
        out.println(CompactedTopic.dryRunLine(summary(doc), topic));
        out.flush();
        return 0;
      }
      try (CompactedTopic<ServiceNode> target = TopologyCommand.topic(kafka)) {
        target.ensureExists();
        Map<String, ServiceNode> current = target.readAll();
        Set<String> names = new TreeSet<>(doc.serviceNames());
        List<String> removals = current.values().stream()
            .filter(node -> doc.name().equals(node.getTopology()) && !names.contains(node.getName()))
            .map(ServiceNode::getName)
            .sorted()
            .toList();
        for (ServiceNode node : doc.services()) {
          ServiceNode before = current.get(node.getName());
          if (before != null && before.getTopology() != null && !doc.name().equals(before.getTopology())) {
            err.println("warning: " + node.getName() + " belonged to topology '" + before.getTopology()
                + "'; it now belongs to '" + doc.name() + "'");
          }
        }
        err.flush();
        target.write(byName(doc.services()), removals);
        out.println(CompactedTopic.loadedLine(summary(doc), topic, removals));
        out.flush();
      }
      return 0;
    }

    private static String summary(TopologyDocument doc) {
      return plural(doc.services().size(), "service") + " (" + plural(doc.dependencyCount(), "dependency")
          + ") of " + doc.name();
    }
  }

  /** {@code stormwatch topology show}. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      usageHelpWidth = 100,
      description = {
          "Read topology.services to its end and print every service, sorted by name: kind, owner,",
          "system and dependencies; --json prints every field for scripts."},
      footer = {
          "",
          "Examples:",
          "  ./stormwatch topology show",
          "  ./stormwatch topology show --json | jq -r '.[] | select(.kind == \"database\") | .name'",
          "  ./stormwatch topology show --bootstrap-servers kafka:9092 \\",
          "      --registry-url http://registry:8081 --topic-prefix prod."})
  public static final class Show implements Callable<Integer> {

    @Option(names = "--json", description = "Print a JSON array of services with every field.")
    boolean json;

    @Mixin
    KafkaOptions kafka;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      Collection<ServiceNode> services;
      try (CompactedTopic<ServiceNode> source = TopologyCommand.topic(kafka)) {
        services = source.readAll().values();
      }
      if (json) {
        out.println(toJson(services));
      } else if (services.isEmpty()) {
        out.println("no services in " + kafka.topics().topology() + "; load some with: stormwatch topology load FILE");
      } else {
        printTable(out, services);
        Set<String> topologies = new TreeSet<>();
        services.forEach(s -> topologies.add(s.getTopology() == null ? "(none)" : s.getTopology()));
        int dependencies = services.stream().mapToInt(s -> s.getDependsOn().size()).sum();
        out.println(plural(services.size(), "service") + " (" + plural(dependencies, "dependency") + ") in "
            + kafka.topics().topology() + "; " + (topologies.size() == 1 ? "topology " : "topologies ")
            + String.join(", ", topologies));
      }
      out.flush();
      return 0;
    }
  }

  /** The table: SERVICE, KIND, OWNER, SYSTEM, DEPENDS ON; sorted by name; {@code -} for none. */
  static void printTable(PrintWriter out, Collection<ServiceNode> services) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"SERVICE", "KIND", "OWNER", "SYSTEM", "DEPENDS ON"});
    services.stream().sorted(Comparator.comparing(ServiceNode::getName)).forEach(s -> rows.add(new String[] {
        s.getName(), s.getKind().name().toLowerCase(Locale.ROOT), orDash(s.getOwner()), orDash(s.getSystem()),
        s.getDependsOn().isEmpty() ? "-" : String.join(", ", s.getDependsOn())}));
    TextTable.print(out, rows);
  }

  static String toJson(Collection<ServiceNode> services) {
    ArrayNode array = JSON.createArrayNode();
    services.stream().sorted(Comparator.comparing(ServiceNode::getName)).forEach(s -> {
      ObjectNode node = array.addObject();
      node.put("name", s.getName());
      node.put("kind", s.getKind().name().toLowerCase(Locale.ROOT));
      ArrayNode dependsOn = node.putArray("dependsOn");
      s.getDependsOn().forEach(dependsOn::add);
      node.put("owner", s.getOwner());
      node.put("system", s.getSystem());
      node.put("tier", s.getTier());
      node.put("runbook", s.getRunbook());
      node.put("topology", s.getTopology());
      ObjectNode labels = node.putObject("labels");
      new TreeMap<>(s.getLabels()).forEach(labels::put);
      node.put("updatedAt", s.getUpdatedAt() == null ? null : s.getUpdatedAt().toString());
    });
    try {
      return JSON.writeValueAsString(array);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException("cannot write the services as JSON", e);
    }
  }

  private static String orDash(String value) {
    return value == null || value.isBlank() ? "-" : value;
  }

  private static String plural(int count, String noun) {
    if (count == 1) {
      return count + " " + noun;
    }
    return count + " " + (noun.endsWith("y") ? noun.substring(0, noun.length() - 1) + "ies" : noun + "s");
  }

  /** The compacted {@code topology.services} under the options' prefix. */
  static CompactedTopic<ServiceNode> topic(KafkaOptions kafka) {
    return new CompactedTopic<>(kafka, kafka.topics().topology(), ServiceNode.class);
  }

  /** The services keyed by name, as {@code topology.services} keys them. */
  static java.util.Map<String, ServiceNode> byName(java.util.Collection<ServiceNode> services) {
    java.util.Map<String, ServiceNode> byName = new java.util.LinkedHashMap<>();
    services.forEach(s -> byName.put(s.getName(), s));
    return byName;
  }
}
