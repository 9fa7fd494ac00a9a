package dev.stormwatch.common.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Collection;
import java.util.Iterator;
import java.util.Objects;

/**
 * Reads one flat section of settings (e.g. {@code correlator:}) from a Jackson tree, the way every
 * {@code *Settings.fromTree} does: an unknown key is an error listing the known ones, an absent or
 * null key keeps its default, and every error is one line that starts with the key ({@code
 * max-hops must be an integer, was "two"}). Durations are read with {@link Durations#parse}.
 *
 * <p>Unlike the notifier's {@code ConfigNode}, keys are not qualified with their section and no
 * environment variables are expanded: settings are plain typed values.
 */
public final class SettingsTree {

  private SettingsTree() {
  }

  /** Whether {@code tree} holds no section at all ({@code null}, YAML null or missing). */
  public static boolean absent(JsonNode tree) {
    return tree == null || tree.isNull() || tree.isMissingNode();
  }

  /**
   * Fails unless {@code tree} is a mapping whose keys are all in {@code known}.
   *
   * @param section the section's name in messages: {@code unknown <section> setting: 'x' (known: ...)}
   * @throws IllegalArgumentException {@code <section> settings must be an object}, or naming the unknown key
   */
  public static void requireKnown(JsonNode tree, Collection<String> known, String section) {
    require(tree.isObject(), section + " settings must be an object");
    for (Iterator<String> it = tree.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      require(known.contains(key), "unknown " + section + " setting: '" + key + "' (known: "
          + String.join(", ", known.stream().sorted().toList()) + ")");
    }
  }

  /** An integer that fits an {@code int}; {@code fallback} when absent. */
  public static int integer(JsonNode tree, String key, int fallback) {
    JsonNode v = tree.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    require(v.isIntegralNumber() && v.canConvertToInt(), key + " must be an integer, was " + v);
    return v.intValue();
  }

  /** Any number; {@code fallback} when absent. */
  public static double number(JsonNode tree, String key, double fallback) {
    JsonNode v = tree.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    require(v.isNumber(), key + " must be a number, was " + v);
    return v.doubleValue();
  }

  /**
   * A duration as {@link Durations#parse} reads it; {@code fallback} when absent. A bare number is an
   * error suggesting its unit ({@code window needs a unit, e.g. "10m"}).
   */
  public static Duration duration(JsonNode tree, String key, Duration fallback) {
    JsonNode v = tree.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    require(!v.isNumber(), key + " needs a unit, e.g. \"" + v.asText() + "m\"");
    require(v.isTextual(), key + " must be a duration such as 30s or 5m, was " + v);
    try {
      return Durations.parse(v.textValue());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
    }
  }

  /** Fails unless {@code d} is more than zero: {@code <key> must be positive, was <d>}. */
  public static void positive(Duration d, String key) {
    Objects.requireNonNull(d, key);
    require(!d.isNegative() && !d.isZero(), key + " must be positive, was " + d);
  }

  /** Fails if {@code d} is negative: {@code <key> must not be negative, was <d>}. */
  public static void notNegative(Duration d, String key) {
    Objects.requireNonNull(d, key);
    require(!d.isNegative(), key + " must not be negative, was " + d);
  }

  /** Fails unless {@code value >= min}: {@code <key> must be at least <min>, was <value>}. */
  public static void atLeast(int value, int min, String key) {
    require(value >= min, key + " must be at least " + min + ", was " + value);
  }

  /** Fails unless {@code min <= value <= max}: {@code <key> must be between <min> and <max>, was <value>}. */
  public static void between(int value, int min, int max, String key) {
    require(value >= min && value <= max, key + " must be between " + min + " and " + max + ", was " + value);
  }

  /** Fails with {@code message} unless {@code condition}. */
  public static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
