package dev.stormwatch.ingest.logs;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.ingest.normalize.Scales;
import dev.stormwatch.common.config.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The log-to-alert rules and the bounds of their state. Immutable and validated; build it with
 * {@link #defaults()} or from a parsed YAML/JSON tree with {@link #fromMap} / {@link #fromTree}
 * (keys as documented in {@code ingest/README.md}, section "Logs"; unknown keys are an error so
 * a typo does not silently disable a rule).
 *
 * @param rateRules            "at least N records at level ≥ L for one service within W"
 * @param patternRules         "a regex on the message or exception class"
 * @param exceptions           one alert per distinct exception (type + top application frames)
 * @param maxAlertsPerService  most alerts tracked at once for one service (default 100)
 * @param maxAlerts            most alerts tracked at once per stream task (default 10 000)
 * @param resolveCheckInterval how often, in stream time, quiet alerts are checked for resolve (default 30s)
 * @param maxFutureSkew        how far an entry's time may run ahead of its record's receive time
 *                             before it is clamped, so one bad clock cannot jump stream time (default 5m)
 */
public record LogRulesConfig(List<RateRule> rateRules, List<PatternRule> patternRules, ExceptionRule exceptions,
                             int maxAlertsPerService, int maxAlerts, Duration resolveCheckInterval,
                             Duration maxFutureSkew) {

  /** Default {@code max-alerts-per-service}. */
  public static final int DEFAULT_MAX_ALERTS_PER_SERVICE = 100;
  /** Default {@code max-alerts}. */
  public static final int DEFAULT_MAX_ALERTS = 10_000;
  /** Default {@code resolve-check-interval}. */
  public static final Duration DEFAULT_RESOLVE_CHECK_INTERVAL = Duration.ofSeconds(30);
  /** Default {@code max-future-skew}. */
  public static final Duration DEFAULT_MAX_FUTURE_SKEW = Duration.ofMinutes(5);
  /** Default window and quiet period of pattern and exception alerts. */
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(5);

  public LogRulesConfig {
    rateRules = List.copyOf(rateRules);
    patternRules = List.copyOf(patternRules);
    Objects.requireNonNull(exceptions, "exceptions");
    Set<String> names = new HashSet<>();
    for (RateRule rule : rateRules) {
      require(names.add(rule.name()), "duplicate rule name: " + rule.name());
    }
    for (PatternRule rule : patternRules) {
      require(names.add(rule.name()), "duplicate rule name: " + rule.name());
    }
    require(maxAlertsPerService >= 1, "max-alerts-per-service must be at least 1");
    require(maxAlerts >= maxAlertsPerService, "max-alerts must be at least max-alerts-per-service");
    positive(resolveCheckInterval, "resolve-check-interval");
    Objects.requireNonNull(maxFutureSkew, "maxFutureSkew");
    require(!maxFutureSkew.isNegative(), "max-future-skew must not be negative");
  }

  /** One rate rule, {@code log-error-rate}: 10 logs at ERROR or worse within 1m; resolve after 5m quiet. */
  public static LogRulesConfig defaults() {
    return new LogRulesConfig(
        List.of(new RateRule("log-error-rate", Severity.HIGH, "ERROR", 10, Duration.ofMinutes(1),
            Duration.ofMinutes(5), Severity.HIGH)),
        List.of(), ExceptionRule.defaults(), DEFAULT_MAX_ALERTS_PER_SERVICE, DEFAULT_MAX_ALERTS,
        DEFAULT_RESOLVE_CHECK_INTERVAL, DEFAULT_MAX_FUTURE_SKEW);
  }

  /**
   * "At least {@code threshold} records at level ≥ {@code minSeverity} for one service within
   * {@code window}" fires one alert for (rule, service); it resolves after {@code quiet} without a
   * matching record. The window slides in steps of 1/60 of its length (at least 1s).
   *
   * @param name        rule name, the alert's name
   * @param minSeverity lowest level counted
   * @param levelLabel  how the level is named in summaries, e.g. {@code ERROR}
   * @param threshold   records needed, at least 1
   * @param window      the sliding window
   * @param quiet       time without a matching record before the alert resolves
   * @param severity    the alert's severity
   */
  public record RateRule(String name, Severity minSeverity, String levelLabel, int threshold, Duration window,
                         Duration quiet, Severity severity) {
    public RateRule {
      name = ruleName(name);
      Objects.requireNonNull(minSeverity, "minSeverity");
      levelLabel = levelLabel == null || levelLabel.isBlank() ? minSeverity.name() : levelLabel.strip();
      require(threshold >= 1, "rule " + name + ": threshold must be at least 1");
      positive(window, "rule " + name + ": window");
      positive(quiet, "rule " + name + ": quiet");
      severity = Objects.requireNonNullElse(severity, minSeverity);
    }

    /** The bucket width the window is counted in: window / 60, at least one second. */
    public Duration bucket() {
      Duration bucket = window.dividedBy(60);
      return bucket.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : bucket;
    }
  }

  /** What a pattern rule's regex is matched against. */
  public enum Match {
    /** The log message. */
    MESSAGE,
    /** The exception type (class name). */
    EXCEPTION,
    /** The message or the exception type. */
    ANY
  }

  /**
   * A regex ({@link Matcher#find()}) on the message and/or exception type. One alert per (rule,
   * service): the first match fires, further matches refresh it at most once per {@code window}
   * with the count so far, and it resolves after {@code quiet} without a match.
   *
   * @param name        rule name, the alert's name
   * @param pattern     the regex
   * @param match       what it is matched against (default {@link Match#ANY})
   * @param minSeverity lowest level considered (default {@link Severity#UNKNOWN}: every level)
   * @param severity    the alert's severity; null for the highest level seen
   * @param window      at most one refresh per window (default 5m)
   * @param quiet       time without a match before the alert resolves (default 5m)
   */
  public record PatternRule(String name, Pattern pattern, Match match, Severity minSeverity, Severity severity,
                            Duration window, Duration quiet) {
    public PatternRule {
      name = ruleName(name);
      Objects.requireNonNull(pattern, "rule " + name + ": pattern");
      match = Objects.requireNonNullElse(match, Match.ANY);
      minSeverity = Objects.requireNonNullElse(minSeverity, Severity.UNKNOWN);
      positive(window, "rule " + name + ": window");
      positive(quiet, "rule " + name + ": quiet");
    }

    /** Whether this rule matches the entry. */
    public boolean matches(LogEntry entry) {
      if (entry.severity().ordinal() < minSeverity.ordinal()) {
        return false;
      }
      boolean onMessage = match != Match.EXCEPTION && pattern.matcher(entry.message()).find();
      return onMessage || match != Match.MESSAGE && entry.exceptionType() != null
          && pattern.matcher(entry.exceptionType()).find();
    }
  }

  /**
   * Exception fingerprinting: every entry at level ≥ {@code minSeverity} that carries an exception
   * counts towards the alert of its {@link ExceptionFingerprint}, one per (service, fingerprint),
   * named after the exception type; emission as for pattern rules.
   *
   * @param enabled           on by default
   * @param minSeverity       lowest level considered (default HIGH, i.e. ERROR)
   * @param topFrames         application frames in the fingerprint (default 3)
   * @param appPackages       application class prefixes (default none: every non-framework frame)
   * @param frameworkPackages prefixes skipped when {@code appPackages} is empty
   * @param window            at most one refresh per window (default 5m)
   * @param quiet             time without the exception before the alert resolves (default 5m)
   * @param severity          the alert's severity; null for the highest level seen
   */
  public record ExceptionRule(boolean enabled, Severity minSeverity, int topFrames, List<String> appPackages,
                              List<String> frameworkPackages, Duration window, Duration quiet, Severity severity) {

    /** The {@code name} label of exception alerts. */
    public static final String RULE_NAME = "exception";

    public ExceptionRule {
      Objects.requireNonNull(minSeverity, "minSeverity");
      require(topFrames >= 1 && topFrames <= 50, "exceptions.top-frames must be between 1 and 50");
      appPackages = List.copyOf(appPackages);
      frameworkPackages = List.copyOf(frameworkPackages);
      positive(window, "exceptions.window");
      positive(quiet, "exceptions.quiet");
    }

    /** Enabled, ERROR and worse, top 3 non-framework frames, 5m window and quiet period. */
    public static ExceptionRule defaults() {
      return new ExceptionRule(true, Severity.HIGH, 3, List.of(), ExceptionFingerprint.DEFAULT_FRAMEWORK_PREFIXES,
          DEFAULT_WINDOW, DEFAULT_WINDOW, null);
    }

    /** The fingerprinter for these settings. */
    public ExceptionFingerprint fingerprint() {
      return new ExceptionFingerprint(appPackages, frameworkPackages, topFrames);
    }

    /** Whether the entry counts towards an exception alert. */
    public boolean applies(LogEntry entry) {
      return enabled && entry.hasException() && entry.severity().ordinal() >= minSeverity.ordinal();
    }
  }

  /** Whether any rule could act on the entry (entries that cannot are not repartitioned). */
  public boolean relevant(LogEntry entry) {
    for (RateRule rule : rateRules) {
      if (entry.severity().ordinal() >= rule.minSeverity().ordinal()) {
        return true;
      }
    }
    if (exceptions.applies(entry)) {
      return true;
    }
    for (PatternRule rule : patternRules) {
      if (rule.matches(entry)) {
        return true;
      }
    }
    return false;
  }

  /** The longest rate window (sizes the window store's retention); one minute with no rate rules. */
  public Duration longestRateWindow() {
    Duration longest = Duration.ofMinutes(1);
    for (RateRule rule : rateRules) {
      Duration span = rule.window().plus(rule.bucket());
      longest = span.compareTo(longest) > 0 ? span : longest;
    }
    return longest;
  }

  // ---- building from a tree ----------------------------------------------------------------

  /** {@link #fromMap(Map, Scales)} with the default scales. */
  public static LogRulesConfig fromMap(Map<String, ?> map) {
    return fromMap(map, Scales.defaults());
  }

  /** From a Jackson tree (a parsed YAML or JSON document); see {@link #fromMap(Map, Scales)}. */
  @SuppressWarnings("unchecked")
  public static LogRulesConfig fromTree(JsonNode tree, Scales scales) {
    if (tree == null || tree.isNull() || tree.isMissingNode()) {
      return defaults();
    }
    require(tree.isObject(), "log rules config must be an object");
    return fromMap(LogParser.MAPPER.convertValue(tree, Map.class), scales);
  }

  /**
   * From a parsed YAML/JSON map. Absent keys take their defaults; {@code rate-rules} replaces the
   * default rate rule when present (give {@code []} for none). Levels are severity names
   * ({@code HIGH}) or log levels the scales know ({@code error}, {@code warn}). Durations are
   * {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d} or ISO-8601 ({@code PT5M}).
   *
   * @throws IllegalArgumentException naming the key, for an unknown key or an invalid value
   */
  public static LogRulesConfig fromMap(Map<String, ?> map, Scales scales) {
    Reader root = new Reader("", map, Set.of("rate-rules", "pattern-rules", "exceptions",
        "max-alerts-per-service", "max-alerts", "resolve-check-interval", "max-future-skew"));
    LogRulesConfig defaults = defaults();
    List<RateRule> rates = defaults.rateRules();
    if (map.containsKey("rate-rules")) {
      rates = new ArrayList<>();
      List<Reader> items = root.list("rate-rules", Set.of("name", "min-level", "threshold", "window", "quiet",
          "severity"));
      for (Reader item : items) {
        String levelText = item.string("min-level", "ERROR");
        Severity min = level(levelText, scales, item.where("min-level"));
        rates.add(new RateRule(item.string("name", null), min, levelText.toUpperCase(Locale.ROOT),
            item.integer("threshold", 10), item.duration("window", Duration.ofMinutes(1)),
            item.duration("quiet", Duration.ofMinutes(5)), item.severity("severity", null, scales)));
      }
    }
    List<PatternRule> patterns = new ArrayList<>();
    for (Reader item : root.list("pattern-rules", Set.of("name", "pattern", "match", "min-level", "severity",
        "window", "quiet"))) {
      String regex = item.string("pattern", null);
      require(regex != null, item.where("pattern") + " is required");
      Pattern pattern;
      try {
        pattern = Pattern.compile(regex);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(item.where("pattern") + " is not a valid regex: "
            + LogParser.firstLine(e.getMessage()), e);
      }
      String match = item.string("match", "any");
      Match m;
      try {
        m = Match.valueOf(match.strip().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(item.where("match") + " must be message, exception or any, was "
            + match, e);
      }
      patterns.add(new PatternRule(item.string("name", null), pattern, m,
          item.severity("min-level", Severity.UNKNOWN, scales), item.severity("severity", null, scales),
          item.duration("window", DEFAULT_WINDOW), item.duration("quiet", DEFAULT_WINDOW)));
    }
    ExceptionRule exceptions = ExceptionRule.defaults();
    Reader ex = root.object("exceptions", Set.of("enabled", "min-level", "top-frames", "app-packages",
        "framework-packages", "window", "quiet", "severity"));
    if (ex != null) {
      exceptions = new ExceptionRule(ex.bool("enabled", true), ex.severity("min-level", Severity.HIGH, scales),
          ex.integer("top-frames", 3), ex.strings("app-packages", List.of()),
          ex.strings("framework-packages", ExceptionFingerprint.DEFAULT_FRAMEWORK_PREFIXES),
          ex.duration("window", DEFAULT_WINDOW), ex.duration("quiet", DEFAULT_WINDOW),
          ex.severity("severity", null, scales));
    }
    return new LogRulesConfig(rates, patterns, exceptions,
        root.integer("max-alerts-per-service", DEFAULT_MAX_ALERTS_PER_SERVICE),
        root.integer("max-alerts", DEFAULT_MAX_ALERTS),
        root.duration("resolve-check-interval", DEFAULT_RESOLVE_CHECK_INTERVAL),
        root.duration("max-future-skew", DEFAULT_MAX_FUTURE_SKEW));
  }

  /** Parses a duration as {@link Durations#parse} does. */
  public static Duration parseDuration(String text) {
    return Durations.parse(text);
  }


  private static Severity level(String text, Scales scales, String where) {
    String upper = text.strip().toUpperCase(Locale.ROOT);
    for (Severity s : Severity.values()) {
      if (s.name().equals(upper)) {
        return s;
      }
    }
    Severity mapped = scales.severityOf(Scales.LOGS, text, null);
    require(mapped != null, where + ": unknown level '" + text + "'");
    return mapped;
  }

  private static String ruleName(String name) {
    require(name != null && !name.isBlank(), "every rule needs a name");
    return name.strip();
  }

  private static void positive(Duration d, String what) {
    Objects.requireNonNull(d, what);
    require(!d.isNegative() && !d.isZero(), what + " must be positive, was " + d);
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Typed, key-checked access to one map of the config tree. */
  private static final class Reader {
    private final String path;
    private final Map<String, ?> map;

    Reader(String path, Map<String, ?> map, Set<String> allowed) {
      this.path = path;
      this.map = map == null ? Map.of() : map;
      for (Object key : this.map.keySet()) {
        require(allowed.contains(String.valueOf(key)), "unknown log rules key: " + where(String.valueOf(key))
            + " (known: " + String.join(", ", allowed.stream().sorted().toList()) + ")");
      }
    }

    String where(String key) {
      return path.isEmpty() ? key : path + "." + key;
    }

    String string(String key, String fallback) {
      Object v = map.get(key);
      return v == null ? fallback : String.valueOf(v);
    }

    int integer(String key, int fallback) {
      Object v = map.get(key);
      if (v == null) {
        return fallback;
      }
      if (v instanceof Number n) {
        return n.intValue();
      }
      try {
        return Integer.parseInt(String.valueOf(v).strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(where(key) + " must be an integer, was " + v, e);
      }
    }

    boolean bool(String key, boolean fallback) {
      Object v = map.get(key);
      if (v == null) {
        return fallback;
      }
      String s = String.valueOf(v).strip().toLowerCase(Locale.ROOT);
      require(s.equals("true") || s.equals("false"), where(key) + " must be true or false, was " + v);
      return Boolean.parseBoolean(s);
    }

    Duration duration(String key, Duration fallback) {
      Object v = map.get(key);
      if (v == null) {
        return fallback;
      }
      require(!(v instanceof Number), where(key) + " needs a unit, e.g. " + v + "s");
      try {
        return parseDuration(String.valueOf(v));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(where(key) + ": " + e.getMessage(), e);
      }
    }

    Severity severity(String key, Severity fallback, Scales scales) {
      Object v = map.get(key);
      return v == null ? fallback : level(String.valueOf(v), scales, where(key));
    }

    List<String> strings(String key, List<String> fallback) {
      Object v = map.get(key);
      if (v == null) {
        return fallback;
      }
      require(v instanceof List<?>, where(key) + " must be a list");
      return ((List<?>) v).stream().map(String::valueOf).toList();
    }

    Reader object(String key, Set<String> allowed) {
      Object v = map.get(key);
      if (v == null) {
        return null;
      }
      require(v instanceof Map<?, ?>, where(key) + " must be an object");
      return new Reader(where(key), stringKeys((Map<?, ?>) v), allowed);
    }

    List<Reader> list(String key, Set<String> allowed) {
      Object v = map.get(key);
      if (v == null) {
        return List.of();
      }
      require(v instanceof List<?>, where(key) + " must be a list");
      List<Reader> readers = new ArrayList<>();
      List<?> items = (List<?>) v;
      for (int i = 0; i < items.size(); i++) {
        Object item = items.get(i);
        require(item instanceof Map<?, ?>, where(key) + "[" + i + "] must be an object");
        readers.add(new Reader(where(key) + "[" + i + "]", stringKeys((Map<?, ?>) item), allowed));
      }
      return readers;
    }

    private static Map<String, Object> stringKeys(Map<?, ?> raw) {
      Map<String, Object> out = new LinkedHashMap<>();
      raw.forEach((k, val) -> out.put(String.valueOf(k), val));
      return out;
    }
  }
}
