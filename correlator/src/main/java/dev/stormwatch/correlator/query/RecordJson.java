package dev.stormwatch.correlator.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stormwatch.correlator.domain.AlertState;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro records and alert states as plain JSON for the query API: field names as in the schema,
 * timestamps as ISO-8601 strings, enums as their names, absent optionals as {@code null}.
 */
final class RecordJson {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private RecordJson() {
  }

  /** Any generated Avro record, walked by its schema. */
  static ObjectNode of(SpecificRecord record) {
    ObjectNode out = F.objectNode();
    for (Schema.Field field : record.getSchema().getFields()) {
      out.set(field.name(), value(record.get(field.pos())));
    }
    return out;
  }

  /** What the correlator knows of one alert. */
  static ObjectNode of(AlertState a) {
    ObjectNode out = F.objectNode();
    out.put("fingerprint", a.fingerprint());
    out.put("name", a.name());
    out.put("service", a.service());
    out.set("status", value(a.status()));
    out.set("severity", value(a.severity()));
    out.set("summary", value(a.summary()));
    out.set("labels", value(a.labels()));
    out.set("annotations", value(a.annotations()));
    out.set("startsAt", value(a.startsAt()));
    out.set("endsAt", value(a.endsAt()));
    out.set("firstSeenAt", value(a.firstSeenAt()));
    out.set("lastSeenAt", value(a.lastSeenAt()));
    out.put("observations", a.observations());
    out.put("occurrences", a.occurrences());
    out.put("stateChanges", a.stateChanges());
    return out;
  }

  private static JsonNode value(Object v) {
    if (v == null) {
      return F.nullNode();
    } else if (v instanceof SpecificRecord r) {
      return of(r);
    } else if (v instanceof Instant i) {
      return F.textNode(i.toString());
    } else if (v instanceof Enum<?> e) {
      return F.textNode(e.name());
    } else if (v instanceof CharSequence s) {
      return F.textNode(s.toString());
    } else if (v instanceof Boolean b) {
      return F.booleanNode(b);
    } else if (v instanceof Integer n) {
      return F.numberNode(n);
    } else if (v instanceof Long n) {
      return F.numberNode(n);
    } else if (v instanceof Double n) {
      return F.numberNode(n);
    } else if (v instanceof Float n) {
      return F.numberNode(n);
    } else if (v instanceof Collection<?> c) {
      ArrayNode array = F.arrayNode();
      c.forEach(item -> array.add(value(item)));
      return array;
    } else if (v instanceof Map<?, ?> m) {
      ObjectNode object = F.objectNode();
      m.forEach((k, item) -> object.set(String.valueOf(k), value(item)));
      return object;
    }
    return F.textNode(v.toString());
  }
}
