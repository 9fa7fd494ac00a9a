package dev.stormwatch.common.registry;

import java.util.OptionalInt;

/**
 * A Schema Registry operation failed.
 *
 * <p>Either the registry answered with an error ({@link #httpStatus()} and the registry's own
 * {@link #errorCode()} and message, e.g. 409 incompatible, 40401 subject not found, 42201 invalid
 * schema), or it could not be reached within the retry budget ({@link #httpStatus()} empty). {@link
 * #isRetriable()} says whether trying again later may succeed: true for an unreachable registry,
 * timeouts, 408, 429 and 5xx after retries were exhausted; false for every other 4xx, which needs a
 * fix (of the schema, subject, credentials or configuration), not a retry.
 */
public class SchemaRegistryException extends RuntimeException {

  /** Confluent error codes this project looks at. */
  public static final int SUBJECT_NOT_FOUND = 40401;
  public static final int VERSION_NOT_FOUND = 40402;
  public static final int SCHEMA_NOT_FOUND = 40403;
  public static final int SUBJECT_SOFT_DELETED = 40404;
  public static final int SUBJECT_NOT_SOFT_DELETED = 40405;
  public static final int SUBJECT_COMPATIBILITY_NOT_CONFIGURED = 40408;
  public static final int INCOMPATIBLE_SCHEMA = 409;
  public static final int INVALID_SCHEMA = 42201;
  public static final int INVALID_VERSION = 42202;
  public static final int INVALID_COMPATIBILITY_LEVEL = 42203;

  private static final long serialVersionUID = 1L;

  private final int httpStatus;
  private final int errorCode;
  private final String registryMessage;
  private final boolean retriable;

  /** The registry answered with an error. */
  public SchemaRegistryException(
      String operation, int httpStatus, int errorCode, String registryMessage, boolean retriable) {
    super(operation + " failed: HTTP " + httpStatus + ", error_code " + errorCode + ": "
        + registryMessage);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
    this.registryMessage = registryMessage;
    this.retriable = retriable;
  }

  /** The registry could not be reached (connection refused, timeout, deadline). */
  public SchemaRegistryException(String message, Throwable cause) {
    super(message, cause);
    this.httpStatus = -1;
    this.errorCode = -1;
    this.registryMessage = null;
    this.retriable = true;
  }

  /** HTTP status of the registry's answer; empty when it was never reached. */
  public OptionalInt httpStatus() {
    return httpStatus < 0 ? OptionalInt.empty() : OptionalInt.of(httpStatus);
  }

  /**
   * The registry's {@code error_code} (e.g. 40401); the HTTP status when the body had none; -1
   * when the registry was never reached.
   */
  public int errorCode() {
    return errorCode;
  }

  /** The registry's {@code message}, or null when it was never reached. */
  public String registryMessage() {
    return registryMessage;
  }

  /** Whether trying again later may succeed (see the class comment). */
  public boolean isRetriable() {
    return retriable;
  }

  public boolean isSubjectNotFound() {
    return errorCode == SUBJECT_NOT_FOUND;
  }

  public boolean isVersionNotFound() {
    return errorCode == VERSION_NOT_FOUND;
  }

  public boolean isSchemaNotFound() {
    return errorCode == SCHEMA_NOT_FOUND;
  }

  /** Any "does not exist" answer: subject, version or schema (HTTP 404). */
  public boolean isNotFound() {
    return httpStatus == 404;
  }

  public boolean isIncompatible() {
    return errorCode == INCOMPATIBLE_SCHEMA;
  }

  public boolean isInvalidSchema() {
    return errorCode == INVALID_SCHEMA;
  }

  public boolean isUnauthorized() {
    return httpStatus == 401 || httpStatus == 403;
  }

  /** True when {@code t} or one of its causes is a retriable {@link SchemaRegistryException}. */
  public static boolean isRetriableCause(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      if (c instanceof SchemaRegistryException e) {
        return e.isRetriable();
      }
    }
    return false;
  }
}
