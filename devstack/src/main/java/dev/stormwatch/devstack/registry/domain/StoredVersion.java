package dev.stormwatch.devstack.registry.domain;

import java.util.List;

/** One version of a subject as the registry holds it. */
public record StoredVersion(String subject, int version, int id, String claim, String schemaType,
                            String schema, List<SchemaReference> references, boolean deleted) {
    public StoredVersion {
        references = List.copyOf(references);
    }

    SchemaIdentity identity() {
        return new SchemaIdentity(schemaType, schema, references);
    }

    RecordKey.Schema key() {
        return new RecordKey.Schema(subject, version, claim);
    }

    RecordValue.Schema value() {
        return new RecordValue.Schema(subject, version, id, schemaType, schema, references, deleted);
    }
}
