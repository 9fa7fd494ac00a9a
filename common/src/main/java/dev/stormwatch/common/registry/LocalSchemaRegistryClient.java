package dev.stormwatch.common.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaNormalization;

/**
 * An in-process Schema Registry: the registry of offline tools ({@code stormwatch backtest}) that
 * run the real Avro serdes without a registry server. It implements the whole
 * {@link SchemaRegistryClient} contract in memory, without persistence: its ids and versions live
 * as long as the instance.
 *
 * <ul>
 *   <li>Ids are registry-wide and assigned locally from 1; the same schema gets the same id in
 *       every subject (schemas are compared by their parsed form, so whitespace does not matter;
 *       with {@code normalize}, by Avro's parsing canonical form).</li>
 *   <li>Versions are per subject, from 1; registering a schema a subject already has returns its
 *       id without a new version.</li>
 *   <li>A new version must be compatible under the subject's level (else the global one,
 *       {@link CompatibilityLevel#BACKWARD} unless set), checked with Avro's
 *       {@link SchemaCompatibility}: BACKWARD means the new schema reads data written with the
 *       previous one, FORWARD the reverse, FULL both; the transitive levels check every live
 *       version, the others the latest.</li>
 *   <li>Errors are the registry's: 404 with 40401 / 40402 / 40403, 409 incompatible, 422 with
 *       42201 invalid schema or 42202 invalid version, 40404 / 40405 for deletes. None is
 *       retriable.</li>
 * </ul>
 *
 * <p>Thread-safe (every method synchronizes on the instance).
 */
public final class LocalSchemaRegistryClient implements SchemaRegistryClient {

  private static final String AVRO = "AVRO";

  private final Map<Integer, String> schemasById = new HashMap<>();
  private final Map<String, Integer> idsByForm = new HashMap<>();
  private final Map<String, Subject> subjects = new TreeMap<>();
  private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;
  private int nextId = 1;

  /** An empty registry with the global level {@link CompatibilityLevel#BACKWARD}. */
  public LocalSchemaRegistryClient() {}

  private static final class Subject {
    final Map<Integer, RegisteredSchema> versions = new LinkedHashMap<>();
    CompatibilityLevel level;
    boolean deleted;
    int lastVersion;
  }

  @Override
  public synchronized int register(String subject, String schema, boolean normalize) {
    Objects.requireNonNull(subject, "subject");
    String operation = "register a schema under subject '" + subject + "'";
    Schema parsed = parse(schema, operation);
    String form = form(parsed, normalize);
    Subject s = subjects.get(subject);
    if (s != null && s.deleted) {
      // Confluent: registering under a soft-deleted subject starts it again, numbering on
      s.versions.clear();
      s.deleted = false;
    }
    if (s != null) {
      for (RegisteredSchema v : s.versions.values()) {
        if (form(parse(v.schema(), operation), normalize).equals(form)) {
          return v.id();
        }
      }
      List<String> problems = incompatibilities(s, parsed, levelOf(s), null);
      if (!problems.isEmpty()) {
        throw new SchemaRegistryException(operation, 409, SchemaRegistryException.INCOMPATIBLE_SCHEMA,
            "schema is incompatible with an earlier version: " + String.join("; ", problems), false);
      }
    } else {
      s = new Subject();
      subjects.put(subject, s);
    }
    Integer id = idsByForm.get(form);
    if (id == null) {
      id = nextId++;
      idsByForm.put(form, id);
      schemasById.put(id, normalize ? form : schema);
    }
    int version = ++s.lastVersion;
    s.versions.put(version, new RegisteredSchema(subject, id, version, schemasById.get(id), AVRO));
    return id;
  }

  @Override
  public synchronized String getSchemaById(int id) {
    String schema = schemasById.get(id);
    if (schema == null) {
      throw new SchemaRegistryException("get schema " + id, 404, SchemaRegistryException.SCHEMA_NOT_FOUND,
          "schema " + id + " not found", false);
    }
    return schema;
  }

