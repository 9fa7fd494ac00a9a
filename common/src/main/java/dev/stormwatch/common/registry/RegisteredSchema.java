package dev.stormwatch.common.registry;

import java.util.Objects;

/**
 * One version of a subject as the registry returns it.
 *
 * @param subject the subject
 * @param id the registry-wide schema id (what the wire format carries)
 * @param version the version within the subject, from 1
 * @param schema the schema text (Avro JSON)
 * @param schemaType {@code AVRO} unless the registry said otherwise
 */
public record RegisteredSchema(String subject, int id, int version, String schema, String schemaType) {
  public RegisteredSchema {
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(schema, "schema");
    Objects.requireNonNull(schemaType, "schemaType");
  }
}
