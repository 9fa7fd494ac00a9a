package dev.stormwatch.notifier.oncall;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.oncall.OnCallEntry;
import dev.stormwatch.avro.oncall.OnCallKind;
import dev.stormwatch.avro.oncall.Schedule;
import dev.stormwatch.common.registry.LocalSchemaRegistryClient;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.serde.SpecificAvroSerde;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The on-call configuration as records of {@code oncall.config}, through the real Avro serde, and back. */
class OnCallEntriesTest {

  private static final Instant NOW = Instant.parse("2025-03-01T12:00:00Z");

  @Test
  void everyEntityIsAnEntryKeyedByKindAndIdAndReadsBackTheSame() {
    OnCallConfig config = OnCallYaml.parse(OnCallYamlTest.VALID);
    Map<String, OnCallEntry> entries = OnCallEntries.toEntries(config, "oncall.yaml", NOW);
    assertThat(entries.keySet()).containsExactly("person/alice", "person/bob", "team/platform", "policy/platform",
        "schedule/primary", "routing/default");
    assertThat(entries.get("schedule/primary").getEntity()).isInstanceOf(Schedule.class);
    assertThat(entries.get("team/platform").getSource()).isEqualTo("oncall.yaml");

    List<OnCallEntry> read = new ArrayList<>();
    try (LocalSchemaRegistryClient registry = new LocalSchemaRegistryClient();
         SpecificAvroSerde<OnCallEntry> serde = SpecificAvroSerde.of(OnCallEntry.class, registry,
             AvroSerdeConfig.defaults(), false)) {
      entries.forEach((key, entry) -> read.add(serde.deserializer().deserialize("oncall.config",
          serde.serializer().serialize("oncall.config", entry))));
    }
    List<String> problems = new ArrayList<>();
    OnCallConfig back = OnCallEntries.fromEntries(read, problems::add);
    assertThat(problems).isEmpty();
    assertThat(back.people()).isEqualTo(config.people());
    assertThat(back.teams()).isEqualTo(config.teams());
    assertThat(back.policies()).isEqualTo(config.policies());
    assertThat(back.schedules()).isEqualTo(config.schedules());
    assertThat(back.routing().rules()).isEqualTo(config.routing().rules());
    assertThat(back.routing().urgencies()).isEqualTo(config.routing().urgencies());
    assertThat(back.routing().defaultTeam()).isEqualTo(config.routing().defaultTeam());
  }

  @Test
  void anEntryThatCannotBeUsedIsLeftOutWithTheReason() {
    OnCallConfig config = OnCallYaml.parse(OnCallYamlTest.VALID);
    Map<String, OnCallEntry> entries = OnCallEntries.toEntries(config, "f", NOW);
    OnCallEntry person = entries.get("person/bob");
    ((dev.stormwatch.avro.oncall.Person) person.getEntity()).setTimeZone("Mars/Olympus");
    OnCallEntry unknown = OnCallEntry.newBuilder().setKind(OnCallKind.UNKNOWN).setId("x").setUpdatedAt(NOW).build();
    List<String> problems = new ArrayList<>();
    List<OnCallEntry> all = new ArrayList<>(entries.values());
    all.add(unknown);
    OnCallConfig back = OnCallEntries.fromEntries(all, problems::add);
    assertThat(back.people()).containsOnlyKeys("alice");
    assertThat(problems).containsExactly("person/bob: cannot be used: unknown time zone Mars/Olympus",
        "unknown/x: cannot be used: unknown kind of entry (written by a newer Stormwatch?)");
  }
}
