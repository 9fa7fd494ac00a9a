package dev.stormwatch.common.streams;

import dev.stormwatch.common.kafka.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds dead-letter records: the original key and value bytes and headers, plus
 * {@link DeadLetterHeaders} saying why, what failed and where the record came from.
 */
public final class DeadLetters {

  /** Longest reason or exception message kept in a header. */
  static final int MAX_HEADER_CHARS = 1_000;

  private DeadLetters() {
  }

  /**
   * The headers of a dead letter: the original ones (if any) plus the reason and the source.
   *
   * @param original  the original record's headers, or null
   * @param app       the app that gives up on the record (ingest, correlator, notifier)
   * @param reason    one line a human can act on
   * @param exception what was thrown, or null
   * @param topic     source topic, or null when unknown
   * @param partition source partition, or -1
   * @param offset    source offset, or -1
   */
  public static Headers headers(Headers original, String app, String reason, Throwable exception,
                                String topic, int partition, long offset) {
    Headers headers = new RecordHeaders();
    if (original != null) {
      original.forEach(h -> {
        if (!h.key().startsWith("stormwatch.dlq.")) {
          headers.add(h);
        }
      });
    }
    put(headers, DeadLetterHeaders.REASON, reason);
    put(headers, DeadLetterHeaders.APP, app);
    if (exception != null) {
      put(headers, DeadLetterHeaders.EXCEPTION_CLASS, exception.getClass().getName());
      put(headers, DeadLetterHeaders.EXCEPTION_MESSAGE, String.valueOf(exception.getMessage()));
    }
    if (topic != null) {
      put(headers, DeadLetterHeaders.SOURCE_TOPIC, topic);
    }
    if (partition >= 0) {
      put(headers, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(partition));
    }
    if (offset >= 0) {
      put(headers, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(offset));
    }
    return headers;
  }

  /** A dead-letter producer record for {@code dlqTopic}. */
  public static ProducerRecord<byte[], byte[]> record(String dlqTopic, byte[] key, byte[] value, Headers headers) {
    return new ProducerRecord<>(dlqTopic, null, key, value, headers);
  }

  /** A one-line reason from an exception: its class and message, without line breaks. */
  public static String reasonOf(Throwable e) {
    String message = e.getMessage() == null ? "" : ": " + e.getMessage();
    return oneLine(e.getClass().getSimpleName() + message);
  }

  static String oneLine(String text) {
    String flat = text.replace('\r', ' ').replace('\n', ' ');
    return flat.length() <= MAX_HEADER_CHARS ? flat : flat.substring(0, MAX_HEADER_CHARS - 1) + "…";
  }

  private static void put(Headers headers, String key, String value) {
    headers.remove(key);
    headers.add(key, oneLine(value).getBytes(StandardCharsets.UTF_8));
  }
}
