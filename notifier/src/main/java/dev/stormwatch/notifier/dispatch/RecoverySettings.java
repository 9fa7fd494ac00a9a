package dev.stormwatch.notifier.dispatch;

import dev.stormwatch.avro.ChannelType;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How the dispatcher learns, on start and on every partition assignment, which pages were
 * already handled: it reads {@code pages.log} back from {@code lookback} before the first
 * uncommitted {@code pages.outbox} record (or the last commit, whichever is earlier).
 *
 * @param lookback    how far before the backlog's first record (or the last commit) the log is
 *                    read: covers clock skew between hosts and, for records time-stamped in the
 *                    future, the longest a page stays in flight
 * @param dedupWindow how long a handled dedup key is remembered while running, so a second copy
 *                    of a page is skipped
 * @param maxKeys     dedup keys remembered at most; the least recently updated is forgotten first
 *                    (counted and logged)
 * @param unconfirmed what to do with an unconfirmed page, for the channels without provider dedup
 *                    ({@link #NO_PROVIDER_DEDUP}); channels with provider dedup always resend
 */
public record RecoverySettings(Duration lookback, Duration dedupWindow, int maxKeys,
                               Map<ChannelType, UnconfirmedPolicy> unconfirmed) {

  /** Channels whose provider delivers a second copy. */
  public static final Set<ChannelType> NO_PROVIDER_DEDUP = Set.of(ChannelType.SLACK, ChannelType.EMAIL);

  /** Default {@code lookback}. */
  public static final Duration DEFAULT_LOOKBACK = Duration.ofMinutes(10);
  /** Default {@code dedup-window}. */
  public static final Duration DEFAULT_DEDUP_WINDOW = Duration.ofHours(24);
  /** Default {@code max-keys}. */
  public static final int DEFAULT_MAX_KEYS = 100_000;

  public RecoverySettings {
    positive(lookback, "recovery.lookback");
    positive(dedupWindow, "recovery.dedup-window");
    if (maxKeys < 1) {
      throw new IllegalArgumentException("recovery.max-keys must be at least 1, was " + maxKeys);
    }
    Map<ChannelType, UnconfirmedPolicy> copy = new EnumMap<>(ChannelType.class);
    copy.putAll(defaultPolicies());
    unconfirmed.forEach((channel, policy) -> {
      if (!NO_PROVIDER_DEDUP.contains(channel)) {
        throw new IllegalArgumentException("recovery.unconfirmed." + channel.name().toLowerCase(java.util.Locale.ROOT)
            + ": only slack and email lack provider dedup (the others are always re-sent)");
      }
      copy.put(channel, Objects.requireNonNull(policy, "policy"));
    });
    unconfirmed = Map.copyOf(copy);
  }

  /** Defaults: 10 minutes back, a 24-hour dedup window, 100000 keys, Slack give-up, e-mail resend. */
  public static RecoverySettings defaults() {
    return new RecoverySettings(DEFAULT_LOOKBACK, DEFAULT_DEDUP_WINDOW, DEFAULT_MAX_KEYS, Map.of());
  }

  /**
   * The default policies: Slack gives up (a chat message is not worth doubling; the loss is
   * recorded as FAILED {@code unconfirmed} and escalation goes on), e-mail resends (the copy
   * has the same Message-ID, which mail stores and clients collapse).
   */
  public static Map<ChannelType, UnconfirmedPolicy> defaultPolicies() {
    return Map.of(ChannelType.SLACK, UnconfirmedPolicy.GIVE_UP, ChannelType.EMAIL, UnconfirmedPolicy.RESEND);
  }

  /** The policy for an unconfirmed page on {@code channel} (RESEND for channels with provider dedup). */
  public UnconfirmedPolicy policy(ChannelType channel) {
    return unconfirmed.getOrDefault(channel, UnconfirmedPolicy.RESEND);
  }

  private static void positive(Duration d, String key) {
    Objects.requireNonNull(d, key);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(key + " must be positive, was " + d);
    }
  }
}
