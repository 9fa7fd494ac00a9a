package dev.stormwatch.devstack.registry.domain;

import java.util.ArrayList;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityResult;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;

/** Parsing, canonical form and compatibility of Avro schemas, all with Avro's own classes. */
final class AvroSchemas {

    static final String TYPE = "AVRO";

    private AvroSchemas() {
    }

    /** A parsed schema and its canonical text (referenced named types are not inlined). */
    record Parsed(Schema schema, String canonical) {
    }

    /** A live version a new schema is checked against. */
    record Previous(int version, String schemaText, Schema schema) {
    }

    /**
     * Parses {@code text}, defining first the named types of the referenced schemas, given in
     * dependency order (a schema before the ones that use it).
     *
     * @throws RegistryException {@link ErrorCode#INVALID_SCHEMA} when anything does not parse
     */
    static Parsed parse(String text, List<String> referencedSchemas) {
        if (text == null || text.isBlank()) {
            throw RegistryException.invalidSchema("empty schema");
        }
        try {
            Schema.Parser parser = new Schema.Parser().setValidateDefaults(true);
            for (String referenced : referencedSchemas) {
                parser.parse(referenced);
            }
            List<Schema> known = new ArrayList<>(parser.getTypes().values());
            Schema schema = parser.parse(text);
            String canonical = known.isEmpty() ? schema.toString() : schema.toString(known, false);
            return new Parsed(schema, canonical);
        } catch (RuntimeException e) {
            // SchemaParseException, AvroTypeException and the parser's own failures on odd input
            throw new RegistryException(ErrorCode.INVALID_SCHEMA,
                    "Invalid schema " + text + ", details: " + e.getMessage(), e);
        }
    }

    /**
     * Checks {@code candidate} against the live versions (oldest first) as {@code level} demands:
     * the latest only, or all of them when transitive. Returns Confluent-style messages for the
     * newest version it is incompatible with, or an empty list when compatible.
     */
    static List<String> incompatibilities(Schema candidate, List<Previous> previous, CompatibilityLevel level) {
        if (level == CompatibilityLevel.NONE || previous.isEmpty()) {
            return List.of();
        }
        List<Previous> targets = level.transitive() ? previous : previous.subList(previous.size() - 1, previous.size());
        for (int i = targets.size() - 1; i >= 0; i--) {
            Previous old = targets.get(i);
            List<String> messages = new ArrayList<>();
            if (level.backward()) {
                messages.addAll(check(candidate, old.schema(), "new", "old"));
            }
            if (level.forward()) {
                messages.addAll(check(old.schema(), candidate, "old", "new"));
            }
            if (!messages.isEmpty()) {
                messages.add("{oldSchemaVersion: " + old.version() + "}");
                messages.add("{oldSchema: '" + old.schemaText() + "'}");
                messages.add("{compatibility: '" + level + "'}");
                return List.copyOf(messages);
            }
        }
        return List.of();
    }

    private static List<String> check(Schema reader, Schema writer, String readerName, String writerName) {
        SchemaCompatibilityResult result =
                SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getResult();
        if (result.getCompatibility() == SchemaCompatibilityType.COMPATIBLE) {
            return List.of();
        }
        List<String> messages = new ArrayList<>();
        for (Incompatibility incompatibility : result.getIncompatibilities()) {
            messages.add("{errorType:'" + incompatibility.getType() + "', description:'The " + readerName
                    + " schema cannot read data written with the " + writerName + " schema at path '"
                    + incompatibility.getLocation() + "'', additionalInfo:'" + incompatibility.getMessage() + "'}");
        }
        return messages;
    }
}
