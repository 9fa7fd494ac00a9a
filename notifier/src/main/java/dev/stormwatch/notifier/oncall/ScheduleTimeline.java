package dev.stormwatch.notifier.oncall;

import dev.stormwatch.notifier.oncall.Schedule.Layer;
import dev.stormwatch.notifier.oncall.Schedule.Restriction;
import dev.stormwatch.notifier.oncall.Schedule.ScheduleOverride;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Who is on call, as pure functions of a {@link Schedule} and instants (no clock of its own).
 *
 * <p><b>Wall-clock time.</b> Rotation starts, handoffs and restriction windows are local date-times
 * in the schedule's zone. A local date-time becomes an instant by {@link #resolve}: the usual offset;
 * in a daylight-saving overlap (a local hour that happens twice) the earlier one; in a gap (a local
 * hour that never happens) the instant the gap ends. That mapping never runs backwards, so turns
 * and windows always tile time without overlaps or holes: a weekly turn that spans the spring change
 * lasts 167 hours, one that spans the autumn change 169, and the handoff stays at its local time.
 *
 * <p><b>Layers.</b> Turn {@code k} of a layer runs from {@code resolve(start + k * rotation)} to
 * {@code resolve(start + (k + 1) * rotation)} and belongs to participant {@code k mod n}. The layer
 * covers an instant when it is inside a turn (not before the start, not after the end) and inside
 * one of its restriction windows (if it has any).
 *
 * <p><b>The answer</b> at an instant is the person of the last override covering it, else the
 * person of the last (highest) layer covering it, else nobody.
 */
public final class ScheduleTimeline {

  /** How far {@link #wholeShifts} looks beyond the asked range for the true ends of a shift. */
  public static final Duration MAX_LOOKAROUND = Duration.ofDays(366);
  private static final Duration CHUNK = Duration.ofDays(7);

  private ScheduleTimeline() {}

  /**
   * The instant of a local date-time in {@code zone}: the earlier offset in an overlap, the end of
   * the gap in a gap. Monotone: a later local date-time never gives an earlier instant.
   */
  public static Instant resolve(LocalDateTime local, ZoneId zone) {
    ZoneOffsetTransition transition = zone.getRules().getTransition(local);
    if (transition != null && transition.isGap()) {
      return transition.getInstant();
    }
    return local.atZone(zone).toInstant();
  }

  /** Who is on call on {@code schedule} at {@code at}, per layer and finally. */
  public static OnCallAnswer at(Schedule schedule, Instant at) {
    List<Optional<String>> layers = new ArrayList<>(schedule.layers().size());
    for (Layer layer : schedule.layers()) {
      layers.add(personOf(layer, schedule.zone(), at));
    }
    for (int i = schedule.overrides().size() - 1; i >= 0; i--) {
      ScheduleOverride o = schedule.overrides().get(i);
      if (o.covers(at)) {
        return new OnCallAnswer(schedule.id(), at, Optional.of(o.person()), OnCallAnswer.Source.OVERRIDE, -1, layers);
      }
    }
    for (int i = layers.size() - 1; i >= 0; i--) {
      if (layers.get(i).isPresent()) {
        return new OnCallAnswer(schedule.id(), at, layers.get(i), OnCallAnswer.Source.LAYER, i, layers);
      }
    }
    return new OnCallAnswer(schedule.id(), at, Optional.empty(), OnCallAnswer.Source.NONE, -1, layers);
  }

  /** The person of {@code layer} at {@code at}, or empty where the layer has no coverage. */
  public static Optional<String> personOf(Layer layer, ZoneId zone, Instant at) {
    if (at.isBefore(boundary(layer, zone, 0)) || layer.end().map(e -> !at.isBefore(resolve(e, zone))).orElse(false)) {
      return Optional.empty();
    }
    if (!allowed(layer.restrictions(), zone, at)) {
      return Optional.empty();
    }
    return Optional.of(participant(layer, turnAt(layer, zone, at)));
  }

