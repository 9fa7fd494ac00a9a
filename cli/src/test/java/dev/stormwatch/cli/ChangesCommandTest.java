package dev.stormwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stormwatch.avro.ChangeEvent;
import dev.stormwatch.avro.ChangeKind;
import dev.stormwatch.avro.Link;
import dev.stormwatch.avro.LinkKind;
import dev.stormwatch.testkit.KafkaIntegrationTest;
import dev.stormwatch.testkit.KafkaTestEnv;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * {@code stormwatch changes add} and {@code list} against the real in-process broker and
 * registry, each test under its own topic prefix.
 */
@KafkaIntegrationTest
class ChangesCommandTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void addRecordsOneAvroChangeKeyedByServiceAndListPrintsIt(KafkaTestEnv kafka) throws Exception {
    String prefix = kafka.uniqueName("chg") + ".";
    String topic = prefix + "changes.events";
    Instant at = Instant.now().minus(10, ChronoUnit.MINUTES).truncatedTo(ChronoUnit.SECONDS);

    CliRun add = run(kafka, prefix, "add", "--service", "Checkout", "--kind", "deploy", "--version", "v1.4.2",
        "--author", "alice", "--summary", "Raise the pool size", "--environment", "production",
        "--link", "https://ci.example.com/run/4711", "--link", "https://git.example.com/pr/812",
        "--label", "pipeline=main", "--time", at.toString());
    assertThat(add.exit()).as(add.toString()).isZero();
    assertThat(add.err()).isEmpty();
    assertThat(add.out()).matches("recorded deploy of checkout v1\\.4\\.2 at " + at + " as chg-[0-9a-f]{32} in "
        + topic.replace(".", "\\.") + "\n");

    List<ConsumerRecord<String, ChangeEvent>> records = readAll(kafka, topic);
    assertThat(records).singleElement().satisfies(r -> {
      assertThat(r.key()).isEqualTo("checkout");
      assertThat(r.timestamp()).isEqualTo(at.toEpochMilli());
      ChangeEvent c = r.value();
      assertThat(c.getService()).isEqualTo("checkout");
      assertThat(c.getKind()).isEqualTo(ChangeKind.DEPLOY);
      assertThat(c.getVersion()).isEqualTo("v1.4.2");
      assertThat(c.getAuthor()).isEqualTo("alice");
      assertThat(c.getSummary()).isEqualTo("Raise the pool size");
      assertThat(c.getEnvironment()).isEqualTo("production");
      assertThat(c.getLinks()).extracting(Link::getUrl)
          .containsExactly("https://ci.example.com/run/4711", "https://git.example.com/pr/812");
      assertThat(c.getLinks()).extracting(Link::getKind).containsOnly(LinkKind.CHANGE);
      assertThat(c.getLabels()).containsExactly(Map.entry("pipeline", "main"));
      assertThat(c.getOrigin()).isEqualTo("cli");
      assertThat(c.getTime()).isEqualTo(at);
      assertThat(add.out()).contains(c.getId());
    });

    CliRun rollback = run(kafka, prefix, "add", "--service", "payments", "--kind", "rollback", "--version", "v2.0.9");
    assertThat(rollback.exit()).as(rollback.toString()).isZero();
    assertThat(rollback.out()).startsWith("recorded rollback of payments v2.0.9 at ");

    CliRun list = run(kafka, prefix, "list");
    assertThat(list.exit()).as(list.toString()).isZero();
    List<String> lines = list.out().lines().toList();
    assertThat(lines).hasSize(4);
    assertThat(lines.get(0)).matches("TIME +SERVICE +KIND +VERSION +AUTHOR +SUMMARY");
    assertThat(lines.get(1)).matches(at + " +checkout +deploy +v1\\.4\\.2 +alice +Raise the pool size");
    assertThat(lines.get(2)).matches("\\S+Z +payments +rollback +v2\\.0\\.9 +- +-");
    assertThat(lines.get(3)).startsWith("2 changes in " + topic + " since ");

