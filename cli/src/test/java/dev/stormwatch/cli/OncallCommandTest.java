package dev.stormwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.oncall.OnCallEntry;
import dev.stormwatch.avro.oncall.OnCallKind;
import dev.stormwatch.testkit.KafkaIntegrationTest;
import dev.stormwatch.testkit.KafkaTestEnv;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
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
 * {@code stormwatch oncall load} and {@code show} against the real in-process broker and registry,
 * each test under its own topic prefix.
 */
@KafkaIntegrationTest
class OncallCommandTest {

  private static final Path DEMO = Path.of("../deploy/config/oncall-demo.yaml");
  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void loadPublishesEveryEntityKeyedByKindAndIdAndShowSaysWhoIsOnCall(KafkaTestEnv kafka) throws Exception {
    String prefix = kafka.uniqueName("oncall") + ".";
    String topic = prefix + "oncall.config";

    CliRun load = run(kafka, prefix, "load", DEMO.toString());
    assertThat(load.exit()).as(load.toString()).isZero();
    assertThat(load.out()).isEqualTo("loaded 2 people, 1 team, 1 escalation policy, 1 schedule and routing (1 rule,"
        + " default team platform) into " + topic + "; removed 0\n");
    assertThat(load.err()).isEmpty();

    Map<String, OnCallEntry> published = latestByKey(kafka, topic);
    assertThat(published.keySet()).containsExactlyInAnyOrder("person/alice", "person/bob", "team/platform",
        "policy/platform", "schedule/platform-primary", "routing/default");
    assertThat(published.get("schedule/platform-primary").getKind()).isEqualTo(OnCallKind.SCHEDULE);
    assertThat(published.get("team/platform").getSource()).isEqualTo("oncall-demo.yaml");
    Config config = kafka.adminClient().describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic)))
        .all().get(30, TimeUnit.SECONDS).values().iterator().next();
    assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo(TopicConfig.CLEANUP_POLICY_COMPACT);

    // Tuesday 14 January 2025, 12:00 in Berlin: bob's week (alice's was the week of 6 January)
    CliRun show = run(kafka, prefix, "show", "--at", "2025-01-14T12:00:00+01:00");
    assertThat(show.exit()).as(show.toString()).isZero();
    assertThat(show.out()).containsPattern("(?m)^TEAM +NAME +POLICY +CHAT +PAGED FIRST$")
        .containsPattern("(?m)^platform +Platform +platform +inbox:platform-chat +bob$")
        .containsPattern("(?m)^platform-primary +Europe/Berlin +1 +0 +bob +2025-01-20T08:00:00Z$")
        .containsPattern("(?m)^alice +Alice Adams +Europe/Berlin +inbox:alice$")
        .endsWith("2 people, 1 team, 1 escalation policy, 1 schedule and routing (1 rule, default team platform) in "
            + topic + "; on call at 2025-01-14T11:00:00Z\n");
    CliRun earlier = run(kafka, prefix, "show", "--at", "2025-01-08T12:00:00Z");
    assertThat(earlier.out()).containsPattern("(?m)^platform-primary +Europe/Berlin +1 +0 +alice +2025-01-13T08:00:00Z$");
  }

  @Test
  void aReloadWithoutAnEntityTombstonesIt(KafkaTestEnv kafka) throws Exception {
    String prefix = kafka.uniqueName("oncall") + ".";
    String topic = prefix + "oncall.config";
    assertThat(run(kafka, prefix, "load", DEMO.toString()).exit()).isZero();
    String smaller = Files.readString(DEMO)
        .replace("      - inbox: bob\n", "      - inbox: bob\n  - id: carol\n    contacts: [{email: carol@example.com}]\n")
        .replace("members: [alice, bob]", "members: [alice, carol]")
        .replace("participants: [alice, bob]", "participants: [alice, carol]")
        .replaceAll("(?s)  - id: bob\n    name: Bob Brown\n    time-zone: America/New_York\n    contacts:\n      - inbox: bob\n",
            "");
    assertThat(smaller).doesNotContain("id: bob");
    Path file = Files.writeString(dir.resolve("oncall.yaml"), smaller);

    CliRun reload = run(kafka, prefix, "load", file.toString());
    assertThat(reload.exit()).as(reload.toString()).isZero();
    assertThat(reload.out()).isEqualTo("loaded 2 people, 1 team, 1 escalation policy, 1 schedule and routing (1 rule,"
        + " default team platform) into " + topic + "; removed 1 (person/bob)\n");
    List<ConsumerRecord<String, OnCallEntry>> records = readAll(kafka, topic);
    assertThat(records.stream().filter(r -> r.value() == null).map(ConsumerRecord::key)).containsExactly("person/bob");
    assertThat(latestByKey(kafka, topic)).containsKey("person/carol").doesNotContainKey("person/bob");
  }

  @Test
  void aFileWithProblemsPrintsEachOnOneLineAndWritesNothing(KafkaTestEnv kafka) throws Exception {
    String prefix = kafka.uniqueName("oncall") + ".";
    Path broken = Files.writeString(dir.resolve("broken.yaml"), Files.readString(DEMO)
        .replace("participants: [alice, bob]", "participants: [alice, bobby]")
        .replace("time-zone: Europe/Berlin      #", "time-zone: Europe/Berln      #"));

    CliRun load = run(kafka, prefix, "load", broken.toString());
    assertThat(load.exit()).isEqualTo(1);
    assertThat(load.out()).isEmpty();
    assertThat(load.err()).isEqualTo(
        "stormwatch: " + broken + ": schedules[0].time-zone: unknown time zone \"Europe/Berln\" (use an IANA name such"
            + " as Europe/Berlin)\n"
            + "stormwatch: " + broken + ": schedules[0].layers[0].participants: unknown person \"bobby\"\n");
    assertThat(kafka.adminClient().listTopics().names().get(30, TimeUnit.SECONDS))
        .doesNotContain(prefix + "oncall.config");
  }

  @Test
  void aDryRunPrintsWhatWouldBeLoadedAndWritesNothing(KafkaTestEnv kafka) throws Exception {
    String prefix = kafka.uniqueName("oncall") + ".";
    CliRun dryRun = run(kafka, prefix, "load", "--dry-run", DEMO.toString());
    assertThat(dryRun.exit()).as(dryRun.toString()).isZero();
    assertThat(dryRun.out()).contains("TEAM", "platform-primary", "PERSON")
        .endsWith("dry run: would load 2 people, 1 team, 1 escalation policy, 1 schedule and routing (1 rule, default"
            + " team platform) into " + prefix + "oncall.config; nothing written\n");
    assertThat(kafka.adminClient().listTopics().names().get(30, TimeUnit.SECONDS))
        .doesNotContain(prefix + "oncall.config");
    CliRun show = run(kafka, prefix, "show");
    assertThat(show.exit()).isZero();
    assertThat(show.out()).isEqualTo("nothing in " + prefix + "oncall.config; load a file with: stormwatch oncall load"
        + " FILE\n");
  }

  @Test
  void helpShowsTheOptionsAndExamples() {
    CliRun oncall = CliRun.run("oncall", "--help");
    assertThat(oncall.out()).contains("load", "show", "Examples:", "notifier/README.md");
    CliRun load = CliRun.run("oncall", "load", "--help");
    assertThat(load.exit()).isZero();
    assertThat(load.out()).contains("FILE", "--dry-run", "--bootstrap-servers", "STORMWATCH_BOOTSTRAP_SERVERS",
        "--registry-url", "--topic-prefix", "--timeout", "Examples:");
    CliRun show = CliRun.run("oncall", "show", "--at", "yesterday");
    assertThat(show.exit()).isNotZero();
    assertThat(show.err()).startsWith("--at: not a date-time with an offset (e.g. 2025-12-24T20:00:00Z): yesterday");
  }

  private static Map<String, OnCallEntry> latestByKey(KafkaTestEnv kafka, String topic) {
    Map<String, OnCallEntry> latest = new LinkedHashMap<>();
    readAll(kafka, topic).forEach(r -> {
      if (r.value() == null) {
        latest.remove(r.key());
      } else {
        latest.put(r.key(), r.value());
      }
    });
    return latest;
  }

  private static List<ConsumerRecord<String, OnCallEntry>> readAll(KafkaTestEnv kafka, String topic) {
    return CliRun.readAll(kafka, topic, OnCallEntry.class, DEADLINE);
  }

  private static CliRun run(KafkaTestEnv kafka, String prefix, String... args) {
    return CliRun.run(kafka, prefix, "oncall", args);
  }
}
