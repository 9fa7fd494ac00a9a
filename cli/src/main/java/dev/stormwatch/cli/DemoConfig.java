package dev.stormwatch.cli;

import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.avro.oncall.OnCallEntry;
import dev.stormwatch.correlator.graph.TopologyDocument;
import dev.stormwatch.correlator.graph.TopologyDocuments;
import dev.stormwatch.notifier.oncall.OnCallConfig;
import dev.stormwatch.notifier.oncall.OnCallEntries;
import dev.stormwatch.notifier.oncall.OnCallYaml;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The demo configuration {@code ./stormwatch up} starts with on an empty data dir: the Online
 * Boutique service topology and a demo team whose pages go to the pager inbox. Each is loaded only
 * when its topic is empty, so a topology or on-call file the user loaded is never overwritten, and
 * a restart changes nothing. The files ship in the CLI jar (copied at build time from
 * {@code deploy/config/oncall-demo.yaml} and the sample topology), so {@code up} works from any
 * directory.
 */
final class DemoConfig {

  private static final Logger log = LoggerFactory.getLogger(DemoConfig.class);
  static final String TOPOLOGY = "demo/online-boutique.json";
  static final String ONCALL = "demo/oncall-demo.yaml";

  private DemoConfig() {}

  /** What was loaded, for printing: empty when both topics already had content. */
  static List<String> loadIfEmpty(String bootstrapServers, String registryUrl, String topicPrefix, Instant now) {
    KafkaOptions kafka = new KafkaOptions();
    kafka.bootstrapServers = bootstrapServers;
    kafka.registryUrl = registryUrl;
    kafka.topicPrefix = topicPrefix;
    kafka.timeout = Duration.ofSeconds(30);
    List<String> loaded = new java.util.ArrayList<>();
    try (CompactedTopic<ServiceNode> topology = TopologyCommand.topic(kafka)) {
      topology.ensureExists();
      if (topology.readAll().isEmpty()) {
        TopologyDocument doc = TopologyDocuments.parse(TOPOLOGY, resource(TOPOLOGY), null, now);
        List<ServiceNode> services = doc.services();
        topology.write(TopologyCommand.byName(services), List.of());
        loaded.add("demo topology '" + doc.name() + "' (" + services.size() + " services)");
      }
    }
    try (CompactedTopic<OnCallEntry> oncall = new CompactedTopic<>(kafka, kafka.topics().oncall(), OnCallEntry.class)) {
      oncall.ensureExists();
      if (oncall.readAll().isEmpty()) {
        OnCallConfig config = OnCallYaml.parse(resource(ONCALL));
        Map<String, OnCallEntry> entries = OnCallEntries.toEntries(config, "oncall-demo.yaml", now);
        oncall.write(entries, List.of());
        loaded.add("demo on-call configuration (" + OncallCommand.summary(config) + ")");
      }
    }
    loaded.forEach(l -> log.info("loaded the {}", l));
    return loaded;
  }

  static String resource(String name) {
    try (InputStream in = DemoConfig.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the CLI jar lacks its resource " + name + "; rebuild with ./mvnw package");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
