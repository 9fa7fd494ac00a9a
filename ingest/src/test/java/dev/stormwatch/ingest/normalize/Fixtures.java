package dev.stormwatch.ingest.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.ingest.raw.RawHeaders;
import dev.stormwatch.ingest.raw.RawRecord;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Fixture files from {@code src/test/resources/fixtures} and raw records built from them. */
public final class Fixtures {

  public static final ObjectMapper JSON = new ObjectMapper();

  private Fixtures() {
  }

  /** The bytes of {@code fixtures/<path>}. */
  public static byte[] bytes(String path) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/fixtures/" + path)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + path);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The fixture parsed as JSON (for tests that edit a copy). */
  public static JsonNode tree(String path) {
    try {
      return JSON.readTree(bytes(path));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** JSON text of a tree. */
  public static byte[] write(JsonNode tree) {
    try {
      return JSON.writeValueAsBytes(tree);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A record of {@code topic} at offset 42 received at {@code receivedAt}, with the given headers. */
  public static RawRecord record(String topic, byte[] body, Instant receivedAt, Map<String, String> headers) {
    return new RawRecord(topic, 3, 42, receivedAt.toEpochMilli(), body, headers);
  }

  /** A record with no headers. */
  public static RawRecord record(String topic, byte[] body, Instant receivedAt) {
    return record(topic, body, receivedAt, Map.of());
  }

  /** Only a format header. */
  public static Map<String, String> format(String format) {
    return Map.of(RawHeaders.FORMAT, format);
  }

  /** The events of a result, failing the test with the reason if it was rejected. */
  public static List<AlertEvent> events(Normalized result) {
    if (result instanceof Normalized.Rejected rejected) {
      throw new AssertionError("rejected: " + rejected.reason(), rejected.cause());
    }
    return ((Normalized.Events) result).events();
  }

  /** The reason of a rejection, failing the test if it was not rejected. */
  public static String reason(Normalized result) {
    if (result instanceof Normalized.Rejected rejected) {
      return rejected.reason();
    }
    throw new AssertionError("expected a rejection, got " + result);
  }
}
