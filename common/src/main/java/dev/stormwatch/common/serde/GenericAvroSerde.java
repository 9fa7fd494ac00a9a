package dev.stormwatch.common.serde;

import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@link GenericRecord}s in the Confluent wire format. Reads with each record's writer schema,
 * or with a given reader schema (then records of any compatible writer schema are resolved to
 * it). Usable as {@code default.value.serde} (configured from the Streams config) or wired in code
 * with {@link #of}.
 */
public final class GenericAvroSerde implements Serde<GenericRecord> {

  private final AvroSerializer<GenericRecord> serializer;
  private final AvroDeserializer<GenericRecord> deserializer;

  /** For Kafka's reflective instantiation; {@link #configure} creates the registry client. */
  public GenericAvroSerde() {
    this((Schema) null);
  }

  /** Unconfigured, reading with {@code readerSchema}; {@link #configure} creates the client. */
  public GenericAvroSerde(Schema readerSchema) {
    this.serializer = new AvroSerializer<>();
    this.deserializer = AvroDeserializer.generic(readerSchema);
  }

  private GenericAvroSerde(AvroSerializer<GenericRecord> s, AvroDeserializer<GenericRecord> d) {
    this.serializer = s;
    this.deserializer = d;
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

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    // one client (and one set of caches) for both directions; the deserializer closes it
    SchemaRegistryClient shared = serializer.hasClient() ? null
        : new RestSchemaRegistryClient(SchemaRegistryConfig.fromMap(configs));
    serializer.configure(configs, isKey, shared);
    deserializer.configure(configs, isKey, shared);
    if (shared != null) {
      serializer.disownClient();
    }
  }

  @Override
  public Serializer<GenericRecord> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<GenericRecord> deserializer() {
    return deserializer;
  }

  @Override
  public void close() {
    serializer.close();
    deserializer.close();
  }
}
