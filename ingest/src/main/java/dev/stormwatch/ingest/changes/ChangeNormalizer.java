package dev.stormwatch.ingest.changes;

import dev.stormwatch.ingest.raw.RawRecord;

/**
 * Turns one record of {@code changes.raw} in one format into {@code ChangeEvent}s. Pure: no I/O,
 * no clock (a change without a time takes the record's receive time).
 */
@FunctionalInterface
public interface ChangeNormalizer {

  /**
   * Normalizes a raw record. Must not throw for any input: malformed payloads, or malformed
   * changes of a batch, are rejected with a one-line reason.
   *
   * @param raw the record
   * @return the changes and the rejected parts
   */
  ChangeNormalized normalize(RawRecord raw);
}
