package dev.stormwatch.correlator.domain;

import dev.stormwatch.avro.RootCauseCandidate;
import dev.stormwatch.avro.Severity;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Ranks the likely root causes of an incident: the top {@value #TOP} candidate services, each with
 * human-readable reasons. Pure: the same incident and graph give the same ranking.
 *
 * <p>The alerting services are those with a firing kept alert (all member services when none fires,
 * so a resolved incident keeps a meaningful ranking). Candidates fall in tiers, best first:
 * <ol>
 *   <li>an <em>inferred</em> candidate that <em>every</em> alerting service depends on while at least
 *       two alerting services have no alerting dependency: no single alerting service explains the
 *       others, the shared dependency does;</li>
 *   <li>alerting services none of whose dependencies (transitively, at any depth) alert;</li>
 *   <li>other inferred candidates: non-alerting services that at least {@code inferred-fraction} of
 *       the alerting services, and at least {@code inferred-min-dependents} of them, depend on within
 *       {@code max-hops};</li>
 *   <li>alerting services with an alerting dependency (symptoms).</li>
 * </ol>
 * Within a tier a candidate with {@link RankingSignal} evidence (a change on it shortly before the
 * onset: issue 5, "a recent change raises that service's root-cause rank") comes first, and its
 * reasons say which candidates it was ranked above for it; then alerting services go by earlier
 * onset, then more alerts, then a more severe alert, then signal weight; inferred ones by more
 * dependents, then fewer hops in total, then signal weight; the last tie-break is the service name.
 * A recent change does not lift a candidate over a better tier: the topology evidence (its own
 * dependencies are healthy) is stronger than the timing of a deploy. The score is the tier's base (4, 3,
 * 2, 1) plus the inferred coverage fraction plus the signal weights: it explains, it does not
 * order exactly.
 */
public final class RootCause {

  /** How many candidates an incident keeps. */
  public static final int TOP = 3;

  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

  private RootCause() {}

  /**
   * A ranked candidate (the Avro {@link RootCauseCandidate}).
   *
   * @param service  candidate service
   * @param rank     1 for the most likely
   * @param score    higher is likelier; for explaining
   * @param inferred the service does not alert itself, alerting services depend on it
   * @param reasons  one per rule that applied
   */
  public record Candidate(String service, int rank, double score, boolean inferred, List<String> reasons) {
    /** Copies the reasons. */
    public Candidate {
      reasons = List.copyOf(reasons);
    }

    RootCauseCandidate toAvro() {
      return RootCauseCandidate.newBuilder().setService(service).setRank(rank).setScore(score).setInferred(inferred)
          .setReasons(new ArrayList<>(reasons)).build();
    }

    static Candidate of(RootCauseCandidate c) {
      return new Candidate(c.getService(), c.getRank(), c.getScore(), c.getInferred(), c.getReasons());
    }
  }

  /** {@link #rank(IncidentState, ServiceGraph, CorrelatorSettings, List)} with defaults and no signals. */
  public static List<Candidate> rank(IncidentState incident, ServiceGraph graph) {
    return rank(incident, graph, CorrelatorSettings.defaults(), List.of());
  }

