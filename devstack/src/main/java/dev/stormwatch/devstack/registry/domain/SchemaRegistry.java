package dev.stormwatch.devstack.registry.domain;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's rules, as in Confluent's Schema Registry: registration with compatibility checks,
 * global ids, soft and hard deletes, compatibility levels and modes.
 *
 * <p>Reads come from the {@link RegistryState}; every change is a {@link LogEntry} appended to the
 * {@link RegistryLog} and only visible once the state has applied it. Writes of one instance are
 * serialized; writes of several instances on one log are ordered by the log, and a registration
 * that lost a race (see {@link RegistryState}) is retried on the new state.
 */
public final class SchemaRegistry {

    private static final Logger logger = LoggerFactory.getLogger(SchemaRegistry.class);

    /** Registration attempts before giving up when other instances keep winning the races. */
    static final int MAX_REGISTER_ATTEMPTS = 20;

    private final RegistryState state;
    private final RegistryLog log;
    private final Supplier<String> claims;
    private final Object writeLock = new Object();

    public SchemaRegistry(RegistryState state, RegistryLog log) {
        this(state, log, () -> UUID.randomUUID().toString());
    }

    SchemaRegistry(RegistryState state, RegistryLog log, Supplier<String> claims) {
        this.state = Objects.requireNonNull(state, "state");
        this.log = Objects.requireNonNull(log, "log");
        this.claims = Objects.requireNonNull(claims, "claims");
    }

    public RegistryState state() {
        return state;
    }

    // ---------------------------------------------------------------- schemas

    /** Registers the schema under the subject and returns its global id (the existing one if known). */
    public int register(String subject, RegisterRequest request) {
        requireSubject(subject);
        synchronized (writeLock) {
            for (int attempt = 0; attempt < MAX_REGISTER_ATTEMPTS; attempt++) {
                requireWritable(subject);
                // Read the version first: the reader thread applies records concurrently, and anything
                // it applies after this point takes this version or a later one, so our write then
                // conflicts and is retried instead of duplicating a schema it did not see yet.
                int version = state.highestVersion(subject) + 1;
                Candidate candidate = candidate(request);
                for (StoredVersion live : state.versions(subject, false)) {
                    if (live.identity().equals(candidate.identity())) {
                        requireMatchingId(request, live.id());
                        return live.id();
                    }
                }
                CompatibilityLevel level = effectiveCompatibility(subject);
                List<String> problems = AvroSchemas.incompatibilities(
                        candidate.parsed().schema(), previous(subject), level);
                if (!problems.isEmpty()) {
                    throw new RegistryException(ErrorCode.INCOMPATIBLE_SCHEMA,
                            "Schema being registered is incompatible with an earlier schema for subject \""
                                    + subject + "\", details: " + problems);
                }
                int id = state.idOf(candidate.identity()).orElse(state.maxId() + 1);
                requireMatchingId(request, id);
                if (request.version() != null && request.version() > 0 && request.version() != version) {
                    throw new RegistryException(ErrorCode.OPERATION_NOT_PERMITTED,
                            "Overwrite new schema version " + request.version() + " is not permitted.");
                }
                RecordKey.Schema key = new RecordKey.Schema(subject, version, claims.get());
                log.append(List.of(new LogEntry(key, new RecordValue.Schema(subject, version, id,
                        AvroSchemas.TYPE, candidate.parsed().canonical(), request.references(), false))));
                Optional<StoredVersion> written = state.version(subject, version);
                if (written.isPresent() && written.get().claim().equals(key.claim())) {
                    return id;
                }
                // another instance took this version or id first: drop our write, retry on the new state
                logger.debug("Registration of subject {} version {} id {} lost to a concurrent writer; retrying",
                        subject, version, id);
                log.append(List.of(LogEntry.tombstone(key)));
            }
        }
        throw new RegistryException(ErrorCode.STORE_ERROR, "Could not register a schema under subject "
                + subject + ": other registry instances kept writing concurrently; retry");
    }

