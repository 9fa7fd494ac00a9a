package dev.stormwatch.notifier.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stormwatch.avro.PageRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.io.JsonEncoder;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The serde of the {@code notifier-bundles} store: a {@link BundleState} as versioned JSON (version
 * 1), each held page in Avro's own JSON encoding of {@code PageRequest}; a null is a tombstone.
 */
public final class BundleStateSerde implements Serde<BundleState> {

  static final int VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public Serializer<BundleState> serializer() {
    return (topic, state) -> state == null ? null : encode(state);
  }

  @Override
  public Deserializer<BundleState> deserializer() {
    return (topic, bytes) -> bytes == null ? null : decode(bytes);
  }

  static byte[] encode(BundleState s) {
    ObjectNode n = JSON.createObjectNode();
    n.put("v", VERSION);
    n.put("recipient", s.recipientKey());
    n.put("start", s.windowStart().toEpochMilli());
    n.put("end", s.windowEnd().toEpochMilli());
    n.put("overflow", s.overflow());
    ArrayNode held = n.putArray("held");
    s.held().forEach(p -> held.add(toJson(p)));
    try {
      return JSON.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static BundleState decode(byte[] bytes) {
    try {
      JsonNode n = JSON.readTree(bytes);
      if (n.path("v").asInt() != VERSION) {
        throw new SerializationException("bundle state of unknown version " + n.path("v"));
      }
      List<PageRequest> held = new ArrayList<>();
      for (JsonNode p : n.get("held")) {
        held.add(fromJson(p.asText()));
      }
      return new BundleState(n.get("recipient").asText(), Instant.ofEpochMilli(n.get("start").asLong()),
          Instant.ofEpochMilli(n.get("end").asLong()), held, n.get("overflow").asInt());
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("unreadable bundle state: " + e.getMessage(), e);
    }
  }

  static String toJson(PageRequest page) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      JsonEncoder encoder = EncoderFactory.get().jsonEncoder(PageRequest.getClassSchema(), out);
      new SpecificDatumWriter<>(PageRequest.class).write(page, encoder);
      encoder.flush();
      return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static PageRequest fromJson(String json) throws IOException {
    return new SpecificDatumReader<>(PageRequest.class)
        .read(null, DecoderFactory.get().jsonDecoder(PageRequest.getClassSchema(), json));
  }
}
