package dev.stormwatch.notifier.topology;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Every state store of the notifier, by name: the one place the topology, the app and the tests take
 * them from. Each changelogged store's changelog is {@code <application.id>-<name>-changelog}.
 * Renaming one is a migration.
 */
public final class NotifierStores {

  /** Global: the on-call configuration, {@code <kind>/<id>} → {@code OnCallEntry} (from {@code oncall.config}). */
  public static final String ONCALL = "notifier-oncall";
  /** Global: the service graph, service name → {@code ServiceNode} (from {@code topology.services}). */
  public static final String TOPOLOGY = "notifier-topology";
  /** Incident-keyed: incident id → {@code EscalationState} (JSON). */
  public static final String ESCALATIONS = "notifier-escalations";
  /**
   * Incident-keyed: {@code <13-digit zero-padded due epoch millis>|<incident id>} → incident id; the
   * punctuator range-scans only what is due (level timeouts and expiries).
   */
  public static final String ESCALATION_DEADLINES = "notifier-escalation-deadlines";
  /** Recipient-keyed: destination key → {@code BundleState} (JSON), the open bundling window. */
  public static final String BUNDLES = "notifier-bundles";
  /** Recipient-keyed: {@code <13-digit zero-padded window end epoch millis>|<destination key>} → destination key. */
  public static final String BUNDLE_DEADLINES = "notifier-bundle-deadlines";

  /** The stores of the escalate processor. */
  public static final List<String> ESCALATE = List.of(ESCALATIONS, ESCALATION_DEADLINES);
  /** The stores of the bundle processor. */
  public static final List<String> BUNDLE = List.of(BUNDLES, BUNDLE_DEADLINES);

  private NotifierStores() {}

  /** {@code <13-digit zero-padded epoch millis>|<suffix>}: sorts by time as strings. */
  public static String deadlineKey(java.time.Instant at, String suffix) {
    return String.format("%013d|%s", Math.max(0, at.toEpochMilli()), suffix);
  }

  /**
   * Stores {@code after} under {@code key} with its deadline entry, or removes both when it is
   * empty; writes only what changed from {@code before}.
   *
   * @param states    the state store
   * @param deadlines its time index ({@link #deadlineKey} → {@code key})
   * @param deadline  when a state is due
   */
  static <S> void save(KeyValueStore<String, S> states, KeyValueStore<String, String> deadlines, String key,
                       Optional<S> before, Optional<S> after, Function<S, Instant> deadline) {
    String oldKey = before.map(s -> deadlineKey(deadline.apply(s), key)).orElse(null);
    String newKey = after.map(s -> deadlineKey(deadline.apply(s), key)).orElse(null);
    if (after.isPresent()) {
      if (!after.equals(before)) {
        states.put(key, after.get());
      }
    } else if (before.isPresent()) {
      states.delete(key);
    }
    if (oldKey != null && !oldKey.equals(newKey)) {
      deadlines.delete(oldKey);
    }
    if (newKey != null && !newKey.equals(oldKey)) {
      deadlines.put(newKey, key);
    }
  }
}
