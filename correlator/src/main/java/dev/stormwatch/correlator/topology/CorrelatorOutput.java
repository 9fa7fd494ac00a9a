package dev.stormwatch.correlator.topology;

import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.Incident;
import java.util.Objects;

/**
 * What the correlate processor emits, split by the topology into the {@code incidents},
 * {@code escalations} and {@code silences} topics.
 */
public sealed interface CorrelatorOutput {

  /** The full state of an incident, or null: a tombstone (the incident left state). */
  record IncidentUpdate(Incident incident) implements CorrelatorOutput {}

  /** An escalation. */
  record Escalated(EscalationEvent event) implements CorrelatorOutput {
    /** Validates. */
    public Escalated {
      Objects.requireNonNull(event, "event");
    }
  }

  /**
   * A tombstone for a silence that ended more than {@code silence-retention} ago: it leaves the
   * compacted {@code silences} topic and every instance's global store.
   */
  record SilenceGone(String id) implements CorrelatorOutput {
    /** Validates. */
    public SilenceGone {
      Objects.requireNonNull(id, "id");
    }
  }
}
