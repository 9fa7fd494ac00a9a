package dev.stormwatch.schemas.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SchemaCheckTest {

  private static final String V1 = """
      {"type": "record", "name": "Thing", "namespace": "t", "doc": "A thing.",
       "fields": [
         {"name": "id", "type": "string", "doc": "Id."},
         {"name": "note", "type": ["null", "string"], "default": null, "doc": "Note."}
       ]}""";

  @TempDir Path dir;

  private SchemaCheck checkWith(String current) throws IOException {
    Path src = Files.createDirectories(dir.resolve("src"));
    Files.writeString(src.resolve("Thing.avsc"), current);
    return new SchemaCheck(src, dir.resolve("released"));
  }

  @Test
  void theProjectsOwnSchemasPassAgainstTheirReleasedVersions() {
    SchemaCheck check = new SchemaCheck(Path.of("src/main/avro"), Path.of("released"));
    assertThat(check.topLevelSchemas()).containsKeys("AlertEvent", "ServiceNode", "ChangeEvent", "Silence",
        "Incident", "EscalationEvent", "IncidentCommand", "PageRequest", "PageOutcome");
    assertThat(check.problems()).isEmpty();
  }

  @Test
  void releaseWritesTheFirstVersionAndThenNothingUntilTheSchemaChanges() throws IOException {
    SchemaCheck check = checkWith(V1);
    assertThat(check.release()).containsExactly(dir.resolve("released/Thing/v1.avsc"));
    assertThat(check.release()).isEmpty();
  }

  @Test
  void addingAFieldWithADefaultIsBackwardCompatibleAndReleasesV2() throws IOException {
    checkWith(V1).release();
    SchemaCheck check = checkWith(V1.replace("\"doc\": \"Note.\"}",
        "\"doc\": \"Note.\"},\n {\"name\": \"count\", \"type\": \"int\", \"default\": 0, \"doc\": \"Count.\"}"));
    assertThat(check.problems()).isEmpty();
    assertThat(check.release()).containsExactly(dir.resolve("released/Thing/v2.avsc"));
  }

  @Test
  void addingARequiredFieldWithoutDefaultFailsTheCheck() throws IOException {
    checkWith(V1).release();
    SchemaCheck check = checkWith(V1.replace("\"doc\": \"Note.\"}",
        "\"doc\": \"Note.\"},\n {\"name\": \"count\", \"type\": \"int\", \"doc\": \"Count.\"}"));
    assertThat(check.problems()).singleElement().asString()
        .contains("Thing is not BACKWARD compatible with Thing/v1.avsc")
        .contains("READER_FIELD_MISSING_DEFAULT");
    assertThatThrownBy(check::release).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void changingAFieldTypeFailsTheCheck() throws IOException {
    checkWith(V1).release();
    SchemaCheck check = checkWith(V1.replace("{\"name\": \"id\", \"type\": \"string\"", "{\"name\": \"id\", \"type\": \"int\""));
    assertThat(check.problems()).singleElement().asString().contains("TYPE_MISMATCH").contains("/fields/0/type");
  }

  @Test
  void houseRulesAreEnforced() throws IOException {
    SchemaCheck check = checkWith("""
        {"type": "record", "name": "Thing", "namespace": "t", "doc": "A thing.",
         "fields": [
           {"name": "id", "type": "string"},
           {"name": "createdAt", "type": "long", "doc": "When."},
           {"name": "kind", "doc": "Kind.", "type": {"type": "enum", "name": "Kind", "doc": "Kinds.", "symbols": ["A", "B"]}}
         ]}""");
    assertThat(check.problems()).containsExactlyInAnyOrder(
        "Thing.id: field has no doc",
        "Thing.createdAt: a time field must be timestamp-millis",
        "Thing.kind: enum t.Kind has no default symbol");
  }

  @Test
  void mainFailsTheBuildWithEveryProblemListed() throws IOException {
    checkWith(V1).release();
    checkWith(V1.replace("\"type\": \"string\", \"doc\": \"Id.\"", "\"type\": \"long\", \"doc\": \"Id.\""));
    assertThatThrownBy(() -> SchemaCheck.main(new String[] {dir.resolve("src").toString(), dir.resolve("released").toString()}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("Schema check failed")
        .hasMessageContaining("TYPE_MISMATCH");
  }
}
