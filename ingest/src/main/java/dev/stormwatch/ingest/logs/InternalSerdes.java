package dev.stormwatch.ingest.logs;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Serdes of the log-alert stores' values (internal formats: changelogs only). */
final class InternalSerdes {

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private InternalSerdes() {
  }

  /**
   * One bucket of a rate rule's window: how many matching records, and the earliest one's time.
   *
   * @param count matching records in the bucket
   * @param first earliest record time in the bucket (epoch ms)
   */
  record RateBucket(long count, long first) {
    RateBucket add(long t) {
      return new RateBucket(count + 1, Math.min(first, t));
    }
  }

  /** 16 bytes: count, first. */
  static Serde<RateBucket> rateBucket() {
    return Serdes.serdeFrom(
        (topic, b) -> b == null ? null : ByteBuffer.allocate(16).putLong(b.count()).putLong(b.first()).array(),
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          if (bytes.length != 16) {
            throw new SerializationException("rate bucket must be 16 bytes, was " + bytes.length);
          }
          ByteBuffer buf = ByteBuffer.wrap(bytes);
          return new RateBucket(buf.getLong(), buf.getLong());
        });
  }

  /** JSON. */
  static Serde<TrackedAlert> trackedAlert() {
    return Serdes.serdeFrom(
        (topic, alert) -> {
          if (alert == null) {
            return null;
          }
          try {
            return MAPPER.writeValueAsBytes(alert);
          } catch (IOException e) {
            throw new SerializationException("cannot write tracked log alert", e);
          }
        },
        (topic, bytes) -> {
          if (bytes == null) {
            return null;
          }
          try {
            return MAPPER.readValue(bytes, TrackedAlert.class);
          } catch (IOException e) {
            throw new SerializationException("not a tracked log alert: " + LogParser.firstLine(e.getMessage()), e);
          }
        });
  }
}
