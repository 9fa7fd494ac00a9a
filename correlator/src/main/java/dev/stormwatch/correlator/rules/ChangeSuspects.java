package dev.stormwatch.correlator.rules;

import dev.stormwatch.avro.SuspectChange;
import dev.stormwatch.correlator.domain.IncidentState;
import dev.stormwatch.correlator.domain.RootCause;
import dev.stormwatch.correlator.domain.ServiceGraph;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Picks the changes that may have caused an incident. Pure.
 *
 * <p>The <b>candidate services</b> are the incident's alerting services and its ranked root-cause
 * candidates (which include inferred ones: non-alerting dependencies). A change is a <b>suspect</b>
 * when it is on a candidate service, or on a service a candidate depends on within
 * {@code change-dependency-hops} directed hops, and took effect within {@code change-lookback}
 * before the incident's onset (its first alert's {@code startsAt}), onset included:
 * {@code onset - lookback <= time <= onset}. Suspects are ordered by closeness (on a candidate
 * first, then fewer hops), then the latest first, then by id, and at most {@code max-suspect-changes}
 * are kept.
 */
public final class ChangeSuspects {

  private ChangeSuspects() {}

  /**
   * A suspect change and why.
   *
   * @param change       the change
   * @param via          the candidate service it is on or that depends on its service
   * @param hops         0 when on a candidate, else the dependency hops from {@code via}
   * @param beforeOnset  how long before the onset it took effect
   */
  public record Suspect(Change change, String via, int hops, Duration beforeOnset) {

    /** The Avro form for {@code Incident.suspectChanges}. */
    public SuspectChange toAvro() {
      return change.toSuspect();
    }

    /** E.g. {@code deployed v1.4.2 by alice 5m before onset, on payments, a dependency of checkout}. */
    public String reason() {
      String when = beforeOnset.isZero() ? " at onset" : " " + Text.duration(beforeOnset) + " before onset";
      String where = hops == 0 ? ", on " + change.service()
          : ", on " + change.service() + ", a " + (hops == 1 ? "" : hops + "-hop ") + "dependency of " + via;
      return change.describe() + when + where;
    }
  }

  /** The suspects of an incident: its services and root-cause candidates, onset at its first alert. */
  public static List<Suspect> forIncident(IncidentState incident, ServiceGraph graph, ChangeLookup changes,
                                          RulesSettings settings) {
    Set<String> candidates = new LinkedHashSet<>(incident.services());
    for (RootCause.Candidate c : incident.rootCauses()) {
      candidates.add(c.service());
    }
    return find(candidates, incident.firstAlertAt(), graph, changes, settings);
  }

  /** The Avro suspects of an incident, for {@code Incident.suspectChanges}. */
  public static List<SuspectChange> avroForIncident(IncidentState incident, ServiceGraph graph, ChangeLookup changes,
                                                    RulesSettings settings) {
    return forIncident(incident, graph, changes, settings).stream().map(Suspect::toAvro).toList();
  }

  /** The suspects for these candidate services and onset (see the class comment). */
  public static List<Suspect> find(Collection<String> candidates, Instant onset, ServiceGraph graph,
                                   ChangeLookup changes, RulesSettings settings) {
    Objects.requireNonNull(onset, "onset");
    // every service in reach, with its fewest hops and the candidate it is reached from
    SortedMap<String, Map.Entry<String, Integer>> reach = new TreeMap<>();
    for (String c : new TreeSet<>(candidates)) {
      closer(reach, c, c, 0);
      for (Map.Entry<String, Integer> dep : graph.transitiveDependencies(c, settings.changeDependencyHops())
          .entrySet()) {
        closer(reach, dep.getKey(), c, dep.getValue());
      }
    }
    Instant from = onset.minus(settings.changeLookback());
    List<Suspect> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Map.Entry<String, Map.Entry<String, Integer>> e : reach.entrySet()) {
      for (Change ch : changes.changes(e.getKey(), from, onset)) {
        if (ch.time().isBefore(from) || ch.time().isAfter(onset) || !seen.add(ch.id())) {
          continue;
        }
        out.add(new Suspect(ch, e.getValue().getKey(), e.getValue().getValue(), Duration.between(ch.time(), onset)));
      }
    }
    out.sort(Comparator.comparingInt(Suspect::hops).thenComparing(s -> s.change().time(), Comparator.reverseOrder())
        .thenComparing(s -> s.change().id()));
    return List.copyOf(out.subList(0, Math.min(out.size(), settings.maxSuspectChanges())));
  }

  private static void closer(SortedMap<String, Map.Entry<String, Integer>> reach, String service, String via,
                             int hops) {
    Map.Entry<String, Integer> old = reach.get(service);
    if (old == null || hops < old.getValue()) {
      reach.put(service, Map.entry(via, hops));
    }
  }
}
