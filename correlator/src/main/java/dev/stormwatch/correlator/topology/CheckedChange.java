package dev.stormwatch.correlator.topology;

import dev.stormwatch.avro.ChangeEvent;
import dev.stormwatch.correlator.rules.Change;

/**
 * A change event with the reason it cannot be used, if any: it needs an id, a service and a time
 * ({@link Change#of}).
 *
 * @param event   the change event
 * @param problem why it is rejected, or null when it is fine
 */
record CheckedChange(ChangeEvent event, String problem) {

  static CheckedChange of(ChangeEvent event) {
    if (event == null) {
      return new CheckedChange(null, "a change record without a value");
    }
    try {
      Change.of(event);
      return new CheckedChange(event, null);
    } catch (IllegalArgumentException | NullPointerException e) {
      return new CheckedChange(event, "unusable change: " + e.getMessage());
    }
  }

  boolean ok() {
    return problem == null;
  }
}
