package dev.stormwatch.common.serde;

import dev.stormwatch.common.registry.RegisteredSchema;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.registry.SchemaRegistryException;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes Avro records (generic or generated) in the Confluent wire format.
 *
 * <p>The schema id of each (topic, record schema) is resolved once — registered, looked up, or
 * taken from the subject's latest version (see {@link AvroSerdeConfig}) — and cached with its
 * {@link DatumWriter}; afterwards a record costs one encoding into a per-thread buffer and one
 * right-sized copy, and no registry call. Thread-safe.
 *
 * <p>Errors are {@link SerializationException}s naming the topic and subject; when the registry
 * could not be reached the cause is a {@link SchemaRegistryException} with {@code isRetriable()}.
 *
 * @param <T> the record type
 */
public final class AvroSerializer<T extends IndexedRecord> implements Serializer<T> {

  private static final Logger log = LoggerFactory.getLogger(AvroSerializer.class);

  private SchemaRegistryClient client;
  private boolean ownsClient;
  private AvroSerdeConfig config;
  private boolean isKey;
  private final Map<String, Map<Schema, WritePlan>> plansByTopic = new ConcurrentHashMap<>();

  /** For Kafka's reflective instantiation: {@link #configure} must be called before use. */
  public AvroSerializer() {}

  /** A configured serializer using {@code client}, which the caller keeps owning. */
  public AvroSerializer(SchemaRegistryClient client, AvroSerdeConfig config, boolean isKey) {
    this.client = Objects.requireNonNull(client, "client");
    this.config = Objects.requireNonNull(config, "config");
    this.isKey = isKey;
    warnIfLatestIgnored();
  }

