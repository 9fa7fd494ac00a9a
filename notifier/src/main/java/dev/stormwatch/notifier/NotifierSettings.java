package dev.stormwatch.notifier;

import static dev.stormwatch.common.config.SettingsTree.atLeast;
import static dev.stormwatch.common.config.SettingsTree.duration;
import static dev.stormwatch.common.config.SettingsTree.integer;
import static dev.stormwatch.common.config.SettingsTree.notNegative;
import static dev.stormwatch.common.config.SettingsTree.positive;
import static dev.stormwatch.common.config.SettingsTree.require;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.common.config.SettingsTree;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The notifier's paging rules and the bounds of its state. Immutable and validated; build it with
 * {@link #defaults()} or from a parsed YAML/JSON tree (the {@code notifier:} section of the config
 * file) with {@link #fromTree(JsonNode)}. Keys are the kebab-case names below; an unknown key is an
 * error naming it. Durations are {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 1d} or
 * ISO-8601.
 *
 * @param bundleWindow         {@code bundle-window}: after a page to a recipient, further pages to
 *                             that recipient within this window are held and sent as one message at
 *                             its end; zero turns bundling off (default 1m)
 * @param bundleChannels       {@code bundle-channels}: channels whose pages are bundled; the others
 *                             (PagerDuty, Opsgenie, webhooks) group by incident themselves and get
 *                             every page at once (default inbox, email, slack)
 * @param maxBundledIncidents  {@code max-bundled-incidents}: incidents listed in one bundled message;
 *                             more are counted in it as "and N more" (default 20)
 * @param retention            {@code retention}: a resolved incident's escalation state leaves the
 *                             store this long after the resolve; a replay of its events within it
 *                             pages nobody twice (default 24h)
 * @param staleAfter           {@code stale-after}: an incident that is open but no longer escalating
 *                             (acknowledged, exhausted, chat only, unroutable) leaves the store after
 *                             this long without any event (default 7d)
 * @param punctuateEvery       {@code punctuate-every}: how often (wall clock) due level timeouts,
 *                             bundle windows and expiries are looked for (default 1s)
 * @param maxPagedPerIncident  {@code max-paged-per-incident}: recipients remembered per incident for
 *                             the acknowledge and resolve notifications (default 200)
 */
public record NotifierSettings(Duration bundleWindow, Set<ChannelType> bundleChannels, int maxBundledIncidents,
                               Duration retention, Duration staleAfter, Duration punctuateEvery,
                               int maxPagedPerIncident) {

  /** Default {@code bundle-window}. */
  public static final Duration DEFAULT_BUNDLE_WINDOW = Duration.ofMinutes(1);
  /** Default {@code bundle-channels}. */
  public static final Set<ChannelType> DEFAULT_BUNDLE_CHANNELS =
      Set.copyOf(EnumSet.of(ChannelType.INBOX, ChannelType.EMAIL, ChannelType.SLACK));
  /** Default {@code max-bundled-incidents}. */
  public static final int DEFAULT_MAX_BUNDLED_INCIDENTS = 20;
  /** Default {@code retention}. */
  public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);
  /** Default {@code stale-after}. */
  public static final Duration DEFAULT_STALE_AFTER = Duration.ofDays(7);
  /** Default {@code punctuate-every}. */
  public static final Duration DEFAULT_PUNCTUATE_EVERY = Duration.ofSeconds(1);
  /** Default {@code max-paged-per-incident}. */
  public static final int DEFAULT_MAX_PAGED_PER_INCIDENT = 200;

  /** The keys {@link #fromTree} accepts. */
  public static final List<String> KEYS = List.of("bundle-window", "bundle-channels", "max-bundled-incidents",
      "retention", "stale-after", "punctuate-every", "max-paged-per-incident");

  /** Validates every value; messages name the key. */
  public NotifierSettings {
    notNegative(bundleWindow, "bundle-window");
    bundleChannels = Set.copyOf(bundleChannels);
    require(!bundleChannels.contains(ChannelType.UNKNOWN), "bundle-channels: UNKNOWN is not a channel");
    atLeast(maxBundledIncidents, 1, "max-bundled-incidents");
    positive(retention, "retention");
    positive(staleAfter, "stale-after");
    positive(punctuateEvery, "punctuate-every");
    atLeast(maxPagedPerIncident, 1, "max-paged-per-incident");
  }

  /** Every setting at its documented default. */
  public static NotifierSettings defaults() {
    return new NotifierSettings(DEFAULT_BUNDLE_WINDOW, DEFAULT_BUNDLE_CHANNELS, DEFAULT_MAX_BUNDLED_INCIDENTS,
        DEFAULT_RETENTION, DEFAULT_STALE_AFTER, DEFAULT_PUNCTUATE_EVERY, DEFAULT_MAX_PAGED_PER_INCIDENT);
  }

  /**
   * From a Jackson tree (a parsed YAML or JSON object). Absent keys keep their defaults; a null or
   * missing tree gives {@link #defaults()}.
   *
   * @throws IllegalArgumentException naming the key, for an unknown key or an invalid value
   */
  public static NotifierSettings fromTree(JsonNode tree) {
    if (SettingsTree.absent(tree)) {
      return defaults();
    }
    SettingsTree.requireKnown(tree, KEYS, "notifier");
    NotifierSettings d = defaults();
    return new NotifierSettings(
        duration(tree, "bundle-window", d.bundleWindow()),
        channels(tree, "bundle-channels", d.bundleChannels()),
        integer(tree, "max-bundled-incidents", d.maxBundledIncidents()),
        duration(tree, "retention", d.retention()),
        duration(tree, "stale-after", d.staleAfter()),
        duration(tree, "punctuate-every", d.punctuateEvery()),
        integer(tree, "max-paged-per-incident", d.maxPagedPerIncident()));
  }

  /** A copy with another {@code bundle-window}. */
  public NotifierSettings withBundleWindow(Duration window) {
    return new NotifierSettings(window, bundleChannels, maxBundledIncidents, retention, staleAfter, punctuateEvery,
        maxPagedPerIncident);
  }

  /** A copy with another {@code retention}. */
  public NotifierSettings withRetention(Duration retention) {
    return new NotifierSettings(bundleWindow, bundleChannels, maxBundledIncidents, retention, staleAfter,
        punctuateEvery, maxPagedPerIncident);
  }

  /** A copy with another {@code stale-after}. */
  public NotifierSettings withStaleAfter(Duration staleAfter) {
    return new NotifierSettings(bundleWindow, bundleChannels, maxBundledIncidents, retention, staleAfter,
        punctuateEvery, maxPagedPerIncident);
  }

  /** A copy with another {@code punctuate-every}. */
  public NotifierSettings withPunctuateEvery(Duration every) {
    return new NotifierSettings(bundleWindow, bundleChannels, maxBundledIncidents, retention, staleAfter, every,
        maxPagedPerIncident);
  }

  /** Whether pages on {@code channel} are bundled. */
  public boolean bundles(ChannelType channel) {
    return !bundleWindow.isZero() && bundleChannels.contains(channel);
  }

  private static Set<ChannelType> channels(JsonNode tree, String key, Set<ChannelType> fallback) {
    JsonNode v = tree.get(key);
    if (v == null || v.isNull()) {
      return fallback;
    }
    require(v.isArray(), key + " must be a list of channels (inbox, email, slack, webhook, pagerduty, opsgenie)");
    Set<ChannelType> out = EnumSet.noneOf(ChannelType.class);
    for (JsonNode c : v) {
      String name = c.asText().strip().toUpperCase(Locale.ROOT);
      ChannelType channel = null;
      for (ChannelType t : ChannelType.values()) {
        if (t != ChannelType.UNKNOWN && t.name().equals(name)) {
          channel = t;
        }
      }
      require(channel != null, key + ": unknown channel '" + c.asText() + "'");
      out.add(channel);
    }
    return out;
  }
}
