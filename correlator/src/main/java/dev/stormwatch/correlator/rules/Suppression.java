package dev.stormwatch.correlator.rules;

import java.time.Instant;
import java.util.Objects;

/**
 * Why an alert is muted, and by whom: the answer of a {@link Muter}.
 *
 * @param kind              what mutes it
 * @param ref               the silence's id, or the inhibition rule's name
 * @param reason            human-readable, for the incident timeline and the API
 * @param sourceFingerprint for an inhibition, the fingerprint of the firing alert that inhibits
 *                          (so the inhibited alert can join that alert's incident); else null
 * @param until             when this suppression ends by itself if nothing changes (a silence's end,
 *                          or the end of the current maintenance slot); null when it lasts as long as
 *                          something else does (an inhibition lasts while its source fires)
 */
public record Suppression(Kind kind, String ref, String reason, String sourceFingerprint, Instant until) {

  /** What mutes an alert. */
  public enum Kind {
    /** A one-off silence. */
    SILENCE,
    /** A silence with a weekly recurrence: a maintenance window. */
    MAINTENANCE,
    /** An inhibition rule, because a matching source alert fires. */
    INHIBITION
  }

  /** Checks the required parts. */
  public Suppression {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(reason, "reason");
    if (kind == Kind.INHIBITION) {
      Objects.requireNonNull(sourceFingerprint, "an inhibition names its source alert");
    }
  }

  /**
   * The value of the Avro {@code AlertSummary.suppressedBy}: {@code silence:<id>} for silences and
   * maintenance windows, {@code inhibit:<rule>} for inhibitions.
   */
  public String suppressedBy() {
    return (kind == Kind.INHIBITION ? "inhibit:" : "silence:") + ref;
  }
}
