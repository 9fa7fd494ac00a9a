package dev.stormwatch.notifier.dispatch;

import dev.stormwatch.avro.PageOutcome;
import dev.stormwatch.common.registry.SchemaRegistryException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Teaches the {@link PageLedger} what {@code pages.log} says about the pages a newly assigned
 * {@code pages.outbox} partition still holds after its committed offset (its backlog). Only
 * when there is a backlog: the earliest of the backlog's first record timestamps and the last
 * commits' times (from the commit metadata), minus the lookback, is where {@code pages.log} is
 * read from, up to its end at that moment. A fully committed partition costs nothing.
 *
 * <p>Why that start suffices: the intent of a page is written after the dispatcher read the
 * page, so after the record's timestamp (the notifier sets it to event or punctuation time,
 * never later than the write); the lookback covers clock skew between hosts; the commit time
 * covers records whose timestamp is ahead of the clock.
 */
final class Recovery {

  /** Prefix of the commit metadata: {@code committedAt=<epoch millis>}. */
  static final String COMMITTED_AT = "committedAt=";

  private static final Logger log = LoggerFactory.getLogger(Recovery.class);
  private static final Duration POLL = Duration.ofMillis(100);

  private final Supplier<Consumer<byte[], byte[]>> helpers;
  private final Deserializer<PageOutcome> outcomes;
  private final String outboxTopic;
  private final String logTopic;
  private final Duration lookback;
  private final Duration timeout;
  private final PageLedger ledger;
  private final Runnable onEviction;
  private final Clock clock;

  /**
   * @param helpers     makes a group-less consumer (closed here after use)
   * @param outcomes    reads {@code pages.log} values
   * @param outboxTopic {@code pages.outbox}
   * @param logTopic    {@code pages.log}
   * @param lookback    how far before the backlog to read
   * @param timeout     how long one recovery may take; beyond it the dispatcher fails rather than
   *                    deliver pages it knows nothing about
   * @param ledger      what it teaches
   * @param onEviction  called when the ledger had to forget a key
   * @param clock       the clock
   */
  Recovery(Supplier<Consumer<byte[], byte[]>> helpers, Deserializer<PageOutcome> outcomes, String outboxTopic,
           String logTopic, Duration lookback, Duration timeout, PageLedger ledger, Runnable onEviction,
           Clock clock) {
    this.helpers = helpers;
    this.outcomes = outcomes;
    this.outboxTopic = outboxTopic;
    this.logTopic = logTopic;
    this.lookback = lookback;
    this.timeout = timeout;
    this.ledger = ledger;
    this.onEviction = onEviction;
    this.clock = clock;
  }

  /**
   * Recovers for {@code assigned}.
   *
   * @param assigned  newly assigned outbox partitions
   * @param committed their committed offsets (a partition may be missing or map to null)
   * @return {@code pages.log} records read
   */
  long recover(Collection<TopicPartition> assigned, Map<TopicPartition, OffsetAndMetadata> committed) {
    if (assigned.isEmpty()) {
      return 0;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Consumer<byte[], byte[]> helper = helpers.get()) {
      Map<TopicPartition, Long> ends = helper.endOffsets(assigned, timeout);
      Map<TopicPartition, Long> begins = helper.beginningOffsets(assigned, timeout);
      Map<TopicPartition, Long> starts = new HashMap<>();
      Instant from = clock.instant();
      for (TopicPartition tp : assigned) {
        OffsetAndMetadata c = committed.get(tp);
        long start = c != null ? Math.max(c.offset(), begins.get(tp)) : begins.get(tp);
        if (start < ends.get(tp)) {
          starts.put(tp, start);
          Instant at = committedAt(c);
          if (at != null && at.isBefore(from)) {
            from = at;
          }
        }
      }
      if (starts.isEmpty()) {
        log.info("recovery: no backlog on {}", assigned);
        return 0;
      }
      Instant first = firstTimestamp(helper, starts, ends, deadline);
      if (first != null && first.isBefore(from)) {
        from = first;
      }
      from = from.minus(lookback);
      long read = readLog(helper, from, deadline);
      log.info("recovery: backlog on {} partition(s) of {}; read {} pages.log record(s) from {}; {} dedup keys known",
          starts.size(), outboxTopic, read, from, ledger.size());
      return read;
    }
  }

