package dev.stormwatch.correlator.rules;

import static dev.stormwatch.common.config.SettingsTree.atLeast;
import static dev.stormwatch.common.config.SettingsTree.between;
import static dev.stormwatch.common.config.SettingsTree.duration;
import static dev.stormwatch.common.config.SettingsTree.integer;
import static dev.stormwatch.common.config.SettingsTree.notNegative;
import static dev.stormwatch.common.config.SettingsTree.number;
import static dev.stormwatch.common.config.SettingsTree.positive;
import static dev.stormwatch.common.config.SettingsTree.require;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stormwatch.common.config.SettingsTree;
import java.time.Duration;
import java.util.List;

/**
 * The settings of the correlator's rules: flapping, change suspects, silences, inhibition and the
 * statistics' label caps. Immutable and validated, in the style of {@code CorrelatorSettings}: build
 * it with {@link #defaults()} or from a parsed YAML/JSON tree with {@link #fromTree(JsonNode)} (meant
 * to be nested under the correlator's section, e.g. {@code correlator.rules}). Keys are the
 * kebab-case names below; an unknown key is an error naming it. Durations are {@code 500ms},
 * {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d} or ISO-8601.
 *
 * @param flapThreshold         {@code flap-threshold}: an alert flaps when it changes state more than
 *                              this many times... (default 4)
 * @param flapWindow            {@code flap-window}: ...within this long (default 30m)
 * @param changeLookback        {@code change-lookback}: a change this long before an incident's onset,
 *                              or less, is a suspect (default 30m)
 * @param changeRetentionMargin {@code change-retention-margin}: changes are kept
 *                              {@code change-lookback} plus this, for late alerts (default 30m)
 * @param changeDependencyHops  {@code change-dependency-hops}: changes on dependencies of a candidate
 *                              service within this many hops are suspects too (default 1)
 * @param maxSuspectChanges     {@code max-suspect-changes}: suspects named per incident (default 10)
 * @param maxChangesPerService  {@code max-changes-per-service}: recent changes kept per service (default 50)
 * @param maxChangeServices     {@code max-change-services}: services with recent changes kept (default 10000)
 * @param changeSignalWeight    {@code change-signal-weight}: root-cause ranking weight of a change at
 *                              onset, falling to half for one a whole lookback before (default 1.0)
 * @param maxSilences           {@code max-silences}: silences kept, expired ones included (default 10000)
 * @param silenceRetention      {@code silence-retention}: an expired silence is kept this long (default 24h)
 * @param inhibitRules          {@code inhibit-rules}: inhibition rules in Alertmanager's
 *                              {@code inhibit_rules} shape (default none)
 * @param maxInhibitSources     {@code max-inhibit-sources}: firing source alerts indexed (default 10000)
 * @param inhibitSourceTtl      {@code inhibit-source-ttl}: a source alert not seen this long stops
 *                              inhibiting (default 24h)
 * @param statsMaxServices      {@code stats-max-services}: distinct {@code service} label values on
 *                              incident metrics before {@code other} (default 200)
 * @param statsMaxTeams         {@code stats-max-teams}: distinct {@code team} label values (default 50)
 * @param statsRetention        {@code stats-retention}: how long incident milestones and changes are
 *                              kept for {@code GET /api/stats} (default 30d)
 */
