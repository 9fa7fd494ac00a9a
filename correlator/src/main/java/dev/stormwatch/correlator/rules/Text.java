package dev.stormwatch.correlator.rules;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Human-readable durations and instants for reasons. */
final class Text {

  private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
      .withZone(ZoneOffset.UTC);

  private Text() {}

  /** {@code 45s}, {@code 5m}, {@code 5m 30s}, {@code 2h}, {@code 2h 15m}, {@code 3d}, {@code 3d 4h}. */
  static String duration(Duration d) {
    long s = Math.abs(d.toSeconds());
    if (s < 60) {
      return d.isZero() || s > 0 ? s + "s" : d.toMillis() + "ms";
    }
    if (s < 3600) {
      return s / 60 + "m" + (s % 60 == 0 ? "" : " " + s % 60 + "s");
    }
    if (s < 86_400) {
      return s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : " " + s % 3600 / 60 + "m");
    }
    return s / 86_400 + "d" + (s % 86_400 / 3600 == 0 ? "" : " " + s % 86_400 / 3600 + "h");
  }

  /** {@code 2025-03-01 10:00 UTC}. */
  static String instant(Instant t) {
    return MINUTE.format(t);
  }
}
