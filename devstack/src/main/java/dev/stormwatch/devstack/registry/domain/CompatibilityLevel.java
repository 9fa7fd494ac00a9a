package dev.stormwatch.devstack.registry.domain;

import java.util.Locale;
import java.util.Optional;

/** Confluent's compatibility levels. */
public enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    /** The level of a registry nobody configured, as in Confluent. */
    public static final CompatibilityLevel DEFAULT = BACKWARD;

    static final String INVALID_MESSAGE = "Invalid compatibility level. Valid values are none, backward, "
            + "forward, full, backward_transitive, forward_transitive, and full_transitive";

    private final boolean backward;
    private final boolean forward;
    private final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /** The new schema must read data written with the old ones. */
    public boolean backward() {
        return backward;
    }

    /** The old schemas must read data written with the new one. */
    public boolean forward() {
        return forward;
    }

    /** Checked against every live version, not only the latest. */
    public boolean transitive() {
        return transitive;
    }

    /** Parses a level case-insensitively, as Confluent does; empty for anything else. */
    public static Optional<CompatibilityLevel> parse(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(name.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    static CompatibilityLevel require(String name) {
        return parse(name).orElseThrow(
                () -> new RegistryException(ErrorCode.INVALID_COMPATIBILITY_LEVEL, INVALID_MESSAGE));
    }
}
