package dev.stormwatch.ingest.changes;

import dev.stormwatch.avro.ChangeEvent;
import java.util.List;
import java.util.Objects;

/**
 * What one raw change record yields: the changes, and the parts that were rejected (the whole
 * record, or single elements of a batch), each with a one-line reason.
 *
 * @param changes  the normalized changes, in the order of the payload
 * @param rejected the rejected record or elements
 */
public record ChangeNormalized(List<ChangeEvent> changes, List<Rejected> rejected) {

  /** Copies the lists. */
  public ChangeNormalized {
    changes = List.copyOf(changes);
    rejected = List.copyOf(rejected);
  }

  /**
   * A rejected record or element.
   *
   * @param reason one line a human can act on, e.g. {@code [2].kind: 'migration' is not one of ...}
   * @param cause  the exception behind it, or null
   * @param part   the rejected element's JSON, or null when the whole record is rejected
   */
  public record Rejected(String reason, Throwable cause, byte[] part) {
    /** Checks the reason. */
    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * The whole record rejected.
   *
   * @param reason one line
   * @param cause  the exception behind it, or null
   * @return the result
   */
  public static ChangeNormalized rejected(String reason, Throwable cause) {
    return new ChangeNormalized(List.of(), List.of(new Rejected(reason, cause, null)));
  }
}
