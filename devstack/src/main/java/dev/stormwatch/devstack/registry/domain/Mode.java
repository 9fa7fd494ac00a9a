package dev.stormwatch.devstack.registry.domain;

import java.util.Locale;

/**
 * Confluent's registry modes. {@code IMPORT} (registering schemas with given ids) is not supported
 * by the embedded registry and is refused as an invalid mode.
 */
public enum Mode {
    READWRITE,
    READONLY,
    /** A global read-only that also overrides every subject-level mode. */
    READONLY_OVERRIDE;

    public static final Mode DEFAULT = READWRITE;

    public boolean readOnly() {
        return this != READWRITE;
    }

    static Mode require(String name) {
        if (name != null) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                // fall through to the error below
            }
        }
        throw new RegistryException(ErrorCode.INVALID_MODE,
                "Invalid mode. Valid values are READWRITE, READONLY and READONLY_OVERRIDE"
                        + " (IMPORT is not supported by the embedded registry)");
    }
}
