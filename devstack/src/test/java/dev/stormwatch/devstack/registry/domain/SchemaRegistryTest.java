package dev.stormwatch.devstack.registry.domain;

import static dev.stormwatch.devstack.registry.domain.Schemas.ID;
import static dev.stormwatch.devstack.registry.domain.Schemas.SERVICE_NO_DEFAULT;
import static dev.stormwatch.devstack.registry.domain.Schemas.SEVERITY_NO_DEFAULT;
import static dev.stormwatch.devstack.registry.domain.Schemas.SEVERITY_WITH_DEFAULT;
import static dev.stormwatch.devstack.registry.domain.Schemas.V1;
import static dev.stormwatch.devstack.registry.domain.Schemas.V2_DEFAULTED;
import static dev.stormwatch.devstack.registry.domain.Schemas.V2_REQUIRED;
import static dev.stormwatch.devstack.registry.domain.Schemas.alert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class SchemaRegistryTest {

    private final InMemoryRegistryLog log = new InMemoryRegistryLog();
    private final SchemaRegistry registry = log.newInstance();

    private static RegisterRequest avro(String schema) {
        return RegisterRequest.of(schema);
    }

    private static void assertError(Runnable call, ErrorCode code) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(RegistryException.class,
                e -> assertThat(e.errorCode()).isEqualTo(code));
    }

    @Nested
    class Ids {
        @Test
        void ids_are_global_and_increase_from_one() {
            assertThat(registry.register("a-value", avro(V1))).isEqualTo(1);
            assertThat(registry.register("a-value", avro(V2_DEFAULTED))).isEqualTo(2);
            assertThat(registry.register("b-value", avro("\"string\""))).isEqualTo(3);
        }

        @Test
        void identical_schema_under_same_subject_returns_existing_id_and_version() {
            int id = registry.register("a-value", avro(V1));
            // same schema, different whitespace and attribute order: same canonical form
            String reformatted = "{ \"namespace\": \"dev.stormwatch.test\", \"type\": \"record\", \"name\": \"Alert\","
                    + " \"fields\": [ { \"type\": \"string\", \"name\": \"id\" } ] }";
            assertThat(registry.register("a-value", avro(reformatted))).isEqualTo(id);
            assertThat(registry.versions("a-value", false, false)).containsExactly(1);
        }

        @Test
        void same_schema_under_another_subject_reuses_id_with_its_own_version() {
            registry.register("a-value", avro("\"string\""));
            int id = registry.register("a-value", avro("[\"null\",\"string\"]"));
            registry.register("b-value", avro("\"long\""));
            registry.setSubjectCompatibility("b-value", "NONE");
            assertThat(registry.register("b-value", avro("[\"null\",\"string\"]"))).isEqualTo(id);
            StoredVersion inB = registry.version("b-value", "latest", false);
            assertThat(inB.version()).isEqualTo(2);
            assertThat(registry.subjectsWithId(id, false)).containsExactly("a-value", "b-value");
        }

        @Test
        void stored_schema_is_the_canonical_form() {
            registry.register("a-value", avro(" { \"type\" : \"string\" } "));
            assertThat(registry.version("a-value", "1", false).schema()).isEqualTo("\"string\"");
        }

        @Test
        void a_given_id_must_match_the_assigned_one() {
            assertError(() -> registry.register("a-value",
                    new RegisterRequest(V1, "AVRO", List.of(), 42, null)), ErrorCode.ID_DOES_NOT_MATCH);
            assertThat(registry.register("a-value", new RegisterRequest(V1, "AVRO", List.of(), 1, null))).isEqualTo(1);
        }
    }

    @Nested
    class Validation {
        @Test
        void invalid_avro_is_42201() {
            assertError(() -> registry.register("a-value", avro("{\"type\":\"record\",\"name\":\"X\"}")),
                    ErrorCode.INVALID_SCHEMA);
            assertError(() -> registry.register("a-value", avro("not json")), ErrorCode.INVALID_SCHEMA);
            assertError(() -> registry.register("a-value", avro("")), ErrorCode.INVALID_SCHEMA);
            assertError(() -> registry.register("a-value", avro(null)), ErrorCode.INVALID_SCHEMA);
            assertError(() -> registry.register("a-value", avro(alert("{\"name\":\"n\",\"type\":\"int\",\"default\":\"x\"}"))),
                    ErrorCode.INVALID_SCHEMA);
        }

        @Test
        void other_schema_types_are_42201() {
            assertError(() -> registry.register("a-value", new RegisterRequest("syntax = \"proto3\";", "PROTOBUF",
                    List.of(), null, null)), ErrorCode.INVALID_SCHEMA);
            assertThat(registry.register("a-value", new RegisterRequest(V1, "avro", List.of(), null, null))).isEqualTo(1);
        }

        @Test
        void invalid_version_ids_are_42202() {
            registry.register("a-value", avro(V1));
            for (String bad : new String[] {"0", "-2", "abc", "", "2147483648"}) {
                assertError(() -> registry.version("a-value", bad, false), ErrorCode.INVALID_VERSION);
            }
            assertThat(registry.version("a-value", "-1", false).version()).isEqualTo(1);
        }

        @Test
        void unknown_subject_version_and_id_are_404_codes() {
            assertError(() -> registry.versions("nope", false, false), ErrorCode.SUBJECT_NOT_FOUND);
            assertError(() -> registry.version("nope", "1", false), ErrorCode.SUBJECT_NOT_FOUND);
            registry.register("a-value", avro(V1));
            assertError(() -> registry.version("a-value", "7", false), ErrorCode.VERSION_NOT_FOUND);
            assertError(() -> registry.schemaById(99), ErrorCode.SCHEMA_NOT_FOUND);
        }

        @Test
        void lookup_distinguishes_unknown_subject_from_unknown_schema() {
            assertError(() -> registry.lookup("a-value", avro(V1), false), ErrorCode.SUBJECT_NOT_FOUND);
            registry.register("a-value", avro(V1));
            assertError(() -> registry.lookup("a-value", avro("\"int\""), false), ErrorCode.SCHEMA_NOT_FOUND);
            StoredVersion found = registry.lookup("a-value", avro(V1), false);
            assertThat(found.version()).isEqualTo(1);
            assertThat(found.id()).isEqualTo(1);
        }
    }

    @Nested
    class Compatibility {
        @Test
        void default_is_backward_rejecting_a_field_without_default() {
            registry.register("a-value", avro(V1));
            assertError(() -> registry.register("a-value", avro(V2_REQUIRED)), ErrorCode.INCOMPATIBLE_SCHEMA);
            assertThat(registry.register("a-value", avro(V2_DEFAULTED))).isEqualTo(2);
        }

        @Test
        void backward_allows_removing_a_field() {
            registry.register("a-value", avro(alert(ID, SERVICE_NO_DEFAULT)));
            assertThat(registry.register("a-value", avro(V1))).isEqualTo(2);
        }

        @Test
        void forward_allows_a_required_field_but_not_removing_one() {
            registry.setSubjectCompatibility("a-value", "FORWARD");
            registry.register("a-value", avro(V1));
            assertThat(registry.register("a-value", avro(V2_REQUIRED))).isEqualTo(2);
            // the old reader (V2_REQUIRED) needs severity, which the new writer drops
            String withoutSeverity = alert(ID, "{\"name\":\"other\",\"type\":\"int\",\"default\":1}");
            assertError(() -> registry.register("a-value", avro(withoutSeverity)), ErrorCode.INCOMPATIBLE_SCHEMA);
        }

        @Test
        void full_requires_both_directions() {
            registry.setSubjectCompatibility("a-value", "full");
            registry.register("a-value", avro(V1));
            assertError(() -> registry.register("a-value", avro(V2_REQUIRED)), ErrorCode.INCOMPATIBLE_SCHEMA);
            assertThat(registry.register("a-value", avro(V2_DEFAULTED))).isEqualTo(2);
        }

        @Test
        void none_accepts_anything() {
            registry.setGlobalCompatibility("NONE");
            registry.register("a-value", avro(V1));
            assertThat(registry.register("a-value", avro("\"int\""))).isEqualTo(2);
        }

        @Test
        void backward_checks_only_the_latest_but_backward_transitive_checks_all() {
            // v1 {id}, v2 {id, severity=0}, v3 {id, severity required}: v3 reads v2 data but not v1 data
            String v3 = alert(ID, SEVERITY_NO_DEFAULT);
            InMemoryRegistryLog other = new InMemoryRegistryLog();
            SchemaRegistry transitive = other.newInstance();
            for (SchemaRegistry r : List.of(registry, transitive)) {
                r.register("a-value", avro(V1));
                r.register("a-value", avro(V2_DEFAULTED));
            }
            transitive.setGlobalCompatibility("BACKWARD_TRANSITIVE");
            assertThat(registry.register("a-value", avro(v3))).isEqualTo(3);
            assertError(() -> transitive.register("a-value", avro(v3)), ErrorCode.INCOMPATIBLE_SCHEMA);
        }

        @Test
        void forward_transitive_and_full_transitive_check_all_versions() {
            // v1 {id, severity}, v2 {id, severity=0}, v3 {id}: v2 reads v3 data, v1 cannot (needs severity)
            String v1 = alert(ID, SEVERITY_NO_DEFAULT);
            String v3 = alert(ID);
            for (String level : List.of("FORWARD", "FORWARD_TRANSITIVE", "FULL_TRANSITIVE")) {
                SchemaRegistry r = new InMemoryRegistryLog().newInstance();
                r.setGlobalCompatibility("NONE");
                r.register("a-value", avro(v1));
                r.register("a-value", avro(V2_DEFAULTED));
                r.setGlobalCompatibility(level);
                if (level.equals("FORWARD")) {
                    assertThat(r.register("a-value", avro(v3))).as(level).isEqualTo(3);
                } else {
                    assertError(() -> r.register("a-value", avro(v3)), ErrorCode.INCOMPATIBLE_SCHEMA);
                }
            }
        }

        @Test
        void soft_deleted_versions_are_not_checked() {
            registry.register("a-value", avro(V1));
            registry.deleteVersion("a-value", "1", false);
            assertThat(registry.register("a-value", avro(V2_REQUIRED))).isEqualTo(2);
        }

        @Test
        void check_endpoint_semantics() {
            assertThat(registry.checkCompatibility("new-subject", "latest", avro(V1), false)).isEmpty();
            registry.register("a-value", avro(V1));
            assertThat(registry.checkCompatibility("a-value", "latest", avro(V2_DEFAULTED), false)).isEmpty();
            List<String> problems = registry.checkCompatibility("a-value", "1", avro(V2_REQUIRED), true);
            assertThat(problems).isNotEmpty().anyMatch(m -> m.contains("READER_FIELD_MISSING_DEFAULT_VALUE"))
                    .anyMatch(m -> m.contains("oldSchemaVersion: 1"));
            assertError(() -> registry.checkCompatibility("a-value", "2", avro(V1), false), ErrorCode.VERSION_NOT_FOUND);
            assertError(() -> registry.checkCompatibility("a-value", "latest", avro("nope"), false), ErrorCode.INVALID_SCHEMA);
            assertThat(registry.checkCompatibility("a-value", "latest", avro("nope"), true)).hasSize(1);
            assertThat(registry.checkCompatibility("a-value", null, avro(V2_REQUIRED), false)).isNotEmpty();
        }

        @Test
        void levels_parse_case_insensitively_and_reject_others() {
            assertThat(registry.setGlobalCompatibility("forward_transitive")).isEqualTo(CompatibilityLevel.FORWARD_TRANSITIVE);
            assertError(() -> registry.setGlobalCompatibility("SIDEWAYS"), ErrorCode.INVALID_COMPATIBILITY_LEVEL);
            assertError(() -> registry.setSubjectCompatibility("a", null), ErrorCode.INVALID_COMPATIBILITY_LEVEL);
        }
    }

    @Nested
    class Deletes {
        @Test
        void soft_delete_hides_versions_keeps_ids_and_continues_numbering() {
            int id = registry.register("a-value", avro(V1));
            assertThat(registry.deleteSubject("a-value", false)).containsExactly(1);
            assertThat(registry.subjects(null, false, false)).isEmpty();
            assertThat(registry.subjects(null, true, false)).containsExactly("a-value");
            assertError(() -> registry.versions("a-value", false, false), ErrorCode.SUBJECT_NOT_FOUND);
            assertThat(registry.versions("a-value", true, false)).containsExactly(1);
            assertThat(registry.schemaById(id).schema()).isEqualTo(registry.version("a-value", "1", true).schema());
            // registering again creates version 2 with the same id
            assertThat(registry.register("a-value", avro(V1))).isEqualTo(id);
            assertThat(registry.versions("a-value", false, false)).containsExactly(2);
        }

        @Test
        void soft_delete_twice_is_40404_and_hard_delete_first_is_40405() {
            registry.register("a-value", avro(V1));
            assertError(() -> registry.deleteSubject("a-value", true), ErrorCode.SUBJECT_NOT_SOFT_DELETED);
            registry.deleteSubject("a-value", false);
            assertError(() -> registry.deleteSubject("a-value", false), ErrorCode.SUBJECT_SOFT_DELETED);
            assertThat(registry.deleteSubject("a-value", true)).containsExactly(1);
            assertError(() -> registry.deleteSubject("a-value", true), ErrorCode.SUBJECT_NOT_FOUND);
            assertError(() -> registry.schemaById(1), ErrorCode.SCHEMA_NOT_FOUND);
        }

        @Test
        void version_delete_rules() {
            registry.register("a-value", avro(V1));
            registry.register("a-value", avro(V2_DEFAULTED));
            assertError(() -> registry.deleteVersion("a-value", "1", true), ErrorCode.SCHEMA_VERSION_NOT_SOFT_DELETED);
            assertThat(registry.deleteVersion("a-value", "latest", false)).isEqualTo(2);
            assertError(() -> registry.deleteVersion("a-value", "2", false), ErrorCode.SCHEMA_VERSION_SOFT_DELETED);
            assertError(() -> registry.version("a-value", "2", false), ErrorCode.VERSION_NOT_FOUND);
            assertThat(registry.version("a-value", "2", true).deleted()).isTrue();
            assertThat(registry.version("a-value", "latest", false).version()).isEqualTo(1);
            assertThat(registry.deleteVersion("a-value", "2", true)).isEqualTo(2);
            assertError(() -> registry.version("a-value", "2", true), ErrorCode.VERSION_NOT_FOUND);
            assertError(() -> registry.deleteVersion("a-value", "9", false), ErrorCode.VERSION_NOT_FOUND);
            assertError(() -> registry.deleteVersion("nope", "1", false), ErrorCode.SUBJECT_NOT_FOUND);
        }

        @Test
        void a_hard_deleted_id_stays_while_another_subject_uses_it() {
            int id = registry.register("a-value", avro(V1));
            registry.register("b-value", avro(V1));
            registry.deleteSubject("a-value", false);
            registry.deleteSubject("a-value", true);
            assertThat(registry.schemaById(id).subject()).isEqualTo("b-value");
            assertThat(registry.versionsWithId(id, true)).extracting(StoredVersion::subject).containsExactly("b-value");
        }

        @Test
        void ids_are_not_reused_after_a_hard_delete() {
            registry.register("a-value", avro(V1));
            registry.deleteSubject("a-value", false);
            registry.deleteSubject("a-value", true);
            assertThat(registry.register("b-value", avro("\"int\""))).isEqualTo(2);
        }

        @Test
        void deleting_a_subject_drops_its_config_and_mode() {
            registry.register("a-value", avro(V1));
            registry.setSubjectCompatibility("a-value", "NONE");
            registry.setSubjectMode("a-value", "READWRITE");
            registry.deleteSubject("a-value", false);
            assertError(() -> registry.subjectCompatibility("a-value", false), ErrorCode.SUBJECT_COMPATIBILITY_NOT_CONFIGURED);
            assertError(() -> registry.subjectMode("a-value", false), ErrorCode.SUBJECT_MODE_NOT_CONFIGURED);
        }
    }

    @Nested
    class ConfigAndMode {
        @Test
        void subject_config_falls_back_to_global_only_when_asked() {
            assertThat(registry.globalCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
            assertError(() -> registry.subjectCompatibility("a-value", false), ErrorCode.SUBJECT_COMPATIBILITY_NOT_CONFIGURED);
            assertThat(registry.subjectCompatibility("a-value", true)).isEqualTo(CompatibilityLevel.BACKWARD);
            registry.setSubjectCompatibility("a-value", "FULL");
            assertThat(registry.subjectCompatibility("a-value", false)).isEqualTo(CompatibilityLevel.FULL);
            assertThat(registry.deleteSubjectCompatibility("a-value")).isEqualTo(CompatibilityLevel.FULL);
            assertError(() -> registry.deleteSubjectCompatibility("a-value"), ErrorCode.SUBJECT_NOT_FOUND);
            registry.setGlobalCompatibility("NONE");
            assertThat(registry.deleteGlobalCompatibility()).isEqualTo(CompatibilityLevel.NONE);
            assertThat(registry.globalCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
        }

        @Test
        void read_only_blocks_writes_but_not_reads() {
            registry.register("a-value", avro(V1));
            assertThat(registry.globalMode()).isEqualTo(Mode.READWRITE);
            registry.setGlobalMode("READONLY");
            assertError(() -> registry.register("a-value", avro(V2_DEFAULTED)), ErrorCode.OPERATION_NOT_PERMITTED);
            assertError(() -> registry.deleteSubject("a-value", false), ErrorCode.OPERATION_NOT_PERMITTED);
            assertThat(registry.version("a-value", "latest", false).version()).isEqualTo(1);
            // a subject-level READWRITE overrides a global READONLY, but not READONLY_OVERRIDE
            registry.setSubjectMode("a-value", "READWRITE");
            assertThat(registry.register("a-value", avro(V2_DEFAULTED))).isEqualTo(2);
            registry.setGlobalMode("READONLY_OVERRIDE");
            assertError(() -> registry.register("a-value", avro(alert(ID, SEVERITY_WITH_DEFAULT, "{\"name\":\"x\",\"type\":\"int\",\"default\":1}"))),
                    ErrorCode.OPERATION_NOT_PERMITTED);
            assertThat(registry.deleteGlobalMode()).isEqualTo(Mode.READONLY_OVERRIDE);
            assertThat(registry.globalMode()).isEqualTo(Mode.READWRITE);
        }

        @Test
        void invalid_modes_are_42204() {
            assertError(() -> registry.setGlobalMode("IMPORT"), ErrorCode.INVALID_MODE);
            assertError(() -> registry.setGlobalMode("sideways"), ErrorCode.INVALID_MODE);
            assertError(() -> registry.subjectMode("a", false), ErrorCode.SUBJECT_MODE_NOT_CONFIGURED);
            assertThat(registry.subjectMode("a", true)).isEqualTo(Mode.READWRITE);
        }
    }

    @Nested
    class References {
        private static final String SEVERITY_ENUM = "{\"type\":\"enum\",\"name\":\"Severity\",\"namespace\":\"dev.stormwatch.test\","
                + "\"symbols\":[\"INFO\",\"PAGE\"],\"default\":\"INFO\"}";
        private static final String USES_SEVERITY = alert(ID, "{\"name\":\"severity\",\"type\":\"dev.stormwatch.test.Severity\"}");

        @Test
        void a_schema_can_use_a_named_type_of_a_referenced_schema() {
            registry.register("severity", avro(SEVERITY_ENUM));
            List<SchemaReference> refs = List.of(new SchemaReference("dev.stormwatch.test.Severity", "severity", 1));
            int id = registry.register("a-value", new RegisterRequest(USES_SEVERITY, "AVRO", refs, null, null));
            StoredVersion stored = registry.schemaById(id);
            assertThat(stored.references()).isEqualTo(refs);
            // the referenced type is not inlined
            assertThat(stored.schema()).doesNotContain("symbols");
            assertThat(registry.lookup("a-value", new RegisterRequest(USES_SEVERITY, null, refs, null, null), false).id())
                    .isEqualTo(id);
            // without the reference the name is unknown
            assertError(() -> registry.register("b-value", avro(USES_SEVERITY)), ErrorCode.INVALID_SCHEMA);
            // and a referenced version cannot be deleted
            assertError(() -> registry.deleteSubject("severity", false), ErrorCode.REFERENCE_EXISTS);
        }

        @Test
        void a_reference_to_nothing_is_invalid() {
            List<SchemaReference> refs = List.of(new SchemaReference("dev.stormwatch.test.Severity", "severity", 1));
            assertError(() -> registry.register("a-value", new RegisterRequest(USES_SEVERITY, "AVRO", refs, null, null)),
                    ErrorCode.INVALID_SCHEMA);
        }
    }

    @Nested
    class SeveralInstances {
        @Test
        void a_registration_that_loses_the_race_for_an_id_retries_with_the_next_one() {
            SchemaRegistry other = log.newInstance();
            // just before our write lands, the other instance registers another schema and takes id 1
            log.beforeNextAppend(batch -> other.register("b-value", avro("\"int\"")));
            int id = registry.register("a-value", avro(V1));
            assertThat(id).isEqualTo(2);
            assertThat(registry.schemaById(1).schema()).isEqualTo("\"int\"");
            assertThat(other.schemaById(2).schema()).isEqualTo(registry.schemaById(2).schema());
            assertThat(registry.state().describe()).isEqualTo(other.state().describe());
        }

        @Test
        void a_registration_that_loses_the_race_for_a_version_retries_and_is_checked_again() {
            SchemaRegistry other = log.newInstance();
            registry.register("a-value", avro(V1));
            log.beforeNextAppend(batch -> other.register("a-value", avro(V2_DEFAULTED)));
            int id = registry.register("a-value", avro(alert(ID, SEVERITY_WITH_DEFAULT, "{\"name\":\"x\",\"type\":\"int\",\"default\":1}")));
            assertThat(id).isEqualTo(3);
            assertThat(registry.versions("a-value", false, false)).containsExactly(1, 2, 3);
            assertThat(other.version("a-value", "3", false).id()).isEqualTo(3);
        }

        @Test
        void racing_for_the_same_schema_gives_one_id() {
            SchemaRegistry other = log.newInstance();
            log.beforeNextAppend(batch -> other.register("b-value", avro(V1)));
            int id = registry.register("a-value", avro(V1));
            assertThat(id).isEqualTo(other.register("b-value", avro(V1))).isEqualTo(1);
        }

        @Test
        void a_new_replica_of_the_log_has_the_same_state() {
            registry.register("a-value", avro(V1));
            registry.register("a-value", avro(V2_DEFAULTED));
            registry.register("b-value", avro(V1));
            registry.deleteVersion("a-value", "2", false);
            registry.setSubjectCompatibility("b-value", "FULL");
            registry.setGlobalMode("READONLY");
            assertThat(log.newReplica().describe()).isEqualTo(registry.state().describe());
        }
    }
}
