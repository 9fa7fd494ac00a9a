package dev.stormwatch.correlator.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stormwatch.avro.Matcher;
import dev.stormwatch.avro.Silence;
import dev.stormwatch.avro.WeeklyRecurrence;
import dev.stormwatch.avro.Weekday;
import dev.stormwatch.common.config.Durations;
import dev.stormwatch.correlator.query.QueryServer.Unavailable;
import dev.stormwatch.correlator.rules.LabelMatcher;
import dev.stormwatch.correlator.rules.LabelMatchers;
import dev.stormwatch.correlator.rules.SilenceRule;
import dev.stormwatch.correlator.topology.CorrelatorStores;
import io.javalin.http.Context;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Silences and maintenance windows over HTTP: {@code POST /api/silences} validates a silence and
 * writes it to the compacted {@code silences} topic (202; the correlator and every instance's global
 * store see it moments later), {@code GET /api/silences} lists the current and pending ones
 * ({@code ?all=true}: the expired ones still kept too), {@code GET /api/silences/{id}} shows one, and
 * {@code DELETE /api/silences/{id}} expires one: it ends now and is kept for the record (until
 * {@code silence-retention} later). Reads come from the global store {@value CorrelatorStores#SILENCES},
 * which every instance has in full, so nothing is forwarded. Writes need the bearer token when one
 * is configured. Bad input is 400 with one line naming what is wrong.
 *
 * <p>The request body of a POST:
 * <pre>
 * {"matchers": [{"name": "service", "op": "=", "value": "checkout"}]   (or "{service=\"checkout\"}"),
 *  "startsAt": "2025-03-03T02:00:00Z",     (default now; ISO-8601 or epoch millis)
 *  "endsAt": "...", or "duration": "2h",   (one of them; a recurring one defaults to a year)
 *  "recurrence": {"days": ["MON", "TUE"], "startTime": "02:00", "duration": "2h", "timeZone": "Europe/Berlin"},
 *  "author": "alice", "comment": "DB upgrade", "id": "optional, to replace a silence"}
 * </pre>
 */
final class SilenceApi {

  private static final Logger log = LoggerFactory.getLogger(SilenceApi.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final Set<String> FIELDS = Set.of("id", "matchers", "startsAt", "endsAt", "duration", "recurrence",
      "author", "comment");
  private static final Set<String> RECURRENCE_FIELDS = Set.of("days", "startTime", "duration", "timeZone");
  private static final int MAX_TEXT = 1024;
  private static final int MAX_MATCHERS = 64;
  /** How long a maintenance window without {@code endsAt} or {@code duration} lasts. */
  static final Duration DEFAULT_RECURRING_SPAN = Duration.ofDays(365);
  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

  private final QueryServer server;
  private final SilenceSink sink;

  SilenceApi(QueryServer server, SilenceSink sink) {
    this.server = server;
    this.sink = sink;
  }

  // ---- endpoints -------------------------------------------------------------------------------

  void create(Context ctx) {
    if (!server.authorize(ctx)) {
      return;
    }
    Instant now = Instant.now(server.clock()).truncatedTo(ChronoUnit.MILLIS);
    Silence silence;
    try {
      silence = parse(ctx.body(), now);
      SilenceRule.of(silence);
    } catch (IllegalArgumentException e) {
      QueryServer.badRequest(ctx, e.getMessage().lines().findFirst().orElse("bad silence"));
      return;
    }
    if (silence.getEndsAt().isBefore(now) || silence.getEndsAt().equals(now)) {
      QueryServer.badRequest(ctx, "silence " + silence.getId() + " would end at " + silence.getEndsAt()
          + ", which is not in the future");
      return;
    }
    Optional<Silence> existing = stored(silence.getId());
    if (existing.isPresent()) {
      silence.setCreatedAt(existing.get().getCreatedAt());
    }
    write(silence);
    log.info("silence {} written by {}: {} from {} to {}{}", silence.getId(), silence.getAuthor(),
        LabelMatchers.fromAvro(silence.getMatchers()), silence.getStartsAt(), silence.getEndsAt(),
        existing.isPresent() ? " (replaces the earlier version)" : "");
    ctx.status(202).contentType("application/json").result(json(silence, now).toString());
  }

  void list(Context ctx) {
    String all = ctx.queryParam("all");
    if (all != null && !all.equals("true") && !all.equals("false")) {
      QueryServer.badRequest(ctx, "all must be true or false");
      return;
    }
    boolean everything = "true".equals(all);
    Instant now = Instant.now(server.clock());
    List<Silence> found = new ArrayList<>();
    try (KeyValueIterator<String, Silence> it = store().all()) {
      it.forEachRemaining(kv -> {
        if (kv.value != null && (everything || kv.value.getEndsAt().isAfter(now))) {
          found.add(kv.value);
        }
      });
    } catch (InvalidStateStoreException e) {
      throw new Unavailable("the silences store is not ready (starting or rebalancing)");
    }
    found.sort(Comparator.comparing(Silence::getStartsAt).reversed().thenComparing(Silence::getId));
    ArrayNode out = server.json().createArrayNode();
    found.forEach(s -> out.add(json(s, now)));
    server.ok(ctx, out);
  }

  void get(Context ctx) {
    String id = ctx.pathParam("id");
    if (!ID.matcher(id).matches()) {
      QueryServer.badRequest(ctx, "malformed silence id (1-128 characters of letters, digits and ._:-)");
      return;
    }
    Optional<Silence> silence = stored(id);
    if (silence.isEmpty()) {
      QueryServer.notFound(ctx, "no silence " + id);
    } else {
      server.ok(ctx, json(silence.get(), Instant.now(server.clock())));
    }
  }

  void expire(Context ctx) {
    if (!server.authorize(ctx)) {
      return;
    }
    String id = ctx.pathParam("id");
    if (!ID.matcher(id).matches()) {
      QueryServer.badRequest(ctx, "malformed silence id (1-128 characters of letters, digits and ._:-)");
      return;
    }
    Optional<Silence> silence = stored(id);
    if (silence.isEmpty()) {
      QueryServer.notFound(ctx, "no silence " + id);
      return;
    }
    Instant now = Instant.now(server.clock()).truncatedTo(ChronoUnit.MILLIS);
    Silence old = silence.get();
    if (!old.getEndsAt().isAfter(now)) {
      ctx.status(409).contentType("text/plain; charset=utf-8").result("silence " + id + " already ended at "
          + old.getEndsAt() + "\n");
      return;
    }
    Silence expired = Silence.newBuilder(old)
        .setStartsAt(old.getStartsAt().isAfter(now) ? now : old.getStartsAt())
        .setEndsAt(now)
        .setUpdatedAt(now)
        .build();
    write(expired);
    log.info("silence {} expired at {}", id, now);
    server.ok(ctx, json(expired, now));
  }

  // ---- parsing ---------------------------------------------------------------------------------

  /**
   * The silence a POST body describes, at {@code now}.
   *
   * @throws IllegalArgumentException with a one-line message naming what is wrong
   */
  static Silence parse(String body, Instant now) {
    JsonNode n;
    try {
      n = JSON.readTree(body == null ? "" : body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("body must be a JSON object: " + e.getOriginalMessage());
    }
    if (n == null || !n.isObject()) {
      throw new IllegalArgumentException("body must be a JSON object with matchers and endsAt or duration");
    }
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!FIELDS.contains(field)) {
        throw new IllegalArgumentException("unknown field '" + field + "' (known: "
            + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
      }
    }
    String id = text(n, "id");
    if (id == null) {
      id = UUID.randomUUID().toString();
    } else if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException("id must be 1-128 characters of letters, digits and ._:-");
    }
    List<Matcher> matchers = matchers(n.get("matchers"));
    Instant startsAt = n.hasNonNull("startsAt") ? instant("startsAt", n.get("startsAt")) : now;
    WeeklyRecurrence recurrence = n.hasNonNull("recurrence") ? recurrence(n.get("recurrence")) : null;
    Instant endsAt;
    if (n.hasNonNull("endsAt") && n.hasNonNull("duration")) {
      throw new IllegalArgumentException("give endsAt or duration, not both");
    } else if (n.hasNonNull("endsAt")) {
      endsAt = instant("endsAt", n.get("endsAt"));
    } else if (n.hasNonNull("duration")) {
      Duration d = duration("duration", n.get("duration"));
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("duration must be positive, was " + n.get("duration").asText());
      }
      endsAt = startsAt.plus(d);
    } else if (recurrence != null) {
      endsAt = startsAt.plus(DEFAULT_RECURRING_SPAN);
    } else {
      throw new IllegalArgumentException("endsAt or duration is required");
    }
    String author = text(n, "author");
    return Silence.newBuilder()
        .setId(id)
        .setMatchers(matchers)
        .setStartsAt(startsAt)
        .setEndsAt(endsAt)
        .setRecurrence(recurrence)
        .setAuthor(author == null || author.isBlank() ? "anonymous" : author)
        .setComment(text(n, "comment") == null ? "" : text(n, "comment"))
        .setCreatedAt(now)
        .setUpdatedAt(now)
        .build();
  }

  private static List<Matcher> matchers(JsonNode node) {
    if (node == null || node.isNull()) {
      throw new IllegalArgumentException("matchers are required, e.g. [{\"name\": \"service\", \"op\": \"=\", "
          + "\"value\": \"checkout\"}] or \"{service=\\\"checkout\\\"}\"");
    }
    LabelMatchers parsed;
    if (node.isTextual()) {
      parsed = LabelMatchers.parse(node.asText());
    } else if (node.isArray()) {
      List<LabelMatcher> list = new ArrayList<>();
      for (JsonNode m : node) {
        if (!m.isObject()) {
          throw new IllegalArgumentException("each matcher must be an object {name, op, value}");
        }
        String name = text(m, "name");
        String op = m.hasNonNull("op") ? m.get("op").asText() : "=";
        String value = m.hasNonNull("value") ? m.get("value").asText() : null;
        if (name == null || value == null) {
          throw new IllegalArgumentException("a matcher needs a name and a value: " + m);
        }
        list.add(LabelMatcher.of(name, op(op), value));
      }
      parsed = new LabelMatchers(list);
    } else {
      throw new IllegalArgumentException("matchers must be a list of {name, op, value} or a string like "
          + "{service=\"checkout\"}");
    }
    if (parsed.matchers().size() > MAX_MATCHERS) {
      throw new IllegalArgumentException("at most " + MAX_MATCHERS + " matchers");
    }
    return parsed.toAvro();
  }

  private static LabelMatcher.Op op(String symbol) {
    for (LabelMatcher.Op op : LabelMatcher.Op.values()) {
      if (op.symbol().equals(symbol)) {
        return op;
      }
    }
    throw new IllegalArgumentException("unknown matcher op '" + symbol + "' (use =, !=, =~ or !~)");
  }

  private static WeeklyRecurrence recurrence(JsonNode r) {
    if (!r.isObject()) {
      throw new IllegalArgumentException("recurrence must be an object {days, startTime, duration, timeZone}");
    }
    for (Iterator<String> it = r.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!RECURRENCE_FIELDS.contains(field)) {
        throw new IllegalArgumentException("unknown recurrence field '" + field + "' (known: "
            + String.join(", ", RECURRENCE_FIELDS.stream().sorted().toList()) + ")");
      }
    }
    List<Weekday> days = new ArrayList<>();
    JsonNode d = r.get("days");
    List<String> names = new ArrayList<>();
    if (d != null && d.isArray()) {
      d.forEach(x -> names.add(x.asText()));
    } else if (d != null && d.isTextual()) {
      for (String x : d.asText().split(",")) {
        names.add(x);
      }
    }
    for (String name : names) {
      days.add(Weekday.valueOf(day(name.strip()).name()));
    }
    if (days.isEmpty()) {
      throw new IllegalArgumentException("recurrence.days needs at least one weekday, e.g. [\"MON\", \"TUE\"]");
    }
    String start = text(r, "startTime");
    if (start == null) {
      throw new IllegalArgumentException("recurrence.startTime is required, e.g. \"02:00\"");
    }
    LocalTime startTime;
    try {
      startTime = LocalTime.parse(start.strip());
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("recurrence.startTime is not a time of day like 02:00: '" + start + "'");
    }
    if (!r.hasNonNull("duration")) {
      throw new IllegalArgumentException("recurrence.duration is required, e.g. \"2h\"");
    }
    Duration length = duration("recurrence.duration", r.get("duration"));
    String zone = text(r, "timeZone");
    return WeeklyRecurrence.newBuilder()
        .setDays(days)
        .setStartTime(startTime)
        .setDurationMillis(length.toMillis())
        .setTimeZone(zone == null || zone.isBlank() ? "UTC" : zone.strip())
        .build();
  }

  /** MON, Monday, mon... */
  static DayOfWeek day(String name) {
    String upper = name.toUpperCase(Locale.ROOT);
    for (DayOfWeek d : DayOfWeek.values()) {
      if (d.name().equals(upper) || upper.length() >= 3 && d.name().startsWith(upper)) {
        return d;
      }
    }
    throw new IllegalArgumentException("unknown weekday '" + name + "' (use MON, TUE, ... or MONDAY, ...)");
  }

  private static Instant instant(String field, JsonNode v) {
    String t = v.asText().strip();
    try {
      return (v.isIntegralNumber() || !t.isEmpty() && t.chars().allMatch(Character::isDigit) && t.length() <= 15)
          ? Instant.ofEpochMilli(Long.parseLong(t)) : Instant.parse(t).truncatedTo(ChronoUnit.MILLIS);
    } catch (DateTimeException | NumberFormatException e) {
      throw new IllegalArgumentException(field + " is not an instant (use ISO-8601 like 2025-03-03T02:00:00Z, or "
          + "epoch milliseconds): '" + (t.length() > 60 ? t.substring(0, 60) + "..." : t) + "'");
    }
  }

  private static Duration duration(String field, JsonNode v) {
    try {
      return Durations.parse(v.asText());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage());
    }
  }

  private static String text(JsonNode n, String field) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return null;
    }
    if (!v.isTextual() || v.asText().length() > MAX_TEXT) {
      throw new IllegalArgumentException(field + " must be a string of at most " + MAX_TEXT + " characters");
    }
    return v.asText();
  }

  // ---- store and sink --------------------------------------------------------------------------

  private ReadOnlyKeyValueStore<String, Silence> store() {
    KafkaStreams ks = server.runningStreams();
    return ks.store(StoreQueryParameters.fromNameAndType(CorrelatorStores.SILENCES,
        QueryableStoreTypes.<String, Silence>keyValueStore()));
  }

  private Optional<Silence> stored(String id) {
    try {
      return Optional.ofNullable(store().get(id));
    } catch (InvalidStateStoreException e) {
      throw new Unavailable("the silences store is not ready (starting or rebalancing)");
    }
  }

  private void write(Silence silence) {
    try {
      sink.send(silence).get(server.config().commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("Could not write silence {}: {}", silence.getId(), e.toString());
      throw new Unavailable("the silence could not be written to Kafka in time");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted");
    }
  }

  // ---- JSON ------------------------------------------------------------------------------------

  /** A silence as the API shows it, with its state at {@code now}: active, pending, expired or invalid. */
  ObjectNode json(Silence s, Instant now) {
    ObjectNode out = server.json().createObjectNode();
    out.put("id", s.getId());
    ArrayNode matchers = out.putArray("matchers");
    for (Matcher m : s.getMatchers()) {
      ObjectNode o = matchers.addObject();
      o.put("name", m.getName());
      o.put("op", LabelMatcher.Op.of(m.getOp()).symbol());
      o.put("value", m.getValue());
    }
    out.put("startsAt", s.getStartsAt().toString());
    out.put("endsAt", s.getEndsAt().toString());
    WeeklyRecurrence r = s.getRecurrence();
    if (r == null) {
      out.putNull("recurrence");
    } else {
      ObjectNode o = out.putObject("recurrence");
      ArrayNode days = o.putArray("days");
      r.getDays().forEach(d -> days.add(d.name()));
      o.put("startTime", HH_MM.format(r.getStartTime()));
      o.put("durationMillis", r.getDurationMillis());
      o.put("timeZone", r.getTimeZone());
    }
    out.put("author", s.getAuthor());
    out.put("comment", s.getComment());
    out.put("createdAt", s.getCreatedAt().toString());
    out.put("updatedAt", s.getUpdatedAt().toString());
    try {
      SilenceRule rule = SilenceRule.of(s);
      out.put("matchersText", rule.matchers().toString());
      out.put("state", rule.expiredAt(now) ? "expired" : rule.activeAt(now) ? "active" : "pending");
      if (rule.recurring()) {
        out.put("schedule", rule.schedule().describe());
      }
    } catch (IllegalArgumentException e) {
      out.put("state", "invalid");
      out.put("error", e.getMessage());
    }
    return out;
  }
}
