package dev.stormwatch.correlator.rules;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The silences and maintenance windows known to the correlator, keyed by id: the {@link Muter} for
 * them. Immutable: every change returns a new set, so one instance can be read by stream threads
 * while a newer one is being built (copying is cheap at the sizes silences come in).
 *
 * <p><b>Bounded.</b> At most {@code max-silences} entries. An expired silence (past its
 * {@code endsAt}) stays {@code silence-retention} longer, so the API can still show it, and then
 * drops ({@link #prune(Instant)}, and on every {@link #put}). When the set is full, a new silence
 * first makes room by evicting the expired silence that ended first; if every silence is still
 * current, the new one is rejected ({@link Outcome#REJECTED_CAP}), which the caller counts and logs.
 *
 * <p><b>Which silence answers</b> when several mute one alert: the one muting longest (latest
 * {@link Suppression#until()}), then the smallest id, so the answer does not depend on arrival
 * order. Lookup is a scan of the set, O(silences x matchers).
 */
public final class SilenceSet implements Muter {

  /** What {@link #put} or {@link #remove} did. */
  public enum Outcome {
    /** A new silence was added. */
    ADDED,
    /** A silence with this id was replaced. */
    REPLACED,
    /** The silence was removed (tombstone). */
    REMOVED,
    /** Nothing to remove. */
    ABSENT,
    /** The silence ended more than the retention ago, so it was not kept (nor an older copy of it). */
    DROPPED_EXPIRED,
    /** The set is full of current silences; the new one was not kept. */
    REJECTED_CAP
  }

  /**
   * The result of a change.
   *
   * @param set     the set after the change
   * @param outcome what happened
   * @param detail  human-readable, for a log line
   */
  public record Update(SilenceSet set, Outcome outcome, String detail) {}

  private static final Comparator<Suppression> BEST = Comparator
      .comparing((Suppression s) -> s.until() == null ? Instant.MAX : s.until()).reversed()
      .thenComparing(Suppression::ref);

  private final SortedMap<String, SilenceRule> byId;
  private final int maxSilences;
  private final Duration retention;

  private SilenceSet(SortedMap<String, SilenceRule> byId, int maxSilences, Duration retention) {
    this.byId = Collections.unmodifiableSortedMap(byId);
    this.maxSilences = maxSilences;
    this.retention = retention;
  }

  /**
   * An empty set.
   *
   * @param maxSilences most silences kept
   * @param retention   how long an expired silence is kept
   */
  public static SilenceSet empty(int maxSilences, Duration retention) {
    if (maxSilences < 1) {
      throw new IllegalArgumentException("max-silences must be at least 1, was " + maxSilences);
    }
    Objects.requireNonNull(retention, "retention");
    return new SilenceSet(new TreeMap<>(), maxSilences, retention);
  }

  /** An empty set bounded by {@code max-silences} and {@code silence-retention}. */
  public static SilenceSet empty(RulesSettings settings) {
    return empty(settings.maxSilences(), settings.silenceRetention());
  }

  /** Adds or replaces a silence (a {@code silences} record), at {@code now} (record or stream time). */
  public Update put(SilenceRule rule, Instant now) {
    TreeMap<String, SilenceRule> next = new TreeMap<>(byId);
    if (!now.isBefore(rule.endsAt().plus(retention))) {
      boolean had = next.remove(rule.id()) != null;
      return new Update(had ? new SilenceSet(next, maxSilences, retention) : this, Outcome.DROPPED_EXPIRED,
          "silence " + rule.id() + " ended at " + rule.endsAt() + ", more than " + Text.duration(retention) + " ago");
    }
    if (next.containsKey(rule.id())) {
      next.put(rule.id(), rule);
      return new Update(new SilenceSet(next, maxSilences, retention), Outcome.REPLACED, "silence " + rule.id()
          + " replaced");
    }
    String detail = "silence " + rule.id() + " added";
    if (next.size() >= maxSilences) {
      next.values().removeIf(r -> !now.isBefore(r.endsAt().plus(retention)));
    }
    if (next.size() >= maxSilences) {
      Optional<SilenceRule> oldest = next.values().stream().filter(r -> r.expiredAt(now))
          .min(Comparator.comparing(SilenceRule::endsAt).thenComparing(SilenceRule::id));
      if (oldest.isEmpty()) {
        return new Update(this, Outcome.REJECTED_CAP, "silence " + rule.id() + " rejected: " + maxSilences
            + " current silences already (max-silences)");
      }
      next.remove(oldest.get().id());
      detail += ", evicting expired silence " + oldest.get().id() + " (max-silences " + maxSilences + ")";
    }
    next.put(rule.id(), rule);
    return new Update(new SilenceSet(next, maxSilences, retention), Outcome.ADDED, detail);
  }

  /** Removes a silence (a {@code silences} tombstone). */
  public Update remove(String id) {
    if (!byId.containsKey(id)) {
      return new Update(this, Outcome.ABSENT, "no silence " + id);
    }
    TreeMap<String, SilenceRule> next = new TreeMap<>(byId);
    next.remove(id);
    return new Update(new SilenceSet(next, maxSilences, retention), Outcome.REMOVED, "silence " + id + " removed");
  }

  /** Without the silences that ended {@code silence-retention} or more before {@code now}. */
  public SilenceSet prune(Instant now) {
    TreeMap<String, SilenceRule> next = new TreeMap<>(byId);
    next.values().removeIf(r -> !now.isBefore(r.endsAt().plus(retention)));
    return next.size() == byId.size() ? this : new SilenceSet(next, maxSilences, retention);
  }

  /** The silence with this id. */
  public Optional<SilenceRule> get(String id) {
    return Optional.ofNullable(byId.get(id));
  }

  /** Every silence kept, by id. */
  public Collection<SilenceRule> all() {
    return byId.values();
  }

  /** The silences active at {@code at}, by id. */
  public List<SilenceRule> activeAt(Instant at) {
    return byId.values().stream().filter(r -> r.activeAt(at)).toList();
  }

  /** How many silences are kept. */
  public int size() {
    return byId.size();
  }

  @Override
  public Optional<Suppression> mutes(AlertView alert, Instant at) {
    return mutesAll(alert, at).stream().findFirst();
  }

  /** Every silence muting {@code alert} at {@code at}, the answering one (see the class comment) first. */
  public List<Suppression> mutesAll(AlertView alert, Instant at) {
    List<Suppression> out = new ArrayList<>();
    for (SilenceRule r : byId.values()) {
      r.mutes(alert, at).ifPresent(out::add);
    }
    out.sort(BEST);
    return out;
  }

  /**
   * The first instant after {@code t} at which some silence starts, ends or enters or leaves a
   * maintenance slot: when muted alerts should be looked at again (a punctuation can be scheduled
   * for it). Empty when no silence can change any more.
   */
  public Optional<Instant> nextChangeAfter(Instant t) {
    Instant next = null;
    for (SilenceRule r : byId.values()) {
      Optional<Instant> n = r.nextChangeAfter(t);
      if (n.isPresent() && (next == null || n.get().isBefore(next))) {
        next = n.get();
      }
    }
    return Optional.ofNullable(next);
  }

  @Override
  public String toString() {
    return "SilenceSet{" + byId.size() + " silences}";
  }
}
