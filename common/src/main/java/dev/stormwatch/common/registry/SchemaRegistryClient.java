package dev.stormwatch.common.registry;

import java.util.List;

/**
 * A client of a Confluent-compatible Schema Registry (Confluent Schema Registry, Karapace,
 * Redpanda, Apicurio's {@code ccompat} API). Schemas are passed as their text (Avro JSON).
 *
 * <p>Implementations are thread-safe. Every method throws {@link SchemaRegistryException} when
 * the registry answers with an error or cannot be reached; see {@link
 * SchemaRegistryException#isRetriable()}.
 */
public interface SchemaRegistryClient extends AutoCloseable {

  /** Registers {@code schema} under {@code subject} (or finds it there) and returns its id. */
  default int register(String subject, String schema) {
    return register(subject, schema, false);
  }

  /**
   * Registers {@code schema} under {@code subject} and returns its id.
   *
   * @param normalize ask the registry to normalize the schema before comparing it
   */
  int register(String subject, String schema, boolean normalize);

  /** The schema text of a registry-wide id. Ids are immutable, so answers are cached. */
  String getSchemaById(int id);

  /**
   * As {@link #getSchemaById(int)}, with the subject as a hint (needed by registries with
   * contexts).
   */
  String getSchemaById(int id, String subject);

  /**
   * The id of {@code schema} if it is registered under {@code subject}; the registry answers 404
   * ({@link SchemaRegistryException#isSubjectNotFound()} or {@code isSchemaNotFound()}) otherwise.
   * Cached.
   */
  default int getId(String subject, String schema) {
    return getId(subject, schema, false);
  }

  int getId(String subject, String schema, boolean normalize);

  /** The latest version of {@code subject}. Not cached: it changes when a schema is registered. */
  RegisteredSchema getLatestVersion(String subject);

  RegisteredSchema getVersion(String subject, int version);

  List<String> listSubjects();

  List<Integer> listVersions(String subject);

  /** Whether {@code schema} is compatible with the latest version of {@code subject}. */
  default CompatibilityResult testCompatibility(String subject, String schema) {
    return testCompatibility(subject, schema, "latest", false);
  }

  /**
   * Whether {@code schema} is compatible with {@code version} ("latest" or a number) of {@code
   * subject}, under the subject's compatibility level.
   *
   * @param verbose ask the registry for the reasons of an incompatibility
   */
  CompatibilityResult testCompatibility(
      String subject, String schema, String version, boolean verbose);

  /** The registry-wide compatibility level. */
  CompatibilityLevel getGlobalCompatibility();

  /** The level that applies to {@code subject}: its own, else the global one. */
  CompatibilityLevel getCompatibility(String subject);

  CompatibilityLevel setGlobalCompatibility(CompatibilityLevel level);

  CompatibilityLevel setCompatibility(String subject, CompatibilityLevel level);

  /**
   * Deletes {@code subject}. A soft delete first; with {@code permanent} a soft-deleted subject
   * is removed for good (the registry requires the soft delete to come first).
   *
   * @return the deleted versions
   */
  List<Integer> deleteSubject(String subject, boolean permanent);

  @Override
  void close();
}
