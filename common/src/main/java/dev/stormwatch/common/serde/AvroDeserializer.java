package dev.stormwatch.common.serde;

import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.registry.SchemaRegistryException;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads Confluent wire-format records: the writer schema is fetched by id once and cached with a
 * decoder for the (writer, reader) pair, so schema evolution is resolved by Avro and a record
 * costs no registry call.
 *
 * <p>Readers: a generated class ({@link #specific(Class, SchemaRegistryClient, AvroSerdeConfig,
 * boolean)}: reader schema = the class's schema), the generated class named by the writer schema
 * ({@code specific.avro.reader=true}), or {@link GenericRecord}s (reader = writer schema, or a
 * given reader schema).
 *
 * <p>Every failure is a {@link SerializationException} naming the topic, the schema id when known,
 * and the cause: a payload too short or with a magic byte other than 0, an unknown schema id
 * (registry error 40403), bytes that do not decode. When the registry could not be reached the
 * cause is a {@link SchemaRegistryException} with {@code isRetriable()} true — such records are not
 * poison and should not go to a dead-letter topic (see {@link
 * SchemaRegistryException#isRetriableCause(Throwable)}). {@code null} reads as {@code null}.
 * Thread-safe.
 *
 * @param <T> the record type
 */
public final class AvroDeserializer<T extends IndexedRecord> implements Deserializer<T> {

  private static final Logger log = LoggerFactory.getLogger(AvroDeserializer.class);
  /** Per-thread decoders, re-targeted at each payload: no allocation per record. */
  private static final ThreadLocal<Decoders> DECODERS = ThreadLocal.withInitial(Decoders::new);

  private static final class Decoders {
    BinaryDecoder binary;
    final BoundedDecoder bounded = new BoundedDecoder();
  }

  private enum Mode { GENERIC, SPECIFIC_CLASS, SPECIFIC_BY_WRITER_NAME, FROM_CONFIG }

  private SchemaRegistryClient client;
  private boolean ownsClient;
  private AvroSerdeConfig config;
  private Mode mode;
  private final Class<T> type;
  private final Schema fixedReader;
  private final Map<Integer, ReadPlan<T>> plans = new ConcurrentHashMap<>();

  /**
   * For Kafka's reflective instantiation: {@link #configure} chooses generic or specific records
   * with {@value AvroSerdeConfig#SPECIFIC_AVRO_READER}.
   */
  public AvroDeserializer() {
    this(null, null, Mode.FROM_CONFIG, null, null);
  }

  private AvroDeserializer(SchemaRegistryClient client, AvroSerdeConfig config, Mode mode,
      Class<T> type, Schema fixedReader) {
    this.client = client;
    this.config = config;
    this.mode = mode;
    this.type = type;
    this.fixedReader = fixedReader;
  }

  /** Reads into {@code type}, resolving any compatible writer schema to the class's schema. */
  public static <T extends SpecificRecord> AvroDeserializer<T> specific(
      Class<T> type, SchemaRegistryClient client, AvroSerdeConfig config, boolean isKey) {
    Objects.requireNonNull(type, "type");
    Schema reader = SpecificData.getForClass(type).getSchema(type);
    return new AvroDeserializer<T>(Objects.requireNonNull(client, "client"),
        Objects.requireNonNull(config, "config"), Mode.SPECIFIC_CLASS, type, reader);
  }

  /** An unconfigured deserializer into {@code type}; {@link #configure} creates its client. */
  static <T extends SpecificRecord> AvroDeserializer<T> specific(Class<T> type) {
    Schema reader = type == null ? null : SpecificData.getForClass(type).getSchema(type);
    return new AvroDeserializer<T>(null, null,
        type == null ? Mode.SPECIFIC_BY_WRITER_NAME : Mode.SPECIFIC_CLASS, type, reader);
  }

  /**
   * Reads {@link GenericRecord}s with {@code readerSchema}, or with each record's writer schema
   * when it is null.
   */
  public static AvroDeserializer<GenericRecord> generic(
      SchemaRegistryClient client, AvroSerdeConfig config, boolean isKey, Schema readerSchema) {
    return new AvroDeserializer<>(Objects.requireNonNull(client, "client"),
        Objects.requireNonNull(config, "config"), Mode.GENERIC, null, readerSchema);
  }

  /** An unconfigured generic deserializer; {@link #configure} creates its client. */
  static AvroDeserializer<GenericRecord> generic(Schema readerSchema) {
    return new AvroDeserializer<>(null, null, Mode.GENERIC, null, readerSchema);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    configure(configs, isKey, null);
  }

  /** As {@link #configure(Map, boolean)}, sharing {@code created} (owned) if this has no client. */
  void configure(Map<String, ?> configs, boolean isKey, SchemaRegistryClient created) {
    this.config = AvroSerdeConfig.fromMap(configs);
    if (mode == Mode.FROM_CONFIG) {
      mode = config.specificAvroReader() ? Mode.SPECIFIC_BY_WRITER_NAME : Mode.GENERIC;
    }
    if (client == null) {
      client = created != null ? created
          : new RestSchemaRegistryClient(SchemaRegistryConfig.fromMap(configs));
      ownsClient = true;
    }
    plans.clear();
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (client == null) {
      throw new IllegalStateException("AvroDeserializer used before configure()");
    }
    int id = WireFormat.schemaId(topic, data);
    ReadPlan<T> plan = plan(topic, id);
    Decoders decoders = DECODERS.get();
    try {
      decoders.binary = DecoderFactory.get().binaryDecoder(
          data, WireFormat.HEADER_SIZE, data.length - WireFormat.HEADER_SIZE, decoders.binary);
      return plan.reader.read(null, decoders.bounded.wrap(decoders.binary, plan.countsBounded));
    } catch (IOException | RuntimeException e) {
      // RuntimeException: Avro reports corrupt input as AvroRuntimeException, but also as
      // ArrayIndexOutOfBounds, NegativeArraySize, ClassCast... all mean "these bytes are bad".
      decoders.binary = null; // do not reuse a decoder left in an unknown state
      throw new SerializationException("Cannot deserialize record from topic '" + topic
          + "' with schema id " + id + " (" + plan.writer.getFullName() + "): " + e, e);
    }
  }

  @Override
  public void close() {
    if (ownsClient && client != null) {
      client.close();
    }
  }

  private ReadPlan<T> plan(String topic, int id) {
    ReadPlan<T> plan = plans.get(id);
    if (plan != null) {
      return plan;
    }
    plan = newPlan(topic, id);
    if (plans.size() >= config.cacheCapacity()) {
      log.warn("Deserializer cache reached {} schema ids ({}); clearing it",
          config.cacheCapacity(), SchemaRegistryConfig.CACHE_CAPACITY);
      plans.clear();
    }
    ReadPlan<T> raced = plans.putIfAbsent(id, plan);
    return raced != null ? raced : plan;
  }

  @SuppressWarnings("unchecked")
  private ReadPlan<T> newPlan(String topic, int id) {
    Schema writer;
    try {
      writer = new Schema.Parser().parse(client.getSchemaById(id));
    } catch (SchemaRegistryException e) {
      String what = e.isSchemaNotFound() || e.isNotFound()
          ? "unknown schema id (registry error " + e.errorCode() + ")"
          : e.isRetriable() ? "schema registry unavailable" : "schema registry error";
      throw new SerializationException("Cannot deserialize record from topic '" + topic
          + "' with schema id " + id + ": " + what + ": " + e.getMessage(), e);
    } catch (SchemaParseException e) {
      throw new SerializationException("Cannot deserialize record from topic '" + topic
          + "' with schema id " + id + ": the registry's schema does not parse: " + e.getMessage(), e);
    }
    try {
      DatumReader<T> reader = switch (mode) {
        case GENERIC -> (DatumReader<T>) new GenericDatumReader<GenericRecord>(
            writer, fixedReader == null ? writer : fixedReader, GenericData.get());
        case SPECIFIC_CLASS -> new SpecificDatumReader<>(writer, fixedReader,
            SpecificData.getForSchema(fixedReader));
        case SPECIFIC_BY_WRITER_NAME -> specificByWriterName(topic, id, writer);
        case FROM_CONFIG -> throw new IllegalStateException("AvroDeserializer used before configure()");
      };
      return new ReadPlan<>(writer, reader, BoundedDecoder.everyItemTakesAByte(writer));
    } catch (org.apache.avro.AvroRuntimeException e) {
      throw new SerializationException("Cannot deserialize record from topic '" + topic
          + "' with schema id " + id + ": writer schema " + writer.getFullName()
          + " cannot be read with the reader schema: " + e.getMessage(), e);
    }
  }

  private DatumReader<T> specificByWriterName(String topic, int id, Schema writer) {
    SpecificData data = SpecificData.get();
    Class<?> c = data.getClass(writer);
    if (c == null || !SpecificRecord.class.isAssignableFrom(c)) {
      throw new SerializationException("Cannot deserialize record from topic '" + topic
          + "' with schema id " + id + ": no generated class for " + writer.getFullName()
          + " on the classpath (" + AvroSerdeConfig.SPECIFIC_AVRO_READER + "=true)");
    }
    Schema reader = SpecificData.getForClass(c).getSchema(c);
    return new SpecificDatumReader<>(writer, reader, SpecificData.getForSchema(reader));
  }

  /**
   * @param countsBounded whether every collection item of {@code writer} takes at least one byte,
   *     so a block count larger than the bytes left is corrupt
   */
  private record ReadPlan<T>(Schema writer, DatumReader<T> reader, boolean countsBounded) {}
}
