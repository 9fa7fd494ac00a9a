package dev.stormwatch.common.serde;

import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Generated Avro classes in the Confluent wire format. The reader schema is the class's schema,
 * so records written with an older or newer compatible schema are resolved into the class.
 *
 * <p>Wire it in code with {@link #of(Class, SchemaRegistryClient, AvroSerdeConfig, boolean)}, or
 * construct it with the class and let Kafka call {@link #configure}. The no-arg constructor (for
 * {@code default.value.serde}) reads into the class named by each record's writer schema.
 *
 * @param <T> the generated class
 */
public final class SpecificAvroSerde<T extends SpecificRecord> implements Serde<T> {

  private final AvroSerializer<T> serializer;
  private final AvroDeserializer<T> deserializer;

  /** For Kafka's reflective instantiation; reads into the class named by the writer schema. */
  public SpecificAvroSerde() {
    this((Class<T>) null);
  }

  /** Unconfigured, reading into {@code type}; {@link #configure} creates the registry client. */
  public SpecificAvroSerde(Class<T> type) {
    this.serializer = new AvroSerializer<>();
    this.deserializer = AvroDeserializer.specific(type);
  }

  private SpecificAvroSerde(AvroSerializer<T> serializer, AvroDeserializer<T> deserializer) {
    this.serializer = serializer;
    this.deserializer = deserializer;
  }

  /** A ready serde for {@code type} using {@code client}, which the caller keeps owning. */
  public static <T extends SpecificRecord> SpecificAvroSerde<T> of(
      Class<T> type, SchemaRegistryClient client, AvroSerdeConfig config, boolean isKey) {
    return new SpecificAvroSerde<>(new AvroSerializer<>(client, config, isKey),
        AvroDeserializer.specific(type, client, config, isKey));
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
