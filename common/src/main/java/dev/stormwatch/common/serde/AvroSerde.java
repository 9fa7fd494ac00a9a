package dev.stormwatch.common.serde;

import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import java.util.Map;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What {@link SpecificAvroSerde} and {@link GenericAvroSerde} share: one serializer and one
 * deserializer in the Confluent wire format, sharing one registry client and its caches.
 *
 * @param <T> the record type
 */
abstract class AvroSerde<T extends IndexedRecord> implements Serde<T> {

  private final AvroSerializer<T> serializer;
  private final AvroDeserializer<T> deserializer;

  AvroSerde(AvroSerializer<T> serializer, AvroDeserializer<T> deserializer) {
    this.serializer = serializer;
    this.deserializer = deserializer;
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
  public Serializer<T> serializer() {
    return serializer;
  }

  @Override
  public Deserializer<T> deserializer() {
    return deserializer;
  }

  @Override
  public void close() {
    serializer.close();
    deserializer.close();
  }
}