    CliRun onlyCheckout = run(kafka, prefix, "list", "--service", "CHECKOUT", "--json");
    assertThat(onlyCheckout.exit()).as(onlyCheckout.toString()).isZero();
    JsonNode array = JSON.readTree(onlyCheckout.out());
    assertThat(array).hasSize(1);
    JsonNode checkout = array.get(0);
    assertThat(checkout.get("service").asText()).isEqualTo("checkout");
    assertThat(checkout.get("kind").asText()).isEqualTo("deploy");
    assertThat(checkout.get("time").asText()).isEqualTo(at.toString());
    assertThat(checkout.get("links")).hasSize(2);
    assertThat(checkout.get("labels").get("pipeline").asText()).isEqualTo("main");
    assertThat(checkout.get("origin").asText()).isEqualTo("cli");
    assertThat(checkout.get("id").asText()).isEqualTo(records.get(0).value().getId());
  }

  @Test
  void theSameAddWithTheSameTimeIsTheSameChangeAndSinceLimitsTheList(KafkaTestEnv kafka) {
    String prefix = kafka.uniqueName("chg") + ".";
    Instant threeHoursAgo = Instant.now().minus(3, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS);
    String[] add = {"add", "--service", "search", "--kind", "config", "--summary", "reindex", "--time",
        threeHoursAgo.toString()};
    CliRun first = run(kafka, prefix, add);
    CliRun again = run(kafka, prefix, add);
    assertThat(first.exit()).as(first.toString()).isZero();
    assertThat(again.out()).as("a re-run names the same id").isEqualTo(first.out());

    CliRun lastHour = run(kafka, prefix, "list", "--since", "1h");
    assertThat(lastHour.exit()).as(lastHour.toString()).isZero();
    assertThat(lastHour.out()).startsWith("no changes in " + prefix + "changes.events since ");
    CliRun fourHours = run(kafka, prefix, "list", "--since", "4h");
    assertThat(fourHours.out().lines().filter(l -> l.contains(" search ")).count())
        .as("the topic holds it twice; the list shows one change per id").isEqualTo(1);
    assertThat(fourHours.out()).contains("1 change in " + prefix + "changes.events since ");
    assertThat(readAll(kafka, prefix + "changes.events")).hasSize(2);
    CliRun other = run(kafka, prefix, "list", "--service", "cart", "--since", "1d");
    assertThat(other.out()).startsWith("no changes of cart in " + prefix + "changes.events since ");
  }

  @Test
  void badOptionsAreOneLineAndANonZeroExitAndWriteNothing(KafkaTestEnv kafka) throws Exception {
    String prefix = kafka.uniqueName("chg") + ".";
    CliRun kind = run(kafka, prefix, "add", "--service", "checkout", "--kind", "migration");
    assertThat(kind.exit()).isNotZero();
    assertThat(kind.err()).isEqualTo("stormwatch: --kind: 'migration' is not one of other, deploy, rollback, config,"
        + " feature-flag\n");
    CliRun time = run(kafka, prefix, "add", "--service", "checkout", "--time", "yesterday");
    assertThat(time.exit()).isNotZero();
    assertThat(time.err()).isEqualTo("stormwatch: --time: not an RFC 3339 timestamp: 'yesterday'"
        + " (write e.g. 2026-11-27T15:04:05Z)\n");
    CliRun link = run(kafka, prefix, "add", "--service", "checkout", "--link", "ci/run/1");
    assertThat(link.exit()).isNotZero();
    assertThat(link.err()).isEqualTo("stormwatch: --link: not an absolute http(s) URL: 'ci/run/1'\n");
    CliRun noService = run(kafka, prefix, "add", "--kind", "deploy");
    assertThat(noService.exit()).isNotZero();
    assertThat(noService.err()).contains("Missing required option: '--service=NAME'");
    CliRun since = run(kafka, prefix, "list", "--since", "a while");
    assertThat(since.exit()).isNotZero();
    assertThat(since.err()).contains("expected a duration such as 15s, 2m or PT30S: a while");

    assertThat(kafka.adminClient().listTopics().names().get(30, TimeUnit.SECONDS))
        .doesNotContain(prefix + "changes.events");
  }

  @Test
  void nothingListeningAtTheBootstrapAddressFailsAtOnceWithOneLine(KafkaTestEnv kafka) throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    for (String[] args : List.of(new String[] {"changes", "add", "--service", "checkout"},
        new String[] {"changes", "list"})) {
      List<String> all = new ArrayList<>(List.of(args));
      all.addAll(List.of("--bootstrap-servers", "127.0.0.1:" + closedPort, "--registry-url", kafka.registryUrl()));
      long start = System.nanoTime();
      CliRun run = CliRun.run(all.toArray(String[]::new));
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertThat(run.exit()).isNotZero();
      assertThat(run.err()).isEqualTo("stormwatch: cannot connect to Kafka at 127.0.0.1:" + closedPort
          + ": Connection refused (is Stormwatch running? try: stormwatch up)\n");
      assertThat(took).isLessThan(Duration.ofSeconds(5));
    }
  }

  @Test
  void helpShowsTheOptionsAndExamples() {
    CliRun changes = CliRun.run("changes", "--help");
    assertThat(changes.out()).contains("add", "list", "Examples:");
    CliRun add = CliRun.run("changes", "add", "--help");
    assertThat(add.exit()).isZero();
    assertThat(add.out()).contains("--service", "--kind", "--version", "--author", "--summary", "--link", "--label",
        "--time", "--id", "--bootstrap-servers", "STORMWATCH_BOOTSTRAP_SERVERS", "--registry-url", "--topic-prefix",
        "Examples:");
    CliRun list = CliRun.run("changes", "list", "--help");
    assertThat(list.exit()).isZero();
    assertThat(list.out()).contains("--service", "--since", "24h", "--json", "Examples:");
  }

  private static List<ConsumerRecord<String, ChangeEvent>> readAll(KafkaTestEnv kafka, String topic) {
    return CliRun.readAll(kafka, topic, ChangeEvent.class, DEADLINE);
  }

  private static CliRun run(KafkaTestEnv kafka, String prefix, String... args) {
    return CliRun.run(kafka, prefix, "changes", args);
  }
}
