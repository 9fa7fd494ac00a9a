package dev.stormwatch.notifier.api;

import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.PageAction;
import dev.stormwatch.avro.PageOutcome;
import dev.stormwatch.common.kafka.TopicTail;
import dev.stormwatch.common.registry.SchemaRegistryException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What {@code pages.log} says about each page, in memory, for {@code GET /api/pages}: tails the topic
 * (Avro {@code PageOutcome}s, {@code read_committed}, no consumer group) from a bounded lookback
 * (or from the beginning) into an index of at most {@code capacity} pages, one entry per dedup key:
 * its final result (the key's last DELIVERED or FAILED record; PENDING while it has only intents,
 * retries and rate-limit delays), the number of attempts, and the last answer's details. DUPLICATE
 * records (a second copy not sent) say nothing about the page and are ignored.
 *
 * <p><b>Per instance and bounded.</b> Every instance reads every partition on its own and keeps the
 * {@code capacity} most recently updated pages; the least recently updated one is forgotten first
 * (counted in {@code stormwatch_notifier_pages_log_evictions_total}). Pages older than the lookback
 * at start are never read. So the list is "the last N pages this instance has seen", not an archive:
 * {@code pages.log} itself is the record.
 *
 * <p>A record that is not a {@code PageOutcome} is skipped and counted; a Schema Registry that cannot
 * be reached is waited out (the record is read again). Every record read also goes to the listener
 * (on the reading thread; e.g. {@link Workload#observe}). Thread-safe.
 */
public final class PagesLog implements AutoCloseable {

  /** Default number of pages kept. */
  public static final int DEFAULT_CAPACITY = 10_000;
  /** Default lookback on start. */
  public static final Duration DEFAULT_LOOKBACK = Duration.ofDays(7);

  private static final Logger log = LoggerFactory.getLogger(PagesLog.class);
  private static final Duration REGISTRY_BACKOFF = Duration.ofSeconds(2);

  /** A page's state as far as {@code pages.log} tells. */
  public enum Result {
    /** Its last final record says delivered. */
    DELIVERED,
    /** Its last final record says given up. */
    FAILED,
    /** No final record yet: being sent, waiting for a retry or a rate-limit slot (or the dispatcher stopped). */
    PENDING
  }

  /**
   * One page (one dedup key).
   *
   * @param dedupKey          the page's dedup key
   * @param incidentId        the incident
   * @param action            TRIGGER, ACKNOWLEDGE or RESOLVE
   * @param recipientId       person id, or {@code team:<id>} for a team's chat
   * @param channel           the channel of its latest record (a fallback may differ from the page's own)
   * @param result            delivered, failed or pending
   * @param attempts          the highest attempt number seen
   * @param reason            the failure reason of the final (or latest failed) attempt, if any
   * @param httpStatus        the provider's HTTP status of that answer, if any
   * @param providerReference the provider's id for the page, when delivered
   * @param error             the error message, if any
   * @param latencyMillis     the final attempt's duration
   * @param firstAt           the time of the first record seen for it
   * @param at                the time of its final record (of its latest record while pending)
   */
  public record PageRecord(String dedupKey, String incidentId, PageAction action, String recipientId,
                           ChannelType channel, Result result, int attempts, String reason, Integer httpStatus,
                           String providerReference, String error, long latencyMillis, Instant firstAt, Instant at) {}

  /**
   * A filter over the index.
   *
   * @param incident only this incident's pages
   * @param person   only pages to this recipient id
   * @param since    only pages whose {@code at} is at or after this
   * @param results  only these results
   * @param limit    at most this many, newest first
   */
  public record Query(Optional<String> incident, Optional<String> person, Optional<Instant> since,
                      Set<Result> results, int limit) {

    /** Validates and copies. */
    public Query {
      Objects.requireNonNull(incident, "incident");
      Objects.requireNonNull(person, "person");
      Objects.requireNonNull(since, "since");
      results = results.isEmpty() ? EnumSet.noneOf(Result.class) : EnumSet.copyOf(results);
      if (limit < 1) {
        throw new IllegalArgumentException("limit must be at least 1, was " + limit);
      }
    }

    /** Delivered and failed pages, newest first, at most {@code limit}. */
    public static Query finals(int limit) {
      return new Query(Optional.empty(), Optional.empty(), Optional.empty(),
          EnumSet.of(Result.DELIVERED, Result.FAILED), limit);
    }

    boolean matches(PageRecord r) {
      return incident.map(r.incidentId()::equals).orElse(true)
          && person.map(r.recipientId()::equals).orElse(true)
          && since.map(s -> !r.at().isBefore(s)).orElse(true)
          && results.contains(r.result());
    }
  }

  private final String topic;
  private final int capacity;
  private final Optional<Duration> lookback;
  private final Deserializer<PageOutcome> outcomes;
  private final Consumer<PageOutcome> listener;
  private final Clock clock;
  private TopicTail tail;
  private final Counter read;
  private final Counter skipped;
  private final Counter evictions;
  private final Gauge size;
  private final MeterRegistry meters;

  // guarded by this; insertion order = least recently updated first
  private final LinkedHashMap<String, Entry> index = new LinkedHashMap<>();

  private PagesLog(String topic, int capacity, Optional<Duration> lookback, Deserializer<PageOutcome> outcomes,
                   Consumer<PageOutcome> listener, Clock clock, MeterRegistry meters) {
    this.topic = topic;
    this.capacity = capacity;
    this.lookback = lookback;
    this.outcomes = outcomes;
    this.listener = listener;
    this.clock = clock;
    this.meters = meters;
    this.read = Counter.builder("stormwatch.notifier.pages.log.records")
        .description("pages.log records read by the notifier API's page index").register(meters);
    this.skipped = Counter.builder("stormwatch.notifier.pages.log.skipped")
        .description("pages.log records that were not PageOutcomes").register(meters);
    this.evictions = Counter.builder("stormwatch.notifier.pages.log.evictions")
        .description("pages forgotten by the page index because of its capacity").register(meters);
    this.size = Gauge.builder("stormwatch.notifier.pages.log.pages", this, PagesLog::size)
        .description("pages held by the page index").register(meters);
  }

  /**
   * Starts tailing {@code topic}.
   *
   * @param bootstrapServers the Kafka cluster
   * @param clientOverrides  client settings (security...) laid over the defaults; may be empty
   * @param outcomes         the {@code PageOutcome} deserializer (registry-backed), configured
   * @param topic            {@code Topics.pagesLog()}
   * @param capacity         pages kept, at least 1 (the least recently updated go first)
   * @param lookback         how far back to start reading; empty: from the beginning
   * @param meters           where its meters go
   * @param clock            the time the lookback counts back from
   * @param listener         gets every PageOutcome read, on the reading thread (exceptions are logged)
   */
  public static PagesLog start(String bootstrapServers, Map<String, ?> clientOverrides,
                               Deserializer<PageOutcome> outcomes, String topic, int capacity,
                               Optional<Duration> lookback, MeterRegistry meters, Clock clock,
                               Consumer<PageOutcome> listener) {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(outcomes, "outcomes");
    Objects.requireNonNull(lookback, "lookback");
    if (capacity < 1) {
      throw new IllegalArgumentException("pages-log capacity must be at least 1, was " + capacity);
    }
    lookback.ifPresent(d -> {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("pages-log lookback must be positive, was " + d);
      }
    });
    PagesLog pages = new PagesLog(topic, capacity, lookback, outcomes, listener == null ? o -> { } : listener,
        clock, meters);
    pages.tail = TopicTail.start("pages log", bootstrapServers, clientOverrides, "stormwatch-notifier-pages-log",
        topic, pages::seekToStart, pages::accept, REGISTRY_BACKOFF,
        () -> log.info("pages log: caught up with {} ({} pages held)", topic, pages.size()));
    return pages;
  }

  /** Waits until it has read what the topic held when it started; false on timeout. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return tail.awaitCaughtUp(timeout);
  }

  /** Whether it has read what the topic held when it started. */
  public boolean caughtUp() {
    return tail.caughtUp();
  }

  /** The pages matching {@code query}, newest ({@code at}) first, then by dedup key. */
  public synchronized List<PageRecord> query(Query query) {
    List<PageRecord> out = new ArrayList<>();
    for (Entry e : index.values()) {
      PageRecord r = e.view();
      if (query.matches(r)) {
        out.add(r);
      }
    }
    out.sort(Comparator.comparing(PageRecord::at).reversed().thenComparing(PageRecord::dedupKey));
    return out.size() > query.limit() ? List.copyOf(out.subList(0, query.limit())) : List.copyOf(out);
  }

  /** Pages held now. */
  public synchronized int size() {
    return index.size();
  }

  /** At most this many pages are held. */
  public int capacity() {
    return capacity;
  }

  /** Stops reading and closes the consumer. */
  @Override
  public void close() {
    tail.close();
    meters.remove(size);
  }

  // ---------------------------------------------------------------- reading

  private void seekToStart(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions) {
    if (lookback.isEmpty()) {
      consumer.seekToBeginning(partitions);
      return;
    }
    long from = clock.instant().minus(lookback.get()).toEpochMilli();
    Map<TopicPartition, Long> times = new HashMap<>();
    partitions.forEach(tp -> times.put(tp, Math.max(0, from)));
    Map<TopicPartition, OffsetAndTimestamp> offsets = consumer.offsetsForTimes(times);
    List<TopicPartition> none = new ArrayList<>();
    for (TopicPartition tp : partitions) {
      OffsetAndTimestamp o = offsets.get(tp);
      if (o == null) {
        none.add(tp);
      } else {
        consumer.seek(tp, o.offset());
      }
    }
    if (!none.isEmpty()) {
      consumer.seekToEnd(none);
    }
  }

  /** Takes one record in; false when the registry is unavailable and the record must be read again. */
  private boolean accept(ConsumerRecord<byte[], byte[]> record) {
    PageOutcome outcome;
    try {
      if (record.value() == null) {
        throw new IllegalArgumentException("empty value");
      }
      outcome = outcomes.deserialize(record.topic(), record.headers(), record.value());
    } catch (RuntimeException e) {
      if (registryUnavailable(e)) {
        log.warn("pages log: the Schema Registry is unavailable; reading {}-{} again in {} ({})", record.topic(),
            record.partition(), REGISTRY_BACKOFF, e.getMessage());
        return false;
      }
      skipped.increment();
      log.debug("pages log: skipping {}-{}@{}: {}", record.topic(), record.partition(), record.offset(),
          e.getMessage());
      return true;
    }
    read.increment();
    observe(outcome);
    try {
      listener.accept(outcome);
    } catch (RuntimeException e) {
      log.warn("pages log: the listener failed on {}", outcome.getDedupKey(), e);
    }
    return true;
  }

  /** Updates the index with one outcome. */
  synchronized void observe(PageOutcome outcome) {
    if (!Entry.informative(outcome) || outcome.getDedupKey().isBlank()) {
      return;
    }
    Entry e = index.remove(outcome.getDedupKey());
    if (e == null) {
      e = new Entry(outcome);
    }
    e.observe(outcome);
    index.put(outcome.getDedupKey(), e);
    Iterator<String> eldest = index.keySet().iterator();
    while (index.size() > capacity && eldest.hasNext()) {
      eldest.next();
      eldest.remove();
      evictions.increment();
    }
  }

  private static boolean registryUnavailable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SchemaRegistryException r) {
        return r.isRetriable();
      }
    }
    return false;
  }

  /** One dedup key's records, folded. Guarded by the PagesLog's lock. */
  private static final class Entry {
    private final String dedupKey;
    private final String incidentId;
    private final PageAction action;
    private final String recipientId;
    private final Instant firstAt;
    private ChannelType channel;
    private Result result = Result.PENDING;
    private int attempts;
    private String reason;
    private Integer httpStatus;
    private String providerReference;
    private String error;
    private long latencyMillis;
    private Instant at;

    Entry(PageOutcome first) {
      this.dedupKey = first.getDedupKey();
      this.incidentId = first.getIncidentId();
      this.action = first.getAction();
      this.recipientId = first.getRecipientId();
      this.firstAt = first.getAt();
      this.at = first.getAt();
      this.channel = first.getChannel();
    }

    /** Whether a record tells anything about its page. */
    static boolean informative(PageOutcome o) {
      return switch (o.getOutcome()) {
        case SENDING, RETRYING, RATE_LIMITED, DELIVERED, FAILED -> true;
        default -> false;
      };
    }

    void observe(PageOutcome o) {
      attempts = Math.max(attempts, o.getAttempt());
      switch (o.getOutcome()) {
        case DELIVERED, FAILED -> {
          result = o.getOutcome() == dev.stormwatch.avro.PageResult.DELIVERED ? Result.DELIVERED : Result.FAILED;
          channel = o.getChannel();
          reason = o.getReason();
          httpStatus = o.getHttpStatus();
          providerReference = o.getProviderReference();
          error = o.getError();
          latencyMillis = o.getLatencyMillis();
          at = o.getAt();
        }
        case RETRYING -> {
          if (result == Result.PENDING) {
            channel = o.getChannel();
            reason = o.getReason();
            httpStatus = o.getHttpStatus();
            error = o.getError();
            at = o.getAt();
          }
        }
        default -> {
          if (result == Result.PENDING) {
            channel = o.getChannel();
            at = o.getAt();
          }
        }
      }
    }

    PageRecord view() {
      return new PageRecord(dedupKey, incidentId, action, recipientId, channel, result, attempts, reason, httpStatus,
          providerReference, error, latencyMillis, firstAt, at);
    }
  }
}
