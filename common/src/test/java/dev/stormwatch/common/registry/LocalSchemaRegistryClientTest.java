package dev.stormwatch.common.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.AlertSource;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.serde.SpecificAvroSerde;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LocalSchemaRegistryClientTest {

  private static final String V1 = """
      {"type":"record","name":"Thing","namespace":"t","fields":[{"name":"a","type":"string"}]}""";
  private static final String V1_SPACED = """
      { "type" : "record", "name" : "Thing", "namespace" : "t",
        "fields" : [ { "name" : "a", "type" : "string" } ] }""";
  /** Adds a field with a default: backward and forward compatible with V1. */
  private static final String V2 = """
      {"type":"record","name":"Thing","namespace":"t","fields":[{"name":"a","type":"string"},
       {"name":"b","type":"int","default":0}]}""";
  /** Adds a field without a default: cannot read V1 data (not backward compatible). */
  private static final String V2_NO_DEFAULT = """
      {"type":"record","name":"Thing","namespace":"t","fields":[{"name":"a","type":"string"},
       {"name":"c","type":"int"}]}""";

  private final LocalSchemaRegistryClient registry = new LocalSchemaRegistryClient();

  @Test
  void theSameSchemaGetsTheSameIdInEverySubjectAndNoNewVersion() {
    int id = registry.register("a-value", V1);
    assertThat(registry.register("a-value", V1_SPACED)).isEqualTo(id);
    assertThat(registry.register("b-value", V1)).isEqualTo(id);
    assertThat(registry.listVersions("a-value")).containsExactly(1);
    assertThat(registry.getId("b-value", V1_SPACED)).isEqualTo(id);
    assertThat(registry.getSchemaById(id)).isEqualTo(V1);
    assertThat(registry.listSubjects()).containsExactly("a-value", "b-value");
  }

  @Test
  void versionsArePerSubjectAndIdsRegistryWide() {
    int v1 = registry.register("a-value", V1);
    int v2 = registry.register("a-value", V2);
    assertThat(v2).isNotEqualTo(v1);
    assertThat(registry.listVersions("a-value")).containsExactly(1, 2);
    RegisteredSchema latest = registry.getLatestVersion("a-value");
    assertThat(latest.version()).isEqualTo(2);
    assertThat(latest.id()).isEqualTo(v2);
    assertThat(latest.schemaType()).isEqualTo("AVRO");
    assertThat(registry.getVersion("a-value", 1).id()).isEqualTo(v1);
    assertThat(registry.register("b-value", V2)).isEqualTo(v2);
    assertThat(registry.getVersion("b-value", 1).id()).isEqualTo(v2);
  }

  @Test
  void backwardIsTheDefaultAndRejectsAFieldWithoutDefault() {
    assertThat(registry.getGlobalCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
    registry.register("a-value", V1);
    CompatibilityResult result = registry.testCompatibility("a-value", V2_NO_DEFAULT, "latest", true);
    assertThat(result.compatible()).isFalse();
    assertThat(result.messages()).anySatisfy(m -> assertThat(m).contains("READER_FIELD_MISSING_DEFAULT_VALUE"));
    assertThat(registry.testCompatibility("a-value", V2).compatible()).isTrue();
    assertThatThrownBy(() -> registry.register("a-value", V2_NO_DEFAULT))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> {
          assertThat(e.isIncompatible()).isTrue();
          assertThat(e.isRetriable()).isFalse();
        });
    assertThat(registry.listVersions("a-value")).containsExactly(1);
  }

  @Test
  void levelsApplyPerSubjectElseGlobally() {
    registry.register("a-value", V1);
    registry.setCompatibility("a-value", CompatibilityLevel.NONE);
    assertThat(registry.getCompatibility("a-value")).isEqualTo(CompatibilityLevel.NONE);
    assertThat(registry.getCompatibility("other")).isEqualTo(CompatibilityLevel.BACKWARD);
    registry.register("a-value", V2_NO_DEFAULT);
    assertThat(registry.listVersions("a-value")).containsExactly(1, 2);

    registry.setGlobalCompatibility(CompatibilityLevel.FORWARD);
    registry.register("f-value", V1);
    // forward: readers of V1 must read data written with the new schema; an extra field is ignored
    assertThat(registry.testCompatibility("f-value", V2_NO_DEFAULT).compatible()).isTrue();
    assertThat(registry.getCompatibility("f-value")).isEqualTo(CompatibilityLevel.FORWARD);
    registry.setCompatibility("full-value", CompatibilityLevel.FULL);
    registry.register("full-value", V1);
    assertThat(registry.testCompatibility("full-value", V2).compatible()).isTrue();
    assertThat(registry.testCompatibility("full-value", V2_NO_DEFAULT).compatible()).isFalse();
  }

  @Test
  void transitiveLevelsCheckEveryVersion() {
    registry.setGlobalCompatibility(CompatibilityLevel.BACKWARD_TRANSITIVE);
    String withC = """
        {"type":"record","name":"Thing","namespace":"t","fields":[{"name":"a","type":"string"},
         {"name":"c","type":"int","default":1}]}""";
    registry.register("a-value", V1);
    registry.register("a-value", withC);
    // compatible with the latest (c has a value) but not with V1 data (no c, and no default)
    assertThat(registry.testCompatibility("a-value", V2_NO_DEFAULT, "2", false).compatible()).isTrue();
    assertThat(registry.testCompatibility("a-value", V2_NO_DEFAULT).compatible()).isFalse();
  }

  @Test
  void missingThingsAreTheRegistrysNotFoundErrors() {
    assertThatThrownBy(() -> registry.getSchemaById(7))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isSchemaNotFound()).isTrue());
    assertThatThrownBy(() -> registry.getLatestVersion("nope"))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isSubjectNotFound()).isTrue());
    registry.register("a-value", V1);
    assertThatThrownBy(() -> registry.getVersion("a-value", 9))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isVersionNotFound()).isTrue());
    assertThatThrownBy(() -> registry.getId("a-value", V2))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isSchemaNotFound()).isTrue());
    assertThatThrownBy(() -> registry.register("a-value", "{not avro"))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isInvalidSchema()).isTrue());
    assertThatThrownBy(() -> registry.testCompatibility("a-value", V2, "two", false))
        .isInstanceOfSatisfying(SchemaRegistryException.class,
            e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.INVALID_VERSION));
  }

  @Test
  void deletesAreSoftThenPermanent() {
    registry.register("a-value", V1);
    assertThatThrownBy(() -> registry.deleteSubject("a-value", true))
        .isInstanceOfSatisfying(SchemaRegistryException.class,
            e -> assertThat(e.errorCode()).isEqualTo(SchemaRegistryException.SUBJECT_NOT_SOFT_DELETED));
    assertThat(registry.deleteSubject("a-value", false)).containsExactly(1);
    assertThat(registry.listSubjects()).isEmpty();
    assertThatThrownBy(() -> registry.getLatestVersion("a-value"))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isSubjectNotFound()).isTrue());
    assertThat(registry.deleteSubject("a-value", true)).containsExactly(1);
    assertThatThrownBy(() -> registry.deleteSubject("a-value", false))
        .isInstanceOfSatisfying(SchemaRegistryException.class, e -> assertThat(e.isSubjectNotFound()).isTrue());
    // ids are never reused
    int id = registry.register("a-value", V2);
    assertThat(registry.getSchemaById(id)).isEqualTo(V2);
    assertThat(registry.getLatestVersion("a-value").version()).isEqualTo(1);
  }

  @Test
  void theProjectsSerdesRoundTripThroughIt() {
    AlertEvent event = AlertEvent.newBuilder().setFingerprint("fp").setSource(AlertSource.PROMETHEUS)
        .setName("HighErrorRate").setService("cartservice").setLabels(Map.of("service", "cartservice"))
        .setStartsAt(Instant.parse("2025-03-01T10:00:00Z")).setObservedAt(Instant.parse("2025-03-01T10:00:01Z"))
        .build();
    var serde = SpecificAvroSerde.of(AlertEvent.class, registry, AvroSerdeConfig.defaults(), false);
    byte[] bytes = serde.serializer().serialize("alerts.normalized", event);
    assertThat(serde.deserializer().deserialize("alerts.normalized", bytes)).isEqualTo(event);
    assertThat(registry.listSubjects()).containsExactly("alerts.normalized-value");
  }
}
