package dev.stormwatch.devstack.registry.domain;

import java.util.List;

/**
 * What makes two registrations "the same schema" and so the same id: the schema type, the canonical
 * schema text and the references, as in Confluent.
 */
record SchemaIdentity(String schemaType, String schema, List<SchemaReference> references) {
    SchemaIdentity {
        references = List.copyOf(references);
    }
}
