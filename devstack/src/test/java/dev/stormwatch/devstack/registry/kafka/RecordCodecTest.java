package dev.stormwatch.devstack.registry.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.devstack.registry.domain.CompatibilityLevel;
import dev.stormwatch.devstack.registry.domain.LogEntry;
import dev.stormwatch.devstack.registry.domain.Mode;
import dev.stormwatch.devstack.registry.domain.RecordKey;
import dev.stormwatch.devstack.registry.domain.RecordValue;
import dev.stormwatch.devstack.registry.domain.SchemaReference;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordCodecTest {

    private final RecordCodec codec = new RecordCodec();

    private LogEntry roundTrip(LogEntry entry) {
        return codec.decode(codec.encodeKey(entry.key()), codec.encodeValue(entry.value())).orElseThrow();
    }

    @Test
    void every_record_kind_round_trips() {
        List<LogEntry> entries = List.of(
                new LogEntry(new RecordKey.Schema("s", 3, "c-1"), new RecordValue.Schema("s", 3, 7, "AVRO", "\"int\"",
                        List.of(new SchemaReference("a.B", "b", 2)), true)),
                LogEntry.tombstone(new RecordKey.Schema("s", 3, "c-1")),
                new LogEntry(new RecordKey.Config(null), new RecordValue.Config(CompatibilityLevel.FULL_TRANSITIVE)),
                new LogEntry(new RecordKey.Config("s"), new RecordValue.Config(CompatibilityLevel.NONE)),
                LogEntry.tombstone(new RecordKey.Config("s")),
                new LogEntry(new RecordKey.Mode(null), new RecordValue.Mode(Mode.READONLY_OVERRIDE)),
                LogEntry.tombstone(new RecordKey.Mode("s")));
        for (LogEntry entry : entries) {
            assertThat(roundTrip(entry)).isEqualTo(entry);
        }
    }

    @Test
    void keys_are_the_documented_json_with_a_stable_field_order() {
        String key = new String(codec.encodeKey(new RecordKey.Schema("s", 1, "c")), StandardCharsets.UTF_8);
        assertThat(key).isEqualTo("{\"keytype\":\"SCHEMA\",\"magic\":1,\"subject\":\"s\",\"version\":1,\"claim\":\"c\"}");
        assertThat(new String(codec.encodeKey(new RecordKey.Config(null)), StandardCharsets.UTF_8))
                .isEqualTo("{\"keytype\":\"CONFIG\",\"magic\":1}");
        assertThat(codec.encodeValue(null)).isNull();
    }

    @Test
    void records_it_does_not_understand_are_skipped_not_fatal() {
        byte[] value = "{}".getBytes(StandardCharsets.UTF_8);
        assertThat(codec.decode(null, value)).isEmpty();
        assertThat(codec.decode("garbage".getBytes(StandardCharsets.UTF_8), value)).isEmpty();
        assertThat(codec.decode("{\"keytype\":\"NOOP\",\"magic\":1}".getBytes(StandardCharsets.UTF_8), value)).isEmpty();
        assertThat(codec.decode("{\"keytype\":\"SCHEMA\",\"magic\":2,\"subject\":\"s\"}".getBytes(StandardCharsets.UTF_8), value)).isEmpty();
        assertThat(codec.decode("{\"keytype\":\"CONFIG\",\"magic\":1}".getBytes(StandardCharsets.UTF_8),
                "{\"compatibilityLevel\":\"SIDEWAYS\"}".getBytes(StandardCharsets.UTF_8))).isEmpty();
        assertThat(codec.decode("{\"keytype\":\"SCHEMA\",\"magic\":1,\"subject\":\"s\",\"version\":1,\"claim\":\"c\"}"
                .getBytes(StandardCharsets.UTF_8), "{\"subject\":\"s\"}".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }
}
