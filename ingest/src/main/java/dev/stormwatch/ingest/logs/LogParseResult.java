package dev.stormwatch.ingest.logs;

import java.util.List;
import java.util.Objects;

/**
 * What {@link LogParser} made of one raw record: the entries it could read and the parts it
 * could not, each with a reason. Both may be non-empty at once (one bad line in an NDJSON body
 * does not lose the good ones).
 *
 * @param entries parsed entries, in body order
 * @param rejects rejected parts, in body order
 */
public record LogParseResult(List<LogEntry> entries, List<Reject> rejects) {

  public LogParseResult {
    entries = List.copyOf(entries);
    rejects = List.copyOf(rejects);
  }

  /**
   * A part of a body that could not be read.
   *
   * @param reason one line a human can act on, e.g. "invalid JSON at line 12, column 9: ..."
   * @param text   the offending line or document (cut to {@link #MAX_TEXT_CHARS})
   */
  public record Reject(String reason, String text) {

    /** Longest offending text kept. */
    public static final int MAX_TEXT_CHARS = 4 * 1024;

    public Reject {
      Objects.requireNonNull(reason, "reason");
      reason = LogParser.firstLine(reason);
      text = LogEntry.cut(text == null ? "" : text, MAX_TEXT_CHARS);
    }
  }

  /** Whether nothing was rejected. */
  public boolean clean() {
    return rejects.isEmpty();
  }
}