  /**
   * The shifts of one layer within {@code [from, to)}, clipped to it, in order: one per turn and
   * restriction window, never overlapping. Without restrictions they are contiguous from the
   * layer's start (or {@code from}) to its end (or {@code to}).
   */
  public static List<Shift> layerShifts(Schedule schedule, int layerIndex, Instant from, Instant to) {
    Layer layer = schedule.layers().get(layerIndex);
    ZoneId zone = schedule.zone();
    Instant start = max(from, boundary(layer, zone, 0));
    Instant end = layer.end().map(e -> min(to, resolve(e, zone))).orElse(to);
    List<Shift> turns = new ArrayList<>();
    if (!start.isBefore(end)) {
      return turns;
    }
    long k = turnAt(layer, zone, start);
    for (Instant b = boundary(layer, zone, k); b.isBefore(end); k++) {
      Instant next = boundary(layer, zone, k + 1);
      Instant a = max(b, start);
      Instant z = min(next, end);
      if (a.isBefore(z)) {
        turns.add(new Shift(participant(layer, k), a, z));
      }
      b = next;
    }
    if (layer.restrictions().isEmpty()) {
      return turns;
    }
    return intersect(turns, windows(layer.restrictions(), zone, start, end));
  }

  /**
   * The final on-call timeline within {@code [from, to)}, clipped to it: who is on call when, with
   * overrides and layer priority applied, adjacent pieces of the same person merged. Where nobody is
   * on call there is no shift.
   */
  public static List<Shift> shifts(Schedule schedule, Instant from, Instant to) {
    List<Shift> out = new ArrayList<>();
    if (!from.isBefore(to)) {
      return out;
    }
    TreeSet<Instant> cuts = new TreeSet<>();
    cuts.add(from);
    cuts.add(to);
    for (int i = 0; i < schedule.layers().size(); i++) {
      Layer layer = schedule.layers().get(i);
      Instant start = boundary(layer, schedule.zone(), 0);
      if (start.isAfter(from) && start.isBefore(to)) {
        cuts.add(start);
      }
      for (Shift s : layerShifts(schedule, i, from, to)) {
        cuts.add(s.start());
        cuts.add(s.end());
      }
    }
    for (ScheduleOverride o : schedule.overrides()) {
      if (o.start().isAfter(from) && o.start().isBefore(to)) {
        cuts.add(o.start());
      }
      if (o.end().isAfter(from) && o.end().isBefore(to)) {
        cuts.add(o.end());
      }
    }
    Instant a = null;
    for (Instant b : cuts) {
      if (a != null) {
        Optional<String> who = at(schedule, a).person();
        if (who.isPresent()) {
          Shift last = out.isEmpty() ? null : out.get(out.size() - 1);
          if (last != null && last.end().equals(a) && last.person().equals(who.get())) {
            out.set(out.size() - 1, new Shift(last.person(), last.start(), b));
          } else {
            out.add(new Shift(who.get(), a, b));
          }
        }
      }
      a = b;
    }
    return out;
  }

  /**
   * The final shifts that intersect {@code [from, to)}, each with its true start and end (looked up
   * beyond the range, at most {@link #MAX_LOOKAROUND} either side), so a shift is the same whatever
   * range asked for it: the basis of stable calendar event ids.
   */
  public static List<Shift> wholeShifts(Schedule schedule, Instant from, Instant to) {
    List<Shift> shifts = new ArrayList<>(shifts(schedule, from, to));
    if (shifts.isEmpty()) {
      return shifts;
    }
    Shift first = shifts.get(0);
    if (first.start().equals(from)) {
      shifts.set(0, new Shift(first.person(), startOf(schedule, first.person(), from), first.end()));
    }
    Shift last = shifts.get(shifts.size() - 1);
    if (last.end().equals(to)) {
      shifts.set(shifts.size() - 1, new Shift(last.person(), last.start(), endOf(schedule, last.person(), to)));
    }
    return shifts;
  }

  /** Where the shift of {@code person} that covers {@code t} (already known to) really starts. */
  private static Instant startOf(Schedule schedule, String person, Instant t) {
    Instant cursor = t;
    Instant limit = t.minus(MAX_LOOKAROUND);
    while (cursor.isAfter(limit)) {
      Instant from = max(cursor.minus(CHUNK), limit);
      List<Shift> before = shifts(schedule, from, cursor);
      if (before.isEmpty()) {
        return cursor;
      }
      Shift adjacent = before.get(before.size() - 1);
      if (!adjacent.end().equals(cursor) || !adjacent.person().equals(person)) {
        return cursor;
      }
      if (adjacent.start().isAfter(from)) {
        return adjacent.start();
      }
      cursor = from;
    }
    return cursor;
  }

