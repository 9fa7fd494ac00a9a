package dev.stormwatch.devstack.registry.domain;

import java.util.List;

/**
 * The body of a register, lookup or compatibility request: {@code schemaType} null means Avro;
 * {@code id} and {@code version} are optional and only accepted when they match what the registry
 * assigns (the embedded registry has no IMPORT mode).
 */
public record RegisterRequest(String schema, String schemaType, List<SchemaReference> references,
                              Integer id, Integer version) {
    public RegisterRequest {
        references = references == null ? List.of() : List.copyOf(references);
    }

    public static RegisterRequest of(String schema) {
        return new RegisterRequest(schema, null, List.of(), null, null);
    }
}
