package dev.stormwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stormwatch.avro.ServiceKind;
import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.testkit.KafkaIntegrationTest;
import dev.stormwatch.testkit.KafkaTestEnv;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stormwatch topology load} and {@code show} against the real in-process broker and
 * registry, each test under its own topic prefix.
 */
@KafkaIntegrationTest
class TopologyCommandTest {

  private static final Path TOPOLOGIES = Path.of("../correlator/src/test/resources/topologies");
  private static final Path ONLINE_BOUTIQUE = TOPOLOGIES.resolve("online-boutique.json");
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void loadPublishesEveryServiceKeyedByNameAndShowPrintsThem(KafkaTestEnv kafka) throws Exception {
    String prefix = kafka.uniqueName("topo") + ".";
    String topic = prefix + "topology.services";

    CliRun load = run(kafka, prefix, "load", ONLINE_BOUTIQUE.toString());
    assertThat(load.exit()).as(load.toString()).isZero();
    assertThat(load.out()).isEqualTo("loaded 11 services (15 dependencies) of online-boutique into " + topic
        + "; removed 0\n");
    assertThat(load.err()).isEmpty();

    Map<String, ServiceNode> published = latestByKey(kafka, topic);
    assertThat(published).hasSize(11);
    assertThat(published.get("cartservice").getDependsOn()).containsExactly("redis-cart");
    assertThat(published.get("redis-cart").getKind()).isEqualTo(ServiceKind.CACHE);
    assertThat(published.values()).allSatisfy(node -> assertThat(node.getTopology()).isEqualTo("online-boutique"));
    Config config = kafka.adminClient().describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic)))
        .all().get(30, TimeUnit.SECONDS).values().iterator().next();
    assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);

    CliRun show = run(kafka, prefix, "show");
    assertThat(show.exit()).as(show.toString()).isZero();
    assertThat(serviceColumn(show.out())).containsExactly("adservice", "cartservice", "checkoutservice",
        "currencyservice", "emailservice", "frontend", "paymentservice", "productcatalogservice",
        "recommendationservice", "redis-cart", "shippingservice");
    assertThat(show.out().lines().findFirst()).hasValueSatisfying(header ->
        assertThat(header).matches("SERVICE +KIND +OWNER +SYSTEM +DEPENDS ON"));
    assertThat(show.out()).containsPattern("(?m)^cartservice +service +- +- +redis-cart$");
    assertThat(show.out()).containsPattern("(?m)^frontend +frontend +- +- +productcatalogservice, currencyservice,"
        + " cartservice, recommendationservice, shippingservice, checkoutservice, adservice$");
    assertThat(show.out()).endsWith("11 services (15 dependencies) in " + topic + "; topology online-boutique\n");

    CliRun json = run(kafka, prefix, "show", "--json");
    assertThat(json.exit()).as(json.toString()).isZero();
    JsonNode array = JSON.readTree(json.out());
    assertThat(array).hasSize(11);
    JsonNode frontend = array.get(5);
    assertThat(frontend.get("name").asText()).isEqualTo("frontend");
    assertThat(frontend.get("kind").asText()).isEqualTo("frontend");
    assertThat(frontend.get("dependsOn")).hasSize(7);
    assertThat(frontend.get("topology").asText()).isEqualTo("online-boutique");
    assertThat(frontend.get("labels").get("language").asText()).isEqualTo("Go");
    assertThat(frontend.get("updatedAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
  }

  @Test
  void aReloadWithoutAServiceTombstonesItAndLeavesOtherTopologiesAlone(KafkaTestEnv kafka) throws Exception {
    String prefix = kafka.uniqueName("topo") + ".";
    String topic = prefix + "topology.services";
    assertThat(run(kafka, prefix, "load", ONLINE_BOUTIQUE.toString()).exit()).isZero();
    CliRun sockShop = run(kafka, prefix, "load", TOPOLOGIES.resolve("sock-shop.yaml").toString());
    assertThat(sockShop.out()).isEqualTo("loaded 14 services (15 dependencies) of sock-shop into " + topic
        + "; removed 0\n");

    Path smaller = withoutService(ONLINE_BOUTIQUE, "emailservice");
    CliRun reload = run(kafka, prefix, "load", smaller.toString());
    assertThat(reload.exit()).as(reload.toString()).isZero();
    assertThat(reload.out()).isEqualTo("loaded 10 services (15 dependencies) of online-boutique into " + topic
        + "; removed 1 (emailservice)\n");
    assertThat(reload.err()).isEqualTo("warning: " + smaller + ": services[6].dependsOn: depends on 'emailservice',"
        + " which is not a service of online-boutique; alerts on it correlate as an unknown service\n");

    List<ConsumerRecord<String, ServiceNode>> records = readAll(kafka, topic);
    ConsumerRecord<String, ServiceNode> last = records.get(records.size() - 1);
    assertThat(last.key()).isEqualTo("emailservice");
    assertThat(last.value()).as("a tombstone").isNull();
    assertThat(records.stream().filter(r -> r.value() == null).map(ConsumerRecord::key)).containsExactly("emailservice");

    CliRun show = run(kafka, prefix, "show");
    assertThat(serviceColumn(show.out())).hasSize(10 + 14).doesNotContain("emailservice").contains("carts", "frontend");
    assertThat(show.out()).endsWith("24 services (30 dependencies) in " + topic
        + "; topologies online-boutique, sock-shop\n");
  }

  @Test
  void aDryRunPrintsWhatWouldBeLoadedAndWritesNothing(KafkaTestEnv kafka) throws Exception {
    String prefix = kafka.uniqueName("topo") + ".";
    String topic = prefix + "topology.services";

    CliRun dryRun = run(kafka, prefix, "load", "--dry-run", TOPOLOGIES.resolve("catalog-info.yaml").toString());
    assertThat(dryRun.exit()).as(dryRun.toString()).isZero();
    assertThat(dryRun.out()).isEqualTo("""
        SERVICE          KIND      OWNER          SYSTEM           DEPENDS ON
        cartservice      service   jane           online-boutique  redis-cart
        checkoutservice  service   checkout-team  online-boutique  cartservice, paymentservice
        frontend         frontend  web-team       online-boutique  checkoutservice, cartservice
        redis-cart       cache     platform       online-boutique  -
        dry run: would load 4 services (5 dependencies) of online-boutique into %s; nothing written
        """.formatted(topic));
    assertThat(dryRun.err()).isEqualTo("warning: " + TOPOLOGIES.resolve("catalog-info.yaml")
        + ": documents[3].spec.dependsOn: depends on 'paymentservice', which is not a service of online-boutique;"
        + " alerts on it correlate as an unknown service\n");

    assertThat(kafka.adminClient().listTopics().names().get(30, TimeUnit.SECONDS)).doesNotContain(topic);
    CliRun show = run(kafka, prefix, "show");
    assertThat(show.exit()).isZero();
    assertThat(show.out()).isEqualTo("no services in " + topic + "; load some with: stormwatch topology load FILE\n");
  }

  @Test
  void aBrokenFileIsOneLineAndANonZeroExitAndWritesNothing(KafkaTestEnv kafka) throws Exception {
    String prefix = kafka.uniqueName("topo") + ".";
    Path broken = Files.writeString(dir.resolve("broken.json"),
        "{\"name\": \"t\", \"services\": [{\"name\": \"a\", \"dependsOn\": \"b\"}]}");

    CliRun load = run(kafka, prefix, "load", broken.toString());
    assertThat(load.exit()).isNotZero();
    assertThat(load.err()).isEqualTo("stormwatch: " + broken + ": services[0].dependsOn: expected a list of names\n");
    assertThat(load.out()).isEmpty();
    assertThat(kafka.adminClient().listTopics().names().get(30, TimeUnit.SECONDS))
        .doesNotContain(prefix + "topology.services");
  }

  @Test
  void nothingListeningAtTheBootstrapAddressFailsAtOnceWithOneLine(KafkaTestEnv kafka) throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    long start = System.nanoTime();
    CliRun load = CliRun.run("topology", "load", ONLINE_BOUTIQUE.toString(), "--bootstrap-servers", "127.0.0.1:" + closedPort,
        "--registry-url", kafka.registryUrl());
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(load.exit()).isNotZero();
    assertThat(load.err()).isEqualTo("stormwatch: cannot connect to Kafka at 127.0.0.1:" + closedPort
        + ": Connection refused (is Stormwatch running? try: stormwatch up)\n");
    assertThat(took).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void aBootstrapAddressThatNeverAnswersFailsWithinTheTimeoutWithOneLine(KafkaTestEnv kafka) throws IOException {
    // accepts TCP connections (the kernel's backlog) but never speaks Kafka
    try (ServerSocket silent = new ServerSocket(0)) {
      String address = "127.0.0.1:" + silent.getLocalPort();
      for (String command : List.of("load", "show")) {
        long start = System.nanoTime();
        CliRun run = command.equals("load")
            ? CliRun.run("topology", "load", ONLINE_BOUTIQUE.toString(), "--bootstrap-servers", address,
                "--registry-url", kafka.registryUrl(), "--timeout", "2s")
            : CliRun.run("topology", "show", "--bootstrap-servers", address, "--registry-url", kafka.registryUrl(),
                "--timeout", "2s");
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertThat(run.exit()).as(command).isNotZero();
        assertThat(run.err()).as(command).startsWith("stormwatch: Kafka at " + address + " did not answer within 2s"
            + " (is Stormwatch running? try: stormwatch up)").endsWith("\n").hasLineCount(1);
        assertThat(took).as(command).isLessThan(Duration.ofSeconds(10));
      }
    }
  }

  @Test
  void helpShowsTheOptionsTheirEnvironmentVariablesAndExamples() {
    CliRun topology = CliRun.run("topology", "--help");
    assertThat(topology.out()).contains("load", "show", "Examples:");
    CliRun load = CliRun.run("topology", "load", "--help");
    assertThat(load.exit()).isZero();
    assertThat(load.out()).contains("FILE", "--dry-run", "--name", "--bootstrap-servers", "STORMWATCH_BOOTSTRAP_SERVERS",
        "127.0.0.1:9092", "--registry-url", "STORMWATCH_REGISTRY_URL", "http://127.0.0.1:8081", "--topic-prefix",
        "STORMWATCH_TOPIC_PREFIX", "--timeout", "Examples:");
    CliRun show = CliRun.run("topology", "show", "--help");
    assertThat(show.exit()).isZero();
    assertThat(show.out()).contains("--json", "--bootstrap-servers", "--registry-url", "--topic-prefix", "Examples:");
  }

  /** The online-boutique file with one service taken out of {@code services} (its edges stay). */
  private Path withoutService(Path file, String service) throws IOException {
    ObjectNode root = (ObjectNode) JSON.readTree(file.toFile());
    ArrayNode services = (ArrayNode) root.get("services");
    for (int i = 0; i < services.size(); i++) {
      if (services.get(i).get("name").asText().equals(service)) {
        services.remove(i);
        break;
      }
    }
    return Files.writeString(dir.resolve("online-boutique-without-" + service + ".json"), root.toPrettyString());
  }

  private static List<String> serviceColumn(String table) {
    List<String> lines = table.lines().toList();
    return lines.subList(1, lines.size() - 1).stream().map(line -> line.split(" +")[0]).toList();
  }

  private static Map<String, ServiceNode> latestByKey(KafkaTestEnv kafka, String topic) {
    Map<String, ServiceNode> latest = new HashMap<>();
    readAll(kafka, topic).forEach(r -> latest.put(r.key(), r.value()));
    return latest;
  }

  private static List<ConsumerRecord<String, ServiceNode>> readAll(KafkaTestEnv kafka, String topic) {
    return CliRun.readAll(kafka, topic, ServiceNode.class, DEADLINE);
  }

  private static CliRun run(KafkaTestEnv kafka, String prefix, String... args) {
    return CliRun.run(kafka, prefix, "topology", args);
  }
}
