package dev.stormwatch.correlator.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stormwatch.avro.AlertSource;
import dev.stormwatch.avro.LinkKind;
import dev.stormwatch.avro.Severity;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every field of an {@link AlertState} as compact JSON (version 1), so a state store keeps the whole
 * merge state: the latest observation, the first/last instants, the recent (time, status) points and
 * the distinct-observation sketch. Instants are ISO-8601 strings (exact to the nanosecond).
 */
final class AlertStateCodec {

  static final int VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();

  private AlertStateCodec() {}

  static byte[] encode(AlertState a) {
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

  /** @throws IllegalArgumentException when the bytes are not an encoded state of a known version */
  static AlertState decode(byte[] bytes) {
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
