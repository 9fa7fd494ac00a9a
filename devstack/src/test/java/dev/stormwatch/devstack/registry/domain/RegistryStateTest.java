package dev.stormwatch.devstack.registry.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The fold rules that let several writers share one log. */
class RegistryStateTest {

    private final RegistryState state = new RegistryState();

    private static LogEntry schema(String subject, int version, String claim, int id, String text, boolean deleted) {
        return new LogEntry(new RecordKey.Schema(subject, version, claim),
                new RecordValue.Schema(subject, version, id, "AVRO", text, List.of(), deleted));
    }

    @Test
    void the_first_write_of_a_version_wins() {
        assertThat(state.apply(schema("s", 1, "a", 1, "\"int\"", false))).isEqualTo(RegistryState.Outcome.APPLIED);
        assertThat(state.apply(schema("s", 1, "b", 2, "\"long\"", false))).isEqualTo(RegistryState.Outcome.IGNORED);
        assertThat(state.version("s", 1).orElseThrow().claim()).isEqualTo("a");
        // the loser's tombstone does not touch the winner
        assertThat(state.apply(LogEntry.tombstone(new RecordKey.Schema("s", 1, "b")))).isEqualTo(RegistryState.Outcome.IGNORED);
        assertThat(state.version("s", 1)).isPresent();
    }

    @Test
    void an_id_names_one_schema_and_a_schema_has_one_id() {
        state.apply(schema("s", 1, "a", 1, "\"int\"", false));
        assertThat(state.apply(schema("t", 1, "b", 1, "\"long\"", false))).isEqualTo(RegistryState.Outcome.IGNORED);
        assertThat(state.apply(schema("t", 1, "c", 2, "\"int\"", false))).isEqualTo(RegistryState.Outcome.IGNORED);
        assertThat(state.apply(schema("t", 1, "d", 1, "\"int\"", false))).isEqualTo(RegistryState.Outcome.APPLIED);
        assertThat(state.versionsWithId(1, false)).hasSize(2);
    }

    @Test
    void a_subject_holds_a_schema_in_one_live_version_only() {
        state.apply(schema("s", 1, "a", 1, "\"int\"", false));
        // a writer that did not see version 1 yet registers the same schema again as version 2
        assertThat(state.apply(schema("s", 2, "b", 1, "\"int\"", false))).isEqualTo(RegistryState.Outcome.IGNORED);
        // once version 1 is soft-deleted, registering it again is a new version
        state.apply(schema("s", 1, "a", 1, "\"int\"", true));
        assertThat(state.apply(schema("s", 2, "c", 1, "\"int\"", false))).isEqualTo(RegistryState.Outcome.APPLIED);
        assertThat(state.versions("s", true)).extracting(StoredVersion::version).containsExactly(1, 2);
    }

    @Test
    void a_compacted_log_that_kept_only_the_deleted_flag_still_restores_the_version() {
        state.apply(schema("s", 1, "a", 5, "\"int\"", true));
        assertThat(state.versions("s", true)).singleElement().matches(StoredVersion::deleted);
        assertThat(state.maxId()).isEqualTo(5);
        assertThat(state.subjects(false, false)).isEmpty();
        assertThat(state.subjects(true, false)).containsExactly("s");
        assertThat(state.subjects(false, true)).containsExactly("s");
    }

    @Test
    void a_tombstone_unbinds_the_id_when_its_last_user_goes() {
        state.apply(schema("s", 1, "a", 1, "\"int\"", true));
        state.apply(schema("t", 1, "b", 1, "\"int\"", true));
        state.apply(LogEntry.tombstone(new RecordKey.Schema("s", 1, "a")));
        assertThat(state.schemaById(1)).isPresent();
        state.apply(LogEntry.tombstone(new RecordKey.Schema("t", 1, "b")));
        assertThat(state.schemaById(1)).isEmpty();
        assertThat(state.maxId()).isEqualTo(1);
    }

    @Test
    void malformed_records_are_ignored() {
        LogEntry mismatched = new LogEntry(new RecordKey.Schema("s", 1, "a"),
                new RecordValue.Schema("other", 1, 1, "AVRO", "\"int\"", List.of(), false));
        assertThat(state.apply(mismatched)).isEqualTo(RegistryState.Outcome.IGNORED);
        assertThat(state.apply(schema("s", 0, "a", 1, "\"int\"", false))).isEqualTo(RegistryState.Outcome.IGNORED);
        assertThat(state.subjects(true, false)).isEmpty();
    }
}
