package dev.stormwatch.notifier.topology;

import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.IncidentCommand;

/**
 * What the escalate processor reads, from two co-partitioned topics keyed by incident id: an
 * escalation event, a command, or a record that cannot be used (dead-lettered with its reason).
 */
sealed interface NotifierInput {

  /** The incident id, or null for a rejected record. */
  String incidentId();

  /** An escalation event from {@code escalations}. */
  record Escalation(EscalationEvent event) implements NotifierInput {
    @Override
    public String incidentId() {
      return event.getIncidentId();
    }
  }

  /** A command from {@code incident.commands}. */
  record Command(IncidentCommand command) implements NotifierInput {
    @Override
    public String incidentId() {
      return command.getIncidentId();
    }
  }

  /**
   * A record that cannot be used.
   *
   * @param input   which input it came from
   * @param value   the value as read (null for a record without one)
   * @param problem why, one line
   */
  record Rejected(NotifierMetrics.Input input, Object value, String problem) implements NotifierInput {
    @Override
    public String incidentId() {
      return null;
    }
  }

  /** An escalation event, checked: it must have a value and be keyed by its incident id. */
  static NotifierInput escalation(String key, EscalationEvent e) {
    if (e == null) {
      return new Rejected(NotifierMetrics.Input.ESCALATION, null, "an escalation record without a value");
    }
    if (key == null || !key.equals(e.getIncidentId())) {
      return new Rejected(NotifierMetrics.Input.ESCALATION, e, "escalation " + e.getId() + " is keyed '" + key
          + "' but is about incident '" + e.getIncidentId() + "': escalations must be keyed by incident id");
    }
    return new Escalation(e);
  }

  /** A command, checked: it must have a value and be keyed by its incident id. */
  static NotifierInput command(String key, IncidentCommand c) {
    if (c == null) {
      return new Rejected(NotifierMetrics.Input.COMMAND, null, "a command record without a value");
    }
    if (key == null || !key.equals(c.getIncidentId())) {
      return new Rejected(NotifierMetrics.Input.COMMAND, c, "command " + c.getId() + " is keyed '" + key
          + "' but is about incident '" + c.getIncidentId() + "': commands must be keyed by incident id");
    }
    return new Command(c);
  }
}
