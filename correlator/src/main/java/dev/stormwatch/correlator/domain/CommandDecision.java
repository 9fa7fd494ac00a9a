package dev.stormwatch.correlator.domain;

import java.util.Optional;

/**
 * What {@link Correlator#command} decided for one {@code IncidentCommand}.
 *
 * @param applied    whether the incident changed
 * @param reason     why, human-readable
 * @param change     the change, when applied
 * @param redirectTo for a command on a merged incident: the survivor it could be re-applied to
 */
public record CommandDecision(boolean applied, String reason, Optional<IncidentChange> change,
                              Optional<String> redirectTo) {

  static CommandDecision ignored(String reason) {
    return new CommandDecision(false, reason, Optional.empty(), Optional.empty());
  }
}
