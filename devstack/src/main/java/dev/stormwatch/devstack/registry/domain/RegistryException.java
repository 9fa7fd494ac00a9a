package dev.stormwatch.devstack.registry.domain;

import java.util.Objects;

/**
 * A request the registry refuses, with the Confluent error code it is answered with.
 * {@link ErrorCode#retryable()} tells whether the caller may retry.
 */
public final class RegistryException extends RuntimeException {

    private final ErrorCode errorCode;

    public RegistryException(ErrorCode errorCode, String message) {
        super(message);
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
    }

    public RegistryException(ErrorCode errorCode, String message, Throwable cause) {
        super(message, cause);
        this.errorCode = Objects.requireNonNull(errorCode, "errorCode");
    }

    public ErrorCode errorCode() {
        return errorCode;
    }

    // Confluent's messages (Errors.java), so that clients matching on text behave the same.

    static RegistryException subjectNotFound(String subject) {
        return new RegistryException(ErrorCode.SUBJECT_NOT_FOUND, "Subject '" + subject + "' not found.");
    }

    static RegistryException versionNotFound(Object version) {
        return new RegistryException(ErrorCode.VERSION_NOT_FOUND, "Version " + version + " not found.");
    }

    static RegistryException schemaNotFound() {
        return new RegistryException(ErrorCode.SCHEMA_NOT_FOUND, "Schema not found");
    }

    static RegistryException schemaNotFound(int id) {
        return new RegistryException(ErrorCode.SCHEMA_NOT_FOUND, "Schema " + id + " not found");
    }

    static RegistryException subjectSoftDeleted(String subject) {
        return new RegistryException(ErrorCode.SUBJECT_SOFT_DELETED,
                "Subject '" + subject + "' was soft deleted.Set permanent=true to delete permanently");
    }

    static RegistryException subjectNotSoftDeleted(String subject) {
        return new RegistryException(ErrorCode.SUBJECT_NOT_SOFT_DELETED,
                "Subject '" + subject + "' was not deleted first before being permanently deleted");
    }

    static RegistryException versionSoftDeleted(String subject, int version) {
        return new RegistryException(ErrorCode.SCHEMA_VERSION_SOFT_DELETED,
                "Subject '" + subject + "' Version " + version
                        + " was soft deleted.Set permanent=true to delete permanently");
    }

    static RegistryException versionNotSoftDeleted(String subject, int version) {
        return new RegistryException(ErrorCode.SCHEMA_VERSION_NOT_SOFT_DELETED,
                "Subject '" + subject + "' Version " + version
                        + " was not deleted first before being permanently deleted");
    }

    static RegistryException invalidSchema(String detail) {
        return new RegistryException(ErrorCode.INVALID_SCHEMA, "Invalid schema: " + detail);
    }

    static RegistryException readOnly(String subject) {
        return new RegistryException(ErrorCode.OPERATION_NOT_PERMITTED,
                "Subject " + subject + " is in read-only mode");
    }
}
