package dev.stormwatch.devstack.registry.domain;

import java.util.Objects;

/**
 * The key of one record of the registry's log. Records with equal keys replace each other under
 * compaction, so every key names exactly one piece of state.
 */
public sealed interface RecordKey {

    /**
     * One version of a subject, as written by one registration. {@code claim} is unique per
     * registration attempt: two instances racing for the same subject and version write different
     * keys, so compaction can never let the losing write replace the winning one.
     */
    record Schema(String subject, int version, String claim) implements RecordKey {
        public Schema {
            Objects.requireNonNull(subject, "subject");
            Objects.requireNonNull(claim, "claim");
        }
    }

    /** The compatibility level of a subject, or the global one when {@code subject} is null. */
    record Config(String subject) implements RecordKey {
    }

    /** The mode of a subject, or the global one when {@code subject} is null. */
    record Mode(String subject) implements RecordKey {
    }
}