  /**
   * Reads {@link AvroSerdeConfig}'s keys; creates a {@link RestSchemaRegistryClient} from {@link
   * SchemaRegistryConfig}'s keys unless a client was given to the constructor.
   */
  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    configure(configs, isKey, null);
  }

  /** As {@link #configure(Map, boolean)}, sharing {@code created} (owned) if this has no client. */
  void configure(Map<String, ?> configs, boolean isKey, SchemaRegistryClient created) {
    this.config = AvroSerdeConfig.fromMap(configs);
    this.isKey = isKey;
    if (client == null) {
      client = created != null ? created
          : new RestSchemaRegistryClient(SchemaRegistryConfig.fromMap(configs));
      ownsClient = true;
    }
    plansByTopic.clear();
    warnIfLatestIgnored();
  }

  boolean hasClient() {
    return client != null;
  }

  void disownClient() {
    ownsClient = false;
  }

  @Override
  public byte[] serialize(String topic, T record) {
    if (record == null) {
      return null;
    }
    if (client == null) {
      throw new IllegalStateException("AvroSerializer used before configure()");
    }
    WritePlan plan = plan(topic, record);
    try {
      Buffers buffers = Buffers.get();
      Object datum = plan.converter == null ? record : plan.convert(record, buffers);
      WireBuffer out = buffers.out;
      out.reset();
      out.header(plan.id);
      BinaryEncoder encoder = buffers.encoder(out);
      plan.writer.write(datum, encoder);
      encoder.flush();
      byte[] bytes = out.toByteArray();
      buffers.release();
      return bytes;
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("Cannot serialize " + record.getSchema().getFullName()
          + " for topic '" + topic + "' with schema id " + plan.id + ": " + e, e);
    }
  }

  @Override
  public void close() {
    if (ownsClient && client != null) {
      client.close();
    }
  }

  private WritePlan plan(String topic, T record) {
    Schema schema = record.getSchema();
    Map<Schema, WritePlan> plans = plansByTopic.get(topic);
    if (plans != null) {
      WritePlan plan = plans.get(schema);
      if (plan != null && !plan.expired()) {
        return plan;
      }
    }
    WritePlan plan = newPlan(topic, schema, record);
    if (plansByTopic.size() >= config.cacheCapacity()) {
      log.warn("Serializer cache reached {} topics; clearing it", config.cacheCapacity());
      plansByTopic.clear();
    }
    plans = plansByTopic.computeIfAbsent(topic, t -> new ConcurrentHashMap<>());
    if (plans.size() >= config.cacheCapacity()) {
      log.warn("Serializer cache for topic '{}' reached {} schemas ({}); clearing it", topic,
          config.cacheCapacity(), SchemaRegistryConfig.CACHE_CAPACITY);
      plans.clear();
    }
    plans.put(schema, plan);
    return plan;
  }

  private WritePlan newPlan(String topic, Schema schema, T record) {
    String subject;
    try {
      subject = config.subjectNameStrategy(isKey).subjectName(topic, isKey, schema);
    } catch (RuntimeException e) {
      throw new SerializationException("Cannot choose a subject for " + schema.getFullName()
          + " on topic '" + topic + "': " + e.getMessage(), e);
    }
    DatumWriter<Object> ownWriter = writerFor(schema, record);
    String what = "";
    try {
      if (config.autoRegisterSchemas()) {
        what = "registering";
        int id = client.register(subject, schema.toString(), config.normalizeSchemas());
        return new WritePlan(id, ownWriter, null, null, Long.MAX_VALUE);
      }
      if (!config.useLatestVersion()) {
        what = "looking up";
        int id = client.getId(subject, schema.toString(), config.normalizeSchemas());
        return new WritePlan(id, ownWriter, null, null, Long.MAX_VALUE);
      }
      what = "fetching the latest version of the subject for";
      RegisteredSchema latest = client.getLatestVersion(subject);
      long expires = config.latestCacheTtl()
          .map(ttl -> System.nanoTime() + ttl.toNanos())
          .orElse(Long.MAX_VALUE);
      Schema latestSchema = new Schema.Parser().parse(latest.schema());
      if (latestSchema.equals(schema)) {
        return new WritePlan(latest.id(), ownWriter, null, null, expires);
      }
      if (config.latestCompatibilityStrict()) {
        SchemaCompatibility.SchemaPairCompatibility compat =
            SchemaCompatibility.checkReaderWriterCompatibility(latestSchema, schema);
        if (compat.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
          throw new SerializationException("Cannot serialize " + schema.getFullName()
              + " for topic '" + topic + "': the latest version " + latest.version()
              + " (id " + latest.id() + ") of subject '" + subject
              + "' cannot read records of this schema (" + AvroSerdeConfig.LATEST_COMPATIBILITY_STRICT
              + "=true): " + compat.getResult().getIncompatibilities());
        }
      }
      return new WritePlan(latest.id(), new GenericDatumWriter<>(latestSchema, GenericData.get()),
          ownWriter, new GenericDatumReader<>(schema, latestSchema, GenericData.get()), expires);
    } catch (SchemaRegistryException e) {
      throw new SerializationException("Cannot serialize " + schema.getFullName() + " for topic '"
          + topic + "': " + what + " the schema under subject '" + subject + "' failed: "
          + e.getMessage(), e);
    } catch (org.apache.avro.SchemaParseException e) {
      throw new SerializationException("Cannot serialize for topic '" + topic
          + "': the latest schema of subject '" + subject + "' does not parse: " + e.getMessage(), e);
    }
  }

  @SuppressWarnings("unchecked")
  private static DatumWriter<Object> writerFor(Schema schema, IndexedRecord record) {
    if (record instanceof SpecificRecordBase base) {
      return new SpecificDatumWriter<>(schema, base.getSpecificData());
    }
    if (record instanceof SpecificRecord) {
      return new SpecificDatumWriter<>(schema, SpecificData.getForSchema(schema));
    }
    return new GenericDatumWriter<>(schema, GenericData.get());
  }

  private void warnIfLatestIgnored() {
    if (config.autoRegisterSchemas() && config.useLatestVersion()) {
      log.warn("{}=true is ignored while {}=true (as in Confluent's serializer); set the latter "
          + "to false to write with the latest version", AvroSerdeConfig.USE_LATEST_VERSION,
          AvroSerdeConfig.AUTO_REGISTER_SCHEMAS);
    }
  }

  /**
   * What one (topic, schema) needs on the hot path. With {@code use.latest.version} and a record
   * schema that differs from the latest, records are converted: encoded with their own schema,
   * resolved into the latest, and written with it.
   */
  private static final class WritePlan {
    final int id;
    final DatumWriter<Object> writer;
    final DatumWriter<Object> ownWriter;
    final GenericDatumReader<Object> converter;
    final long expiresAtNanos;

    WritePlan(int id, DatumWriter<Object> writer, DatumWriter<Object> ownWriter,
        GenericDatumReader<Object> converter, long expiresAtNanos) {
      this.id = id;
      this.writer = writer;
      this.ownWriter = ownWriter;
      this.converter = converter;
      this.expiresAtNanos = expiresAtNanos;
    }

    boolean expired() {
      return expiresAtNanos != Long.MAX_VALUE && System.nanoTime() - expiresAtNanos > 0;
    }

    Object convert(Object record, Buffers buffers) throws IOException {
      WireBuffer scratch = buffers.scratch;
      scratch.reset();
      BinaryEncoder encoder = buffers.scratchEncoder(scratch);
      ownWriter.write(record, encoder);
      encoder.flush();
      BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(scratch.array(), 0, scratch.size(), null);
      return converter.read(null, decoder);
    }
  }

  /** Per-thread encode buffers, so the hot path allocates only the result array. */
  private static final class Buffers {
    private static final int MAX_RETAINED = 1 << 20;
    private static final ThreadLocal<Buffers> CURRENT = ThreadLocal.withInitial(Buffers::new);

    WireBuffer out = new WireBuffer(512);
    final WireBuffer scratch = new WireBuffer(512);
    private BinaryEncoder encoder;
    private BinaryEncoder scratchEncoder;

    static Buffers get() {
      return CURRENT.get();
    }

    BinaryEncoder encoder(WireBuffer target) {
      encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(target, encoder);
      return encoder;
    }

    BinaryEncoder scratchEncoder(WireBuffer target) {
      scratchEncoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(target, scratchEncoder);
      return scratchEncoder;
    }

    /** Drops a buffer that one huge record grew, so a thread does not keep it forever. */
    void release() {
      if (out.capacity() > MAX_RETAINED) {
        out = new WireBuffer(512);
        encoder = null;
      }
    }
  }
}
