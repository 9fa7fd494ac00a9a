package dev.stormwatch.correlator.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stormwatch.avro.ChangeKind;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.correlator.rules.Change;
import dev.stormwatch.correlator.rules.IncidentMilestones;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON form of what {@code GET /api/stats} is computed from: an incident's
 * {@link IncidentMilestones} and a {@link Change}. The values of the window stores
 * {@value CorrelatorStores#STATS_INCIDENTS} and {@value CorrelatorStores#STATS_CHANGES}, and what
 * instances send each other to combine statistics. Times are epoch milliseconds; {@code v} is the
 * encoding's version.
 */
public final class StatsCodec {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int VERSION = 1;

  private StatsCodec() {}

  /** The JSON of an incident's milestones. */
  public static ObjectNode toJson(IncidentMilestones m) {
    ObjectNode n = JSON.createObjectNode();
    n.put("v", VERSION);
    n.put("id", m.id());
    n.put("service", m.service());
    n.put("team", m.team());
    n.put("severity", m.severity().name());
    ArrayNode services = n.putArray("services");
    m.services().forEach(services::add);
    time(n, "firstAlertAt", m.firstAlertAt());
    time(n, "openedAt", m.openedAt());
    time(n, "escalatedAt", m.escalatedAt());
    time(n, "acknowledgedAt", m.acknowledgedAt());
    time(n, "resolvedAt", m.resolvedAt());
    n.put("merged", m.merged());
    ArrayNode suspects = n.putArray("suspects");
    m.suspectChangeIds().forEach(suspects::add);
    return n;
  }

  /** @throws IllegalArgumentException when {@code n} is not the JSON of milestones of a known version */
  public static IncidentMilestones milestones(JsonNode n) {
    version(n);
    Severity severity;
    try {
      severity = Severity.valueOf(n.path("severity").asText());
    } catch (IllegalArgumentException e) {
      severity = Severity.UNKNOWN;
    }
    return new IncidentMilestones(n.path("id").asText(), text(n, "service"), text(n, "team"), severity,
        strings(n.path("services")), time(n, "firstAlertAt"), time(n, "openedAt"), time(n, "escalatedAt"),
        time(n, "acknowledgedAt"), time(n, "resolvedAt"), n.path("merged").asBoolean(), strings(n.path("suspects")));
  }

  /** The JSON of a change. */
  public static ObjectNode toJson(Change c) {
    ObjectNode n = JSON.createObjectNode();
    n.put("v", VERSION);
    n.put("id", c.id());
    n.put("service", c.service());
    n.put("kind", c.kind().name());
    n.put("summary", c.summary());
    n.put("version", c.version());
    n.put("author", c.author());
    n.put("environment", c.environment());
    n.put("link", c.link());
    time(n, "time", c.time());
    return n;
  }

  /** @throws IllegalArgumentException when {@code n} is not the JSON of a change of a known version */
  public static Change change(JsonNode n) {
    version(n);
    ChangeKind kind;
    try {
      kind = ChangeKind.valueOf(n.path("kind").asText());
    } catch (IllegalArgumentException e) {
      kind = ChangeKind.OTHER;
    }
    return new Change(n.path("id").asText(), n.path("service").asText(), kind, text(n, "summary"),
        text(n, "version"), text(n, "author"), text(n, "environment"), text(n, "link"), time(n, "time"));
  }

  /** Bytes of a JSON node, for a store. */
  public static byte[] bytes(JsonNode n) {
    try {
      return JSON.writeValueAsBytes(n);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write JSON", e);
    }
  }

  /** The JSON node of stored bytes. */
  public static JsonNode parse(byte[] bytes) {
    try {
      return JSON.readTree(bytes);
    } catch (IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
    }
  }

  private static void version(JsonNode n) {
    if (n == null || !n.isObject() || n.path("v").asInt() != VERSION) {
      throw new IllegalArgumentException("unknown statistics record version: " + (n == null ? null : n.path("v")));
    }
  }

  private static void time(ObjectNode n, String field, Instant t) {
    if (t == null) {
      n.putNull(field);
    } else {
      n.put(field, t.toEpochMilli());
    }
  }

  private static Instant time(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : Instant.ofEpochMilli(v.asLong());
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(s -> out.add(s.asText()));
    return out;
  }
}