  @Override
  public String getSchemaById(int id, String subject) {
    return getSchemaById(id);
  }

  @Override
  public synchronized int getId(String subject, String schema, boolean normalize) {
    String operation = "look up a schema under subject '" + subject + "'";
    Subject s = live(subject, operation);
    String form = form(parse(schema, operation), normalize);
    for (RegisteredSchema v : s.versions.values()) {
      if (form(parse(v.schema(), operation), normalize).equals(form)) {
        return v.id();
      }
    }
    throw new SchemaRegistryException(operation, 404, SchemaRegistryException.SCHEMA_NOT_FOUND,
        "schema not found under subject '" + subject + "'", false);
  }

  @Override
  public synchronized RegisteredSchema getLatestVersion(String subject) {
    Subject s = live(subject, "get the latest version of subject '" + subject + "'");
    return s.versions.get(s.lastVersion);
  }

  @Override
  public synchronized RegisteredSchema getVersion(String subject, int version) {
    String operation = "get version " + version + " of subject '" + subject + "'";
    Subject s = live(subject, operation);
    RegisteredSchema v = s.versions.get(version);
    if (v == null) {
      throw new SchemaRegistryException(operation, 404, SchemaRegistryException.VERSION_NOT_FOUND,
          "version " + version + " not found", false);
    }
    return v;
  }

  @Override
  public synchronized List<String> listSubjects() {
    return subjects.entrySet().stream().filter(e -> !e.getValue().deleted).map(Map.Entry::getKey).toList();
  }

  @Override
  public synchronized List<Integer> listVersions(String subject) {
    return List.copyOf(live(subject, "list versions of subject '" + subject + "'").versions.keySet());
  }

  @Override
  public synchronized CompatibilityResult testCompatibility(String subject, String schema, String version,
                                                            boolean verbose) {
    String operation = "test compatibility with subject '" + subject + "'";
    Schema parsed = parse(schema, operation);
    Subject s = subjects.get(subject);
    if (s == null || s.deleted || s.versions.isEmpty()) {
      return new CompatibilityResult(true, List.of());
    }
    Integer against = null;
    if (!"latest".equals(version)) {
      try {
        against = Integer.valueOf(version);
      } catch (NumberFormatException e) {
        throw new SchemaRegistryException(operation, 422, SchemaRegistryException.INVALID_VERSION,
            "version '" + version + "' is not 'latest' or a number", false);
      }
      if (!s.versions.containsKey(against)) {
        throw new SchemaRegistryException(operation, 404, SchemaRegistryException.VERSION_NOT_FOUND,
            "version " + version + " not found", false);
      }
    }
    List<String> problems = incompatibilities(s, parsed, levelOf(s), against);
    return new CompatibilityResult(problems.isEmpty(), verbose ? problems : List.of());
  }

  @Override
  public synchronized CompatibilityLevel getGlobalCompatibility() {
    return globalLevel;
  }

  @Override
  public synchronized CompatibilityLevel getCompatibility(String subject) {
    Subject s = subjects.get(subject);
    return s == null || s.level == null ? globalLevel : s.level;
  }

  @Override
  public synchronized CompatibilityLevel setGlobalCompatibility(CompatibilityLevel level) {
    globalLevel = Objects.requireNonNull(level, "level");
    return level;
  }

  @Override
  public synchronized CompatibilityLevel setCompatibility(String subject, CompatibilityLevel level) {
    Objects.requireNonNull(level, "level");
    subjects.computeIfAbsent(subject, k -> new Subject()).level = level;
    return level;
  }

