package dev.stormwatch.devstack.registry.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stormwatch.devstack.registry.domain.CompatibilityLevel;
import dev.stormwatch.devstack.registry.domain.LogEntry;
import dev.stormwatch.devstack.registry.domain.Mode;
import dev.stormwatch.devstack.registry.domain.RecordKey;
import dev.stormwatch.devstack.registry.domain.RecordValue;
import dev.stormwatch.devstack.registry.domain.SchemaReference;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JSON format of the registry's topic. Keys are written with a fixed field order, so that equal
 * keys are equal bytes and compaction keeps one record per key.
 *
 * <pre>
 * key   {"keytype":"SCHEMA","magic":1,"subject":"s","version":1,"claim":"uuid"}
 * value {"subject":"s","version":1,"id":7,"schemaType":"AVRO","schema":"...",
 *        "references":[{"name":"n","subject":"t","version":1}],"deleted":false}
 * key   {"keytype":"CONFIG","magic":1,"subject":"s"}   (no "subject": the global level)
 * value {"compatibilityLevel":"BACKWARD"}
 * key   {"keytype":"MODE","magic":1,"subject":"s"}     (no "subject": the global mode)
 * value {"mode":"READONLY"}
 * </pre>
 * A null value (tombstone) deletes the key: a permanently deleted version, or a removed
 * subject-level setting.
 */
public final class RecordCodec {

    static final int MAGIC = 1;

    private final ObjectMapper json = new ObjectMapper();

    public byte[] encodeKey(RecordKey key) {
        ObjectNode node = json.createObjectNode();
        if (key instanceof RecordKey.Schema schema) {
            node.put("keytype", "SCHEMA").put("magic", MAGIC).put("subject", schema.subject())
                    .put("version", schema.version()).put("claim", schema.claim());
        } else if (key instanceof RecordKey.Config config) {
            node.put("keytype", "CONFIG").put("magic", MAGIC);
            if (config.subject() != null) {
                node.put("subject", config.subject());
            }
        } else {
            RecordKey.Mode mode = (RecordKey.Mode) key;
            node.put("keytype", "MODE").put("magic", MAGIC);
            if (mode.subject() != null) {
                node.put("subject", mode.subject());
            }
        }
        return write(node);
    }

    public byte[] encodeValue(RecordValue value) {
        if (value == null) {
            return null;
        }
        ObjectNode node = json.createObjectNode();
        if (value instanceof RecordValue.Schema schema) {
            node.put("subject", schema.subject()).put("version", schema.version()).put("id", schema.id())
                    .put("schemaType", schema.schemaType()).put("schema", schema.schema());
            ArrayNode refs = node.putArray("references");
            for (SchemaReference ref : schema.references()) {
                refs.addObject().put("name", ref.name()).put("subject", ref.subject()).put("version", ref.version());
            }
            node.put("deleted", schema.deleted());
        } else if (value instanceof RecordValue.Config config) {
            node.put("compatibilityLevel", config.compatibilityLevel().name());
        } else {
            node.put("mode", ((RecordValue.Mode) value).mode().name());
        }
        return write(node);
    }

    /**
     * Decodes one record; empty for a record this version does not understand (another key type,
     * a newer magic, malformed JSON), which the reader skips.
     */
    public Optional<LogEntry> decode(byte[] keyBytes, byte[] valueBytes) {
        if (keyBytes == null) {
            return Optional.empty();
        }
        try {
            JsonNode key = json.readTree(keyBytes);
            if (key == null || !key.isObject() || key.path("magic").asInt(-1) != MAGIC) {
                return Optional.empty();
            }
            JsonNode value = valueBytes == null ? null : json.readTree(valueBytes);
            String subject = key.hasNonNull("subject") ? key.get("subject").asText() : null;
            switch (key.path("keytype").asText()) {
                case "SCHEMA": {
                    RecordKey.Schema k = new RecordKey.Schema(require(subject), key.path("version").asInt(),
                            key.path("claim").asText());
                    return Optional.of(new LogEntry(k, value == null ? null : schemaValue(value)));
                }
                case "CONFIG": {
                    RecordValue.Config v = value == null ? null : new RecordValue.Config(
                            CompatibilityLevel.valueOf(value.path("compatibilityLevel").asText()));
                    return Optional.of(new LogEntry(new RecordKey.Config(subject), v));
                }
                case "MODE": {
                    RecordValue.Mode v = value == null ? null
                            : new RecordValue.Mode(Mode.valueOf(value.path("mode").asText()));
                    return Optional.of(new LogEntry(new RecordKey.Mode(subject), v));
                }
                default:
                    return Optional.empty();
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static RecordValue.Schema schemaValue(JsonNode value) {
        List<SchemaReference> refs = new ArrayList<>();
        for (JsonNode ref : value.path("references")) {
            refs.add(new SchemaReference(ref.path("name").asText(), ref.path("subject").asText(),
                    ref.path("version").asInt()));
        }
        return new RecordValue.Schema(require(value.path("subject").textValue()), value.path("version").asInt(),
                value.path("id").asInt(), require(value.path("schemaType").textValue()),
                require(value.path("schema").textValue()), refs, value.path("deleted").asBoolean(false));
    }

    private static String require(String text) {
        if (text == null) {
            throw new IllegalArgumentException("missing field");
        }
        return text;
    }

    private byte[] write(JsonNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