  /** The top {@value #TOP} candidates, best first (empty for an incident without kept alerts). */
  public static List<Candidate> rank(IncidentState incident, ServiceGraph graph, CorrelatorSettings settings,
                                     List<RankingSignal> signals) {
    Collection<IncidentState.Member> members = incident.members().values();
    boolean anyFiring = members.stream().anyMatch(IncidentState.Member::firing);
    SortedMap<String, Stats> alerting = new TreeMap<>();
    for (IncidentState.Member m : members) {
      if (!anyFiring || m.firing()) {
        alerting.computeIfAbsent(m.service(), k -> new Stats()).add(m);
      }
    }
    if (alerting.isEmpty()) {
      return List.of();
    }
    Instant firstOnset = alerting.values().stream().map(s -> s.onset).min(Instant::compareTo).orElseThrow();
    int everything = Math.max(1, graph.services().size());
    List<Item> items = new ArrayList<>();
    int independent = 0;
    for (Map.Entry<String, Stats> e : alerting.entrySet()) {
      String service = e.getKey();
      Stats st = e.getValue();
      SortedSet<String> alertingDeps = new TreeSet<>(graph.transitiveDependencies(service, everything).keySet());
      alertingDeps.retainAll(alerting.keySet());
      Item item = new Item(service, false);
      item.onset = st.onset;
      item.count = st.count;
      item.severity = st.severity;
      if (alertingDeps.isEmpty()) {
        item.tier = 1;
        independent++;
        item.reasons.add(() -> graph.isKnown(service) ? "no dependency of " + service + " is alerting"
            : service + " is not in the service topology, so nothing is known of its dependencies");
      } else {
        item.tier = 3;
        item.reasons.add(() -> "depends on alerting " + names(alertingDeps));
      }
      item.reasons.add(() -> st.onset.equals(firstOnset)
          ? "alerting since " + CLOCK.format(st.onset) + ", first in the incident"
          : "alerting since " + CLOCK.format(st.onset) + ", " + human(Duration.between(firstOnset, st.onset))
              + " after the first alert");
      item.reasons.add(() -> st.count + (st.count == 1 ? " alert, " : " alerts, highest ") + st.severity);
      items.add(item);
    }

    int n = alerting.size();
    SortedMap<String, Item> inferred = new TreeMap<>();
    for (String service : alerting.keySet()) {
      for (Map.Entry<String, Integer> dep : graph.transitiveDependencies(service, settings.maxHops()).entrySet()) {
        if (!alerting.containsKey(dep.getKey())) {
          Item item = inferred.computeIfAbsent(dep.getKey(), k -> new Item(k, true));
          item.dependents++;
          item.hops += dep.getValue();
        }
      }
    }
    for (Item item : inferred.values()) {
      int k = item.dependents;
      if (k < settings.inferredMinDependents() || k < settings.inferredFraction() * n - 1e-9) {
        continue;
      }
      item.coverage = k / (double) n;
      boolean all = k == n;
      item.tier = all && independent >= 2 ? 0 : 2;
      item.reasons.add(() -> (all ? "all " + n : k + " of " + n) + " alerting services depend on " + item.service);
      item.reasons.add(() -> item.service + " is not alerting itself");
      if (item.tier == 0) {
        item.reasons.add(() -> "no single alerting service explains the others");
      }
      items.add(item);
    }

    for (Item item : items) {
      for (RankingSignal signal : signals) {
        signal.evidence(item.service, incident).ifPresent(ev -> {
          item.signal += ev.weight();
          item.reasons.add(() -> ev.reason());
        });
      }
    }
    items.sort(ORDER);
    for (Item item : items.subList(0, Math.min(TOP, items.size()))) {
      if (item.signal > 0) {
        SortedSet<String> overtaken = new TreeSet<>();
        for (Item other : items) {
          if (other.tier == item.tier && other.signal <= 0 && aheadWithoutSignal(other, item)) {
            overtaken.add(other.service);
          }
        }
        if (!overtaken.isEmpty()) {
          item.reasons.add(() -> "ranked above " + names(overtaken) + " for the recent change");
        }
      }
    }
    List<Candidate> out = new ArrayList<>();
    for (Item item : items.subList(0, Math.min(TOP, items.size()))) {
      double base = 4 - item.tier;
      out.add(new Candidate(item.service, out.size() + 1, base + item.coverage + item.signal, item.inferred,
          item.reasons.stream().map(Supplier::get).toList()));
    }
    return List.copyOf(out);
  }

  /**
   * Tier first; within a tier, a candidate with signal evidence (a recent change) first; then the
   * alert or dependency evidence ({@link #evidence}), then the signal weight, then the name.
   */
  private static final Comparator<Item> ORDER = (a, b) -> {
    int c = Integer.compare(a.tier, b.tier);
    c = c != 0 ? c : Boolean.compare(b.signal > 0, a.signal > 0);
    c = c != 0 ? c : evidence(a, b);
    c = c != 0 ? c : Double.compare(b.signal, a.signal);
    return c != 0 ? c : a.service.compareTo(b.service);
  };

  /** Whether {@code other} would rank above {@code item} of the same tier without any signal. */
  private static boolean aheadWithoutSignal(Item other, Item item) {
    int c = evidence(other, item);
    return c < 0 || c == 0 && other.service.compareTo(item.service) < 0;
  }

  /** Alerting: earlier onset, more alerts, more severe; inferred: more dependents, fewer hops. */
  private static int evidence(Item a, Item b) {
    int c = Boolean.compare(a.inferred, b.inferred);
    if (c != 0) {
      return c;
    }
    if (a.inferred) {
      c = Integer.compare(b.dependents, a.dependents);
      return c != 0 ? c : Integer.compare(a.hops, b.hops);
    }
    c = a.onset.compareTo(b.onset);
    c = c != 0 ? c : Integer.compare(b.count, a.count);
    return c != 0 ? c : Integer.compare(b.severity.ordinal(), a.severity.ordinal());
  }

  private static String names(SortedSet<String> services) {
    List<String> list = new ArrayList<>(services);
    if (list.size() <= 3) {
      return String.join(", ", list);
    }
    return String.join(", ", list.subList(0, 3)) + " and " + (list.size() - 3) + " more";
  }

  static String human(Duration d) {
    long s = d.toSeconds();
    if (s < 60) {
      return s + "s";
    }
    if (s < 3600) {
      return s / 60 + "m" + (s % 60 == 0 ? "" : " " + s % 60 + "s");
    }
    return s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : " " + s % 3600 / 60 + "m");
  }

  /** Onset, count and worst severity of one service's alerts. */
  private static final class Stats {
    Instant onset;
    int count;
    Severity severity = Severity.UNKNOWN;

    void add(IncidentState.Member m) {
      onset = onset == null || m.startsAt().isBefore(onset) ? m.startsAt() : onset;
      count++;
      severity = m.severity().ordinal() > severity.ordinal() ? m.severity() : severity;
    }
  }

  /** A candidate being ranked. */
  private static final class Item {
    final String service;
    final boolean inferred;
    /** Built only for the candidates that make the top: formatting them is most of a ranking's cost. */
    final List<Supplier<String>> reasons = new ArrayList<>();
    int tier;
    Instant onset;
    int count;
    Severity severity = Severity.UNKNOWN;
    int dependents;
    int hops;
    double coverage;
    double signal;

    Item(String service, boolean inferred) {
      this.service = service;
      this.inferred = inferred;
    }
  }
}