  @Override
  public synchronized List<Integer> deleteSubject(String subject, boolean permanent) {
    String operation = "delete subject '" + subject + "'";
    Subject s = subjects.get(subject);
    if (s == null || (s.versions.isEmpty() && !s.deleted)) {
      throw new SchemaRegistryException(operation, 404, SchemaRegistryException.SUBJECT_NOT_FOUND,
          "subject '" + subject + "' not found", false);
    }
    List<Integer> versions = List.copyOf(s.versions.keySet());
    if (permanent) {
      if (!s.deleted) {
        throw new SchemaRegistryException(operation, 404, SchemaRegistryException.SUBJECT_NOT_SOFT_DELETED,
            "subject '" + subject + "' must be soft-deleted first", false);
      }
      subjects.remove(subject);
      return versions;
    }
    if (s.deleted) {
      throw new SchemaRegistryException(operation, 404, SchemaRegistryException.SUBJECT_SOFT_DELETED,
          "subject '" + subject + "' was soft-deleted", false);
    }
    s.deleted = true;
    return versions;
  }

  /** Nothing to release. */
  @Override
  public void close() {}

  private Subject live(String subject, String operation) {
    Subject s = subjects.get(subject);
    if (s == null || s.deleted || s.versions.isEmpty()) {
      throw new SchemaRegistryException(operation, 404, SchemaRegistryException.SUBJECT_NOT_FOUND,
          "subject '" + subject + "' not found", false);
    }
    return s;
  }

  private CompatibilityLevel levelOf(Subject s) {
    return s.level == null ? globalLevel : s.level;
  }

  /** Why {@code candidate} may not follow the subject's versions ({@code against}: one version only). */
  private static List<String> incompatibilities(Subject s, Schema candidate, CompatibilityLevel level,
                                                Integer against) {
    if (level == CompatibilityLevel.NONE || s.versions.isEmpty()) {
      return List.of();
    }
    boolean transitive = level == CompatibilityLevel.BACKWARD_TRANSITIVE
        || level == CompatibilityLevel.FORWARD_TRANSITIVE || level == CompatibilityLevel.FULL_TRANSITIVE;
    List<RegisteredSchema> existing = new ArrayList<>();
    if (against != null) {
      existing.add(s.versions.get(against));
    } else if (transitive) {
      existing.addAll(s.versions.values());
    } else {
      existing.add(s.versions.get(s.lastVersion));
    }
    boolean backward = level != CompatibilityLevel.FORWARD && level != CompatibilityLevel.FORWARD_TRANSITIVE;
    boolean forward = level != CompatibilityLevel.BACKWARD && level != CompatibilityLevel.BACKWARD_TRANSITIVE;
    List<String> problems = new ArrayList<>();
    for (RegisteredSchema v : existing) {
      Schema old = new Schema.Parser().parse(v.schema());
      if (backward) {
        describe(SchemaCompatibility.checkReaderWriterCompatibility(candidate, old), "backward", v, problems);
      }
      if (forward) {
        describe(SchemaCompatibility.checkReaderWriterCompatibility(old, candidate), "forward", v, problems);
      }
    }
    return problems;
  }

  private static void describe(SchemaCompatibility.SchemaPairCompatibility pair, String direction,
                               RegisteredSchema version, List<String> out) {
    if (pair.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      return;
    }
    for (SchemaCompatibility.Incompatibility i : pair.getResult().getIncompatibilities()) {
      out.add("not " + direction + " compatible with version " + version.version() + ": " + i.getType()
          + " at " + i.getLocation() + " (" + i.getMessage() + ")");
    }
  }

  private static Schema parse(String schema, String operation) {
    Objects.requireNonNull(schema, "schema");
    try {
      return new Schema.Parser().parse(schema);
    } catch (RuntimeException e) {
      throw new SchemaRegistryException(operation, 422, SchemaRegistryException.INVALID_SCHEMA,
          "invalid Avro schema: " + String.valueOf(e.getMessage()).replace('\n', ' '), false);
    }
  }

  private static String form(Schema schema, boolean normalize) {
    return normalize ? SchemaNormalization.toParsingForm(schema) : schema.toString();
  }
}
