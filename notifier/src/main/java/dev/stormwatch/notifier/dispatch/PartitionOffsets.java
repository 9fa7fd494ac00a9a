package dev.stormwatch.notifier.dispatch;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.TreeSet;
import org.apache.kafka.common.TopicPartition;

/**
 * The offsets of one assigned {@code pages.outbox} partition that are being handled, so the
 * committed offset never passes a page that has not reached its outcome: pages finish out of
 * order (retries, rate limits), offsets are committed in order. A new instance is made for every
 * assignment, so a delivery that outlives its partition's revocation cannot mark an offset of a
 * later assignment. Thread-safe.
 */
final class PartitionOffsets {

  private final TopicPartition partition;
  // guarded by this
  private final TreeSet<Long> pending = new TreeSet<>();
  private long next = -1;
  private long committed = -1;
  private boolean revoked;

  PartitionOffsets(TopicPartition partition) {
    this.partition = partition;
  }

  TopicPartition partition() {
    return partition;
  }

  /** A record of this partition is being handled. */
  synchronized void track(long offset) {
    pending.add(offset);
    next = Math.max(next, offset + 1);
  }

  /** The record at {@code offset} reached its outcome. */
  synchronized void done(long offset) {
    pending.remove(offset);
    notifyAll();
  }

  /**
   * The record at {@code offset} and everything tracked after it will be read again (the
   * consumer seeks back to it): forget them.
   */
  synchronized void rewind(long offset) {
    pending.tailSet(offset, true).clear();
    next = pending.isEmpty() ? Math.min(next, offset) : Math.max(pending.last() + 1, Math.min(next, offset));
    notifyAll();
  }

  /** Records being handled. */
  synchronized int pending() {
    return pending.size();
  }

  /**
   * The offset to commit (the next one to read after everything handled), when it moved since
   * the last {@link #committed(long)}.
   */
  synchronized OptionalLong committable() {
    if (next < 0) {
      return OptionalLong.empty();
    }
    long offset = pending.isEmpty() ? next : pending.first();
    return offset > committed ? OptionalLong.of(offset) : OptionalLong.empty();
  }

  /** {@code offset} was committed. */
  synchronized void committed(long offset) {
    committed = Math.max(committed, offset);
  }

  /** The partition was taken away: deliveries of it stop before their next attempt. */
  synchronized void revoke() {
    revoked = true;
    notifyAll();
  }

  synchronized boolean revoked() {
    return revoked;
  }

  /** Waits until nothing is pending; false when {@code timeout} passed first. */
  synchronized boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!pending.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      wait(Math.max(1, left / 1_000_000));
    }
    return true;
  }
}
