package dev.stormwatch.correlator.rules;

import dev.stormwatch.avro.Severity;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Incident statistics over a time window, for {@code GET /api/stats?from=&to=&service=&team=}. Pure:
 * the caller supplies the incidents and changes (from a windowed store) and gets a JSON-able
 * {@link Result} (records of strings and numbers; durations in milliseconds).
 *
 * <p><b>Which incidents count:</b> those opened in {@code [from, to)}, not merged into another; with
 * {@code service}, those with that service among their services; with {@code team}, those whose
 * team is it. Severity counts list every severity, zeros included. MTTD, MTTA and MTTR are
 * {@link IncidentMilestones}'s; each summary covers the counted incidents that have that span.
 *
 * <p><b>Mean and percentiles:</b> the mean in milliseconds rounded half up; p50 and p90 by the
 * nearest-rank method (the value at position {@code ceil(q * n)} of the sorted spans), so they are
 * always one of the observed spans.
 *
 * <p><b>Change failure rate</b> = changes named as a suspect of an incident / all changes, over the
 * changes that took effect in {@code [from, to)} (with {@code service}: on it; with {@code team}: on
 * a service the team owns). A change counts as failed when any incident passed in names it, also one
 * opened after {@code to}: pass the incidents opened in {@code [from, to + change-lookback)} so a
 * change late in the window is judged by the incidents it could cause. Overall and per service;
 * the rate is null when there were no changes.
 */
public final class IncidentStats {

  private IncidentStats() {}

  /**
   * What to compute.
   *
   * @param from    first instant of the window
   * @param to      first instant after it
   * @param service only this service, or null
   * @param team    only this team, or null
   */
  public record Query(Instant from, Instant to, String service, String team) {
    /** Checks the window. */
    public Query {
      Objects.requireNonNull(from, "from");
      Objects.requireNonNull(to, "to");
      if (!from.isBefore(to)) {
        throw new IllegalArgumentException("from (" + from + ") must be before to (" + to + ")");
      }
      service = service == null || service.isBlank() ? null : service;
      team = team == null || team.isBlank() ? null : team;
    }

    /**
     * From the query parameters of {@code GET /api/stats}: {@code from} and {@code to} are ISO-8601
     * instants ({@code 2025-03-03T00:00:00Z}) or epoch milliseconds; without {@code to} the window
     * ends at {@code now}, without {@code from} it starts {@link #DEFAULT_SPAN} before its end.
     *
     * @throws IllegalArgumentException with a one-line message naming the parameter, for a 400
     */
    public static Query parse(String from, String to, String service, String team, Instant now) {
      Instant end = to == null || to.isBlank() ? now : instant("to", to);
      Instant start = from == null || from.isBlank() ? end.minus(DEFAULT_SPAN) : instant("from", from);
      return new Query(start, end, service, team);
    }

    private static Instant instant(String name, String text) {
      String t = text.strip();
      try {
        return t.chars().allMatch(Character::isDigit) && !t.isEmpty() && t.length() <= 15
            ? Instant.ofEpochMilli(Long.parseLong(t)) : Instant.parse(t);
      } catch (DateTimeException | NumberFormatException e) {
        throw new IllegalArgumentException(name + " is not an instant (use ISO-8601 like 2025-03-03T00:00:00Z, or "
            + "epoch milliseconds): '" + (t.length() > 60 ? t.substring(0, 60) + "..." : t) + "'", e);
      }
    }
  }

  /** The window of a query without {@code from}: 7 days. */
  public static final Duration DEFAULT_SPAN = Duration.ofDays(7);

  /**
   * One span's summary, in milliseconds; the values are null when {@code count} is 0.
   *
   * @param count  incidents with the span
   * @param meanMs mean, rounded half up
   * @param p50Ms  median (nearest rank)
   * @param p90Ms  90th percentile (nearest rank)
   */
  public record Spans(int count, Long meanMs, Long p50Ms, Long p90Ms) {
    static Spans of(List<Duration> spans) {
      if (spans.isEmpty()) {
        return new Spans(0, null, null, null);
      }
      long[] ms = spans.stream().mapToLong(Duration::toMillis).sorted().toArray();
      long sum = 0;
      for (long v : ms) {
        sum += v;
      }
      long mean = (2 * sum + ms.length) / (2L * ms.length);
      return new Spans(ms.length, mean, rank(ms, 50), rank(ms, 90));
    }

    private static long rank(long[] sorted, int percent) {
      int position = (int) ((percent * (long) sorted.length + 99) / 100); // ceil(q * n)
      return sorted[Math.max(1, position) - 1];
    }
  }

