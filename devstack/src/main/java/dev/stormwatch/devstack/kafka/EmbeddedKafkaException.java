package dev.stormwatch.devstack.kafka;

/**
 * The embedded broker could not be prepared, started or reached in time.
 *
 * <p>Not retryable as such: the message says what failed (formatting the log directory, binding a
 * port, the broker not answering before the deadline); fix the cause, or for a port clash with
 * fixed ports choose other ports.
 */
public final class EmbeddedKafkaException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, with the relevant directory, address or deadline
     * @param cause   the underlying failure, may be {@code null}
     */
    public EmbeddedKafkaException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Creates the exception without an underlying cause.
     *
     * @param message what failed
     */
    public EmbeddedKafkaException(String message) {
        super(message);
    }
}
