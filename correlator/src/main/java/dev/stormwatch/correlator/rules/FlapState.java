package dev.stormwatch.correlator.rules;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The recent state changes of one alert, what {@link FlapDetector} needs to tell whether it flaps.
 * Immutable and small: at most {@code flap-threshold + 2} points.
 *
 * <p>It keeps the alert's recent (event time, firing?) points, sorted, collapsed so consecutive
 * points alternate (a repeat of the same status keeps the earliest), so every point after the first
 * is a state change. It keeps the points within {@code flap-window} of the latest plus the one
 * before them (the state entering the window), and at most the latest {@code threshold + 2}, which
 * is exactly enough to tell whether more than {@code threshold} changes fall in a window ending at
 * or after the latest point, and when that stops being so. Times are kept to the millisecond.
 *
 * <p>{@link #encode()} is compact binary: a version byte, a count byte and 8 bytes a point.
 */
public final class FlapState {

  /** Encoding version. */
  static final byte VERSION = 1;
  private static final FlapState EMPTY = new FlapState(List.of());
  private static final Comparator<Point> ORDER = Comparator.comparing(Point::at)
      .thenComparing(Point::firing, Comparator.reverseOrder());

  /**
   * One observed status.
   *
   * @param at     event time, to the millisecond
   * @param firing firing (true) or resolved
   */
  public record Point(Instant at, boolean firing) {}

  private final List<Point> points;

  private FlapState(List<Point> points) {
    this.points = Collections.unmodifiableList(points);
  }

  /** No observations yet. */
  public static FlapState empty() {
    return EMPTY;
  }

  /** The kept points, oldest first; consecutive points alternate. */
  public List<Point> points() {
    return points;
  }

  /** The state with one more observation, pruned for {@code threshold} and {@code window}. */
  FlapState with(Instant at, boolean firing, int threshold, Duration window) {
    Point p = new Point(Instant.ofEpochMilli(at.toEpochMilli()), firing);
    List<Point> all = new ArrayList<>(points);
    if (all.contains(p)) {
      return this;
    }
    all.add(p);
    all.sort(ORDER);
    List<Point> alternating = new ArrayList<>();
    for (Point q : all) {
      if (alternating.isEmpty() || alternating.get(alternating.size() - 1).firing() != q.firing()) {
        alternating.add(q);
      }
    }
    Instant latest = alternating.get(alternating.size() - 1).at();
    Instant windowStart = latest.minus(window);
    int first = 0;
    for (int i = 0; i < alternating.size(); i++) {
      if (alternating.get(i).at().isAfter(windowStart)) {
        first = Math.max(0, i - 1);
        break;
      }
    }
    first = Math.max(first, alternating.size() - (threshold + 2));
    List<Point> kept = new ArrayList<>(alternating.subList(first, alternating.size()));
    return kept.equals(points) ? this : new FlapState(kept);
  }

  /** State changes (points after the first) whose time is in {@code (t - window, t]}. */
  int changesWithin(Instant t, Duration window) {
    Instant from = t.minus(window);
    int n = 0;
    for (int i = 1; i < points.size(); i++) {
      Instant at = points.get(i).at();
      if (at.isAfter(from) && !at.isAfter(t)) {
        n++;
      }
    }
    return n;
  }

  /** The time of the {@code k}-th latest change (1 = latest), or null. */
  Instant latestChange(int k) {
    int i = points.size() - k;
    return i >= 1 ? points.get(i).at() : null;
  }

  /** Compact binary form; {@link #decode} reads it back. */
  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(2 + 8 * points.size());
    b.put(VERSION).put((byte) points.size());
    for (Point p : points) {
      b.putLong(p.at().toEpochMilli() << 1 | (p.firing() ? 1 : 0));
    }
    return b.array();
  }

  /** @throws IllegalArgumentException when the bytes are not an encoded state of a known version */
  public static FlapState decode(byte[] bytes) {
    if (bytes == null || bytes.length < 2 || bytes[0] != VERSION) {
      throw new IllegalArgumentException("not an encoded FlapState (version " + VERSION + ")");
    }
    int n = bytes[1] & 0xff;
    if (bytes.length != 2 + 8 * n) {
      throw new IllegalArgumentException("truncated FlapState: " + bytes.length + " bytes for " + n + " points");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, 2, 8 * n);
    List<Point> points = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long v = b.getLong();
      points.add(new Point(Instant.ofEpochMilli(v >> 1), (v & 1) == 1));
    }
    return n == 0 ? EMPTY : new FlapState(points);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FlapState s && points.equals(s.points);
  }

  @Override
  public int hashCode() {
    return Objects.hash(points);
  }

  @Override
  public String toString() {
    return "FlapState" + points;
  }
}
