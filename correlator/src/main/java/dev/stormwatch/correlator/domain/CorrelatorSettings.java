package dev.stormwatch.correlator.domain;

import static dev.stormwatch.common.config.SettingsTree.atLeast;
import static dev.stormwatch.common.config.SettingsTree.between;
import static dev.stormwatch.common.config.SettingsTree.duration;
import static dev.stormwatch.common.config.SettingsTree.integer;
import static dev.stormwatch.common.config.SettingsTree.notNegative;
import static dev.stormwatch.common.config.SettingsTree.number;
import static dev.stormwatch.common.config.SettingsTree.positive;
import static dev.stormwatch.common.config.SettingsTree.require;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stormwatch.common.config.Durations;
import dev.stormwatch.common.config.SettingsTree;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

/**
 * The correlation rules and the bounds of the correlator's state. Immutable and validated; build it
 * with {@link #defaults()} or from a parsed YAML/JSON tree with {@link #fromTree(JsonNode)}. Keys in
 * the tree are the kebab-case names below; an unknown key is an error naming the key, so a typo
 * never silently leaves a default in place. Durations are {@code 500ms}, {@code 30s}, {@code 5m},
 * {@code 1h}, {@code 1d} or ISO-8601 ({@code PT5M}).
 *
 * @param maxHops                   {@code max-hops}: an alert joins an incident when its service is
 *                                  within this many undirected dependency hops of a service already
 *                                  in it; also bounds the search for inferred root causes (default 2)
 * @param window                    {@code window}: an open incident accepts alerts whose event time
 *                                  is within this of its activity (default 10m)
 * @param resolveAfter              {@code resolve-after}: an incident whose alerts are all resolved
 *                                  resolves after this long without activity (default 5m)
 * @param reopenWindow              {@code reopen-window}: a correlated alert firing within this after
 *                                  the resolve reopens the incident (default 30m)
 * @param groupWait                 {@code group-wait}: an incident is escalated this long after it
 *                                  opened, so a storm becomes one escalation (default 30s)
 * @param retention                 {@code retention}: a closed (resolved or merged) incident leaves
 *                                  state this long after it closed; at least {@code reopen-window}
 *                                  (default 24h)
 * @param maxAlertsPerIncident      {@code max-alerts-per-incident}: member alerts kept in an incident;
 *                                  beyond it only a service's first alert, and its first of each higher
 *                                  severity, are kept; {@code alertCount} keeps counting (default 500)
 * @param maxTimelineEntries        {@code max-timeline-entries}: latest timeline entries kept (default 100)
 * @param maxOpenIncidentsPerDomain {@code max-open-incidents-per-domain}: beyond it, an alert that would
 *                                  open a new incident is dropped and counted (default 1000)
 * @param inferredFraction          {@code inferred-fraction}: a non-alerting service is an inferred
 *                                  root cause when at least this fraction of the incident's alerting
 *                                  services depend on it within {@code max-hops} (default 0.6)
 * @param inferredMinDependents     {@code inferred-min-dependents}: and at least this many (default 2)
 * @param maxTrackedAlerts          {@code max-tracked-alerts}: alerts (fingerprints) one correlator task
 *                                  keeps state for; beyond it, an observation of a new fingerprint is
 *                                  dropped and counted, so the per-alert stores stay bounded; an alert's
 *                                  state itself lives at most {@code retention} after its last event
 *                                  unless its incident is still in state (default 100000)
 */
