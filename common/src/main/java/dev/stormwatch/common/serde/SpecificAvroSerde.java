package dev.stormwatch.common.serde;

import dev.stormwatch.common.registry.SchemaRegistryClient;
import org.apache.avro.specific.SpecificRecord;

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
public final class SpecificAvroSerde<T extends SpecificRecord> extends AvroSerde<T> {

  /** For Kafka's reflective instantiation; reads into the class named by the writer schema. */
  public SpecificAvroSerde() {
    this((Class<T>) null);
  }

  /** Unconfigured, reading into {@code type}; {@link #configure} creates the registry client. */
  public SpecificAvroSerde(Class<T> type) {
    super(new AvroSerializer<>(), AvroDeserializer.specific(type));
  }

  private SpecificAvroSerde(AvroSerializer<T> serializer, AvroDeserializer<T> deserializer) {
    super(serializer, deserializer);
  }

  /** A ready serde for {@code type} using {@code client}, which the caller keeps owning. */
  public static <T extends SpecificRecord> SpecificAvroSerde<T> of(
      Class<T> type, SchemaRegistryClient client, AvroSerdeConfig config, boolean isKey) {
    return new SpecificAvroSerde<>(new AvroSerializer<>(client, config, isKey),
        AvroDeserializer.specific(type, client, config, isKey));
  }
}
