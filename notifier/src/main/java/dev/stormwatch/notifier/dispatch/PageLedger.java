package dev.stormwatch.notifier.dispatch;

import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.PageOutcome;
import dev.stormwatch.avro.PageResult;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.Set;

/**
 * What the dispatcher knows about each recent dedup key: the last meaningful record of it in
 * {@code pages.log} (read back on start, then kept up to date with every outcome it writes) and
 * whether it is being delivered by this process right now. Bounded: keys not updated for the
 * dedup window are dropped, and beyond {@code maxKeys} the least recently updated key is
 * forgotten (counted by {@link #evictions()}). Thread-safe.
 *
 * <p>Meaning of the log: DELIVERED and FAILED (and the notifier's BUNDLED/SUPPRESSED) are final
 * and stay final; SENDING is an intent without an answer yet (unconfirmed if nothing follows);
 * RETRYING and RATE_LIMITED mean nothing is on the wire; DUPLICATE and UNKNOWN say nothing about
 * the key and are ignored.
 */
final class PageLedger {

  /**
   * The state of one key.
   *
   * @param lastResult  the last meaningful result in the log
   * @param lastChannel the channel of that record
   * @param lastAttempt its attempt number
   * @param updatedAt   when this process learnt it (local time)
   */
  record Entry(PageResult lastResult, ChannelType lastChannel, int lastAttempt, Instant updatedAt) {

    /** DELIVERED, FAILED, BUNDLED or SUPPRESSED. */
    boolean isFinal() {
      return isFinal(lastResult);
    }

    /** An intent with no answer after it. */
    boolean unconfirmed() {
      return lastResult == PageResult.SENDING;
    }

    static boolean isFinal(PageResult result) {
      return result == PageResult.DELIVERED || result == PageResult.FAILED || result == PageResult.BUNDLED
          || result == PageResult.SUPPRESSED;
    }
  }

  private final int maxKeys;
  private final Duration window;
  // insertion order = update order (an update removes and re-inserts)
  private final LinkedHashMap<String, Entry> entries = new LinkedHashMap<>();
  private final Set<String> inFlight = new HashSet<>();
  private long evictions;

  PageLedger(int maxKeys, Duration window) {
    this.maxKeys = maxKeys;
    this.window = window;
  }

  /**
   * Learns one record of {@code pages.log}.
   *
   * @param outcome the record
   * @param now     the local time it is learnt at
   * @return true when a key had to be forgotten to make room
   */
  synchronized boolean observe(PageOutcome outcome, Instant now) {
    PageResult result = outcome.getOutcome();
    if (result == PageResult.DUPLICATE || result == PageResult.UNKNOWN) {
      return false;
    }
    String key = outcome.getDedupKey();
    Entry current = entries.remove(key);
    Entry next;
    if (current != null && current.isFinal() && !Entry.isFinal(result)) {
      next = new Entry(current.lastResult(), current.lastChannel(), Math.max(current.lastAttempt(),
          outcome.getAttempt()), now);
    } else {
      next = new Entry(result, outcome.getChannel(), outcome.getAttempt(), now);
    }
    entries.put(key, next);
    return trim(now);
  }

  /** The state of {@code dedupKey}, if known. */
  synchronized Optional<Entry> get(String dedupKey) {
    return Optional.ofNullable(entries.get(dedupKey));
  }

  /** Whether this process is delivering {@code dedupKey} now. */
  synchronized boolean inFlight(String dedupKey) {
    return inFlight.contains(dedupKey);
  }

  /** Marks {@code dedupKey} as being delivered; false when it already is. */
  synchronized boolean claim(String dedupKey) {
    return inFlight.add(dedupKey);
  }

  /** The delivery of {@code dedupKey} ended (finished or cancelled). */
  synchronized void release(String dedupKey) {
    inFlight.remove(dedupKey);
  }

  /** Keys known. */
  synchronized int size() {
    return entries.size();
  }

  /** Keys forgotten because of {@code maxKeys}. */
  synchronized long evictions() {
    return evictions;
  }

  private boolean trim(Instant now) {
    Instant horizon = now.minus(window);
    boolean evicted = false;
    for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
      Entry eldest = it.next();
      if (eldest.updatedAt().isBefore(horizon)) {
        it.remove();
      } else if (entries.size() > maxKeys) {
        it.remove();
        evictions++;
        evicted = true;
      } else {
        break;
      }
    }
    return evicted;
  }
}
