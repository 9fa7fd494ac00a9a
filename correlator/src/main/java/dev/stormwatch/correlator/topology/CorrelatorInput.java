package dev.stormwatch.correlator.topology;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.ChangeEvent;
import dev.stormwatch.avro.IncidentCommand;
import java.util.Objects;

/**
 * The one value type of the repartition topic {@code correlator-input-by-domain}: an alert (keyed
 * by its domain), a command (keyed by incident id) or a change (keyed by a domain it matters to), so
 * all reach the partition that owns the domain, in one order.
 */
public sealed interface CorrelatorInput {

  /** An alert observation, routed to its domain. */
  record Alert(AlertEvent event) implements CorrelatorInput {
    /** Validates. */
    public Alert {
      Objects.requireNonNull(event, "event");
    }
  }

  /** A command on an incident. */
  record Command(IncidentCommand command) implements CorrelatorInput {
    /** Validates. */
    public Command {
      Objects.requireNonNull(command, "command");
    }
  }

  /** A change (deploy, rollback, config, feature flag), routed to a domain it may be a suspect in. */
  record Change(ChangeEvent event) implements CorrelatorInput {
    /** Validates. */
    public Change {
      Objects.requireNonNull(event, "event");
    }
  }
}
