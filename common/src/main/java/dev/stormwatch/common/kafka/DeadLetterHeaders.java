package dev.stormwatch.common.kafka;

/**
 * Header names on a dead-letter record (topic {@link Topics#deadLetters()}). The record keeps
 * the original key and value bytes and headers; these say why and where from, so a human can
 * fix and replay it.
 */
public final class DeadLetterHeaders {

  /** One-line, human-readable reason, e.g. "not JSON: Unexpected character '<' at 1:1". */
  public static final String REASON = "stormwatch.dlq.reason";
  /** Fully qualified class of the exception, when one was thrown. */
  public static final String EXCEPTION_CLASS = "stormwatch.dlq.exception.class";
  /** Message of the exception, when one was thrown. */
  public static final String EXCEPTION_MESSAGE = "stormwatch.dlq.exception.message";
  /** Topic the record was read from. */
  public static final String SOURCE_TOPIC = "stormwatch.dlq.source.topic";
  /** Partition it was read from (decimal). */
  public static final String SOURCE_PARTITION = "stormwatch.dlq.source.partition";
  /** Offset it was read from (decimal). */
  public static final String SOURCE_OFFSET = "stormwatch.dlq.source.offset";
  /** The app that dead-lettered it: ingest, correlator, notifier. */
  public static final String APP = "stormwatch.dlq.app";

  private DeadLetterHeaders() {
  }
}
