package dev.stormwatch.devstack.registry.domain;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The materialized view of the registry's log: subjects, versions, ids, compatibility levels and
 * modes. It is a pure fold of {@link LogEntry}s: replaying the same log always gives the same state,
 * on every instance, which is what makes the log the single point of serialization.
 *
 * <p>Conflict rules (first write in log order wins, later conflicting writes are ignored):
 * <ul>
 *   <li>a subject version is taken by the first registration (claim) written for it;</li>
 *   <li>an id is bound to one schema: a registration giving a bound id to another schema is ignored;</li>
 *   <li>a schema has one id: a registration giving a known schema another id is ignored;</li>
 *   <li>a subject holds a schema in at most one live version: registering it again is ignored.</li>
 * </ul>
 * A writer sees whether its write won by reading its claim back after the append.
 *
 * <p>Thread-safe: one thread applies while request threads read.
 */
public final class RegistryState {

    private static final Logger log = LoggerFactory.getLogger(RegistryState.class);

    /** What {@link #apply} did with an entry. */
    public enum Outcome { APPLIED, IGNORED }

    private final Map<String, TreeMap<Integer, StoredVersion>> subjects = new HashMap<>();
    private final Map<Integer, SchemaIdentity> schemaById = new HashMap<>();
    private final Map<SchemaIdentity, Integer> idBySchema = new HashMap<>();
    /** How many versions (live or soft-deleted) use each id; an id is unbound when this reaches 0. */
    private final Map<Integer, Integer> usesOfId = new HashMap<>();
    private int maxId;
    private CompatibilityLevel globalCompatibility;
    private final Map<String, CompatibilityLevel> subjectCompatibility = new HashMap<>();
    private Mode globalMode;
    private final Map<String, Mode> subjectModes = new HashMap<>();

    /** Applies one entry of the log. Never throws for bad input: a malformed entry is ignored. */
    public synchronized Outcome apply(LogEntry entry) {
        RecordKey key = entry.key();
        if (key instanceof RecordKey.Schema schemaKey) {
            return applySchema(schemaKey, (RecordValue.Schema) entry.value());
        }
        if (key instanceof RecordKey.Config configKey) {
            RecordValue.Config value = (RecordValue.Config) entry.value();
            CompatibilityLevel level = value == null ? null : value.compatibilityLevel();
            if (configKey.subject() == null) {
                globalCompatibility = level;
            } else if (level == null) {
                subjectCompatibility.remove(configKey.subject());
            } else {
                subjectCompatibility.put(configKey.subject(), level);
            }
            return Outcome.APPLIED;
        }
        RecordKey.Mode modeKey = (RecordKey.Mode) key;
        RecordValue.Mode value = (RecordValue.Mode) entry.value();
        Mode mode = value == null ? null : value.mode();
        if (modeKey.subject() == null) {
            globalMode = mode;
        } else if (mode == null) {
            subjectModes.remove(modeKey.subject());
        } else {
            subjectModes.put(modeKey.subject(), mode);
        }
        return Outcome.APPLIED;
    }

    private Outcome applySchema(RecordKey.Schema key, RecordValue.Schema value) {
        TreeMap<Integer, StoredVersion> versions = subjects.get(key.subject());
        StoredVersion existing = versions == null ? null : versions.get(key.version());
        if (value == null) {
            if (existing == null || !existing.claim().equals(key.claim())) {
                return Outcome.IGNORED; // tombstone of a losing write, or already gone
            }
            removeVersion(existing);
            return Outcome.APPLIED;
        }
        if (!value.subject().equals(key.subject()) || value.version() != key.version()
                || value.version() < 1 || value.id() < 1) {
            log.warn("Ignoring malformed schema record {} -> {}", key, value);
            return Outcome.IGNORED;
        }
        StoredVersion incoming = new StoredVersion(value.subject(), value.version(), value.id(), key.claim(),
                value.schemaType(), value.schema(), value.references(), value.deleted());
        if (existing != null) {
            if (!existing.claim().equals(key.claim()) || existing.id() != incoming.id()
                    || !existing.identity().equals(incoming.identity())) {
                return Outcome.IGNORED; // another registration already took this version
            }
            versions.put(key.version(), incoming); // only the deleted flag can differ
            return Outcome.APPLIED;
        }
        SchemaIdentity identity = incoming.identity();
        if (!incoming.deleted() && versions != null && versions.values().stream()
                .anyMatch(v -> !v.deleted() && v.identity().equals(identity))) {
            return Outcome.IGNORED; // the subject already holds this schema in a live version
        }
        SchemaIdentity boundToId = schemaById.get(incoming.id());
        if (boundToId != null && !boundToId.equals(identity)) {
            return Outcome.IGNORED; // the id already names another schema
        }
        Integer idOfSchema = idBySchema.get(identity);
        if (idOfSchema != null && idOfSchema != incoming.id()) {
            return Outcome.IGNORED; // the schema already has another id
        }
        subjects.computeIfAbsent(key.subject(), s -> new TreeMap<>()).put(key.version(), incoming);
        schemaById.put(incoming.id(), identity);
        idBySchema.put(identity, incoming.id());
        usesOfId.merge(incoming.id(), 1, Integer::sum);
        maxId = Math.max(maxId, incoming.id());
        return Outcome.APPLIED;
    }

