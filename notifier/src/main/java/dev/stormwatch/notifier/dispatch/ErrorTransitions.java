package dev.stormwatch.notifier.dispatch;

import dev.stormwatch.notifier.channel.FailureReason;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The last error kind of each delivery target (channel + address), so the dispatcher logs when
 * a target's error changes (ok → http_5xx → timeout → ok), not on every attempt. Bounded (least
 * recently used targets forgotten). Thread-safe.
 */
final class ErrorTransitions {

  private static final FailureReason OK = null;
  private static final int MAX_TARGETS = 10_000;

  private final Map<Route, FailureReason> last = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Route, FailureReason> eldest) {
      return size() > MAX_TARGETS;
    }
  };
  // remembers that a target has been seen, as the map cannot tell a null value from absence
  private final Map<Route, Boolean> seen = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Route, Boolean> eldest) {
      return size() > MAX_TARGETS;
    }
  };

  /**
   * Records the result of an attempt on {@code target}: {@code reason} for a failure, null for a
   * success.
   *
   * @return true when it differs from the target's previous result (a first success does not count)
   */
  synchronized boolean changed(Route target, FailureReason reason) {
    boolean known = seen.put(target, Boolean.TRUE) != null;
    FailureReason previous = last.put(target, reason);
    if (!known) {
      return reason != OK;
    }
    return !Objects.equals(previous, reason);
  }
}
