package dev.stormwatch.correlator.topology;

import dev.stormwatch.avro.IncidentCommand;
import dev.stormwatch.correlator.domain.Correlator;

/**
 * A command with the reason it cannot be routed, if any: its incident id must carry the domain's
 * partition hash ({@link Correlator#domainHashOf}).
 *
 * @param command the command
 * @param problem why it is rejected, or null when it is fine
 */
record CheckedCommand(IncidentCommand command, String problem) {

  static CheckedCommand of(IncidentCommand command) {
    if (command == null) {
      return new CheckedCommand(null, "a command record without a value");
    }
    if (Correlator.domainHashOf(command.getIncidentId()).isEmpty()) {
      return new CheckedCommand(command, "malformed incident id '" + command.getIncidentId()
          + "': expected inc-<8 hex>-<16 hex>");
    }
    return new CheckedCommand(command, null);
  }

  boolean ok() {
    return problem == null;
  }
}
