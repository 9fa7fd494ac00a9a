package dev.stormwatch.devstack.registry.domain;

import java.util.List;
import java.util.Objects;

/** The value of one record of the registry's log; a deletion is a record without value (a tombstone). */
public sealed interface RecordValue {

    /**
     * A registered version. {@code schema} is the canonical schema text: writers canonicalize before
     * writing, so applying a record never needs to parse Avro and every replica decides the same.
     */
    record Schema(String subject, int version, int id, String schemaType, String schema,
                  List<SchemaReference> references, boolean deleted) implements RecordValue {
        public Schema {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(schemaType, "schemaType");
            Objects.requireNonNull(schema, "schema");
            references = references == null ? List.of() : List.copyOf(references);
        }

        Schema withDeleted(boolean isDeleted) {
            return new Schema(subject, version, id, schemaType, schema, references, isDeleted);
        }
    }

    record Config(CompatibilityLevel compatibilityLevel) implements RecordValue {
        public Config {
            Objects.requireNonNull(compatibilityLevel, "compatibilityLevel");
        }
    }

    record Mode(dev.stormwatch.devstack.registry.domain.Mode mode) implements RecordValue {
        public Mode {
            Objects.requireNonNull(mode, "mode");
        }
    }
}