  private Instant firstTimestamp(Consumer<byte[], byte[]> helper, Map<TopicPartition, Long> starts,
                                 Map<TopicPartition, Long> ends, long deadline) {
    helper.assign(starts.keySet());
    starts.forEach(helper::seek);
    Map<TopicPartition, Long> firsts = new HashMap<>();
    while (firsts.size() < starts.size()) {
      requireTime(deadline, "the first uncommitted records of " + outboxTopic);
      for (ConsumerRecord<byte[], byte[]> record : helper.poll(POLL)) {
        firsts.putIfAbsent(new TopicPartition(record.topic(), record.partition()), record.timestamp());
      }
      for (TopicPartition tp : starts.keySet()) {
        // only aborted or control records left: nothing to learn there
        if (!firsts.containsKey(tp) && helper.position(tp) >= ends.get(tp)) {
          firsts.put(tp, Long.MAX_VALUE);
        }
      }
    }
    long min = firsts.values().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
    return min == Long.MAX_VALUE ? null : Instant.ofEpochMilli(min);
  }

  private long readLog(Consumer<byte[], byte[]> helper, Instant from, long deadline) {
    List<TopicPartition> partitions = helper.partitionsFor(logTopic, timeout).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    Map<TopicPartition, Long> query = new HashMap<>();
    partitions.forEach(tp -> query.put(tp, from.toEpochMilli()));
    Map<TopicPartition, OffsetAndTimestamp> offsets = helper.offsetsForTimes(query, timeout);
    Map<TopicPartition, Long> starts = new HashMap<>();
    offsets.forEach((tp, ot) -> {
      if (ot != null) {
        starts.put(tp, ot.offset());
      }
    });
    if (starts.isEmpty()) {
      return 0;
    }
    Map<TopicPartition, Long> ends = helper.endOffsets(starts.keySet(), timeout);
    helper.assign(starts.keySet());
    starts.forEach(helper::seek);
    long read = 0;
    long skipped = 0;
    while (starts.keySet().stream().anyMatch(tp -> helper.position(tp) < ends.get(tp))) {
      requireTime(deadline, logTopic);
      for (ConsumerRecord<byte[], byte[]> record : helper.poll(POLL)) {
        if (record.offset() >= ends.get(new TopicPartition(record.topic(), record.partition()))) {
          continue;
        }
        read++;
        PageOutcome outcome;
        try {
          outcome = record.value() == null ? null : outcomes.deserialize(record.topic(), record.headers(),
              record.value());
        } catch (SerializationException e) {
          if (registryUnavailable(e)) {
            throw new IllegalStateException("recovery: the Schema Registry is unavailable; not dispatching without"
                + " knowing which pages were already sent", e);
          }
          outcome = null;
        }
        if (outcome == null) {
          skipped++;
          continue;
        }
        if (ledger.observe(outcome, clock.instant())) {
          onEviction.run();
        }
      }
    }
    if (skipped > 0) {
      log.warn("recovery: {} record(s) of {} were not PageOutcomes and were ignored", skipped, logTopic);
    }
    return read;
  }

  private void requireTime(long deadline, String what) {
    if (System.nanoTime() > deadline) {
      throw new IllegalStateException("recovery: could not read " + what + " within " + timeout
          + "; not dispatching without knowing which pages were already sent");
    }
  }

  /** Whether {@code e} comes from a Schema Registry that could not be reached (a retry may succeed). */
  static boolean registryUnavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SchemaRegistryException r) {
        return r.isRetriable();
      }
    }
    return false;
  }

  static Instant committedAt(OffsetAndMetadata committed) {
    if (committed == null || committed.metadata() == null) {
      return null;
    }
    String metadata = committed.metadata();
    int i = metadata.indexOf(COMMITTED_AT);
    if (i < 0) {
      return null;
    }
    try {
      return Instant.ofEpochMilli(Long.parseLong(metadata.substring(i + COMMITTED_AT.length()).strip()));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
