package dev.stormwatch.common.serde;

import dev.stormwatch.common.registry.SchemaRegistryConfig;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Typed, validated configuration of the Avro serdes. Keys are Confluent's, so existing
 * configurations work unchanged; registry connection keys are read by {@link
 * SchemaRegistryConfig}.
 *
 * <table>
 *   <caption>Keys and defaults</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@value #AUTO_REGISTER_SCHEMAS}</td><td>true</td><td>register the record's schema
 *       on first write. Production should set false (schemas are registered by the release
 *       process); the devstack keeps it on.</td></tr>
 *   <tr><td>{@value #USE_LATEST_VERSION}</td><td>false</td><td>with auto-registration off, write
 *       with the subject's latest schema (the record is converted to it) instead of looking up
 *       the record's own schema. Ignored when {@value #AUTO_REGISTER_SCHEMAS} is true, as in
 *       Confluent's serializer.</td></tr>
 *   <tr><td>{@value #LATEST_COMPATIBILITY_STRICT}</td><td>true</td><td>with {@value
 *       #USE_LATEST_VERSION}: refuse to write unless the latest schema can read data written
 *       with the record's schema (checked once per schema)</td></tr>
 *   <tr><td>{@value #LATEST_CACHE_TTL_SEC}</td><td>-1</td><td>with {@value #USE_LATEST_VERSION}:
 *       how long the latest version is cached; -1 = for the serializer's lifetime</td></tr>
 *   <tr><td>{@value #NORMALIZE_SCHEMAS}</td><td>false</td><td>ask the registry to normalize
 *       schemas on register/lookup</td></tr>
 *   <tr><td>{@value #KEY_SUBJECT_NAME_STRATEGY}, {@value #VALUE_SUBJECT_NAME_STRATEGY}</td>
 *       <td>TopicNameStrategy</td><td>see {@link SubjectNameStrategies#of(Object)}</td></tr>
 *   <tr><td>{@value #SPECIFIC_AVRO_READER}</td><td>false</td><td>for the no-arg {@link
 *       AvroDeserializer} only: read into the generated class named by the writer schema</td></tr>
 *   <tr><td>{@value SchemaRegistryConfig#CACHE_CAPACITY}</td><td>1000</td><td>bound of each
 *       serde cache (schema → id per topic, id → decoder)</td></tr>
 * </table>
 */
public final class AvroSerdeConfig {

  public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
  public static final String USE_LATEST_VERSION = "use.latest.version";
  public static final String LATEST_COMPATIBILITY_STRICT = "latest.compatibility.strict";
  public static final String LATEST_CACHE_TTL_SEC = "latest.cache.ttl.sec";
  public static final String NORMALIZE_SCHEMAS = "normalize.schemas";
  public static final String KEY_SUBJECT_NAME_STRATEGY = "key.subject.name.strategy";
  public static final String VALUE_SUBJECT_NAME_STRATEGY = "value.subject.name.strategy";
  public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";

  private final boolean autoRegisterSchemas;
  private final boolean useLatestVersion;
  private final boolean latestCompatibilityStrict;
  private final Optional<Duration> latestCacheTtl;
  private final boolean normalizeSchemas;
  private final SubjectNameStrategy keySubjectNameStrategy;
  private final SubjectNameStrategy valueSubjectNameStrategy;
  private final boolean specificAvroReader;
  private final int cacheCapacity;

  private AvroSerdeConfig(Builder b) {
    this.autoRegisterSchemas = b.autoRegisterSchemas;
    this.useLatestVersion = b.useLatestVersion;
    this.latestCompatibilityStrict = b.latestCompatibilityStrict;
    if (b.latestCacheTtl != null && (b.latestCacheTtl.isNegative() || b.latestCacheTtl.isZero())) {
      throw new IllegalArgumentException(LATEST_CACHE_TTL_SEC + " must be positive or -1");
    }
    this.latestCacheTtl = Optional.ofNullable(b.latestCacheTtl);
    this.normalizeSchemas = b.normalizeSchemas;
    this.keySubjectNameStrategy = b.keySubjectNameStrategy;
    this.valueSubjectNameStrategy = b.valueSubjectNameStrategy;
    this.specificAvroReader = b.specificAvroReader;
    if (b.cacheCapacity < 1) {
      throw new IllegalArgumentException(
          SchemaRegistryConfig.CACHE_CAPACITY + " must be >= 1, got " + b.cacheCapacity);
    }
    this.cacheCapacity = b.cacheCapacity;
  }

  /** All defaults: auto-register, TopicNameStrategy. */
  public static AvroSerdeConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads the keys listed on this class from a Kafka-style config map; unknown keys are ignored.
   *
   * @throws IllegalArgumentException naming the key when a value is invalid
   */
  public static AvroSerdeConfig fromMap(Map<String, ?> configs) {
    Builder b = builder();
    bool(configs, AUTO_REGISTER_SCHEMAS).ifPresent(b::autoRegisterSchemas);
    bool(configs, USE_LATEST_VERSION).ifPresent(b::useLatestVersion);
    bool(configs, LATEST_COMPATIBILITY_STRICT).ifPresent(b::latestCompatibilityStrict);
    Object ttl = configs.get(LATEST_CACHE_TTL_SEC);
    if (ttl != null) {
      long seconds;
      try {
        seconds = ttl instanceof Number n ? n.longValue() : Long.parseLong(String.valueOf(ttl).trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(LATEST_CACHE_TTL_SEC + " must be seconds, got '" + ttl + "'", e);
      }
      b.latestCacheTtl(seconds < 0 ? null : Duration.ofSeconds(seconds));
    }
    bool(configs, NORMALIZE_SCHEMAS).ifPresent(b::normalizeSchemas);
    Object keyStrategy = configs.get(KEY_SUBJECT_NAME_STRATEGY);
    if (keyStrategy != null) {
      b.keySubjectNameStrategy(strategy(KEY_SUBJECT_NAME_STRATEGY, keyStrategy));
    }
    Object valueStrategy = configs.get(VALUE_SUBJECT_NAME_STRATEGY);
    if (valueStrategy != null) {
      b.valueSubjectNameStrategy(strategy(VALUE_SUBJECT_NAME_STRATEGY, valueStrategy));
    }
    bool(configs, SPECIFIC_AVRO_READER).ifPresent(b::specificAvroReader);
    Object capacity = configs.containsKey(SchemaRegistryConfig.CACHE_CAPACITY)
        ? configs.get(SchemaRegistryConfig.CACHE_CAPACITY)
        : configs.get(SchemaRegistryConfig.LEGACY_CACHE_CAPACITY);
    if (capacity != null) {
      try {
        b.cacheCapacity(capacity instanceof Number n ? n.intValue() : Integer.parseInt(String.valueOf(capacity).trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            SchemaRegistryConfig.CACHE_CAPACITY + " must be an integer, got '" + capacity + "'", e);
      }
    }
    return b.build();
  }

  public boolean autoRegisterSchemas() {
    return autoRegisterSchemas;
  }

  public boolean useLatestVersion() {
    return useLatestVersion;
  }

  public boolean latestCompatibilityStrict() {
    return latestCompatibilityStrict;
  }

  /** How long the latest version is cached; empty = for the serializer's lifetime. */
  public Optional<Duration> latestCacheTtl() {
    return latestCacheTtl;
  }

  public boolean normalizeSchemas() {
    return normalizeSchemas;
  }

  public SubjectNameStrategy subjectNameStrategy(boolean isKey) {
    return isKey ? keySubjectNameStrategy : valueSubjectNameStrategy;
  }

  public boolean specificAvroReader() {
    return specificAvroReader;
  }

  public int cacheCapacity() {
    return cacheCapacity;
  }

  @Override
  public String toString() {
    return "AvroSerdeConfig{autoRegisterSchemas=" + autoRegisterSchemas
        + ", useLatestVersion=" + useLatestVersion
        + ", latestCompatibilityStrict=" + latestCompatibilityStrict
        + ", latestCacheTtl=" + latestCacheTtl.map(Duration::toString).orElse("forever")
        + ", normalizeSchemas=" + normalizeSchemas
        + ", keySubjectNameStrategy=" + keySubjectNameStrategy.getClass().getSimpleName()
        + ", valueSubjectNameStrategy=" + valueSubjectNameStrategy.getClass().getSimpleName()
        + ", specificAvroReader=" + specificAvroReader
        + ", cacheCapacity=" + cacheCapacity + '}';
  }

  public static final class Builder {
    private boolean autoRegisterSchemas = true;
    private boolean useLatestVersion;
    private boolean latestCompatibilityStrict = true;
    private Duration latestCacheTtl;
    private boolean normalizeSchemas;
    private SubjectNameStrategy keySubjectNameStrategy = new TopicNameStrategy();
    private SubjectNameStrategy valueSubjectNameStrategy = new TopicNameStrategy();
    private boolean specificAvroReader;
    private int cacheCapacity = SchemaRegistryConfig.DEFAULT_CACHE_CAPACITY;

    private Builder() {}

    public Builder autoRegisterSchemas(boolean v) {
      this.autoRegisterSchemas = v;
      return this;
    }

    public Builder useLatestVersion(boolean v) {
      this.useLatestVersion = v;
      return this;
    }

    public Builder latestCompatibilityStrict(boolean v) {
      this.latestCompatibilityStrict = v;
      return this;
    }

    /** null = cache the latest version for the serializer's lifetime. */
    public Builder latestCacheTtl(Duration ttl) {
      this.latestCacheTtl = ttl;
      return this;
    }

    public Builder normalizeSchemas(boolean v) {
      this.normalizeSchemas = v;
      return this;
    }

    public Builder keySubjectNameStrategy(SubjectNameStrategy s) {
      this.keySubjectNameStrategy = java.util.Objects.requireNonNull(s);
      return this;
    }

    public Builder valueSubjectNameStrategy(SubjectNameStrategy s) {
      this.valueSubjectNameStrategy = java.util.Objects.requireNonNull(s);
      return this;
    }

    public Builder specificAvroReader(boolean v) {
      this.specificAvroReader = v;
      return this;
    }

    public Builder cacheCapacity(int n) {
      this.cacheCapacity = n;
      return this;
    }

    public AvroSerdeConfig build() {
      return new AvroSerdeConfig(this);
    }
  }

  private static SubjectNameStrategy strategy(String key, Object value) {
    try {
      return SubjectNameStrategies.of(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
  }

  private static Optional<Boolean> bool(Map<String, ?> configs, String key) {
    Object v = configs.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (v instanceof Boolean b) {
      return Optional.of(b);
    }
    String s = String.valueOf(v).trim();
    if (s.equalsIgnoreCase("true")) {
      return Optional.of(true);
    }
    if (s.equalsIgnoreCase("false")) {
      return Optional.of(false);
    }
    throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
  }
}
