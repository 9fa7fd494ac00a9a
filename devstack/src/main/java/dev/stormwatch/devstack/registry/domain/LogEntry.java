package dev.stormwatch.devstack.registry.domain;

import java.util.Objects;

/** One record of the registry's log: a key and its new value, or {@code null} to delete the key. */
public record LogEntry(RecordKey key, RecordValue value) {
    public LogEntry {
        Objects.requireNonNull(key, "key");
        if (value != null) {
            boolean matches = key instanceof RecordKey.Schema && value instanceof RecordValue.Schema
                    || key instanceof RecordKey.Config && value instanceof RecordValue.Config
                    || key instanceof RecordKey.Mode && value instanceof RecordValue.Mode;
            if (!matches) {
                throw new IllegalArgumentException("value " + value + " does not belong to key " + key);
            }
        }
    }

    public static LogEntry tombstone(RecordKey key) {
        return new LogEntry(key, null);
    }

    public boolean isTombstone() {
        return value == null;
    }
}