  /**
   * A change failure rate.
   *
   * @param changes changes in the window
   * @param failed  of them, named as a suspect of an incident
   * @param rate    failed / changes, or null without changes
   */
  public record ChangeFailure(int changes, int failed, Double rate) {
    static ChangeFailure of(int changes, int failed) {
      return new ChangeFailure(changes, failed, changes == 0 ? null : failed / (double) changes);
    }
  }

  /**
   * The statistics.
   *
   * @param from                   the window's start (ISO-8601)
   * @param to                     the window's end, exclusive (ISO-8601)
   * @param service                the service filter, or null
   * @param team                   the team filter, or null
   * @param incidents              incidents counted
   * @param bySeverity             incidents by severity (lower-case names, every severity, most severe first)
   * @param mttd                   time to detect
   * @param mtta                   time to acknowledge
   * @param mttr                   time to restore
   * @param changeFailure          change failure rate over all counted changes
   * @param changeFailureByService change failure rate per changed service, by name
   */
  public record Result(String from, String to, String service, String team, int incidents,
                       Map<String, Integer> bySeverity, Spans mttd, Spans mtta, Spans mttr,
                       ChangeFailure changeFailure, SortedMap<String, ChangeFailure> changeFailureByService) {}

  /**
   * Computes the statistics.
   *
   * @param query     window and filters
   * @param incidents incidents (see the class comment for which to pass)
   * @param changes   changes (those outside the window are ignored)
   * @param ownerOf   the owning team of a service (for the team filter on changes)
   */
  public static Result compute(Query query, Collection<IncidentMilestones> incidents, Collection<Change> changes,
                               Function<String, Optional<String>> ownerOf) {
    List<IncidentMilestones> counted = new ArrayList<>();
    Set<String> suspects = new HashSet<>();
    for (IncidentMilestones m : incidents) {
      suspects.addAll(m.suspectChangeIds());
      if (m.merged() || m.openedAt() == null || m.openedAt().isBefore(query.from())
          || !m.openedAt().isBefore(query.to())) {
        continue;
      }
      if (query.service() != null && !m.services().contains(query.service())
          && !query.service().equals(m.service())) {
        continue;
      }
      if (query.team() != null && !query.team().equals(m.team())) {
        continue;
      }
      counted.add(m);
    }
    Map<String, Integer> bySeverity = new LinkedHashMap<>();
    Severity[] severities = Severity.values();
    for (int i = severities.length - 1; i >= 0; i--) {
      bySeverity.put(severities[i].name().toLowerCase(Locale.ROOT), 0);
    }
    for (IncidentMilestones m : counted) {
      bySeverity.merge(m.severity().name().toLowerCase(Locale.ROOT), 1, Integer::sum);
    }
    SortedMap<String, int[]> perService = new TreeMap<>();
    Set<String> seenChanges = new HashSet<>();
    for (Change c : changes) {
      if (c.time().isBefore(query.from()) || !c.time().isBefore(query.to()) || !seenChanges.add(c.id())) {
        continue;
      }
      if (query.service() != null && !query.service().equals(c.service())) {
        continue;
      }
      if (query.team() != null && !ownerOf.apply(c.service()).map(query.team()::equals).orElse(false)) {
        continue;
      }
      int[] n = perService.computeIfAbsent(c.service(), k -> new int[2]);
      n[0]++;
      if (suspects.contains(c.id())) {
        n[1]++;
      }
    }
    SortedMap<String, ChangeFailure> byService = new TreeMap<>();
    int all = 0;
    int failed = 0;
    for (Map.Entry<String, int[]> e : perService.entrySet()) {
      byService.put(e.getKey(), ChangeFailure.of(e.getValue()[0], e.getValue()[1]));
      all += e.getValue()[0];
      failed += e.getValue()[1];
    }
    return new Result(query.from().toString(), query.to().toString(), query.service(), query.team(), counted.size(),
        bySeverity, spans(counted, IncidentMilestones::mttd), spans(counted, IncidentMilestones::mtta),
        spans(counted, IncidentMilestones::mttr), ChangeFailure.of(all, failed), byService);
  }

  private static Spans spans(List<IncidentMilestones> incidents,
                             Function<IncidentMilestones, Optional<Duration>> span) {
    List<Duration> out = new ArrayList<>();
    for (IncidentMilestones m : incidents) {
      span.apply(m).ifPresent(out::add);
    }
    return Spans.of(out);
  }
}
