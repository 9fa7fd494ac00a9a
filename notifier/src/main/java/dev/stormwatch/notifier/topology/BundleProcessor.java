package dev.stormwatch.notifier.topology;

import dev.stormwatch.avro.PageRequest;
import dev.stormwatch.notifier.bundle.BundleDecision;
import dev.stormwatch.notifier.bundle.BundleState;
import dev.stormwatch.notifier.bundle.Bundler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The destination-keyed stage (after the repartition by destination, so every page for one
 * destination meets here whatever its incident): emits what {@link Bundler} decides, keyed by dedup
 * key, to {@code pages.outbox}. Pages are decided at their record time; a wall-clock punctuator
 * range-scans {@code notifier-bundle-deadlines} for windows that ended, with the punctuation
 * timestamp as the clock. A window lives one {@code bundle-window}, so the stores stay small.
 */
final class BundleProcessor implements Processor<String, PageRequest, String, PageRequest> {

  private static final Logger log = LoggerFactory.getLogger(BundleProcessor.class);
  /** The most windows closed by one punctuation; the rest wait for the next. */
  static final int MAX_DUE_PER_PUNCTUATION = 10_000;

  private final Bundler bundler;
  private final NotifierMetrics metrics;
  private final Duration punctuateEvery;
  private ProcessorContext<String, PageRequest> context;
  private KeyValueStore<String, BundleState> windows;
  private KeyValueStore<String, String> deadlines;

  BundleProcessor(Bundler bundler, NotifierMetrics metrics, Duration punctuateEvery) {
    this.bundler = bundler;
    this.metrics = metrics;
    this.punctuateEvery = punctuateEvery;
  }

  @Override
  public void init(ProcessorContext<String, PageRequest> context) {
    this.context = context;
    windows = context.getStateStore(NotifierStores.BUNDLES);
    deadlines = context.getStateStore(NotifierStores.BUNDLE_DEADLINES);
    context.schedule(punctuateEvery, PunctuationType.WALL_CLOCK_TIME, this::punctuate);
  }

  @Override
  public void process(Record<String, PageRequest> record) {
    if (record.key() == null || record.value() == null) {
      return;
    }
    Optional<BundleState> current = Optional.ofNullable(windows.get(record.key()));
    BundleDecision d = bundler.offer(current, record.value(), Instant.ofEpochMilli(record.timestamp()));
    log.debug("page {}: {} ({})", record.value().getDedupKey(), d.outcome(), d.reason());
    apply(record.key(), current, d, record.timestamp());
  }

  private void punctuate(long timestamp) {
    Instant now = Instant.ofEpochMilli(timestamp);
    List<KeyValue<String, String>> due = new ArrayList<>();
    try (KeyValueIterator<String, String> it = deadlines.range(null, NotifierStores.deadlineKey(now, "~"))) {
      while (it.hasNext() && due.size() < MAX_DUE_PER_PUNCTUATION) {
        due.add(it.next());
      }
    }
    for (KeyValue<String, String> entry : due) {
      BundleState window = windows.get(entry.value);
      if (window == null || !entry.key.equals(NotifierStores.deadlineKey(window.windowEnd(), entry.value))) {
        deadlines.delete(entry.key);
        continue;
      }
      BundleDecision d = bundler.close(window, now);
      if (d.outcome() == BundleDecision.Outcome.BUNDLED) {
        log.info("bundle for {}: {}", entry.value, d.reason());
      }
      apply(entry.value, Optional.of(window), d, timestamp);
    }
  }

  private void apply(String key, Optional<BundleState> before, BundleDecision d, long timestamp) {
    metrics.bundles(d.outcome()).increment();
    int overflowBefore = before.map(BundleState::overflow).orElse(0);
    if (d.state().map(BundleState::overflow).orElse(0) > overflowBefore) {
      metrics.caps(NotifierMetrics.Cap.BUNDLED_INCIDENTS).increment();
      if (overflowBefore == 0) {
        log.warn("notifier cap reached: cap=bundled_incidents destination={} held={} (further pages in this window"
            + " are only counted in the bundle)", key, d.state().get().held().size());
      }
    }
    NotifierStores.save(windows, deadlines, key, before, d.state(), BundleState::windowEnd);
    for (PageRequest page : d.send()) {
      context.forward(new Record<>(page.getDedupKey(), page, timestamp));
    }
    if (!d.send().isEmpty()) {
      // the dispatcher reads pages committed: commit after this loop, not at the next interval
      context.commit();
    }
  }
}
