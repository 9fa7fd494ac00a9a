package dev.stormwatch.ingest.logs;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.ingest.normalize.Scales;
import dev.stormwatch.ingest.normalize.ServiceResolver;
import dev.stormwatch.ingest.raw.RawHeaders;
import dev.stormwatch.ingest.raw.RawRecord;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a raw record of {@code alerts.raw.logs} into {@link LogEntry}s. Pure and thread-safe;
 * {@link #parse} never throws: what it cannot read comes back as a
 * {@link LogParseResult.Reject} with a one-line reason.
 *
 * <p>Body layout, decided per body: a {@code content-type: text/plain} header makes every line a
 * plain line. Otherwise the body is read as a sequence of documents: a document that starts with
 * {@code {} (or {@code [} followed by {@code {}, {@code [} or {@code ]}) is JSON and may span
 * lines (NDJSON, one pretty-printed document, concatenated documents, a JSON array of records);
 * any other line is a plain line. Invalid JSON is rejected from its first line up to the next line
 * that starts a JSON document at column 0, so the good lines of an NDJSON body survive.
 *
 * <p>Each JSON object is recognised by its shape (the {@link RawHeaders#FORMAT} header is not
 * needed): {@code resourceLogs} → OTLP/JSON; {@code streams} → Loki push; {@code ecs.version},
 * {@code log.level} or {@code log.logger} (dotted or nested) → ECS; {@code source_type} or
 * Kubernetes pod metadata with {@code message} → Vector; a string {@code log} → Fluent Bit; any
 * other object → generic JSON. See {@code ingest/README.md} for every field each format reads.
 */
public final class LogParser {

  /**
   * The default plain-line pattern: {@code <timestamp> <LEVEL> [service] message}, the service
   * part optional. Named groups read: {@code timestamp}, {@code level}, {@code service},
   * {@code message}, {@code logger}, {@code host} (each optional in a custom pattern).
   */
  public static final String DEFAULT_PLAIN_PATTERN =
      "^(?<timestamp>\\S+)\\s+(?<level>[A-Z]+)\\s+(?:\\[(?<service>[^\\]]+)\\]\\s+)?(?<message>.*)$";

  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
      .build();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private static final int MAX_FLATTEN_DEPTH = 16;
  private static final String LOGS = Scales.LOGS;

  private static final List<String> LEVEL_KEYS = List.of(
      "log.level", "level", "severity", "lvl", "loglevel", "log_level", "levelname", "severity_text",
      "severityText", "detected_level");
  private static final List<String> TIMESTAMP_KEYS = List.of(
      "@timestamp", "timestamp", "time", "ts", "datetime", "date");
  private static final List<String> LOGGER_KEYS = List.of(
      "log.logger", "logger", "logger_name", "loggerName", "log.origin.function");
  private static final List<String> EXCEPTION_TYPE_KEYS = List.of(
      "error.type", "exception.type", "exception.class", "error.kind", "exc_type");
  private static final List<String> EXCEPTION_MESSAGE_KEYS = List.of(
      "error.message", "exception.message");
  private static final List<String> STACK_KEYS = List.of(
      "error.stack_trace", "exception.stacktrace", "exception.stack_trace", "error.stack", "stack_trace",
      "stacktrace", "stack");
  private static final List<String> HOST_KEYS = List.of(
      "host.name", "host.hostname", "hostname", "host", "kubernetes.host", "kubernetes.pod_node_name",
      "k8s.node.name");
  private static final List<String> ENVIRONMENT_KEYS = List.of(
      "service.environment", "deployment.environment.name", "deployment.environment", "environment", "env",
      "labels.environment", "labels.env");
  private static final List<String> LOKI_LEVEL_LABELS = List.of(
      "level", "detected_level", "severity", "lvl", "loglevel");

  private static final Pattern GROUP_NAME = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");
  private static final Pattern NUMERIC = Pattern.compile("-?\\d+(\\.\\d+)?([eE][+-]?\\d+)?");
  private static final Pattern EXCEPTION_HEADER = Pattern.compile(
      "^(?:Caused by: |Suppressed: )?((?:[a-zA-Z_$][\\w$]*\\.)*[a-zA-Z_$][\\w$]*(?:Exception|Error|Throwable|Failure))"
          + "(?::\\s?(.*))?$");
  private static final DateTimeFormatter LENIENT_ISO = new DateTimeFormatterBuilder()
      .parseCaseInsensitive()
      .append(DateTimeFormatter.ISO_LOCAL_DATE)
      .optionalStart().appendLiteral('T').optionalEnd()
      .optionalStart().appendLiteral(' ').optionalEnd()
      .append(DateTimeFormatter.ISO_LOCAL_TIME)
      .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
      .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
      .toFormatter(Locale.ROOT);
  private static final String[] OTLP_LEVELS = {"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"};

  private final ServiceResolver resolver;
  private final Scales scales;
  private final Pattern plainPattern;
  private final Set<String> plainGroups;

  /**
   * @param resolver     names services from the flattened fields (or labels)
   * @param scales       maps level text to {@link Severity}, source {@code logs}
   * @param plainPattern pattern for plain lines; its named groups {@code timestamp}, {@code level},
   *                     {@code service}, {@code message}, {@code logger}, {@code host} are read
   *                     when present
   */
  public LogParser(ServiceResolver resolver, Scales scales, Pattern plainPattern) {
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    this.scales = Objects.requireNonNull(scales, "scales");
    this.plainPattern = Objects.requireNonNull(plainPattern, "plainPattern");
    Set<String> groups = new LinkedHashSet<>();
    Matcher m = GROUP_NAME.matcher(plainPattern.pattern());
    while (m.find()) {
      groups.add(m.group(1));
    }
    this.plainGroups = Set.copyOf(groups);
  }

  /** Default service keys, default scales and {@link #DEFAULT_PLAIN_PATTERN}. */
  public static LogParser defaults() {
    return new LogParser(ServiceResolver.defaults(), Scales.defaults(), Pattern.compile(DEFAULT_PLAIN_PATTERN));
  }

  /** The plain-line pattern in use. */
  public Pattern plainPattern() {
    return plainPattern;
  }

  /**
   * Parses one raw record. Never throws for any input.
   *
   * @param raw the record; its {@link RawRecord#receivedAt()} is the time of entries without one
   * @return the entries and the rejected parts
   */
  public LogParseResult parse(RawRecord raw) {
    Context ctx = new Context(raw.receivedAt());
    try {
      parseBody(raw, ctx);
    } catch (RuntimeException e) {
      // A bug here must not stop the stream: the record goes to the DLQ with the reason.
      ctx.reject("internal log parser error: " + e, raw.text());
    }
    return new LogParseResult(ctx.entries, ctx.rejects);
  }

  private void parseBody(RawRecord raw, Context ctx) {
    byte[] body = raw.body();
    if (body.length == 0) {
      return;
    }
    String contentType = raw.header(RawHeaders.CONTENT_TYPE).orElse("").trim().toLowerCase(Locale.ROOT);
    if (contentType.contains("protobuf") || contentType.contains("snappy") || contentType.contains("octet-stream")
        || contentType.contains("gzip")) {
      ctx.reject("unsupported content-type '" + contentType + "': only JSON and text log bodies are read", "");
      return;
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(body)).toString();
    } catch (CharacterCodingException e) {
      ctx.reject("body is not UTF-8 text (binary or compressed payload?): " + e.getMessage(),
          new String(body, StandardCharsets.UTF_8));
      return;
    }
    if (text.indexOf('\0') >= 0) {
      ctx.reject("body contains NUL characters (binary payload?)", text);
      return;
    }
    if (text.startsWith("\uFEFF")) {
      text = text.substring(1);
    }
    if (contentType.startsWith("text/plain")) {
      for (String line : text.split("\n", -1)) {
        plainLine(stripCr(line), ctx);
      }
      ctx.flushPlain();
      return;
    }
    parseDocuments(text.toCharArray(), ctx);
    ctx.flushPlain();
  }

  private void parseDocuments(char[] chars, Context ctx) {
    Lines lines = new Lines(chars);
    int n = chars.length;
    int pos = 0;
    while (pos < n) {
      while (pos < n && Character.isWhitespace(chars[pos])) {
        pos++;
      }
      if (pos >= n) {
        break;
      }
      if (!looksLikeJson(chars, pos)) {
        int eol = lines.endOfLine(pos);
        plainLine(stripCr(new String(chars, pos, eol - pos)), ctx);
        pos = eol + 1;
        continue;
      }
      ctx.flushPlain();
      int startLine = lines.lineOf(pos);
      JsonNode node;
      int end;
      try (JsonParser parser = FACTORY.createParser(chars, pos, n - pos)) {
        node = MAPPER.readTree(parser);
        end = pos + (int) parser.currentLocation().getCharOffset();
      } catch (IOException e) {
        int resume = lines.nextJsonLineStart(pos, chars);
        String where = location(e, lines, pos);
        ctx.reject("invalid JSON in the document starting at line " + startLine + where + ": "
            + originalMessage(e), new String(chars, pos, resume - pos).strip());
        pos = resume;
        continue;
      }
      document(node, startLine, ctx);
      int after = end;
      while (after < n && (chars[after] == ' ' || chars[after] == '\t' || chars[after] == '\r')) {
        after++;
      }
      if (after < n && chars[after] != '\n' && !looksLikeJson(chars, after)) {
        int eol = lines.endOfLine(after);
        ctx.reject("unexpected text after the JSON document at line " + lines.lineOf(after),
            new String(chars, after, eol - after));
        after = eol;
      }
      pos = Math.max(after, pos + 1);
    }
  }

  private void document(JsonNode node, int line, Context ctx) {
    if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        JsonNode element = array.get(i);
        if (element instanceof ObjectNode object) {
          object(object, ctx);
        } else {
          ctx.reject("element " + i + " of the JSON array at line " + line + " is not an object but "
              + kind(element), element.toString());
        }
      }
    } else if (node instanceof ObjectNode object) {
      object(object, ctx);
    } else {
      ctx.reject("JSON document at line " + line + " is not an object but " + kind(node), String.valueOf(node));
    }
  }

  private void object(ObjectNode object, Context ctx) {
    if (object.has("resourceLogs")) {
      otlp(object, ctx);
    } else if (object.has("streams")) {
      loki(object, ctx);
    } else {
      LogFormat format = detect(object);
      ctx.entries.add(record(object, format, ctx.receivedAt, null));
    }
  }

  static LogFormat detect(ObjectNode o) {
    if (path(o, "ecs.version") != null || textual(path(o, "log.level")) || path(o, "log.logger") != null) {
      return LogFormat.ECS;
    }
    if (textual(o.get("source_type")) || (o.has("message")
        && (path(o, "kubernetes.pod_labels") != null || path(o, "kubernetes.pod_namespace") != null))) {
      return LogFormat.VECTOR;
    }
    if (textual(o.get("log"))) {
      return LogFormat.FLUENT_BIT;
    }
    return LogFormat.JSON;
  }

  /**
   * One flat JSON record (ECS, Fluent Bit, Vector, generic, or a JSON line inside a Loki entry).
   *
   * @param labels extra fields that come from an envelope (Loki stream labels), or null
   */
  private LogEntry record(ObjectNode o, LogFormat format, long receivedAt, Map<String, String> labels) {
    Map<String, String> fields = new LinkedHashMap<>();
    if (labels != null) {
      fields.putAll(labels);
    }
    flatten(o, "", fields, 0);
    List<String> messageKeys = switch (format) {
      case ECS, VECTOR -> List.of("message");
      case FLUENT_BIT -> List.of("log", "message");
      default -> List.of("message", "msg", "log", "body", "text");
    };
    String messageKey = firstPresent(o, messageKeys);
    String message = messageKey == null ? null : stripTrailing(text(path(o, messageKey)));

    // A shipper envelope whose line is itself JSON: the inner document's fields win.
    ObjectNode inner = null;
    if ((format == LogFormat.FLUENT_BIT || format == LogFormat.VECTOR || format == LogFormat.JSON)
        && message != null && message.strip().startsWith("{")) {
      inner = innerObject(message);
    }
    if (inner != null) {
      Map<String, String> innerFields = new LinkedHashMap<>();
      flatten(inner, "", innerFields, 0);
      fields.putAll(innerFields);
      String innerKey = firstPresent(inner, List.of("message", "msg", "log"));
      message = innerKey == null ? message : stripTrailing(text(path(inner, innerKey)));
    }
    ObjectNode[] sources = inner == null ? new ObjectNode[] {o} : new ObjectNode[] {inner, o};

    String level = null;
    if (labels != null) {
      level = firstLabel(labels, LOKI_LEVEL_LABELS);
    }
    if (level == null) {
      level = firstText(sources, LEVEL_KEYS);
    }
    Long time = null;
    String unparsedTime = null;
    for (ObjectNode source : sources) {
      String key = firstPresent(source, TIMESTAMP_KEYS);
      if (key != null && time == null) {
        JsonNode value = path(source, key);
        time = parseTime(value);
        if (time == null) {
          unparsedTime = text(value);
        }
      }
    }
    String service = null;
    String logger = firstText(sources, LOGGER_KEYS);
    String host = firstText(sources, HOST_KEYS);
    // A plain text line inside a shipper envelope is read through the plain pattern for its level.
    if (inner == null && message != null && level == null && format != LogFormat.ECS) {
      Matcher m = plainPattern.matcher(message);
      if (plausible(m)) {
        level = group(m, "level");
        service = group(m, "service");
        logger = logger == null ? group(m, "logger") : logger;
        host = host == null ? group(m, "host") : host;
        String plainMessage = group(m, "message");
        message = plainMessage == null ? message : plainMessage;
      }
    }
    String exceptionType = firstText(sources, EXCEPTION_TYPE_KEYS);
    String exceptionMessage = firstText(sources, EXCEPTION_MESSAGE_KEYS);
    String stackKey = null;
    String stack = null;
    for (ObjectNode source : sources) {
      String key = firstPresent(source, STACK_KEYS);
      if (key != null && stack == null) {
        stackKey = key;
        stack = stackText(path(source, key));
      }
    }
    fields.remove(messageKey);
    if (stackKey != null) {
      fields.remove(stackKey);
    }
    if (inner != null) {
      fields.remove("message");
      fields.remove("msg");
    }
    if (unparsedTime != null) {
      fields.put(LogEntry.UNPARSED_TIMESTAMP, unparsedTime);
    }
    String resolved = resolver.resolve(resolutionFields(fields));
    if (ServiceResolver.UNKNOWN.equals(resolved) && service != null) {
      resolved = resolver.canonical(service);
    }
    return entry(resolved, first(fields, ENVIRONMENT_KEYS), level, time == null ? receivedAt : time, message,
        logger, exceptionType, exceptionMessage, stack, host, fields, format);
  }

  private LogEntry entry(String service, String environment, String level, long time, String message,
                         String logger, String exceptionType, String exceptionMessage, String stack, String host,
                         Map<String, String> fields, LogFormat format) {
    Severity severity = level == null || level.isBlank() ? Severity.INFO
        : scales.severityOf(LOGS, level, Severity.UNKNOWN);
    return withException(service, environment, severity, level, time, message, logger, exceptionType,
        exceptionMessage, stack, host, fields, format);
  }

  private static LogEntry withException(String service, String environment, Severity severity, String level,
                                        long time, String message, String logger, String exceptionType,
                                        String exceptionMessage, String stack, String host,
                                        Map<String, String> fields, LogFormat format) {
    if (stack != null && stack.isBlank()) {
      stack = null;
    }
    if (exceptionType == null && stack != null) {
      Matcher header = EXCEPTION_HEADER.matcher(firstLine(stack.strip()));
      if (header.matches()) {
        exceptionType = header.group(1);
        exceptionMessage = exceptionMessage == null ? header.group(2) : exceptionMessage;
      }
    }
    return new LogEntry(service, environment, severity, level, time, message, logger,
        blankToNull(exceptionType), blankToNull(exceptionMessage), stack, host, fields, format);
  }

  // ---- OTLP/JSON ---------------------------------------------------------------------------

  private void otlp(ObjectNode request, Context ctx) {
    JsonNode resourceLogs = request.get("resourceLogs");
    if (!(resourceLogs instanceof ArrayNode)) {
      ctx.reject("OTLP resourceLogs is not an array but " + kind(resourceLogs), request.toString());
      return;
    }
    for (int r = 0; r < resourceLogs.size(); r++) {
      JsonNode rl = resourceLogs.get(r);
      if (!(rl instanceof ObjectNode)) {
        ctx.reject("OTLP resourceLogs[" + r + "] is not an object", String.valueOf(rl));
        continue;
      }
      Map<String, String> resource = new LinkedHashMap<>();
      flatten(otlpAttributes(rl.path("resource").get("attributes")), "", resource, 0);
      JsonNode scopeLogs = rl.has("scopeLogs") ? rl.get("scopeLogs") : rl.get("instrumentationLibraryLogs");
      if (scopeLogs == null || scopeLogs.isNull()) {
        continue;
      }
      if (!(scopeLogs instanceof ArrayNode)) {
        ctx.reject("OTLP resourceLogs[" + r + "].scopeLogs is not an array", scopeLogs.toString());
        continue;
      }
      for (int s = 0; s < scopeLogs.size(); s++) {
        JsonNode sl = scopeLogs.get(s);
        JsonNode records = sl.get("logRecords");
        if (records == null || records.isNull()) {
          continue;
        }
        if (!(records instanceof ArrayNode)) {
          ctx.reject("OTLP resourceLogs[" + r + "].scopeLogs[" + s + "].logRecords is not an array",
              records.toString());
          continue;
        }
        JsonNode scope = sl.has("scope") ? sl.get("scope") : sl.path("instrumentationLibrary");
        for (int i = 0; i < records.size(); i++) {
          JsonNode lr = records.get(i);
          String where = "OTLP resourceLogs[" + r + "].scopeLogs[" + s + "].logRecords[" + i + "]";
          if (!(lr instanceof ObjectNode)) {
            ctx.reject(where + " is not an object", String.valueOf(lr));
            continue;
          }
          ctx.entries.add(otlpRecord((ObjectNode) lr, resource, scope, ctx.receivedAt));
        }
      }
    }
  }

  private LogEntry otlpRecord(ObjectNode lr, Map<String, String> resource, JsonNode scope, long receivedAt) {
    Map<String, String> fields = new LinkedHashMap<>(resource);
    String scopeName = text(scope.get("name"));
    if (scopeName != null) {
      fields.put("otel.scope.name", scopeName);
    }
    String scopeVersion = text(scope.get("version"));
    if (scopeVersion != null) {
      fields.put("otel.scope.version", scopeVersion);
    }
    Map<String, String> scopeAttributes = new LinkedHashMap<>();
    flatten(otlpAttributes(scope.get("attributes")), "otel.scope.", scopeAttributes, 0);
    fields.putAll(scopeAttributes);
    Map<String, String> own = new LinkedHashMap<>();
    flatten(otlpAttributes(lr.get("attributes")), "", own, 0);
    // Resource attributes identify the emitter; a record attribute of the same key is kept aside.
    own.forEach((key, value) -> fields.put(resource.containsKey(key) ? "log.attributes." + key : key, value));
    for (String id : List.of("traceId", "spanId", "eventName")) {
      String value = text(lr.get(id));
      if (value != null && !value.isEmpty()) {
        fields.put(id, value);
      }
    }

    Long time = nanosToMillis(lr.get("timeUnixNano"));
    if (time == null) {
      time = nanosToMillis(lr.get("observedTimeUnixNano"));
    }
    int number = severityNumber(lr.get("severityNumber"));
    String severityText = blankToNull(text(lr.get("severityText")));
    String level = severityText != null ? severityText
        : number > 0 ? OTLP_LEVELS[Math.min(number - 1, 23) / 4] : null;
    Severity severity;
    if (number > 0) {
      severity = scales.severityOf(LOGS, OTLP_LEVELS[Math.min(number - 1, 23) / 4], Severity.UNKNOWN);
    } else if (severityText != null) {
      severity = scales.severityOf(LOGS, severityText, Severity.UNKNOWN);
    } else {
      severity = Severity.INFO;
    }

    JsonNode body = lr.get("body");
    String message;
    JsonNode bodyValue = anyValue(body);
    if (bodyValue == null || bodyValue.isNull()) {
      message = text(lr.get("eventName"));
    } else if (bodyValue.isTextual()) {
      message = bodyValue.asText();
    } else {
      flatten(bodyValue, "body.", fields, 0);
      message = lr.has("eventName") ? text(lr.get("eventName")) : bodyValue.toString();
    }
    String service = resolver.resolve(resolutionFields(resource));
    if (ServiceResolver.UNKNOWN.equals(service)) {
      service = resolver.resolve(resolutionFields(fields));
    }
    String exceptionType = firstOf(fields, "exception.type", "log.attributes.exception.type");
    String exceptionMessage = firstOf(fields, "exception.message", "log.attributes.exception.message");
    String stack = firstOf(fields, "exception.stacktrace", "log.attributes.exception.stacktrace");
    fields.remove("exception.stacktrace");
    return withException(service, first(fields, ENVIRONMENT_KEYS), severity, level,
        time == null ? receivedAt : time, stripTrailing(message), scopeName, exceptionType, exceptionMessage, stack,
        first(fields, HOST_KEYS), fields, LogFormat.OTLP_JSON);
  }

  /** OTLP {@code KeyValue[]} to a plain JSON object. */
  private static ObjectNode otlpAttributes(JsonNode attributes) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    if (attributes instanceof ArrayNode array) {
      for (JsonNode kv : array) {
        String key = text(kv.get("key"));
        if (key != null && !key.isEmpty()) {
          JsonNode value = anyValue(kv.get("value"));
          if (value != null) {
            out.set(key, value);
          }
        }
      }
    }
    return out;
  }

  /** OTLP {@code AnyValue} to a plain JSON value; null when absent or empty. */
  private static JsonNode anyValue(JsonNode value) {
    if (value == null || !value.isObject()) {
      return value == null || value.isNull() ? null : value;
    }
    JsonNodeFactory f = JsonNodeFactory.instance;
    if (value.has("stringValue")) {
      return f.textNode(value.get("stringValue").asText());
    }
    if (value.has("boolValue")) {
      return f.booleanNode(value.get("boolValue").asBoolean());
    }
    if (value.has("intValue")) {
      JsonNode v = value.get("intValue");
      try {
        return f.numberNode(new BigInteger(v.asText().trim()));
      } catch (NumberFormatException e) {
        return f.textNode(v.asText());
      }
    }
    if (value.has("doubleValue")) {
      JsonNode v = value.get("doubleValue");
      return v.isNumber() ? v : f.textNode(v.asText());
    }
    if (value.has("bytesValue")) {
      return f.textNode(value.get("bytesValue").asText());
    }
    if (value.has("arrayValue")) {
      ArrayNode out = f.arrayNode();
      JsonNode values = value.get("arrayValue").get("values");
      if (values instanceof ArrayNode array) {
        for (JsonNode v : array) {
          JsonNode converted = anyValue(v);
          out.add(converted == null ? f.nullNode() : converted);
        }
      }
      return out;
    }
    if (value.has("kvlistValue")) {
      return otlpAttributes(value.get("kvlistValue").get("values"));
    }
    return null;
  }

  private static int severityNumber(JsonNode node) {
    if (node == null || node.isNull()) {
      return 0;
    }
    if (node.isNumber()) {
      int n = node.asInt();
      return n >= 1 && n <= 24 ? n : 0;
    }
    String text = node.asText().trim().toUpperCase(Locale.ROOT);
    if (NUMERIC.matcher(text).matches()) {
      BigDecimal value = decimal(text);
      int n = value == null ? 0 : (int) Math.max(0, Math.min(25, value.doubleValue()));
      return n >= 1 && n <= 24 ? n : 0;
    }
    // protobuf JSON may spell the enum: SEVERITY_NUMBER_ERROR2
    Matcher m = Pattern.compile("SEVERITY_NUMBER_([A-Z]+)(\\d?)").matcher(text);
    if (m.matches()) {
      for (int i = 0; i < OTLP_LEVELS.length; i++) {
        if (OTLP_LEVELS[i].equals(m.group(1))) {
          int sub = m.group(2).isEmpty() ? 1 : Integer.parseInt(m.group(2));
          return i * 4 + Math.max(1, Math.min(4, sub));
        }
      }
    }
    return 0;
  }

  // ---- Loki push ---------------------------------------------------------------------------

  private void loki(ObjectNode push, Context ctx) {
    JsonNode streams = push.get("streams");
    if (!(streams instanceof ArrayNode)) {
      ctx.reject("Loki push: streams is not an array but " + kind(streams), push.toString());
      return;
    }
    for (int s = 0; s < streams.size(); s++) {
      JsonNode stream = streams.get(s);
      if (!(stream instanceof ObjectNode)) {
        ctx.reject("Loki push: streams[" + s + "] is not an object", String.valueOf(stream));
        continue;
      }
      Map<String, String> labels = new LinkedHashMap<>();
      JsonNode labelNode = stream.get("stream");
      if (labelNode instanceof ObjectNode) {
        flatten(labelNode, "", labels, 0);
      }
      JsonNode values = stream.get("values");
      if (!(values instanceof ArrayNode)) {
        ctx.reject("Loki push: streams[" + s + "].values is not an array but " + kind(values), stream.toString());
        continue;
      }
      for (int v = 0; v < values.size(); v++) {
        JsonNode value = values.get(v);
        String where = "Loki push: streams[" + s + "].values[" + v + "]";
        if (!(value instanceof ArrayNode) || value.size() < 2 || !value.get(1).isTextual()
            || !(value.get(0).isTextual() || value.get(0).isNumber())) {
          ctx.reject(where + " is not [\"<ns timestamp>\", \"<line>\"(, {metadata})]", String.valueOf(value));
          continue;
        }
        ctx.entries.add(lokiEntry(value, labels, ctx.receivedAt));
      }
    }
  }

  private LogEntry lokiEntry(JsonNode value, Map<String, String> labels, long receivedAt) {
    Map<String, String> meta = new LinkedHashMap<>(labels);
    if (value.size() > 2 && value.get(2) instanceof ObjectNode metadata) {
      flatten(metadata, "", meta, 0);
    }
    Long time = nanosToMillis(value.get(0));
    String line = value.get(1).asText();
    LogEntry entry;
    ObjectNode inner = line.strip().startsWith("{") ? innerObject(line) : null;
    if (inner != null) {
      entry = record(inner, LogFormat.LOKI, time == null ? receivedAt : time, meta);
    } else {
      Map<String, String> fields = new LinkedHashMap<>(meta);
      String level = firstLabel(meta, LOKI_LEVEL_LABELS);
      String message = stripTrailing(line);
      String service = resolver.resolve(resolutionFields(fields));
      String logger = null;
      String host = first(fields, HOST_KEYS);
      Matcher m = plainPattern.matcher(message);
      if (plausible(m)) {
        level = level == null ? group(m, "level") : level;
        String named = group(m, "service");
        if (ServiceResolver.UNKNOWN.equals(service) && named != null) {
          service = resolver.canonical(named);
        }
        logger = group(m, "logger");
        host = host == null ? group(m, "host") : host;
        String plainMessage = group(m, "message");
        message = plainMessage == null ? message : plainMessage;
      }
      entry = entry(service, first(fields, ENVIRONMENT_KEYS), level, time == null ? receivedAt : time, message,
          logger, null, null, null, host, fields, LogFormat.LOKI);
    }
    if (time == null) {
      Map<String, String> attributes = new LinkedHashMap<>(entry.attributes());
      attributes.put(LogEntry.UNPARSED_TIMESTAMP, value.get(0).asText());
      entry = new LogEntry(entry.service(), entry.environment(), entry.severity(), entry.level(), entry.timestamp(),
          entry.message(), entry.logger(), entry.exceptionType(), entry.exceptionMessage(), entry.stackTrace(),
          entry.host(), attributes, entry.format());
    }
    return entry;
  }

  // ---- plain lines -------------------------------------------------------------------------

  private void plainLine(String line, Context ctx) {
    if (line.isBlank()) {
      return;
    }
    Matcher m = plainPattern.matcher(line);
    if (!plausible(m)) {
      if (ctx.pending != null && continuation(line)) {
        ctx.pending.stack.append(ctx.pending.stack.length() == 0 ? "" : "\n").append(line);
        return;
      }
      ctx.flushPlain();
      ctx.pending = new PendingPlain(ServiceResolver.UNKNOWN, null, ctx.receivedAt, null, line.strip(), null,
          new LinkedHashMap<>());
      return;
    }
    ctx.flushPlain();
    Map<String, String> fields = new LinkedHashMap<>();
    String rawTime = group(m, "timestamp");
    long time = ctx.receivedAt;
    if (rawTime != null) {
      Long parsed = parseTime(JsonNodeFactory.instance.textNode(rawTime));
      if (parsed == null) {
        fields.put(LogEntry.UNPARSED_TIMESTAMP, rawTime);
      } else {
        time = parsed;
      }
    }
    String named = group(m, "service");
    String service = named == null ? ServiceResolver.UNKNOWN : resolver.canonical(named);
    String message = plainGroups.contains("message") ? group(m, "message") : line;
    ctx.pending = new PendingPlain(service, group(m, "level"), time, group(m, "logger"),
        message == null ? "" : message.strip(), group(m, "host"), fields);
  }

  /**
   * Whether the plain pattern really matched a log line: it matches, its {@code timestamp} group
   * (when captured) reads as a time, and its {@code level} group (when captured) is a level the
   * scales know. So "YOUR LOG MESSAGE HERE" is not a line at level LOG.
   */
  private boolean plausible(Matcher m) {
    if (!m.matches()) {
      return false;
    }
    String time = group(m, "timestamp");
    if (time != null && parseTime(JsonNodeFactory.instance.textNode(time)) == null) {
      return false;
    }
    String level = group(m, "level");
    return level == null || scales.severityOf(LOGS, level, null) != null;
  }

  private static boolean continuation(String line) {
    if (Character.isWhitespace(line.charAt(0)) || line.startsWith("Caused by:") || line.startsWith("Suppressed:")
        || line.startsWith("Traceback (most recent call last)")) {
      return true;
    }
    // "java.lang.IllegalStateException: boom" right under a log line starts its stack trace
    return EXCEPTION_HEADER.matcher(line.strip()).matches();
  }

  private LogEntry finishPlain(PendingPlain p) {
    String stack = p.stack.length() == 0 ? null : p.stack.toString();
    return entry(p.service, null, p.level, p.time, p.message, p.logger, null, null, stack, p.host, p.fields,
        LogFormat.PLAIN);
  }

  // ---- helpers -----------------------------------------------------------------------------

  /** Resolution view of the fields: Vector's {@code kubernetes.pod_labels.*} also as {@code kubernetes.labels.*}. */
  private static Map<String, String> resolutionFields(Map<String, String> fields) {
    Map<String, String> view = null;
    for (Map.Entry<String, String> e : fields.entrySet()) {
      if (e.getKey().startsWith("kubernetes.pod_labels.")) {
        if (view == null) {
          view = new LinkedHashMap<>(fields);
        }
        view.putIfAbsent("kubernetes.labels." + e.getKey().substring("kubernetes.pod_labels.".length()),
            e.getValue());
      }
    }
    return view == null ? fields : view;
  }

  /** Flattens objects to dotted keys; arrays and too-deep subtrees become compact JSON text; empty keys are dropped. */
  static void flatten(JsonNode node, String prefix, Map<String, String> out, int depth) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return;
    }
    if (node.isObject() && depth < MAX_FLATTEN_DEPTH) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        if (field.getKey().isEmpty()) {
          continue; // Fluent Bit 1.9.0 wrote a duplicate timestamp under "" (fluent-bit#5097)
        }
        String key = prefix.isEmpty() || prefix.endsWith(".") ? prefix + field.getKey() : prefix + "." + field.getKey();
        flatten(field.getValue(), key, out, depth + 1);
      }
      return;
    }
    if (prefix.isEmpty() || prefix.endsWith(".")) {
      return; // a scalar at the root has no key
    }
    String value = node.isValueNode() ? scalar(node) : LogEntry.cut(node.toString(), LogEntry.MAX_FIELD_CHARS);
    out.put(prefix, value);
  }

  private static String scalar(JsonNode node) {
    if (node.isBigDecimal()) {
      BigDecimal value = node.decimalValue();
      int integerDigits = value.precision() - value.scale();
      // plain notation only at sane magnitudes: 1e999999999 must not become a billion zeros
      return integerDigits <= 40 && value.scale() <= 40
          ? value.stripTrailingZeros().toPlainString() : value.toString();
    }
    return node.asText();
  }

  /** A field by dotted path, whether the document spells it dotted, nested, or mixed. */
  static JsonNode path(JsonNode node, String dotted) {
    if (!(node instanceof ObjectNode)) {
      return null;
    }
    JsonNode direct = node.get(dotted);
    if (direct != null) {
      return direct.isNull() ? null : direct;
    }
    int dot = dotted.indexOf('.');
    while (dot > 0) {
      JsonNode child = node.get(dotted.substring(0, dot));
      if (child instanceof ObjectNode) {
        JsonNode found = path(child, dotted.substring(dot + 1));
        if (found != null) {
          return found;
        }
      }
      dot = dotted.indexOf('.', dot + 1);
    }
    return null;
  }

  private static String firstPresent(ObjectNode o, List<String> keys) {
    for (String key : keys) {
      JsonNode value = path(o, key);
      if (value != null && !(value.isTextual() && value.asText().isBlank())) {
        return key;
      }
    }
    return null;
  }

  private static String firstText(ObjectNode[] sources, List<String> keys) {
    for (ObjectNode source : sources) {
      for (String key : keys) {
        JsonNode value = path(source, key);
        if (value != null && value.isValueNode() && !value.asText().isBlank()) {
          return scalar(value).strip();
        }
      }
    }
    return null;
  }

  private static String first(Map<String, String> fields, List<String> keys) {
    for (String key : keys) {
      String value = fields.get(key);
      if (value != null && !value.isBlank()) {
        return value.strip();
      }
    }
    return null;
  }

  private static String firstOf(Map<String, String> fields, String... keys) {
    return first(fields, List.of(keys));
  }

  private static String firstLabel(Map<String, String> labels, List<String> keys) {
    return first(labels, keys);
  }

  private static String stackText(JsonNode node) {
    if (node == null) {
      return null;
    }
    if (node.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode frame : node) {
        sb.append(sb.length() == 0 ? "" : "\n").append(frame.isValueNode() ? frame.asText() : frame.toString());
      }
      return sb.toString();
    }
    return node.isValueNode() ? node.asText() : node.toString();
  }

  private static ObjectNode innerObject(String line) {
    try {
      JsonNode node = MAPPER.readTree(line);
      return node instanceof ObjectNode object ? object : null;
    } catch (JsonProcessingException e) {
      return null; // not JSON after all: the line stays a text message
    }
  }

  /** Epoch millis from an OTLP / Loki nanosecond value (string or number); null when absent, zero or unreadable. */
  static Long nanosToMillis(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    String text = node.asText().trim();
    if (!NUMERIC.matcher(text).matches()) {
      return null;
    }
    BigDecimal value = decimal(text);
    if (value == null) {
      return null;
    }
    BigInteger nanos = value.toBigInteger();
    if (nanos.signum() <= 0) {
      return null;
    }
    return clampMillis(nanos.divide(BigInteger.valueOf(1_000_000L)));
  }

  /**
   * Epoch millis from a timestamp field: an RFC 3339 / ISO-8601 string (offset optional, UTC
   * assumed), or a number of seconds, milliseconds, microseconds or nanoseconds (told apart by
   * magnitude). Null when it cannot be read.
   */
  static Long parseTime(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    String text = node.asText().trim();
    if (text.isEmpty()) {
      return null;
    }
    if (node.isNumber() || NUMERIC.matcher(text).matches()) {
      BigDecimal value = decimal(text);
      if (value == null || value.signum() <= 0) {
        return null;
      }
      BigDecimal abs = value.abs();
      BigDecimal millis;
      if (abs.compareTo(BigDecimal.valueOf(1e17)) >= 0) {
        millis = value.movePointLeft(6);
      } else if (abs.compareTo(BigDecimal.valueOf(1e14)) >= 0) {
        millis = value.movePointLeft(3);
      } else if (abs.compareTo(BigDecimal.valueOf(1e11)) >= 0) {
        millis = value;
      } else {
        millis = value.movePointRight(3);
      }
      return clampMillis(millis.setScale(0, RoundingMode.FLOOR).toBigInteger());
    }
    try {
      TemporalAccessor parsed = LENIENT_ISO.parseBest(text, OffsetDateTime::from, LocalDateTime::from);
      if (parsed instanceof OffsetDateTime odt) {
        return odt.toInstant().toEpochMilli();
      }
      return ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC).toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      return null; // the caller keeps the text in stormwatch.unparsed_timestamp
    }
  }

  /**
   * A decimal of sane magnitude (at most 40 digits either side of the point), or null: a
   * timestamp like {@code 1e999999999} must not make a billion-digit number.
   */
  private static BigDecimal decimal(String text) {
    if (text.length() > 64) {
      return null;
    }
    try {
      BigDecimal value = new BigDecimal(text);
      int integerDigits = value.precision() - value.scale();
      return integerDigits > 40 || value.scale() > 40 ? null : value;
    } catch (NumberFormatException | ArithmeticException e) {
      return null; // not a number we can use as a time: the caller treats it as unreadable
    }
  }

  private static Long clampMillis(BigInteger millis) {
    return millis.bitLength() < 63 ? millis.longValue() : null;
  }

  private String group(Matcher m, String name) {
    if (!plainGroups.contains(name)) {
      return null;
    }
    String value = m.group(name);
    return value == null || value.isBlank() ? null : value.strip();
  }

  private static boolean looksLikeJson(char[] chars, int pos) {
    if (chars[pos] == '{') {
      return true;
    }
    if (chars[pos] != '[') {
      return false;
    }
    int i = pos + 1;
    while (i < chars.length && Character.isWhitespace(chars[i])) {
      i++;
    }
    return i < chars.length && (chars[i] == '{' || chars[i] == '[' || chars[i] == ']');
  }

  private static String location(IOException e, Lines lines, int start) {
    if (e instanceof JsonProcessingException jpe && jpe.getLocation() != null) {
      JsonLocation loc = jpe.getLocation();
      if (loc.getLineNr() > 0) {
        int line = lines.lineOf(start) + loc.getLineNr() - 1;
        int column = loc.getLineNr() == 1 ? start - lines.startOf(start) + loc.getColumnNr() : loc.getColumnNr();
        return " (error at line " + line + ", column " + column + ")";
      }
    }
    return "";
  }

  private static String originalMessage(IOException e) {
    String message = e instanceof JsonProcessingException jpe ? jpe.getOriginalMessage() : e.getMessage();
    return firstLine(message == null ? e.getClass().getSimpleName() : message);
  }

  /** The first line of a text, for one-line reasons. */
  static String firstLine(String text) {
    if (text == null) {
      return "";
    }
    int nl = text.indexOf('\n');
    String line = nl < 0 ? text : text.substring(0, nl);
    return LogEntry.cut(line.strip(), 500);
  }

  private static String kind(JsonNode node) {
    return node == null ? "missing" : node.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  private static boolean textual(JsonNode node) {
    return node != null && node.isTextual();
  }

  private static String text(JsonNode node) {
    return node == null || node.isNull() || node.isContainerNode() ? null : node.asText();
  }

  private static String stripTrailing(String text) {
    return text == null ? null : text.stripTrailing();
  }

  private static String stripCr(String line) {
    return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
  }

  private static String blankToNull(String text) {
    return text == null || text.isBlank() ? null : text.strip();
  }

  /** Line bookkeeping over the body's chars. */
  private static final class Lines {
    private final char[] chars;
    private final int[] starts;

    Lines(char[] chars) {
      this.chars = chars;
      List<Integer> s = new ArrayList<>();
      s.add(0);
      for (int i = 0; i < chars.length; i++) {
        if (chars[i] == '\n') {
          s.add(i + 1);
        }
      }
      starts = s.stream().mapToInt(Integer::intValue).toArray();
    }

    /** 1-based line number of a char position. */
    int lineOf(int pos) {
      int idx = java.util.Arrays.binarySearch(starts, pos);
      return (idx >= 0 ? idx : -idx - 2) + 1;
    }

    int startOf(int pos) {
      return starts[lineOf(pos) - 1];
    }

    int endOfLine(int pos) {
      int i = pos;
      while (i < chars.length && chars[i] != '\n') {
        i++;
      }
      return i;
    }

    /** Start of the first line after the one holding {@code pos} that opens a JSON document at column 0; else the end. */
    int nextJsonLineStart(int pos, char[] body) {
      for (int l = lineOf(pos); l < starts.length; l++) {
        int start = starts[l];
        if (start < body.length && looksLikeJson(body, start)) {
          return start;
        }
      }
      return body.length;
    }
  }

  private static final class PendingPlain {
    final String service;
    final String level;
    final long time;
    final String logger;
    final String message;
    final String host;
    final StringBuilder stack = new StringBuilder();
    final Map<String, String> fields;

    PendingPlain(String service, String level, long time, String logger, String message, String host,
                 Map<String, String> fields) {
      this.service = service;
      this.level = level;
      this.time = time;
      this.logger = logger;
      this.message = message;
      this.host = host;
      this.fields = fields;
    }
  }

  private final class Context {
    final long receivedAt;
    final List<LogEntry> entries = new ArrayList<>();
    final List<LogParseResult.Reject> rejects = new ArrayList<>();
    PendingPlain pending;

    Context(long receivedAt) {
      this.receivedAt = receivedAt;
    }

    void reject(String reason, String text) {
      rejects.add(new LogParseResult.Reject(reason, text));
    }

    void flushPlain() {
      if (pending != null) {
        entries.add(finishPlain(pending));
        pending = null;
      }
    }
  }
}