  /** Where the shift of {@code person} that runs up to {@code t} really ends. */
  private static Instant endOf(Schedule schedule, String person, Instant t) {
    Instant cursor = t;
    Instant limit = t.plus(MAX_LOOKAROUND);
    while (cursor.isBefore(limit)) {
      Instant to = min(cursor.plus(CHUNK), limit);
      List<Shift> after = shifts(schedule, cursor, to);
      if (after.isEmpty()) {
        return cursor;
      }
      Shift adjacent = after.get(0);
      if (!adjacent.start().equals(cursor) || !adjacent.person().equals(person)) {
        return cursor;
      }
      if (adjacent.end().isBefore(to)) {
        return adjacent.end();
      }
      cursor = to;
    }
    return cursor;
  }

  // ---- turns ---------------------------------------------------------------------------------

  /** Start of turn {@code k}. */
  static Instant boundary(Layer layer, ZoneId zone, long k) {
    return resolve(layer.start().plus(layer.rotation().multipliedBy(k)), zone);
  }

  /** The turn covering {@code t}, which is at or after the layer's start: the last k with boundary(k) <= t. */
  static long turnAt(Layer layer, ZoneId zone, Instant t) {
    LocalDateTime local = LocalDateTime.ofInstant(t, zone);
    long k = Math.max(0, Math.floorDiv(Duration.between(layer.start(), local).toMillis(),
        layer.rotation().toMillis()));
    while (k > 0 && boundary(layer, zone, k).isAfter(t)) {
      k--;
    }
    while (!boundary(layer, zone, k + 1).isAfter(t)) {
      k++;
    }
    return k;
  }

  private static String participant(Layer layer, long turn) {
    return layer.participants().get((int) Math.floorMod(turn, (long) layer.participants().size()));
  }

  // ---- restrictions --------------------------------------------------------------------------

  /** Whether restrictions (none: always) allow {@code t}. */
  static boolean allowed(List<Restriction> restrictions, ZoneId zone, Instant t) {
    if (restrictions.isEmpty()) {
      return true;
    }
    LocalDate today = LocalDateTime.ofInstant(t, zone).toLocalDate();
    for (Restriction r : restrictions) {
      for (LocalDate day = today.minusDays(1); !day.isAfter(today.plusDays(1)); day = day.plusDays(1)) {
        if (r.days().contains(day.getDayOfWeek())) {
          LocalDateTime begin = day.atTime(r.start());
          if (!t.isBefore(resolve(begin, zone)) && t.isBefore(resolve(begin.plus(r.length()), zone))) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** The restriction windows within {@code [from, to)}, clipped, merged and in order. */
  static List<Shift> windows(List<Restriction> restrictions, ZoneId zone, Instant from, Instant to) {
    List<Instant[]> raw = new ArrayList<>();
    LocalDate first = LocalDateTime.ofInstant(from, zone).toLocalDate().minusDays(1);
    LocalDate last = LocalDateTime.ofInstant(to, zone).toLocalDate().plusDays(1);
    for (LocalDate day = first; !day.isAfter(last); day = day.plusDays(1)) {
      for (Restriction r : restrictions) {
        if (r.days().contains(day.getDayOfWeek())) {
          LocalDateTime begin = day.atTime(r.start());
          Instant a = max(resolve(begin, zone), from);
          Instant b = min(resolve(begin.plus(r.length()), zone), to);
          if (a.isBefore(b)) {
            raw.add(new Instant[] {a, b});
          }
        }
      }
    }
    raw.sort((x, y) -> x[0].compareTo(y[0]));
    List<Shift> merged = new ArrayList<>();
    Instant a = null;
    Instant b = null;
    for (Instant[] w : raw) {
      if (a != null && !w[0].isAfter(b)) {
        b = max(b, w[1]);
      } else {
        if (a != null) {
          merged.add(new Shift("-", a, b));
        }
        a = w[0];
        b = w[1];
      }
    }
    if (a != null) {
      merged.add(new Shift("-", a, b));
    }
    return merged;
  }

  /** The parts of {@code shifts} inside {@code windows} (both sorted and non-overlapping). */
  private static List<Shift> intersect(List<Shift> shifts, List<Shift> windows) {
    List<Shift> out = new ArrayList<>();
    int i = 0;
    int j = 0;
    while (i < shifts.size() && j < windows.size()) {
      Shift s = shifts.get(i);
      Shift w = windows.get(j);
      Instant a = max(s.start(), w.start());
      Instant b = min(s.end(), w.end());
      if (a.isBefore(b)) {
        out.add(new Shift(s.person(), a, b));
      }
      if (s.end().isBefore(w.end())) {
        i++;
      } else {
        j++;
      }
    }
    return out;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
