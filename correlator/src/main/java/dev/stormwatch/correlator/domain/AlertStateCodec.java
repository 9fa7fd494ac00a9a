package dev.stormwatch.correlator.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stormwatch.avro.AlertSource;
import dev.stormwatch.avro.LinkKind;
import dev.stormwatch.avro.Severity;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every field of an {@link AlertState}, so a state store keeps the whole merge state: the latest
 * observation, the first/last instants, the recent (time, status) points and the
 * distinct-observation sketch.
 *
 * <p>Written as version 2, a binary layout (first byte {@value #BINARY}; instants as nanosecond
 * and epoch second; strings, enum names included, as length-prefixed UTF-8; -1 for null), about four times cheaper to write
 * and read than the JSON of version 1, which was written by earlier releases and is still read (its
 * first byte is {@code '{'}), so a store written before an upgrade keeps working.
 */
final class AlertStateCodec {

  /** The JSON layout's version (read only). */
  static final int VERSION = 1;
  /** First byte of the binary layout (version 2). */
  static final byte BINARY = 2;
  private static final ObjectMapper JSON = new ObjectMapper();

  private AlertStateCodec() {}

  static byte[] encode(AlertState a) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
      DataOutputStream out = new DataOutputStream(bytes);
      out.writeByte(BINARY);
      writeString(out, a.fingerprint());
      writeObservation(out, a.latest());
      writeInstant(out, a.firstSeenAt());
      writeInstant(out, a.lastSeenAt());
      writeInstant(out, a.firstFiringAt());
      writeInstant(out, a.lastResolvedAt());
      out.writeLong(a.occurrences());
      out.writeInt(a.recent().size());
      for (AlertState.Point p : a.recent()) {
        writeInstant(out, p.at());
        out.writeBoolean(p.resolved());
      }
      long[] sketch = a.sketch();
      out.writeInt(sketch.length);
      for (long h : sketch) {
        out.writeLong(h);
      }
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode " + a, e);
    }
  }

  /** @throws IllegalArgumentException when the bytes are not an encoded state of a known version */
  static AlertState decode(byte[] bytes) {
    if (bytes.length > 0 && bytes[0] == BINARY) {
      return decodeBinary(bytes);
    }
    return decodeJson(bytes);
  }

  private static AlertState decodeBinary(byte[] bytes) {
    try {
      DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes, 1, bytes.length - 1));
      String fp = readString(in);
      AlertState.Observation latest = readObservation(in);
      Instant firstSeenAt = readInstant(in);
      Instant lastSeenAt = readInstant(in);
      Instant firstFiringAt = readInstant(in);
      Instant lastResolvedAt = readInstant(in);
      long occurrences = in.readLong();
      TreeSet<AlertState.Point> recent = new TreeSet<>();
      for (int i = count(in, AlertState.RECENT_POINTS); i > 0; i--) {
        recent.add(new AlertState.Point(readInstant(in), in.readBoolean()));
      }
      long[] sketch = new long[count(in, AlertState.SKETCH_SIZE)];
      for (int i = 0; i < sketch.length; i++) {
        sketch[i] = in.readLong();
      }
      if (in.available() > 0) {
        throw new IllegalArgumentException("not an encoded AlertState: " + in.available() + " bytes left over");
      }
      return new AlertState(fp, latest, firstSeenAt, lastSeenAt, firstFiringAt, lastResolvedAt, occurrences,
          recent, sketch);
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException iae) {
        throw iae;
      }
      throw new IllegalArgumentException("not an encoded AlertState (binary, version 2): " + e, e);
    }
  }

  private static void writeObservation(DataOutputStream out, AlertState.Observation o) throws IOException {
    writeInstant(out, o.at());
    out.writeBoolean(o.resolved());
    writeString(out, o.name());
    writeString(out, o.service());
    writeString(out, o.environment());
    writeString(out, o.severity().name());
    writeString(out, o.source().name());
    writeString(out, o.summary());
    writeString(out, o.description());
    writeMap(out, o.labels());
    writeMap(out, o.annotations());
    out.writeInt(o.links().size());
    for (AlertState.AlertLink l : o.links()) {
      writeString(out, l.kind() == null ? null : l.kind().name());
      writeString(out, l.url());
      writeString(out, l.title());
    }
    writeInstant(out, o.startsAt());
    writeInstant(out, o.endsAt());
    writeInstant(out, o.observedAt());
    out.writeLong(o.occurrences());
    writeString(out, o.canonical());
  }

  private static AlertState.Observation readObservation(DataInputStream in) throws IOException {
    Instant at = readInstant(in);
    boolean resolved = in.readBoolean();
    String name = readString(in);
    String service = readString(in);
    String environment = readString(in);
    Severity severity = Severity.valueOf(readString(in));
    AlertSource source = AlertSource.valueOf(readString(in));
    String summary = readString(in);
    String description = readString(in);
    SortedMap<String, String> labels = readMap(in);
    SortedMap<String, String> annotations = readMap(in);
    List<AlertState.AlertLink> links = new ArrayList<>();
    for (int i = count(in, Integer.MAX_VALUE); i > 0; i--) {
      String kind = readString(in);
      links.add(new AlertState.AlertLink(kind == null ? null : LinkKind.valueOf(kind), readString(in),
          readString(in)));
    }
    return new AlertState.Observation(at, resolved, name, service, environment, severity, source, summary,
        description, labels, annotations, List.copyOf(links), readInstant(in), readInstant(in), readInstant(in),
        in.readLong(), readString(in));
  }

  private static void writeMap(DataOutputStream out, SortedMap<String, String> map) throws IOException {
    out.writeInt(map.size());
    for (var e : map.entrySet()) {
      writeString(out, e.getKey());
      writeString(out, e.getValue());
    }
  }

  private static SortedMap<String, String> readMap(DataInputStream in) throws IOException {
    TreeMap<String, String> m = new TreeMap<>();
    for (int i = count(in, Integer.MAX_VALUE); i > 0; i--) {
      m.put(readString(in), readString(in));
    }
    return Collections.unmodifiableSortedMap(m);
  }

  private static void writeInstant(DataOutputStream out, Instant i) throws IOException {
    if (i == null) {
      out.writeInt(-1);
    } else {
      out.writeInt(i.getNano());
      out.writeLong(i.getEpochSecond());
    }
  }

  private static Instant readInstant(DataInputStream in) throws IOException {
    int nanos = in.readInt();
    return nanos < 0 ? null : Instant.ofEpochSecond(in.readLong(), nanos);
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
    } else {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      out.writeInt(b.length);
      out.write(b);
    }
  }

  private static String readString(DataInputStream in) throws IOException {
    int n = in.readInt();
    if (n < 0) {
      return null;
    }
    if (n > in.available()) {
      throw new IllegalArgumentException("not an encoded AlertState: a string of " + n + " bytes runs past the end");
    }
    byte[] b = new byte[n];
    in.readFully(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private static int count(DataInputStream in, int max) throws IOException {
    int n = in.readInt();
    if (n < 0 || n > max || n > in.available()) {
      throw new IllegalArgumentException("not an encoded AlertState: a count of " + n);
    }
    return n;
  }

  /** The version 1 layout: JSON, written by earlier releases. */
  static byte[] encodeJson(AlertState a) {
    ObjectNode n = JSON.createObjectNode();
    n.put("v", VERSION);
    n.put("fp", a.fingerprint());
    n.set("latest", observation(a.latest()));
    n.put("firstSeenAt", str(a.firstSeenAt()));
    n.put("lastSeenAt", str(a.lastSeenAt()));
    n.put("firstFiringAt", str(a.firstFiringAt()));
    n.put("lastResolvedAt", str(a.lastResolvedAt()));
    n.put("occurrences", a.occurrences());
    ArrayNode points = n.putArray("recent");
    for (AlertState.Point p : a.recent()) {
      points.addArray().add(p.at().toString()).add(p.resolved());
    }
    ArrayNode sketch = n.putArray("sketch");
    for (long h : a.sketch()) {
      sketch.add(h);
    }
    try {
      return JSON.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode " + a, e);
    }
  }

  private static AlertState decodeJson(byte[] bytes) {
    JsonNode n;
    try {
      n = JSON.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("not an encoded AlertState: " + e.getMessage(), e);
    }
    if (n == null || n.path("v").asInt() != VERSION) {
      throw new IllegalArgumentException("unknown AlertState encoding version: " + (n == null ? null : n.path("v")));
    }
    TreeSet<AlertState.Point> recent = new TreeSet<>();
    for (JsonNode p : n.path("recent")) {
      recent.add(new AlertState.Point(Instant.parse(p.get(0).asText()), p.get(1).asBoolean()));
    }
    JsonNode s = n.path("sketch");
    long[] sketch = new long[s.size()];
    for (int i = 0; i < sketch.length; i++) {
      sketch[i] = s.get(i).asLong();
    }
    return new AlertState(n.path("fp").asText(), observation(n.path("latest")), instant(n, "firstSeenAt"),
        instant(n, "lastSeenAt"), instant(n, "firstFiringAt"), instant(n, "lastResolvedAt"),
        n.path("occurrences").asLong(), recent, sketch);
  }

  private static ObjectNode observation(AlertState.Observation o) {
    ObjectNode n = JSON.createObjectNode();
    n.put("at", str(o.at()));
    n.put("resolved", o.resolved());
    n.put("name", o.name());
    n.put("service", o.service());
    n.put("environment", o.environment());
    n.put("severity", o.severity().name());
    n.put("source", o.source().name());
    n.put("summary", o.summary());
    n.put("description", o.description());
    ObjectNode labels = n.putObject("labels");
    o.labels().forEach(labels::put);
    ObjectNode annotations = n.putObject("annotations");
    o.annotations().forEach(annotations::put);
    ArrayNode links = n.putArray("links");
    for (AlertState.AlertLink l : o.links()) {
      links.addObject().put("kind", l.kind() == null ? null : l.kind().name()).put("url", l.url())
          .put("title", l.title());
    }
    n.put("startsAt", str(o.startsAt()));
    n.put("endsAt", str(o.endsAt()));
    n.put("observedAt", str(o.observedAt()));
    n.put("occurrences", o.occurrences());
    n.put("canonical", o.canonical());
    return n;
  }

  private static AlertState.Observation observation(JsonNode n) {
    List<AlertState.AlertLink> links = new ArrayList<>();
    for (JsonNode l : n.path("links")) {
      links.add(new AlertState.AlertLink(l.hasNonNull("kind") ? LinkKind.valueOf(l.get("kind").asText()) : null,
          text(l, "url"), text(l, "title")));
    }
    return new AlertState.Observation(instant(n, "at"), n.path("resolved").asBoolean(), text(n, "name"),
        text(n, "service"), text(n, "environment"), Severity.valueOf(n.path("severity").asText()),
        AlertSource.valueOf(n.path("source").asText()), text(n, "summary"), text(n, "description"),
        map(n.path("labels")), map(n.path("annotations")), List.copyOf(links), instant(n, "startsAt"),
        instant(n, "endsAt"), instant(n, "observedAt"), n.path("occurrences").asLong(), text(n, "canonical"));
  }

  private static SortedMap<String, String> map(JsonNode n) {
    TreeMap<String, String> m = new TreeMap<>();
    n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
    return Collections.unmodifiableSortedMap(m);
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Instant instant(JsonNode n, String field) {
    String t = text(n, field);
    return t == null ? null : Instant.parse(t);
  }

  private static String str(Instant i) {
    return i == null ? null : i.toString();
  }
}
