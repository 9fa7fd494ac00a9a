package dev.stormwatch.correlator.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stormwatch.avro.Matcher;
import dev.stormwatch.avro.Silence;
import dev.stormwatch.avro.WeeklyRecurrence;
import dev.stormwatch.avro.Weekday;
import dev.stormwatch.common.config.Durations;
import dev.stormwatch.correlator.rules.LabelMatcher;
import dev.stormwatch.correlator.rules.LabelMatchers;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The body of {@code POST /api/silences} ({@link SilenceApi}) read into an Avro {@link Silence}:
 * one parser for the query API and the backtest's silences file, so both take the same JSON.
 *
 * <pre>
 * {"matchers": [{"name": "service", "op": "=", "value": "checkout"}]   (or "{service=\"checkout\"}"),
 *  "startsAt": "2025-03-03T02:00:00Z",     (default now; ISO-8601 or epoch millis)
 *  "endsAt": "...", or "duration": "2h",   (one of them; a recurring one defaults to a year)
 *  "recurrence": {"days": ["MON", "TUE"], "startTime": "02:00", "duration": "2h", "timeZone": "Europe/Berlin"},
 *  "author": "alice", "comment": "DB upgrade", "id": "optional, to replace a silence"}
 * </pre>
 *
 * <p>Without an {@code id} a random one is chosen. Anything wrong is an
 * {@link IllegalArgumentException} with one line naming it.
 */
public final class SilenceRequest {

  /** The ids a silence may have: 1-128 characters of letters, digits and {@code ._:-}. */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  /** How long a maintenance window without {@code endsAt} or {@code duration} lasts. */
  public static final Duration DEFAULT_RECURRING_SPAN = Duration.ofDays(365);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FIELDS = Set.of("id", "matchers", "startsAt", "endsAt", "duration", "recurrence",
      "author", "comment");
  private static final Set<String> RECURRENCE_FIELDS = Set.of("days", "startTime", "duration", "timeZone");
  private static final int MAX_TEXT = 1024;
  private static final int MAX_MATCHERS = 64;

  private SilenceRequest() {}

  /**
   * The silence a POST body describes, at {@code now}.
   *
   * @param body the request body
   * @param now  the time of the request: the default {@code startsAt}, and {@code createdAt}
   * @return the silence (not yet checked by {@link dev.stormwatch.correlator.rules.SilenceRule#of})
   * @throws IllegalArgumentException with a one-line message naming what is wrong
   */
  public static Silence parse(String body, Instant now) {
    JsonNode n;
    try {
      n = JSON.readTree(body == null ? "" : body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("body must be a JSON object: " + e.getOriginalMessage());
    }
    return parse(n, now);
  }

  /**
   * The silence a body already read as JSON describes, at {@code now}.
   *
   * @param n   the body
   * @param now the time of the request: the default {@code startsAt}, and {@code createdAt}
   * @return the silence (not yet checked by {@link dev.stormwatch.correlator.rules.SilenceRule#of})
   * @throws IllegalArgumentException with a one-line message naming what is wrong
   */
  public static Silence parse(JsonNode n, Instant now) {
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
}