    private void removeVersion(StoredVersion version) {
        TreeMap<Integer, StoredVersion> versions = subjects.get(version.subject());
        versions.remove(version.version());
        if (versions.isEmpty()) {
            subjects.remove(version.subject());
        }
        int remaining = usesOfId.merge(version.id(), -1, Integer::sum);
        if (remaining <= 0) {
            usesOfId.remove(version.id());
            SchemaIdentity identity = schemaById.remove(version.id());
            idBySchema.remove(identity);
        }
    }

    // ---- queries; every result is an immutable copy ----

    /** The versions of a subject, oldest first; soft-deleted ones only when asked. */
    public synchronized List<StoredVersion> versions(String subject, boolean includeDeleted) {
        TreeMap<Integer, StoredVersion> versions = subjects.get(subject);
        if (versions == null) {
            return List.of();
        }
        List<StoredVersion> result = new ArrayList<>();
        for (StoredVersion v : versions.values()) {
            if (includeDeleted || !v.deleted()) {
                result.add(v);
            }
        }
        return Collections.unmodifiableList(result);
    }

    public synchronized Optional<StoredVersion> version(String subject, int version) {
        NavigableMap<Integer, StoredVersion> versions = subjects.get(subject);
        return Optional.ofNullable(versions == null ? null : versions.get(version));
    }

    /** The highest version number the subject holds, live or soft-deleted; 0 when none. */
    public synchronized int highestVersion(String subject) {
        TreeMap<Integer, StoredVersion> versions = subjects.get(subject);
        return versions == null ? 0 : versions.lastKey();
    }

    /** Subject names, sorted; a subject whose versions are all soft-deleted only when asked. */
    public synchronized List<String> subjects(boolean includeDeleted, boolean deletedOnly) {
        Set<String> result = new TreeSet<>();
        subjects.forEach((name, versions) -> {
            boolean live = versions.values().stream().anyMatch(v -> !v.deleted());
            if (deletedOnly ? !live : live || includeDeleted) {
                result.add(name);
            }
        });
        return List.copyOf(result);
    }

    public synchronized Optional<SchemaIdentity> schemaById(int id) {
        return Optional.ofNullable(schemaById.get(id));
    }

    synchronized Optional<Integer> idOf(SchemaIdentity identity) {
        return Optional.ofNullable(idBySchema.get(identity));
    }

    /** The highest id ever applied by this view. */
    public synchronized int maxId() {
        return maxId;
    }

    /** Every version using the id, ordered by subject then version. */
    public synchronized List<StoredVersion> versionsWithId(int id, boolean includeDeleted) {
        List<StoredVersion> result = new ArrayList<>();
        new TreeMap<>(subjects).forEach((name, versions) -> versions.values().forEach(v -> {
            if (v.id() == id && (includeDeleted || !v.deleted())) {
                result.add(v);
            }
        }));
        return Collections.unmodifiableList(result);
    }

    /** Versions (live or soft-deleted) whose references point at the given subject version. */
    public synchronized List<StoredVersion> referencesTo(String subject, int version) {
        List<StoredVersion> result = new ArrayList<>();
        for (TreeMap<Integer, StoredVersion> versions : subjects.values()) {
            for (StoredVersion v : versions.values()) {
                for (SchemaReference ref : v.references()) {
                    if (ref.subject().equals(subject) && ref.version() == version) {
                        result.add(v);
                    }
                }
            }
        }
        return Collections.unmodifiableList(result);
    }

    public synchronized Optional<CompatibilityLevel> globalCompatibility() {
        return Optional.ofNullable(globalCompatibility);
    }

    public synchronized Optional<CompatibilityLevel> subjectCompatibility(String subject) {
        return Optional.ofNullable(subjectCompatibility.get(subject));
    }

    public synchronized Optional<Mode> globalMode() {
        return Optional.ofNullable(globalMode);
    }

    public synchronized Optional<Mode> subjectMode(String subject) {
        return Optional.ofNullable(subjectModes.get(subject));
    }

    /** A stable, comparable summary of the whole state, for tests that compare two replicas. */
    public synchronized String describe() {
        StringBuilder out = new StringBuilder();
        new TreeMap<>(subjects).forEach((name, versions) -> versions.values().forEach(v -> out
                .append(name).append('/').append(v.version()).append(" id=").append(v.id())
                .append(v.deleted() ? " deleted" : "").append(' ').append(v.schema()).append('\n')));
        out.append("config=").append(globalCompatibility).append(' ').append(new TreeMap<>(subjectCompatibility))
                .append('\n').append("mode=").append(globalMode).append(' ').append(new TreeMap<>(subjectModes));
        return out.toString();
    }

}
