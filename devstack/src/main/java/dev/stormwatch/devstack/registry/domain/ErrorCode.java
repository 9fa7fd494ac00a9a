package dev.stormwatch.devstack.registry.domain;

/**
 * Confluent Schema Registry error codes, each with the HTTP status it is answered with.
 *
 * <p>The numbers are Confluent's ({@code io.confluent.kafka.schemaregistry.rest.exceptions.Errors}),
 * so that clients written against Confluent's registry classify our errors the same way. The last
 * group are plain HTTP errors, which Confluent's REST layer answers with {@code error_code} equal
 * to the status.
 */
public enum ErrorCode {
    SUBJECT_NOT_FOUND(40401, 404),
    VERSION_NOT_FOUND(40402, 404),
    SCHEMA_NOT_FOUND(40403, 404),
    SUBJECT_SOFT_DELETED(40404, 404),
    SUBJECT_NOT_SOFT_DELETED(40405, 404),
    SCHEMA_VERSION_SOFT_DELETED(40406, 404),
    SCHEMA_VERSION_NOT_SOFT_DELETED(40407, 404),
    SUBJECT_COMPATIBILITY_NOT_CONFIGURED(40408, 404),
    SUBJECT_MODE_NOT_CONFIGURED(40409, 404),
    /** Confluent answers an incompatible registration with HTTP 409 and error_code 409. */
    INCOMPATIBLE_SCHEMA(409, 409),
    INVALID_SCHEMA(42201, 422),
    INVALID_VERSION(42202, 422),
    INVALID_COMPATIBILITY_LEVEL(42203, 422),
    INVALID_MODE(42204, 422),
    OPERATION_NOT_PERMITTED(42205, 422),
    REFERENCE_EXISTS(42206, 422),
    ID_DOES_NOT_MATCH(42207, 422),
    INVALID_SUBJECT(42208, 422),
    SCHEMA_TOO_LARGE(42209, 422),
    STORE_ERROR(50001, 500),
    OPERATION_TIMEOUT(50002, 500),

    // plain HTTP errors
    BAD_REQUEST(400, 400),
    NOT_FOUND(404, 404),
    METHOD_NOT_ALLOWED(405, 405),
    PAYLOAD_TOO_LARGE(413, 413),
    INTERNAL_ERROR(500, 500);

    private final int code;
    private final int httpStatus;

    ErrorCode(int code, int httpStatus) {
        this.code = code;
        this.httpStatus = httpStatus;
    }

    /** The {@code error_code} of the JSON error body. */
    public int code() {
        return code;
    }

    public int httpStatus() {
        return httpStatus;
    }

    /** True when retrying the same request may succeed (the store was unavailable or slow). */
    public boolean retryable() {
        return this == STORE_ERROR || this == OPERATION_TIMEOUT;
    }
}
