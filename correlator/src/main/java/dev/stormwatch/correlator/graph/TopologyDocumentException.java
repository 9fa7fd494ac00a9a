package dev.stormwatch.correlator.graph;

import java.util.Objects;

/**
 * A topology document that cannot be read: its message is one line naming the file, the path
 * inside the document and what is wrong, e.g.
 * {@code topology.json: services[3].dependsOn: expected a list of names}. It is permanent: the
 * file has to be fixed, retrying does not help.
 */
public final class TopologyDocumentException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String source;
  private final String path;
  private final String reason;

  /**
   * @param source the file (or other source) the document came from
   * @param path   where in the document, e.g. {@code services[3].dependsOn}; empty for the whole
   * @param reason what is wrong, one line
   */
  public TopologyDocumentException(String source, String path, String reason) {
    this(source, path, reason, null);
  }

  /**
   * @param source the file (or other source) the document came from
   * @param path   where in the document; empty for the whole document
   * @param reason what is wrong, one line
   * @param cause  the underlying parser error, if any
   */
  public TopologyDocumentException(String source, String path, String reason, Throwable cause) {
    super(format(source, path, reason), cause);
    this.source = Objects.requireNonNull(source, "source");
    this.path = Objects.requireNonNull(path, "path");
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** The file (or other source) the document came from. */
  public String source() {
    return source;
  }

  /** Where in the document the problem is, e.g. {@code services[3].dependsOn}; empty for the whole. */
  public String path() {
    return path;
  }

  /** What is wrong, without the source and path. */
  public String reason() {
    return reason;
  }

  private static String format(String source, String path, String reason) {
    String line = source + ": " + (path == null || path.isEmpty() ? "" : path + ": ") + reason;
    return line.replace('\r', ' ').replace('\n', ' ');
  }
}
