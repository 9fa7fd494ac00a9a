package dev.stormwatch.devstack.registry.domain;

import java.util.Objects;

/**
 * A reference from one schema to a named type defined by another registered schema, as in
 * Confluent's API: {@code name} is the Avro full name the referencing schema uses, and
 * {@code subject}/{@code version} locate the schema that defines it.
 */
public record SchemaReference(String name, String subject, int version) {
    public SchemaReference {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(subject, "subject");
    }
}
