package dev.stormwatch.common.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaParseException;

/**
 * A small in-memory Schema Registry on the JDK's HTTP server, answering the Confluent REST API
 * the way a real registry does (ids shared across subjects, BACKWARD checks, error codes), plus
 * scripted faults ({@link #failNext}) and a request log. Test scope only; the real embedded
 * registry lives in the devstack module.
 */
public final class FakeSchemaRegistry implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A canned answer served instead of the next request. */
  public record Fault(int status, String body, Map<String, String> headers) {}

  /** One request as received. */
  public record Request(String method, String pathAndQuery, Map<String, String> headers, String body) {}

  private final HttpServer server;
  private final Map<String, Integer> idsBySchema = new LinkedHashMap<>();
  private final Map<Integer, String> schemasById = new LinkedHashMap<>();
  private final Map<String, List<Integer>> versionsBySubject = new LinkedHashMap<>();
  private final Map<String, String> levelBySubject = new LinkedHashMap<>();
  private String globalLevel = "BACKWARD";
  private final Deque<Fault> faults = new ConcurrentLinkedDeque<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();

  private FakeSchemaRegistry(HttpServer server) {
    this.server = server;
  }

  public static FakeSchemaRegistry start() {
    try {
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      FakeSchemaRegistry registry = new FakeSchemaRegistry(server);
      server.createContext("/", registry::handle);
      server.setExecutor(Executors.newFixedThreadPool(4));
      server.start();
      return registry;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Serves {@code status}/{@code body} (and headers) to the next request instead of handling it. */
  public FakeSchemaRegistry failNext(int status, String body, Map<String, String> headers) {
    faults.add(new Fault(status, body, headers));
    return this;
  }

  public FakeSchemaRegistry failNext(int status, String body) {
    return failNext(status, body, Map.of());
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  public void clearRequests() {
    requests.clear();
  }

  /** Registers directly, as another producer would have. */
  public synchronized int registerDirectly(String subject, String schema) {
    return register(subject, new Schema.Parser().parse(schema));
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  // ---- handling ----------------------------------------------------------------------------

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      URI uri = ex.getRequestURI();
      Map<String, String> headers = new LinkedHashMap<>();
      ex.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
      requests.add(new Request(ex.getRequestMethod(), uri.getRawPath()
          + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery()), headers, body));
      Fault fault = faults.poll();
      if (fault != null) {
        fault.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
        send(ex, fault.status(), fault.body());
        return;
      }
      Answer answer;
      synchronized (this) {
        answer = route(ex.getRequestMethod(), uri.getRawPath(), query(uri.getRawQuery()), body);
      }
      send(ex, answer.status, answer.body);
    }
  }

  private record Answer(int status, String body) {}

  private static Answer ok(Object json) {
    return new Answer(200, json instanceof String s ? s : JSON.valueToTree(json).toString());
  }

  private static Answer error(int status, int code, String message) {
    ObjectNode n = JSON.createObjectNode().put("error_code", code).put("message", message);
    return new Answer(status, n.toString());
  }

  private Answer route(String method, String rawPath, Map<String, String> query, String body) throws IOException {
    List<String> p = new ArrayList<>();
    for (String s : rawPath.split("/")) {
      if (!s.isEmpty()) {
        p.add(URLDecoder.decode(s, StandardCharsets.UTF_8));
      }
    }
    if (p.isEmpty()) {
      return ok("{}");
    }
    switch (p.get(0)) {
      case "schemas":
        if (p.size() == 3 && p.get(1).equals("ids") && method.equals("GET")) {
          String s = schemasById.get(Integer.parseInt(p.get(2)));
          return s == null ? error(404, 40403, "Schema " + p.get(2) + " not found")
              : ok(JSON.createObjectNode().put("schema", s));
        }
        break;
      case "subjects":
        if (p.size() == 1 && method.equals("GET")) {
          return ok(versionsBySubject.keySet());
        }
        String subject = p.get(1);
        if (p.size() == 2 && method.equals("POST")) {
          Schema schema = parse(body);
          if (schema == null) {
            return error(422, 42201, "Invalid schema");
          }
          if (!versionsBySubject.containsKey(subject)) {
            return error(404, 40401, "Subject '" + subject + "' not found.");
          }
          Integer id = idsBySchema.get(schema.toString());
          List<Integer> ids = versionsBySubject.get(subject);
          if (id == null || !ids.contains(id)) {
            return error(404, 40403, "Schema not found");
          }
          return ok(version(subject, ids.indexOf(id) + 1));
        }
        if (p.size() == 2 && method.equals("DELETE")) {
          List<Integer> ids = versionsBySubject.remove(subject);
          if (ids == null) {
            return error(404, 40401, "Subject '" + subject + "' not found.");
          }
          ArrayNode versions = JSON.createArrayNode();
          for (int i = 1; i <= ids.size(); i++) {
            versions.add(i);
          }
          return ok(versions.toString());
        }
        if (p.size() == 3 && p.get(2).equals("versions")) {
          if (method.equals("GET")) {
            List<Integer> ids = versionsBySubject.get(subject);
            if (ids == null) {
              return error(404, 40401, "Subject '" + subject + "' not found.");
            }
            List<Integer> versions = new ArrayList<>();
            for (int i = 1; i <= ids.size(); i++) {
              versions.add(i);
            }
            return ok(versions);
          }
          if (method.equals("POST")) {
            Schema schema = parse(body);
            if (schema == null) {
              return error(422, 42201, "Either the input schema or one its references is invalid");
            }
            List<Integer> ids = versionsBySubject.get(subject);
            Integer existing = idsBySchema.get(schema.toString());
            if (ids != null && existing != null && ids.contains(existing)) {
              return ok(JSON.createObjectNode().put("id", existing));
            }
            if (ids != null && !ids.isEmpty() && !level(subject).equals("NONE")) {
              Schema latest = new Schema.Parser().parse(schemasById.get(ids.get(ids.size() - 1)));
              if (!compatible(level(subject), schema, latest)) {
                return error(409, 409, "Schema being registered is incompatible with an earlier schema for subject \""
                    + subject + "\"");
              }
            }
            return ok(JSON.createObjectNode().put("id", register(subject, schema)));
          }
        }
        if (p.size() == 4 && p.get(2).equals("versions") && method.equals("GET")) {
          List<Integer> ids = versionsBySubject.get(subject);
          if (ids == null) {
            return error(404, 40401, "Subject '" + subject + "' not found.");
          }
          int v = p.get(3).equals("latest") ? ids.size() : Integer.parseInt(p.get(3));
          if (v < 1 || v > ids.size()) {
            return error(404, 40402, "Version " + p.get(3) + " not found.");
          }
          return ok(version(subject, v));
        }
        break;
      case "compatibility":
        if (p.size() == 5 && method.equals("POST")) {
          String subj = p.get(2);
          List<Integer> ids = versionsBySubject.get(subj);
          if (ids == null) {
            return error(404, 40401, "Subject '" + subj + "' not found.");
          }
          Schema schema = parse(body);
          if (schema == null) {
            return error(422, 42201, "Invalid schema");
          }
          int v = p.get(4).equals("latest") ? ids.size() : Integer.parseInt(p.get(4));
          Schema against = new Schema.Parser().parse(schemasById.get(ids.get(v - 1)));
          boolean ok = compatible(level(subj), schema, against);
          ObjectNode n = JSON.createObjectNode().put("is_compatible", ok);
          if ("true".equals(query.get("verbose"))) {
            ArrayNode messages = n.putArray("messages");
            if (!ok) {
              messages.add("reader cannot read writer: " + level(subj));
            }
          }
          return ok(n.toString());
        }
        break;
      case "config":
        if (p.size() == 1) {
          if (method.equals("GET")) {
            return ok(JSON.createObjectNode().put("compatibilityLevel", globalLevel));
          }
          globalLevel = JSON.readTree(body).get("compatibility").asText();
          return ok(JSON.createObjectNode().put("compatibility", globalLevel));
        }
        if (method.equals("GET")) {
          String level = levelBySubject.get(p.get(1));
          return level == null
              ? error(404, 40408, "Subject '" + p.get(1) + "' does not have subject-level compatibility configured")
              : ok(JSON.createObjectNode().put("compatibilityLevel", level));
        }
        String level = JSON.readTree(body).get("compatibility").asText();
        levelBySubject.put(p.get(1), level);
        return ok(JSON.createObjectNode().put("compatibility", level));
      default:
        break;
    }
    return error(404, 404, "HTTP 404 Not Found");
  }

  private String level(String subject) {
    return levelBySubject.getOrDefault(subject, globalLevel);
  }

  private static boolean compatible(String level, Schema candidate, Schema existing) {
    boolean backward = SchemaCompatibility.checkReaderWriterCompatibility(candidate, existing).getType()
        == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
    boolean forward = SchemaCompatibility.checkReaderWriterCompatibility(existing, candidate).getType()
        == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE;
    return switch (level) {
      case "NONE" -> true;
      case "BACKWARD", "BACKWARD_TRANSITIVE" -> backward;
      case "FORWARD", "FORWARD_TRANSITIVE" -> forward;
      default -> backward && forward;
    };
  }

  private int register(String subject, Schema schema) {
    String canonical = schema.toString();
    Integer id = idsBySchema.get(canonical);
    if (id == null) {
      id = 100 + idsBySchema.size() + 1;
      idsBySchema.put(canonical, id);
      schemasById.put(id, canonical);
    }
    List<Integer> ids = versionsBySubject.computeIfAbsent(subject, s -> new ArrayList<>());
    if (!ids.contains(id)) {
      ids.add(id);
    }
    return id;
  }

  private ObjectNode version(String subject, int version) {
    int id = versionsBySubject.get(subject).get(version - 1);
    return JSON.createObjectNode().put("subject", subject).put("version", version).put("id", id)
        .put("schema", schemasById.get(id));
  }

  private static Schema parse(String body) throws IOException {
    JsonNode n = JSON.readTree(body);
    try {
      return new Schema.Parser().parse(n.path("schema").asText());
    } catch (SchemaParseException | NullPointerException e) {
      return null;
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> out = new LinkedHashMap<>();
    if (raw != null) {
      for (String kv : raw.split("&")) {
        int i = kv.indexOf('=');
        out.put(i < 0 ? kv : kv.substring(0, i), i < 0 ? "" : URLDecoder.decode(kv.substring(i + 1), StandardCharsets.UTF_8));
      }
    }
    return out;
  }

  private static void send(HttpExchange ex, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/vnd.schemaregistry.v1+json");
    ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    if (bytes.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(bytes);
      }
    }
  }
}
