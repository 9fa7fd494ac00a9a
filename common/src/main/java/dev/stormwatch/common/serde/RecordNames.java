package dev.stormwatch.common.serde;

import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;

final class RecordNames {
  private RecordNames() {}

  static String fullName(Schema schema) {
    return switch (schema.getType()) {
      case RECORD, ENUM, FIXED -> schema.getFullName();
      default -> throw new SerializationException(
          "A record-name subject strategy needs a named schema, got " + schema.getType());
    };
  }
}