public record RulesSettings(int flapThreshold, Duration flapWindow, Duration changeLookback,
                            Duration changeRetentionMargin, int changeDependencyHops, int maxSuspectChanges,
                            int maxChangesPerService, int maxChangeServices, double changeSignalWeight,
                            int maxSilences, Duration silenceRetention, List<InhibitRule> inhibitRules,
                            int maxInhibitSources, Duration inhibitSourceTtl, int statsMaxServices,
                            int statsMaxTeams, Duration statsRetention) {

  /** Default {@code flap-threshold}. */
  public static final int DEFAULT_FLAP_THRESHOLD = 4;
  /** Default {@code flap-window}. */
  public static final Duration DEFAULT_FLAP_WINDOW = Duration.ofMinutes(30);
  /** Default {@code change-lookback}. */
  public static final Duration DEFAULT_CHANGE_LOOKBACK = Duration.ofMinutes(30);
  /** Default {@code change-retention-margin}. */
  public static final Duration DEFAULT_CHANGE_RETENTION_MARGIN = Duration.ofMinutes(30);
  /** Default {@code change-dependency-hops}. */
  public static final int DEFAULT_CHANGE_DEPENDENCY_HOPS = 1;
  /** Default {@code max-suspect-changes}. */
  public static final int DEFAULT_MAX_SUSPECT_CHANGES = 10;
  /** Default {@code max-changes-per-service}. */
  public static final int DEFAULT_MAX_CHANGES_PER_SERVICE = 50;
  /** Default {@code max-change-services}. */
  public static final int DEFAULT_MAX_CHANGE_SERVICES = 10_000;
  /** Default {@code change-signal-weight}. */
  public static final double DEFAULT_CHANGE_SIGNAL_WEIGHT = 1.0;
  /** Default {@code max-silences}. */
  public static final int DEFAULT_MAX_SILENCES = 10_000;
  /** Default {@code silence-retention}. */
  public static final Duration DEFAULT_SILENCE_RETENTION = Duration.ofHours(24);
  /** Default {@code max-inhibit-sources}. */
  public static final int DEFAULT_MAX_INHIBIT_SOURCES = 10_000;
  /** Default {@code inhibit-source-ttl}. */
  public static final Duration DEFAULT_INHIBIT_SOURCE_TTL = Duration.ofHours(24);
  /** Default {@code stats-max-services}. */
  public static final int DEFAULT_STATS_MAX_SERVICES = 200;
  /** Default {@code stats-max-teams}. */
  public static final int DEFAULT_STATS_MAX_TEAMS = 50;
  /** Default {@code stats-retention}. */
  public static final Duration DEFAULT_STATS_RETENTION = Duration.ofDays(30);

  /** The keys {@link #fromTree} accepts. */
  public static final List<String> KEYS = List.of("flap-threshold", "flap-window", "change-lookback",
      "change-retention-margin", "change-dependency-hops", "max-suspect-changes", "max-changes-per-service",
      "max-change-services", "change-signal-weight", "max-silences", "silence-retention", "inhibit-rules",
      "max-inhibit-sources", "inhibit-source-ttl", "stats-max-services", "stats-max-teams", "stats-retention");

  /** Validates every value; messages name the key. */
  public RulesSettings {
    between(flapThreshold, 1, FlapDetector.MAX_THRESHOLD, "flap-threshold");
    positive(flapWindow, "flap-window");
    positive(changeLookback, "change-lookback");
    notNegative(changeRetentionMargin, "change-retention-margin");
    between(changeDependencyHops, 0, 64, "change-dependency-hops");
    atLeast(maxSuspectChanges, 1, "max-suspect-changes");
    atLeast(maxChangesPerService, 1, "max-changes-per-service");
    atLeast(maxChangeServices, 1, "max-change-services");
    require(changeSignalWeight >= 0.0 && changeSignalWeight <= 10.0,
        "change-signal-weight must be between 0 and 10, was " + changeSignalWeight);
    atLeast(maxSilences, 1, "max-silences");
    notNegative(silenceRetention, "silence-retention");
    inhibitRules = List.copyOf(inhibitRules == null ? List.of() : inhibitRules);
    atLeast(maxInhibitSources, 1, "max-inhibit-sources");
    positive(inhibitSourceTtl, "inhibit-source-ttl");
    atLeast(statsMaxServices, 1, "stats-max-services");
    atLeast(statsMaxTeams, 1, "stats-max-teams");
    positive(statsRetention, "stats-retention");
  }

  /** Every setting at its documented default. */
  public static RulesSettings defaults() {
    return new RulesSettings(DEFAULT_FLAP_THRESHOLD, DEFAULT_FLAP_WINDOW, DEFAULT_CHANGE_LOOKBACK,
        DEFAULT_CHANGE_RETENTION_MARGIN, DEFAULT_CHANGE_DEPENDENCY_HOPS, DEFAULT_MAX_SUSPECT_CHANGES,
        DEFAULT_MAX_CHANGES_PER_SERVICE, DEFAULT_MAX_CHANGE_SERVICES, DEFAULT_CHANGE_SIGNAL_WEIGHT,
        DEFAULT_MAX_SILENCES, DEFAULT_SILENCE_RETENTION, List.of(), DEFAULT_MAX_INHIBIT_SOURCES,
        DEFAULT_INHIBIT_SOURCE_TTL, DEFAULT_STATS_MAX_SERVICES, DEFAULT_STATS_MAX_TEAMS, DEFAULT_STATS_RETENTION);
  }

  /**
   * From a Jackson tree (a parsed YAML or JSON object). Absent keys keep their defaults; a null or
   * missing tree gives {@link #defaults()}.
   *
   * @throws IllegalArgumentException naming the key, for an unknown key or an invalid value
   */
  public static RulesSettings fromTree(JsonNode tree) {
    if (SettingsTree.absent(tree)) {
      return defaults();
    }
    SettingsTree.requireKnown(tree, KEYS, "rules");
    RulesSettings d = defaults();
    return new RulesSettings(
        integer(tree, "flap-threshold", d.flapThreshold()),
        duration(tree, "flap-window", d.flapWindow()),
        duration(tree, "change-lookback", d.changeLookback()),
        duration(tree, "change-retention-margin", d.changeRetentionMargin()),
        integer(tree, "change-dependency-hops", d.changeDependencyHops()),
        integer(tree, "max-suspect-changes", d.maxSuspectChanges()),
        integer(tree, "max-changes-per-service", d.maxChangesPerService()),
        integer(tree, "max-change-services", d.maxChangeServices()),
        number(tree, "change-signal-weight", d.changeSignalWeight()),
        integer(tree, "max-silences", d.maxSilences()),
        duration(tree, "silence-retention", d.silenceRetention()),
        InhibitRule.listFromTree(tree.get("inhibit-rules")),
        integer(tree, "max-inhibit-sources", d.maxInhibitSources()),
        duration(tree, "inhibit-source-ttl", d.inhibitSourceTtl()),
        integer(tree, "stats-max-services", d.statsMaxServices()),
        integer(tree, "stats-max-teams", d.statsMaxTeams()),
        duration(tree, "stats-retention", d.statsRetention()));
  }

  /** How long recent changes are kept: {@code change-lookback + change-retention-margin}. */
  public Duration changeRetention() {
    return changeLookback.plus(changeRetentionMargin);
  }

  /** A copy with other inhibition rules. */
  public RulesSettings withInhibitRules(List<InhibitRule> rules) {
    return new RulesSettings(flapThreshold, flapWindow, changeLookback, changeRetentionMargin, changeDependencyHops,
        maxSuspectChanges, maxChangesPerService, maxChangeServices, changeSignalWeight, maxSilences, silenceRetention,
        rules, maxInhibitSources, inhibitSourceTtl, statsMaxServices, statsMaxTeams, statsRetention);
  }
}