public record CorrelatorSettings(int maxHops, Duration window, Duration resolveAfter, Duration reopenWindow,
                                 Duration groupWait, Duration retention, int maxAlertsPerIncident,
                                 int maxTimelineEntries, int maxOpenIncidentsPerDomain, double inferredFraction,
                                 int inferredMinDependents, int maxTrackedAlerts) {

  /** Default {@code max-hops}. */
  public static final int DEFAULT_MAX_HOPS = 2;
  /** Default {@code window}. */
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(10);
  /** Default {@code resolve-after}. */
  public static final Duration DEFAULT_RESOLVE_AFTER = Duration.ofMinutes(5);
  /** Default {@code reopen-window}. */
  public static final Duration DEFAULT_REOPEN_WINDOW = Duration.ofMinutes(30);
  /** Default {@code group-wait}. */
  public static final Duration DEFAULT_GROUP_WAIT = Duration.ofSeconds(30);
  /** Default {@code retention}. */
  public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);
  /** Default {@code max-alerts-per-incident}. */
  public static final int DEFAULT_MAX_ALERTS_PER_INCIDENT = 500;
  /** Default {@code max-timeline-entries}. */
  public static final int DEFAULT_MAX_TIMELINE_ENTRIES = 100;
  /** Default {@code max-open-incidents-per-domain}. */
  public static final int DEFAULT_MAX_OPEN_INCIDENTS_PER_DOMAIN = 1000;
  /** Default {@code inferred-fraction}. */
  public static final double DEFAULT_INFERRED_FRACTION = 0.6;
  /** Default {@code inferred-min-dependents}. */
  public static final int DEFAULT_INFERRED_MIN_DEPENDENTS = 2;

  /** Default {@code max-tracked-alerts}. */
  public static final int DEFAULT_MAX_TRACKED_ALERTS = 100_000;

  /**
   * The nested section of the rules' settings (silences, inhibition, flapping, changes, statistics),
   * read by {@code RulesSettings.fromTree(tree.get("rules"))}; {@link #fromTree} accepts and skips it.
   */
  public static final String RULES = "rules";

  /** The keys {@link #fromTree} reads. */
  public static final List<String> KEYS = List.of("max-hops", "window", "resolve-after", "reopen-window",
      "group-wait", "retention", "max-alerts-per-incident", "max-timeline-entries",
      "max-open-incidents-per-domain", "inferred-fraction", "inferred-min-dependents", "max-tracked-alerts");

  /** Validates every value; messages name the key. */
  public CorrelatorSettings {
    between(maxHops, 0, 64, "max-hops");
    positive(window, "window");
    positive(resolveAfter, "resolve-after");
    positive(reopenWindow, "reopen-window");
    notNegative(groupWait, "group-wait");
    positive(retention, "retention");
    require(retention.compareTo(reopenWindow) >= 0,
        "retention (" + retention + ") must be at least reopen-window (" + reopenWindow + ")");
    atLeast(maxAlertsPerIncident, 1, "max-alerts-per-incident");
    atLeast(maxTimelineEntries, 1, "max-timeline-entries");
    atLeast(maxOpenIncidentsPerDomain, 1, "max-open-incidents-per-domain");
    require(inferredFraction > 0.0 && inferredFraction <= 1.0,
        "inferred-fraction must be in (0, 1], was " + inferredFraction);
    atLeast(inferredMinDependents, 1, "inferred-min-dependents");
    atLeast(maxTrackedAlerts, 1, "max-tracked-alerts");
  }

  /** Every setting at its documented default. */
  public static CorrelatorSettings defaults() {
    return new CorrelatorSettings(DEFAULT_MAX_HOPS, DEFAULT_WINDOW, DEFAULT_RESOLVE_AFTER, DEFAULT_REOPEN_WINDOW,
        DEFAULT_GROUP_WAIT, DEFAULT_RETENTION, DEFAULT_MAX_ALERTS_PER_INCIDENT, DEFAULT_MAX_TIMELINE_ENTRIES,
        DEFAULT_MAX_OPEN_INCIDENTS_PER_DOMAIN, DEFAULT_INFERRED_FRACTION, DEFAULT_INFERRED_MIN_DEPENDENTS,
        DEFAULT_MAX_TRACKED_ALERTS);
  }

  /**
   * From a Jackson tree (a parsed YAML or JSON object). Absent keys keep their defaults; a null or
   * missing tree gives {@link #defaults()}.
   *
   * @throws IllegalArgumentException naming the key, for an unknown key or an invalid value
   */
  public static CorrelatorSettings fromTree(JsonNode tree) {
    if (SettingsTree.absent(tree)) {
      return defaults();
    }
    SettingsTree.requireKnown(tree, Stream.concat(KEYS.stream(), Stream.of(RULES)).toList(), "correlator");
    CorrelatorSettings d = defaults();
    return new CorrelatorSettings(
        integer(tree, "max-hops", d.maxHops()),
        duration(tree, "window", d.window()),
        duration(tree, "resolve-after", d.resolveAfter()),
        duration(tree, "reopen-window", d.reopenWindow()),
        duration(tree, "group-wait", d.groupWait()),
        duration(tree, "retention", d.retention()),
        integer(tree, "max-alerts-per-incident", d.maxAlertsPerIncident()),
        integer(tree, "max-timeline-entries", d.maxTimelineEntries()),
        integer(tree, "max-open-incidents-per-domain", d.maxOpenIncidentsPerDomain()),
        number(tree, "inferred-fraction", d.inferredFraction()),
        integer(tree, "inferred-min-dependents", d.inferredMinDependents()),
        integer(tree, "max-tracked-alerts", d.maxTrackedAlerts()));
  }

  /** A copy with another {@code max-alerts-per-incident}. */
  public CorrelatorSettings withMaxAlertsPerIncident(int max) {
    return new CorrelatorSettings(maxHops, window, resolveAfter, reopenWindow, groupWait, retention, max,
        maxTimelineEntries, maxOpenIncidentsPerDomain, inferredFraction, inferredMinDependents, maxTrackedAlerts);
  }

  /** A copy with another {@code max-timeline-entries}. */
  public CorrelatorSettings withMaxTimelineEntries(int max) {
    return new CorrelatorSettings(maxHops, window, resolveAfter, reopenWindow, groupWait, retention,
        maxAlertsPerIncident, max, maxOpenIncidentsPerDomain, inferredFraction, inferredMinDependents,
        maxTrackedAlerts);
  }

  /** A copy with another {@code max-open-incidents-per-domain}. */
  public CorrelatorSettings withMaxOpenIncidentsPerDomain(int max) {
    return new CorrelatorSettings(maxHops, window, resolveAfter, reopenWindow, groupWait, retention,
        maxAlertsPerIncident, maxTimelineEntries, max, inferredFraction, inferredMinDependents, maxTrackedAlerts);
  }

  /** A copy with another {@code max-tracked-alerts}. */
  public CorrelatorSettings withMaxTrackedAlerts(int max) {
    return new CorrelatorSettings(maxHops, window, resolveAfter, reopenWindow, groupWait, retention,
        maxAlertsPerIncident, maxTimelineEntries, maxOpenIncidentsPerDomain, inferredFraction, inferredMinDependents,
        max);
  }

  /** A copy with another {@code retention}. */
  public CorrelatorSettings withRetention(Duration retention) {
    return new CorrelatorSettings(maxHops, window, resolveAfter, reopenWindow, groupWait, retention,
        maxAlertsPerIncident, maxTimelineEntries, maxOpenIncidentsPerDomain, inferredFraction, inferredMinDependents,
        maxTrackedAlerts);
  }

  /** Parses a duration as {@link Durations#parse} does. */
  public static Duration parseDuration(String text) {
    return Durations.parse(text);
  }
}
