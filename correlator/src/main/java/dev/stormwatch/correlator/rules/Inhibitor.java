package dev.stormwatch.correlator.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Evaluates {@link InhibitRule}s over an index of the firing source alerts: the {@link Muter} for
 * inhibition. Mutable and not thread-safe: one per stream task, fed every alert change in order.
 *
 * <p><b>Index.</b> {@link #observe} keeps an alert while it fires and matches some rule's source
 * side, bucketed per rule by its {@code equal} label values, so {@link #mutes} looks up only the
 * sources with the target's values. Feed it the alert's merged state ({@code AlertView.of(AlertState)})
 * so out-of-order observations cannot resurrect a resolved source, with {@code at} the record's
 * arrival time, so a source that keeps being re-sent stays fresh.
 *
 * <p><b>Bounded.</b> At most {@code max-inhibit-sources} sources; beyond it, a new source is not
 * indexed ({@link Outcome#REJECTED_CAP}: an alert it would inhibit pages instead, the safe side),
 * counted and logged by the caller. A source not observed for {@code inhibit-source-ttl} stops
 * inhibiting (a lost resolve cannot mute its targets forever) and leaves on {@link #prune}.
 *
 * <p><b>Which source answers</b> when several inhibit a target: the first rule in configuration
 * order, then the smallest source fingerprint.
 */
public final class Inhibitor implements Muter {

  /** What {@link #observe} did. */
  public enum Outcome {
    /** A new source alert was indexed. */
    ADDED,
    /** A source alert already indexed was refreshed. */
    UPDATED,
    /** A source alert left the index (it resolved, or no longer matches any source side). */
    REMOVED,
    /** The alert is not a source of any rule (or not firing) and was not indexed. */
    NOT_A_SOURCE,
    /** The index is full; the new source was not indexed. */
    REJECTED_CAP
  }

  /**
   * One indexed source alert.
   *
   * @param alert      the alert
   * @param lastSeenAt when it was last observed firing
   */
  public record Source(AlertView alert, Instant lastSeenAt) {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int VERSION = 1;

    /** Checks the parts. */
    public Source {
      Objects.requireNonNull(alert, "alert");
      Objects.requireNonNull(lastSeenAt, "lastSeenAt");
    }

    /** Compact versioned JSON, for a store keyed by fingerprint. */
    public byte[] encode() {
      ObjectNode n = JSON.createObjectNode();
      n.put("v", VERSION);
      n.put("fp", alert.fingerprint());
      n.put("name", alert.name());
      n.put("service", alert.service());
      ObjectNode labels = n.putObject("labels");
      alert.labels().forEach(labels::put);
      n.put("seen", lastSeenAt.toEpochMilli());
      try {
        return JSON.writeValueAsBytes(n);
      } catch (IOException e) {
        throw new IllegalStateException("cannot encode source " + alert.fingerprint(), e);
      }
    }

    /** @throws IllegalArgumentException when the bytes are not an encoded source of a known version */
    public static Source decode(byte[] bytes) {
      JsonNode n;
      try {
        n = JSON.readTree(bytes);
      } catch (IOException e) {
        throw new IllegalArgumentException("not an encoded inhibition source: " + e.getMessage(), e);
      }
      if (n == null || n.path("v").asInt() != VERSION) {
        throw new IllegalArgumentException("unknown inhibition source encoding version: "
            + (n == null ? null : n.path("v")));
      }
      TreeMap<String, String> labels = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = n.path("labels").fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        labels.put(e.getKey(), e.getValue().asText());
      }
      return new Source(new AlertView(n.path("fp").asText(), text(n, "name"), text(n, "service"), labels, true),
          Instant.ofEpochMilli(n.path("seen").asLong()));
    }

    private static String text(JsonNode n, String field) {
      JsonNode v = n.get(field);
      return v == null || v.isNull() ? null : v.asText();
    }
  }

  private final List<InhibitRule> rules;
  private final int maxSources;
  private final Duration sourceTtl;
  private final Map<String, Source> sources = new HashMap<>();
  /** Per rule (by position): equal-label values to the fingerprints of its sources with them. */
  private final List<Map<List<String>, TreeSet<String>>> buckets = new ArrayList<>();

  /**
   * An inhibitor with no sources yet.
   *
   * @param rules      the rules, in order
   * @param maxSources most source alerts indexed
   * @param sourceTtl  a source not observed this long stops inhibiting
   */
  public Inhibitor(List<InhibitRule> rules, int maxSources, Duration sourceTtl) {
    if (maxSources < 1) {
      throw new IllegalArgumentException("max-inhibit-sources must be at least 1, was " + maxSources);
    }
    this.rules = List.copyOf(rules);
    this.maxSources = maxSources;
    this.sourceTtl = Objects.requireNonNull(sourceTtl, "sourceTtl");
    for (int i = 0; i < this.rules.size(); i++) {
      buckets.add(new HashMap<>());
    }
  }

  /** An inhibitor for {@code inhibit-rules}, bounded by {@code max-inhibit-sources} and {@code inhibit-source-ttl}. */
  public static Inhibitor of(RulesSettings settings) {
    return new Inhibitor(settings.inhibitRules(), settings.maxInhibitSources(), settings.inhibitSourceTtl());
  }

  /** The rules, in order. */
  public List<InhibitRule> rules() {
    return rules;
  }

  /**
   * Indexes, refreshes or removes {@code alert} as a source, as of {@code at} (its arrival time).
   * Call it for every change of every alert, before asking {@link #mutes} about it.
   */
  public Outcome observe(AlertView alert, Instant at) {
    String fp = alert.fingerprint();
    boolean source = false;
    if (alert.firing()) {
      for (InhibitRule r : rules) {
        if (r.source().matches(alert)) {
          source = true;
          break;
        }
      }
    }
    Source old = sources.get(fp);
    if (!source) {
      if (old == null) {
        return Outcome.NOT_A_SOURCE;
      }
      unindex(old);
      return Outcome.REMOVED;
    }
    if (old == null && sources.size() >= maxSources) {
      prune(at);
      if (sources.size() >= maxSources) {
        return Outcome.REJECTED_CAP;
      }
    }
    Instant seen = old == null || at.isAfter(old.lastSeenAt()) ? at : old.lastSeenAt();
    if (old != null) {
      unindex(old);
    }
    index(new Source(alert, seen));
    return old == null ? Outcome.ADDED : Outcome.UPDATED;
  }

  /** Puts back a source read from a store (e.g. on restore), unless the index is full. */
  public Outcome restore(Source source) {
    Source old = sources.get(source.alert().fingerprint());
    if (old == null && sources.size() >= maxSources) {
      return Outcome.REJECTED_CAP;
    }
    if (old != null) {
      unindex(old);
    }
    index(source);
    return old == null ? Outcome.ADDED : Outcome.UPDATED;
  }

  /** Removes the sources not observed for {@code inhibit-source-ttl} before {@code now}; returns how many. */
  public int prune(Instant now) {
    List<Source> stale = sources.values().stream().filter(s -> stale(s, now)).toList();
    stale.forEach(this::unindex);
    return stale.size();
  }

  /** The indexed source alerts. */
  public Collection<Source> sources() {
    return Collections.unmodifiableCollection(sources.values());
  }

  /** The indexed source alert with this fingerprint. */
  public Optional<Source> source(String fingerprint) {
    return Optional.ofNullable(sources.get(fingerprint));
  }

  /** How many source alerts are indexed. */
  public int size() {
    return sources.size();
  }

  /**
   * Why {@code target} is inhibited at {@code at}: a rule whose target side it matches and a fresh
   * source of that rule with equal {@code equal} labels, other than the target itself, and (when
   * the target matches the source side too) not matching the target side itself.
   *
   * @return the inhibition, naming the rule and the source's fingerprint; empty when not inhibited
   */
  @Override
  public Optional<Suppression> mutes(AlertView target, Instant at) {
    for (int i = 0; i < rules.size(); i++) {
      InhibitRule r = rules.get(i);
      if (!r.target().matches(target)) {
        continue;
      }
      TreeSet<String> candidates = buckets.get(i).get(r.equalKey(target));
      if (candidates == null) {
        continue;
      }
      boolean twoSided = r.source().matches(target);
      for (String fp : candidates) {
        Source s = sources.get(fp);
        if (fp.equals(target.fingerprint()) || stale(s, at) || twoSided && r.target().matches(s.alert())) {
          continue;
        }
        AlertView a = s.alert();
        String what = (a.name() == null ? "alert" : a.name()) + (a.service() == null ? "" : " on " + a.service());
        return Optional.of(new Suppression(Suppression.Kind.INHIBITION, r.name(), "inhibited by firing " + what
            + " (" + fp + ") under rule " + r.name() + ": " + r.describe(), fp, null));
      }
    }
    return Optional.empty();
  }

  private boolean stale(Source s, Instant now) {
    return !now.isBefore(s.lastSeenAt().plus(sourceTtl));
  }

  private void index(Source s) {
    sources.put(s.alert().fingerprint(), s);
    for (int i = 0; i < rules.size(); i++) {
      InhibitRule r = rules.get(i);
      if (r.source().matches(s.alert())) {
        buckets.get(i).computeIfAbsent(r.equalKey(s.alert()), k -> new TreeSet<>()).add(s.alert().fingerprint());
      }
    }
  }

  private void unindex(Source s) {
    String fp = s.alert().fingerprint();
    sources.remove(fp);
    for (int i = 0; i < rules.size(); i++) {
      InhibitRule r = rules.get(i);
      if (r.source().matches(s.alert())) {
        List<String> key = r.equalKey(s.alert());
        TreeSet<String> bucket = buckets.get(i).get(key);
        if (bucket != null) {
          bucket.remove(fp);
          if (bucket.isEmpty()) {
            buckets.get(i).remove(key);
          }
        }
      }
    }
  }

  @Override
  public String toString() {
    return "Inhibitor{" + rules.size() + " rules, " + sources.size() + " sources}";
  }
}
