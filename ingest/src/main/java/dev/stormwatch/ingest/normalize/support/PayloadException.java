package dev.stormwatch.ingest.normalize.support;

/**
 * A payload is not what a normalizer accepts. Thrown inside a normalizer's parsing code and turned
 * into {@link dev.stormwatch.ingest.normalize.Normalized.Rejected} at its boundary, never thrown
 * out of {@link dev.stormwatch.ingest.normalize.Normalizer#normalize}. The message is the one-line
 * reason a human reads in the dead-letter topic, e.g. {@code "alerts[2].labels: missing"}.
 */
public final class PayloadException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** A rejection with a one-line reason. */
  public PayloadException(String reason) {
    super(reason, null, false, false);
  }

  /** A rejection with a one-line reason and the exception behind it. */
  public PayloadException(String reason, Throwable cause) {
    super(reason, cause, false, false);
  }
}
