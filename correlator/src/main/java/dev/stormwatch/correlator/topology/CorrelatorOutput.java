package dev.stormwatch.correlator.topology;

import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.Incident;
import java.util.Objects;

/** What the correlate processor emits, split by the topology into the {@code incidents} and {@code escalations} topics. */
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
}