    /** The version of the subject holding this schema (Confluent's POST /subjects/{subject}). */
    public StoredVersion lookup(String subject, RegisterRequest request, boolean includeDeleted) {
        requireSubject(subject);
        Candidate candidate = candidate(request);
        List<StoredVersion> versions = state.versions(subject, includeDeleted);
        for (int i = versions.size() - 1; i >= 0; i--) {
            if (versions.get(i).identity().equals(candidate.identity())) {
                return versions.get(i);
            }
        }
        if (versions.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        throw RegistryException.schemaNotFound();
    }

    public List<String> subjects(String prefix, boolean includeDeleted, boolean deletedOnly) {
        List<String> all = state.subjects(includeDeleted, deletedOnly);
        if (prefix == null || prefix.isEmpty() || prefix.equals(":*:")) {
            return all;
        }
        return all.stream().filter(s -> s.startsWith(prefix)).collect(Collectors.toUnmodifiableList());
    }

    public List<Integer> versions(String subject, boolean includeDeleted, boolean deletedOnly) {
        List<StoredVersion> all = state.versions(subject, true);
        boolean anyVisible = all.stream().anyMatch(v -> includeDeleted || deletedOnly || !v.deleted());
        if (!anyVisible) {
            throw RegistryException.subjectNotFound(subject);
        }
        return all.stream()
                .filter(v -> deletedOnly ? v.deleted() : includeDeleted || !v.deleted())
                .map(StoredVersion::version)
                .collect(Collectors.toUnmodifiableList());
    }

    /** A version of a subject; {@code versionId} is a number or "latest" (or -1). */
    public StoredVersion version(String subject, String versionId, boolean includeDeleted) {
        int version = parseVersion(versionId);
        List<StoredVersion> versions = state.versions(subject, includeDeleted);
        if (versions.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        if (version == LATEST) {
            return versions.get(versions.size() - 1);
        }
        return versions.stream().filter(v -> v.version() == version).findFirst()
                .orElseThrow(() -> RegistryException.versionNotFound(version));
    }

    /** The schema with this id: any version using it, as all hold the same schema. */
    public StoredVersion schemaById(int id) {
        List<StoredVersion> users = state.versionsWithId(id, true);
        if (users.isEmpty()) {
            throw RegistryException.schemaNotFound(id);
        }
        return users.get(0);
    }

    public List<StoredVersion> versionsWithId(int id, boolean includeDeleted) {
        schemaById(id);
        return state.versionsWithId(id, includeDeleted);
    }

    public List<String> subjectsWithId(int id, boolean includeDeleted) {
        return versionsWithId(id, includeDeleted).stream().map(StoredVersion::subject).distinct()
                .collect(Collectors.toUnmodifiableList());
    }

    public int maxId() {
        return state.maxId();
    }

    // ---------------------------------------------------------------- deletes

    /** Deletes a subject: soft first, then permanently. Returns the versions deleted. */
    public List<Integer> deleteSubject(String subject, boolean permanent) {
        synchronized (writeLock) {
            List<StoredVersion> all = state.versions(subject, true);
            if (all.isEmpty()) {
                throw RegistryException.subjectNotFound(subject);
            }
            List<StoredVersion> live = all.stream().filter(v -> !v.deleted()).collect(Collectors.toList());
            if (!permanent && live.isEmpty()) {
                throw RegistryException.subjectSoftDeleted(subject);
            }
            if (permanent && !live.isEmpty()) {
                throw RegistryException.subjectNotSoftDeleted(subject);
            }
            requireWritable(subject);
            List<LogEntry> entries = new ArrayList<>();
            for (StoredVersion v : permanent ? all : live) {
                requireNotReferenced(v, permanent);
                entries.add(permanent ? LogEntry.tombstone(v.key()) : new LogEntry(v.key(), v.value().withDeleted(true)));
            }
            if (!permanent) {
                // as Confluent: deleting a subject also drops its compatibility level and mode
                if (state.subjectCompatibility(subject).isPresent()) {
                    entries.add(LogEntry.tombstone(new RecordKey.Config(subject)));
                }
                if (state.subjectMode(subject).isPresent()) {
                    entries.add(LogEntry.tombstone(new RecordKey.Mode(subject)));
                }
            }
            log.append(entries);
            return (permanent ? all : live).stream().map(StoredVersion::version)
                    .collect(Collectors.toUnmodifiableList());
        }
    }

    /** Deletes one version: soft first, then permanently. Returns the version deleted. */
    public int deleteVersion(String subject, String versionId, boolean permanent) {
        int requested = parseVersion(versionId);
        synchronized (writeLock) {
            List<StoredVersion> all = state.versions(subject, true);
            if (all.isEmpty()) {
                throw RegistryException.subjectNotFound(subject);
            }
            StoredVersion target;
            if (requested == LATEST) {
                List<StoredVersion> candidates = permanent ? all : state.versions(subject, false);
                if (candidates.isEmpty()) {
                    throw RegistryException.versionNotFound("latest");
                }
                target = candidates.get(candidates.size() - 1);
            } else {
                target = all.stream().filter(v -> v.version() == requested).findFirst()
                        .orElseThrow(() -> RegistryException.versionNotFound(requested));
            }
            if (!permanent && target.deleted()) {
                throw RegistryException.versionSoftDeleted(subject, target.version());
            }
            if (permanent && !target.deleted()) {
                throw RegistryException.versionNotSoftDeleted(subject, target.version());
            }
            requireWritable(subject);
            requireNotReferenced(target, permanent);
            log.append(List.of(permanent ? LogEntry.tombstone(target.key())
                    : new LogEntry(target.key(), target.value().withDeleted(true))));
            return target.version();
        }
    }

    // ---------------------------------------------------------------- compatibility

    /**
     * Checks the schema against one version ("latest" or a number) or, with {@code versionId} null,
     * against the subject as a registration would. Returns the problems; empty means compatible.
     * With {@code verbose}, an invalid schema is reported as a problem instead of an error.
     */
    public List<String> checkCompatibility(String subject, String versionId, RegisterRequest request, boolean verbose) {
        List<AvroSchemas.Previous> previous;
        if (versionId == null) {
            previous = previous(subject);
        } else {
            int version = parseVersion(versionId);
            List<AvroSchemas.Previous> live = previous(subject);
            if (version == LATEST) {
                previous = live.isEmpty() ? List.of() : List.of(live.get(live.size() - 1));
            } else {
                previous = live.stream().filter(p -> p.version() == version).collect(Collectors.toList());
                if (previous.isEmpty()) {
                    throw RegistryException.versionNotFound(version);
                }
            }
        }
        Candidate candidate;
        try {
            candidate = candidate(request);
        } catch (RegistryException e) {
            if (verbose && e.errorCode() == ErrorCode.INVALID_SCHEMA) {
                return List.of(e.getMessage());
            }
            throw e;
        }
        return AvroSchemas.incompatibilities(candidate.parsed().schema(), previous, effectiveCompatibility(subject));
    }

    // ---------------------------------------------------------------- config and mode

    public CompatibilityLevel globalCompatibility() {
        return state.globalCompatibility().orElse(CompatibilityLevel.DEFAULT);
    }

    public CompatibilityLevel setGlobalCompatibility(String level) {
        CompatibilityLevel parsed = CompatibilityLevel.require(level);
        synchronized (writeLock) {
            log.append(List.of(new LogEntry(new RecordKey.Config(null), new RecordValue.Config(parsed))));
        }
        return parsed;
    }

    /** Resets the global level to the default and returns the level it had. */
    public CompatibilityLevel deleteGlobalCompatibility() {
        synchronized (writeLock) {
            CompatibilityLevel previous = globalCompatibility();
            log.append(List.of(LogEntry.tombstone(new RecordKey.Config(null))));
            return previous;
        }
    }

    /** The subject's own level; with {@code defaultToGlobal}, the level that applies to it. */
    public CompatibilityLevel subjectCompatibility(String subject, boolean defaultToGlobal) {
        Optional<CompatibilityLevel> own = state.subjectCompatibility(subject);
        if (own.isPresent()) {
            return own.get();
        }
        if (defaultToGlobal) {
            return globalCompatibility();
        }
        throw new RegistryException(ErrorCode.SUBJECT_COMPATIBILITY_NOT_CONFIGURED,
                "Subject '" + subject + "' does not have subject-level compatibility configured");
    }

    public CompatibilityLevel setSubjectCompatibility(String subject, String level) {
        requireSubject(subject);
        CompatibilityLevel parsed = CompatibilityLevel.require(level);
        synchronized (writeLock) {
            log.append(List.of(new LogEntry(new RecordKey.Config(subject), new RecordValue.Config(parsed))));
        }
        return parsed;
    }

    /** Removes the subject's own level and returns it. */
    public CompatibilityLevel deleteSubjectCompatibility(String subject) {
        synchronized (writeLock) {
            Optional<CompatibilityLevel> own = state.subjectCompatibility(subject);
            if (own.isEmpty()) {
                throw RegistryException.subjectNotFound(subject);
            }
            log.append(List.of(LogEntry.tombstone(new RecordKey.Config(subject))));
            return own.get();
        }
    }

    public Mode globalMode() {
        return state.globalMode().orElse(Mode.DEFAULT);
    }

    public Mode setGlobalMode(String mode) {
        Mode parsed = Mode.require(mode);
        synchronized (writeLock) {
            log.append(List.of(new LogEntry(new RecordKey.Mode(null), new RecordValue.Mode(parsed))));
        }
        return parsed;
    }

    public Mode deleteGlobalMode() {
        synchronized (writeLock) {
            Mode previous = globalMode();
            log.append(List.of(LogEntry.tombstone(new RecordKey.Mode(null))));
            return previous;
        }
    }

    public Mode subjectMode(String subject, boolean defaultToGlobal) {
        Optional<Mode> own = state.subjectMode(subject);
        if (own.isPresent()) {
            return own.get();
        }
        if (defaultToGlobal) {
            return globalMode();
        }
        throw new RegistryException(ErrorCode.SUBJECT_MODE_NOT_CONFIGURED,
                "Subject '" + subject + "' does not have subject-level mode configured");
    }

    public Mode setSubjectMode(String subject, String mode) {
        requireSubject(subject);
        Mode parsed = Mode.require(mode);
        if (parsed == Mode.READONLY_OVERRIDE) {
            throw new RegistryException(ErrorCode.INVALID_MODE, "READONLY_OVERRIDE is a global mode only");
        }
        synchronized (writeLock) {
            log.append(List.of(new LogEntry(new RecordKey.Mode(subject), new RecordValue.Mode(parsed))));
        }
        return parsed;
    }

    public Mode deleteSubjectMode(String subject) {
        synchronized (writeLock) {
            Optional<Mode> own = state.subjectMode(subject);
            if (own.isEmpty()) {
                throw RegistryException.subjectNotFound(subject);
            }
            log.append(List.of(LogEntry.tombstone(new RecordKey.Mode(subject))));
            return own.get();
        }
    }

    /** The mode that governs writes to the subject. */
    public Mode effectiveMode(String subject) {
        Mode global = globalMode();
        if (global == Mode.READONLY_OVERRIDE) {
            return global;
        }
        return state.subjectMode(subject).orElse(global);
    }

    public CompatibilityLevel effectiveCompatibility(String subject) {
        return state.subjectCompatibility(subject).orElse(globalCompatibility());
    }

    // ---------------------------------------------------------------- helpers

    static final int LATEST = -1;

    /** Confluent's VersionId: 1..2^31-1, or "latest" / -1. */
    static int parseVersion(String versionId) {
        if (versionId != null) {
            String trimmed = versionId.trim();
            if (trimmed.toLowerCase(Locale.ROOT).equals("latest")) {
                return LATEST;
            }
            try {
                int version = Integer.parseInt(trimmed);
                if (version == LATEST || version >= 1) {
                    return version;
                }
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new RegistryException(ErrorCode.INVALID_VERSION, "The specified version '" + versionId
                + "' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\"");
    }

    private record Candidate(AvroSchemas.Parsed parsed, SchemaIdentity identity) {
    }

    private Candidate candidate(RegisterRequest request) {
        String type = request.schemaType() == null || request.schemaType().isBlank()
                ? AvroSchemas.TYPE : request.schemaType().trim().toUpperCase(Locale.ROOT);
        if (!type.equals(AvroSchemas.TYPE)) {
            throw new RegistryException(ErrorCode.INVALID_SCHEMA,
                    "Invalid schema type " + request.schemaType() + ": the embedded registry supports AVRO only");
        }
        AvroSchemas.Parsed parsed = AvroSchemas.parse(request.schema(), resolve(request.references()));
        return new Candidate(parsed, new SchemaIdentity(AvroSchemas.TYPE, parsed.canonical(), request.references()));
    }

    /** The schema texts the references point at, transitively, each before the schemas using it. */
    private List<String> resolve(List<SchemaReference> references) {
        List<String> ordered = new ArrayList<>();
        resolveInto(references, ordered, new HashSet<>(), 0);
        return ordered;
    }

    private void resolveInto(List<SchemaReference> references, List<String> ordered, Set<String> seen, int depth) {
        if (depth > 32) {
            throw RegistryException.invalidSchema("schema references nest deeper than 32 levels");
        }
        for (SchemaReference ref : references) {
            StoredVersion target = referenced(ref);
            if (seen.add(target.subject() + "\u0000" + target.version())) {
                resolveInto(target.references(), ordered, seen, depth + 1);
                ordered.add(target.schema());
            }
        }
    }

    private StoredVersion referenced(SchemaReference ref) {
        Optional<StoredVersion> found;
        if (ref.version() == LATEST || ref.version() == 0) {
            List<StoredVersion> live = state.versions(ref.subject(), false);
            found = live.isEmpty() ? Optional.empty() : Optional.of(live.get(live.size() - 1));
        } else {
            found = state.version(ref.subject(), ref.version());
        }
        return found.orElseThrow(() -> RegistryException.invalidSchema("reference " + ref.name()
                + " points at subject '" + ref.subject() + "' version " + ref.version() + ", which does not exist"));
    }

    private List<AvroSchemas.Previous> previous(String subject) {
        List<AvroSchemas.Previous> previous = new ArrayList<>();
        for (StoredVersion v : state.versions(subject, false)) {
            AvroSchemas.Parsed parsed = AvroSchemas.parse(v.schema(), resolve(v.references()));
            previous.add(new AvroSchemas.Previous(v.version(), v.schema(), parsed.schema()));
        }
        return previous;
    }

    private void requireWritable(String subject) {
        if (effectiveMode(subject).readOnly()) {
            throw RegistryException.readOnly(subject);
        }
    }

    private void requireNotReferenced(StoredVersion version, boolean permanent) {
        for (StoredVersion referrer : state.referencesTo(version.subject(), version.version())) {
            if (permanent || !referrer.deleted()) {
                throw new RegistryException(ErrorCode.REFERENCE_EXISTS, "One or more references exist to the schema {"
                        + "subject=" + version.subject() + ",version=" + version.version() + "}.");
            }
        }
    }

    private static void requireMatchingId(RegisterRequest request, int id) {
        if (request.id() != null && request.id() > 0 && request.id() != id) {
            throw new RegistryException(ErrorCode.ID_DOES_NOT_MATCH, "Schema already registered with id "
                    + id + " instead of input id " + request.id());
        }
    }

    private static void requireSubject(String subject) {
        if (subject == null || subject.isBlank() || subject.chars().anyMatch(Character::isISOControl)) {
            throw new RegistryException(ErrorCode.INVALID_SUBJECT, "The specified subject is not a valid subject name");
        }
    }
}
