package dev.stormwatch.common.registry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SchemaRegistryClient} over the Confluent REST API with {@link java.net.http.HttpClient}.
 *
 * <p>Retries: connection failures, timeouts, 408, 429 and 5xx are retried up to {@link
 * SchemaRegistryConfig#maxRetries()} times with exponential backoff and jitter, honouring {@code
 * Retry-After}, all within {@link SchemaRegistryConfig#retryDeadline()}. A connection failure
 * first moves on to the next base URL without waiting. Other 4xx answers fail at once. Failures
 * are logged when their kind changes, not on every attempt.
 *
 * <p>Caches: id → schema forever (ids are immutable) and (subject, schema) → id, each bounded by
 * {@link SchemaRegistryConfig#cacheCapacity()} (cleared when full, which only costs a re-fetch).
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

  /** The registry's versioned media type, sent as {@code Content-Type}. */
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";

  static final String ACCEPT =
      "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, "
          + "application/json; qs=0.5";

  private static final Logger log = LoggerFactory.getLogger(RestSchemaRegistryClient.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final SchemaRegistryConfig config;
  private final HttpClient http;
  private final Optional<String> authorization;
  private final Map<Integer, String> schemasById = new ConcurrentHashMap<>();
  private final Map<SubjectSchema, Integer> idsBySubjectSchema = new ConcurrentHashMap<>();
  /** Index of the base URL that answered last; connection failures move it on. */
  private volatile int preferredUrl;
  /** Kind of the last failure logged at WARN, so a flapping registry does not flood the log. */
  private volatile String lastLoggedFailure;

  private record SubjectSchema(String subject, String schema, boolean normalize) {}

  public RestSchemaRegistryClient(SchemaRegistryConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.http = HttpClient.newBuilder()
        .connectTimeout(config.connectTimeout())
        .version(HttpClient.Version.HTTP_1_1)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .build();
    this.authorization = config.basicAuthUserInfo()
        .map(u -> "Basic " + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8)))
        .or(() -> config.bearerToken().map(t -> "Bearer " + t));
  }

  public SchemaRegistryConfig config() {
    return config;
  }

  @Override
  public int register(String subject, String schema, boolean normalize) {
    SubjectSchema key = new SubjectSchema(subject, schema, normalize);
    Integer cached = idsBySubjectSchema.get(key);
    if (cached != null) {
      return cached;
    }
    JsonNode body = call("register schema under subject '" + subject + "'", "POST",
        "/subjects/" + segment(subject) + "/versions" + (normalize ? "?normalize=true" : ""),
        schemaBody(schema));
    int id = requiredInt(body, "id");
    cache(idsBySubjectSchema, key, id);
    // the id now stands for this schema, so a reader in this process need not fetch it
    cache(schemasById, id, schema);
    return id;
  }

  @Override
  public String getSchemaById(int id) {
    return getSchemaById(id, null);
  }

  @Override
  public String getSchemaById(int id, String subject) {
    String cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    String query = subject == null ? "" : "?subject=" + query(subject);
    JsonNode body = call("get schema id " + id, "GET", "/schemas/ids/" + id + query, null);
    String schema = requiredText(body, "schema");
    cache(schemasById, id, schema);
    return schema;
  }

  @Override
  public int getId(String subject, String schema, boolean normalize) {
    SubjectSchema key = new SubjectSchema(subject, schema, normalize);
    Integer cached = idsBySubjectSchema.get(key);
    if (cached != null) {
      return cached;
    }
    JsonNode body = call("look up schema under subject '" + subject + "'", "POST",
        "/subjects/" + segment(subject) + (normalize ? "?normalize=true" : ""), schemaBody(schema));
    int id = requiredInt(body, "id");
    cache(idsBySubjectSchema, key, id);
    if (body.hasNonNull("schema")) {
      cache(schemasById, id, body.get("schema").asText());
    }
    return id;
  }

  @Override
  public RegisteredSchema getLatestVersion(String subject) {
    return version(subject, "latest");
  }

  @Override
  public RegisteredSchema getVersion(String subject, int version) {
    return version(subject, Integer.toString(version));
  }

  private RegisteredSchema version(String subject, String version) {
    JsonNode body = call("get version " + version + " of subject '" + subject + "'", "GET",
        "/subjects/" + segment(subject) + "/versions/" + version, null);
    RegisteredSchema rs = new RegisteredSchema(
        body.path("subject").asText(subject),
        requiredInt(body, "id"),
        requiredInt(body, "version"),
        requiredText(body, "schema"),
        body.path("schemaType").asText("AVRO"));
    cache(schemasById, rs.id(), rs.schema());
    return rs;
  }

  @Override
  public List<String> listSubjects() {
    JsonNode body = call("list subjects", "GET", "/subjects", null);
    List<String> out = new ArrayList<>();
    body.forEach(n -> out.add(n.asText()));
    return List.copyOf(out);
  }

  @Override
  public List<Integer> listVersions(String subject) {
    return ints(call("list versions of subject '" + subject + "'", "GET",
        "/subjects/" + segment(subject) + "/versions", null));
  }

  @Override
  public CompatibilityResult testCompatibility(
      String subject, String schema, String version, boolean verbose) {
    JsonNode body = call("test compatibility with subject '" + subject + "'", "POST",
        "/compatibility/subjects/" + segment(subject) + "/versions/" + segment(version)
            + (verbose ? "?verbose=true" : ""),
        schemaBody(schema));
    List<String> messages = new ArrayList<>();
    body.path("messages").forEach(m -> messages.add(m.asText()));
    return new CompatibilityResult(body.path("is_compatible").asBoolean(false), messages);
  }

  @Override
  public CompatibilityLevel getGlobalCompatibility() {
    return level(call("get global compatibility", "GET", "/config", null));
  }

  @Override
  public CompatibilityLevel getCompatibility(String subject) {
    try {
      return level(call("get compatibility of subject '" + subject + "'", "GET",
          "/config/" + segment(subject), null));
    } catch (SchemaRegistryException e) {
      // 40408: no subject-level level; some registries answer 40401 for the same situation
      if (e.errorCode() == SchemaRegistryException.SUBJECT_COMPATIBILITY_NOT_CONFIGURED
          || e.isSubjectNotFound()) {
        return getGlobalCompatibility();
      }
      throw e;
    }
  }

  @Override
  public CompatibilityLevel setGlobalCompatibility(CompatibilityLevel level) {
    return level(call("set global compatibility", "PUT", "/config", levelBody(level)));
  }

  @Override
  public CompatibilityLevel setCompatibility(String subject, CompatibilityLevel level) {
    return level(call("set compatibility of subject '" + subject + "'", "PUT",
        "/config/" + segment(subject), levelBody(level)));
  }

  @Override
  public List<Integer> deleteSubject(String subject, boolean permanent) {
    List<Integer> versions = ints(call("delete subject '" + subject + "'", "DELETE",
        "/subjects/" + segment(subject) + (permanent ? "?permanent=true" : ""), null));
    idsBySubjectSchema.keySet().removeIf(k -> k.subject().equals(subject));
    return versions;
  }

  @Override
  public void close() {
    // java.net.http.HttpClient has no close() before Java 21; its threads are daemons and it is
    // reclaimed with this object. Caches go with it.
    schemasById.clear();
    idsBySubjectSchema.clear();
  }

  // ---- HTTP with retries -------------------------------------------------------------------

  private JsonNode call(String operation, String method, String pathAndQuery, String body) {
    long deadline = System.nanoTime() + config.retryDeadline().toNanos();
    List<URI> urls = config.baseUrls();
    int retries = 0;
    int connectFailuresInRound = 0;
    Exception lastCause = null;
    String lastFailure = null;
    while (true) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        throw giveUp(operation, "deadline of " + config.retryDeadline() + " exceeded", lastFailure, lastCause);
      }
      int urlIndex = Math.floorMod(preferredUrl, urls.size());
      URI uri = URI.create(urls.get(urlIndex) + pathAndQuery);
      Duration attemptTimeout = min(config.requestTimeout(), Duration.ofNanos(remaining));
      Duration retryAfter = null;
      try {
        HttpResponse<String> response = http.send(request(method, uri, body, attemptTimeout),
            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
          recovered(operation);
          return parse(operation, status, response.body());
        }
        SchemaRegistryException error = error(operation, status, response.body());
        if (!error.isRetriable()) {
          throw error;
        }
        lastFailure = "HTTP " + status + " (error_code " + error.errorCode() + ")";
        lastCause = error;
        retryAfter = retryAfter(response).orElse(null);
        connectFailuresInRound = 0;
      } catch (HttpTimeoutException e) {
        boolean connect = e instanceof HttpConnectTimeoutException;
        lastFailure = (connect ? "connect timeout to " : "request timeout from ") + urls.get(urlIndex);
        lastCause = e;
        if (connect && ++connectFailuresInRound < urls.size()) {
          preferredUrl = urlIndex + 1;
          logFailure(operation, lastFailure, e);
          continue;
        }
        connectFailuresInRound = 0;
        preferredUrl = urlIndex + 1;
      } catch (ConnectException e) {
        lastFailure = "cannot connect to " + urls.get(urlIndex);
        lastCause = e;
        preferredUrl = urlIndex + 1;
        if (++connectFailuresInRound < urls.size()) {
          logFailure(operation, lastFailure, e);
          continue; // next URL at once
        }
        connectFailuresInRound = 0;
      } catch (IOException e) {
        lastFailure = "I/O error with " + urls.get(urlIndex) + ": " + e.getClass().getSimpleName();
        lastCause = e;
        preferredUrl = urlIndex + 1;
        connectFailuresInRound = 0;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SchemaRegistryException(operation + " interrupted", e);
      }
      logFailure(operation, lastFailure, lastCause);
      if (retries >= config.maxRetries()) {
        throw giveUp(operation, "gave up after " + (retries + 1) + " attempts", lastFailure, lastCause);
      }
      Duration wait = retryAfter != null ? retryAfter : backoff(retries);
      if (System.nanoTime() + wait.toNanos() >= deadline) {
        throw giveUp(operation, "next attempt (in " + wait + ") would pass the deadline of "
            + config.retryDeadline(), lastFailure, lastCause);
      }
      retries++;
      sleep(operation, wait);
    }
  }

  private HttpRequest request(String method, URI uri, String body, Duration timeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri)
        .timeout(timeout)
        .header("Accept", ACCEPT);
    authorization.ifPresent(a -> b.header("Authorization", a));
    if (body != null) {
      b.header("Content-Type", CONTENT_TYPE);
      b.method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return b.build();
  }

  /** Exponential backoff with "equal jitter": half fixed, half random, capped. */
  Duration backoff(int retry) {
    long base = config.retryBackoff().toMillis();
    long cap = config.retryBackoffMax().toMillis();
    long exp = retry >= 30 ? cap : Math.min(cap, base << retry);
    long half = Math.max(1, exp / 2);
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
  }

  static Optional<Duration> retryAfter(HttpResponse<?> response) {
    Optional<String> value = response.headers().firstValue("Retry-After");
    if (value.isEmpty()) {
      return Optional.empty();
    }
    String v = value.get().trim();
    try {
      long seconds = Long.parseLong(v);
      return seconds < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(seconds));
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration d = Duration.between(ZonedDateTime.now(at.getZone()), at);
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
      } catch (DateTimeParseException notADate) {
        return Optional.empty();
      }
    }
  }

  private static void sleep(String operation, Duration wait) {
    try {
      Thread.sleep(wait.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException(operation + " interrupted while backing off", e);
    }
  }

  private SchemaRegistryException giveUp(String operation, String why, String lastFailure, Exception cause) {
    if (cause instanceof SchemaRegistryException answered) {
      // the registry did answer (429/5xx): keep its status and error code
      return new SchemaRegistryException(operation + " (" + why + ")",
          answered.httpStatus().orElse(-1), answered.errorCode(), answered.registryMessage(), true);
    }
    return new SchemaRegistryException(operation + " failed: registry unreachable at "
        + config.baseUrls() + " (" + why + "; last: " + lastFailure + ")", cause);
  }

  private void logFailure(String operation, String failure, Exception cause) {
    String kind = failure;
    if (!kind.equals(lastLoggedFailure)) {
      lastLoggedFailure = kind;
      log.warn("Schema Registry: {} : {} ({}); retrying within the deadline", operation, failure,
          cause == null ? "" : cause.toString());
    } else {
      log.debug("Schema Registry: {} : {}", operation, failure);
    }
  }

  private void recovered(String operation) {
    if (lastLoggedFailure != null) {
      lastLoggedFailure = null;
      log.info("Schema Registry reachable again ({})", operation);
    }
  }

  // ---- JSON --------------------------------------------------------------------------------

  private static JsonNode parse(String operation, int status, String body) {
    try {
      return JSON.readTree(body == null || body.isEmpty() ? "{}" : body);
    } catch (JsonProcessingException e) {
      throw new SchemaRegistryException(operation, status, status,
          "response is not JSON: " + abbreviate(body), false);
    }
  }

  static SchemaRegistryException error(String operation, int status, String body) {
    int errorCode = status;
    String message = abbreviate(body);
    try {
      JsonNode node = JSON.readTree(body == null || body.isEmpty() ? "{}" : body);
      if (node.has("error_code")) {
        errorCode = node.get("error_code").asInt(status);
      }
      if (node.hasNonNull("message")) {
        message = node.get("message").asText();
      }
    } catch (JsonProcessingException notJson) {
      // keep the raw (abbreviated) body as the message
    }
    boolean retriable = status == 408 || status == 429 || status >= 500;
    return new SchemaRegistryException(operation, status, errorCode, message, retriable);
  }

  private static String schemaBody(String schema) {
    ObjectNode node = JSON.createObjectNode();
    node.put("schema", Objects.requireNonNull(schema, "schema"));
    return node.toString();
  }

  private static String levelBody(CompatibilityLevel level) {
    return JSON.createObjectNode().put("compatibility", level.name()).toString();
  }

  private static CompatibilityLevel level(JsonNode body) {
    String v = body.hasNonNull("compatibilityLevel")
        ? body.get("compatibilityLevel").asText()
        : body.path("compatibility").asText(null);
    if (v == null) {
      throw new SchemaRegistryException("read compatibility level", 200, 200,
          "no compatibilityLevel in " + body, false);
    }
    return CompatibilityLevel.valueOf(v);
  }

  private static int requiredInt(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || !n.canConvertToInt()) {
      throw new SchemaRegistryException("read registry response", 200, 200,
          "missing integer '" + field + "' in " + abbreviate(body.toString()), false);
    }
    return n.asInt();
  }

  private static String requiredText(JsonNode body, String field) {
    JsonNode n = body.get(field);
    if (n == null || !n.isTextual()) {
      throw new SchemaRegistryException("read registry response", 200, 200,
          "missing string '" + field + "' in " + abbreviate(body.toString()), false);
    }
    return n.asText();
  }

  private static List<Integer> ints(JsonNode body) {
    List<Integer> out = new ArrayList<>();
    body.forEach(n -> out.add(n.asInt()));
    return List.copyOf(out);
  }

  private static String abbreviate(String s) {
    if (s == null) {
      return "";
    }
    return s.length() <= 500 ? s : s.substring(0, 500) + "...";
  }

  // ---- misc --------------------------------------------------------------------------------

  private <K, V> void cache(Map<K, V> cache, K key, V value) {
    if (cache.size() >= config.cacheCapacity()) {
      log.warn("Schema Registry client cache reached its capacity of {} entries ({}); clearing it",
          config.cacheCapacity(), SchemaRegistryConfig.CACHE_CAPACITY);
      cache.clear();
    }
    cache.put(key, value);
  }

  /** Percent-encodes one path segment (a subject may contain '/', ':' or spaces). */
  static String segment(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String query(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
