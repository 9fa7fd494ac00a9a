package dev.stormwatch.ingest.normalize;

import dev.stormwatch.ingest.raw.RawRecord;

/** Turns one raw record of one source into normalized events. Pure: no I/O, no clock. */
@FunctionalInterface
public interface Normalizer {

  /**
   * Normalizes a raw record. Must not throw for any input: malformed or unexpected payloads
   * become {@link Normalized.Rejected} with a one-line reason.
   */
  Normalized normalize(RawRecord raw);
}
