package dev.stormwatch.devstack.registry.domain;

import java.util.List;

/**
 * The durable, ordered log the registry's state is the fold of. The Kafka implementation writes to
 * a compacted topic; tests use an in-memory one.
 */
public interface RegistryLog {

    /**
     * Appends the entries in order and returns only once they are durable and the local
     * {@link RegistryState} has applied them (read-your-writes).
     *
     * @throws RegistryException with {@link ErrorCode#STORE_ERROR} or
     *     {@link ErrorCode#OPERATION_TIMEOUT} (both retryable) when the log cannot be written or the
     *     local view does not catch up in time
     */
    void append(List<LogEntry> entries);
}
