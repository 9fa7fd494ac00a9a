package dev.stormwatch.ingest.raw;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One record of a raw topic as ingest sees it: the body bytes as sent, the headers that matter,
 * and where it is in Kafka.
 *
 * @param topic     raw topic it was read from
 * @param partition partition
 * @param offset    offset
 * @param timestamp the record's timestamp (epoch millis): the receive time when no
 *                  {@link RawHeaders#RECEIVED_AT} header says otherwise
 * @param body      the payload bytes, never null (a null value is an empty array)
 * @param headers   header values decoded as UTF-8, lower-case names; the last value wins
 */
public record RawRecord(String topic, int partition, long offset, long timestamp, byte[] body,
                        Map<String, String> headers) {

  public RawRecord {
    Objects.requireNonNull(topic, "topic");
    body = body == null ? new byte[0] : body;
    headers = Map.copyOf(headers);
  }

  /** A record with no Kafka coordinates, for parsing a payload outside a topology. */
  public static RawRecord of(String topic, byte[] body, Map<String, String> headers, long timestamp) {
    return new RawRecord(topic, 0, -1, timestamp, body, headers);
  }

  /** A header's value, by case-insensitive name. */
  public Optional<String> header(String name) {
    return Optional.ofNullable(headers.get(name.toLowerCase(java.util.Locale.ROOT)));
  }

  /** When Stormwatch received it: the gateway's header, else the record timestamp. */
  public long receivedAt() {
    return header(RawHeaders.RECEIVED_AT).map(v -> {
      try {
        return Long.parseLong(v.trim());
      } catch (NumberFormatException e) {
        return timestamp;
      }
    }).orElse(timestamp);
  }

  /** The body as UTF-8 text. */
  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
