package dev.stormwatch.ingest.logs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * JSON {@link Serde} for {@link LogEntry}, used on the internal {@code logs-by-service}
 * repartition topic only (not a public contract: an internal topic is drained before an upgrade
 * that changes it). Unknown fields are ignored so an added field does not break a rolling
 * upgrade. A value that is not a {@code LogEntry} fails with {@link SerializationException},
 * which the Streams deserialization-exception handler sees.
 */
public final class LogEntrySerde implements Serde<LogEntry> {

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  @Override
  public Serializer<LogEntry> serializer() {
    return (topic, entry) -> {
      if (entry == null) {
        return null;
      }
      try {
        return MAPPER.writeValueAsBytes(entry);
      } catch (JsonProcessingException e) {
        throw new SerializationException("cannot write LogEntry as JSON for " + topic, e);
      }
    };
  }

  @Override
  public Deserializer<LogEntry> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      try {
        return MAPPER.readValue(bytes, LogEntry.class);
      } catch (IOException e) {
        throw new SerializationException("not a LogEntry JSON document on " + topic + ": "
            + LogParser.firstLine(e.getMessage()), e);
      }
    };
  }
}
