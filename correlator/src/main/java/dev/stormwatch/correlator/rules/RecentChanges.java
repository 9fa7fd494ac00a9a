package dev.stormwatch.correlator.rules;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An in-memory index of recent changes by service, a {@link ChangeLookup}. Mutable and not
 * thread-safe: one per stream task (or rebuilt from a store of {@link ServiceChanges}).
 *
 * <p><b>Bounded.</b> A change older than the retention ({@code change-lookback +
 * change-retention-margin}) before the latest instant the index was told about is dropped (it can
 * no longer be a suspect of a new incident); each service keeps at most
 * {@code max-changes-per-service}; at most {@code max-change-services} services are kept, and
 * beyond it the service whose latest change is oldest is evicted. {@link Added#capped()} says when a
 * cap dropped something, for the caller's metric.
 */
public final class RecentChanges implements ChangeLookup {

  /** What {@link #add} did. */
  public enum Outcome {
    /** A new change was kept. */
    ADDED,
    /** A change with this id was replaced. */
    UPDATED,
    /** The change is older than the retention: not kept. */
    TOO_OLD,
    /** The service has {@code max-changes-per-service} newer changes: not kept. */
    CAPPED_OUT
  }

  /**
   * The result of {@link #add}.
   *
   * @param outcome what happened to the change
   * @param capped  a cap dropped a change or a service to make room
   * @param changes the service's changes after it, to write to a store
   */
  public record Added(Outcome outcome, boolean capped, ServiceChanges changes) {}

  private final Map<String, ServiceChanges> byService = new HashMap<>();
  private final Duration retention;
  private final int maxPerService;
  private final int maxServices;

  /**
   * An empty index.
   *
   * @param retention     how long a change is kept
   * @param maxPerService most changes kept per service
   * @param maxServices   most services kept
   */
  public RecentChanges(Duration retention, int maxPerService, int maxServices) {
    this.retention = Objects.requireNonNull(retention, "retention");
    if (maxPerService < 1 || maxServices < 1) {
      throw new IllegalArgumentException("change caps must be at least 1");
    }
    this.maxPerService = maxPerService;
    this.maxServices = maxServices;
  }

  /** An index bounded by the {@code change-*} settings. */
  public static RecentChanges of(RulesSettings settings) {
    return new RecentChanges(settings.changeRetention(), settings.maxChangesPerService(),
        settings.maxChangeServices());
  }

  /** Adds a change, as of {@code now} (stream time: the latest record time seen). */
  public Added add(Change change, Instant now) {
    ServiceChanges old = byService.getOrDefault(change.service(), ServiceChanges.empty(change.service()));
    if (change.time().isBefore(now.minus(retention))) {
      return new Added(Outcome.TOO_OLD, false, old);
    }
    ServiceChanges pruned = old.pruned(now, retention);
    boolean replaced = pruned.changes().stream().anyMatch(c -> c.id().equals(change.id()));
    ServiceChanges next = pruned.with(change, now, retention, maxPerService);
    if (!next.contains(change)) {
      return new Added(Outcome.CAPPED_OUT, true, pruned);
    }
    boolean capped = pruned.changes().size() + (replaced ? 0 : 1) > maxPerService;
    byService.put(change.service(), next);
    if (byService.size() > maxServices) {
      evictOldestService(change.service());
      capped = true;
    }
    return new Added(replaced ? Outcome.UPDATED : Outcome.ADDED, capped, next);
  }

  /** Puts back a service's changes read from a store (e.g. on restore). */
  public void restore(ServiceChanges changes) {
    if (changes.isEmpty()) {
      byService.remove(changes.service());
    } else {
      byService.put(changes.service(), changes);
      if (byService.size() > maxServices) {
        evictOldestService(changes.service());
      }
    }
  }

  /** Drops the changes older than the retention before {@code now}; returns the services left empty (removed). */
  public List<String> prune(Instant now) {
    List<String> emptied = new ArrayList<>();
    for (Map.Entry<String, ServiceChanges> e : List.copyOf(byService.entrySet())) {
      ServiceChanges p = e.getValue().pruned(now, retention);
      if (p.isEmpty()) {
        byService.remove(e.getKey());
        emptied.add(e.getKey());
      } else if (p != e.getValue()) {
        byService.put(e.getKey(), p);
      }
    }
    Collections.sort(emptied);
    return emptied;
  }

  @Override
  public List<Change> changes(String service, Instant from, Instant to) {
    ServiceChanges s = byService.get(service);
    return s == null ? List.of() : s.between(from, to);
  }

  /** The changes of one service. */
  public ServiceChanges of(String service) {
    return byService.getOrDefault(service, ServiceChanges.empty(service));
  }

  /** The services with changes. */
  public Collection<String> services() {
    return Collections.unmodifiableSet(byService.keySet());
  }

  /** How many changes are kept in all. */
  public int size() {
    return byService.values().stream().mapToInt(s -> s.changes().size()).sum();
  }

  private void evictOldestService(String keep) {
    String oldest = null;
    Instant oldestLatest = null;
    for (Map.Entry<String, ServiceChanges> e : byService.entrySet()) {
      if (e.getKey().equals(keep)) {
        continue;
      }
      List<Change> cs = e.getValue().changes();
      Instant latest = cs.get(cs.size() - 1).time();
      if (oldestLatest == null || latest.isBefore(oldestLatest)
          || latest.equals(oldestLatest) && e.getKey().compareTo(oldest) < 0) {
        oldest = e.getKey();
        oldestLatest = latest;
      }
    }
    if (oldest != null) {
      byService.remove(oldest);
    }
  }
}
