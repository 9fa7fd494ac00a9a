package dev.stormwatch.correlator.rules;

import java.time.Instant;
import java.util.List;

/**
 * Where the change rules find recent changes: {@link RecentChanges} in memory, or a store of
 * {@link ServiceChanges} keyed by service.
 */
@FunctionalInterface
public interface ChangeLookup {

  /** The known changes on {@code service} with {@code from <= time <= to}, oldest first. */
  List<Change> changes(String service, Instant from, Instant to);
}
