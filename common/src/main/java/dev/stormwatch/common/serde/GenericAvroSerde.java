package dev.stormwatch.common.serde;

import dev.stormwatch.common.registry.SchemaRegistryClient;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * {@link GenericRecord}s in the Confluent wire format. Reads with each record's writer schema,
 * or with a given reader schema (then records of any compatible writer schema are resolved to
 * it). Usable as {@code default.value.serde} (configured from the Streams config) or wired in code
 * with {@link #of}.
 */
public final class GenericAvroSerde extends AvroSerde<GenericRecord> {

  /** For Kafka's reflective instantiation; {@link #configure} creates the registry client. */
  public GenericAvroSerde() {
    this((Schema) null);
  }

  /** Unconfigured, reading with {@code readerSchema}; {@link #configure} creates the client. */
  public GenericAvroSerde(Schema readerSchema) {
    super(new AvroSerializer<>(), AvroDeserializer.generic(readerSchema));
  }

  private GenericAvroSerde(AvroSerializer<GenericRecord> s, AvroDeserializer<GenericRecord> d) {
    super(s, d);
  }

  /** A ready serde using {@code client} (which the caller keeps owning); reader = writer schema. */
  public static GenericAvroSerde of(SchemaRegistryClient client, AvroSerdeConfig config, boolean isKey) {
    return of(client, config, isKey, null);
  }

  /** A ready serde reading with {@code readerSchema} (null: each record's writer schema). */
  public static GenericAvroSerde of(
      SchemaRegistryClient client, AvroSerdeConfig config, boolean isKey, Schema readerSchema) {
    return new GenericAvroSerde(new AvroSerializer<>(client, config, isKey),
        AvroDeserializer.generic(client, config, isKey, readerSchema));
  }
}
