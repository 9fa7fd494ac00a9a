package dev.stormwatch.correlator.topology;

import dev.stormwatch.avro.Silence;
import dev.stormwatch.correlator.domain.Cap;
import dev.stormwatch.correlator.rules.RulesSettings;
import dev.stormwatch.correlator.rules.SilenceRule;
import dev.stormwatch.correlator.rules.SilenceSet;
import java.time.Instant;
import java.util.Objects;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current silences and maintenance windows as one immutable {@link SilenceSet}, shared by the
 * processors of one topology (one per Kafka Streams instance, never static), like
 * {@link TopologyView} for the service graph. The global store's processor ({@link SilenceUpdater})
 * {@link #markStale() marks} it stale on every update; stream processors ask for the
 * {@link #snapshot} and it is rebuilt from the global store {@value CorrelatorStores#SILENCES} when
 * stale or never built. A global store's restore copies the topic's records into the store without
 * its processor, so the first use reads the store, whatever was restored. A value that cannot be
 * decoded or fails validation ({@link SilenceRule#of}) is skipped with a log line; the
 * {@link Snapshot#version()} moves on every rebuild, so a processor can tell that muting must be
 * looked at again.
 */
public final class SilenceView {

  private static final Logger log = LoggerFactory.getLogger(SilenceView.class);

  /**
   * One compiled state of the silences.
   *
   * @param set     the silences
   * @param version increases with every rebuild (0 before the first)
   */
  public record Snapshot(SilenceSet set, long version) {}

  private final RulesSettings rules;
  private final CorrelatorMetrics metrics;
  private volatile boolean stale = true;
  private volatile Snapshot current;

  /** A view that is stale until first used. */
  public SilenceView(RulesSettings rules, CorrelatorMetrics metrics) {
    this.rules = Objects.requireNonNull(rules, "rules");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.current = new Snapshot(SilenceSet.empty(rules), 0);
  }

  /** The silences changed: rebuild on the next {@link #snapshot}. */
  public void markStale() {
    stale = true;
  }

  /**
   * The current silences, rebuilt from {@code store} when stale.
   *
   * @param now the task's clock (record time or punctuation): silences ended more than
   *            {@code silence-retention} before it are not kept
   */
  public synchronized Snapshot snapshot(ReadOnlyKeyValueStore<String, Silence> store, Instant now) {
    if (!stale && current.version() > 0) {
      return current;
    }
    stale = false;
    SilenceSet set = SilenceSet.empty(rules);
    int skipped = 0;
    try (KeyValueIterator<String, Silence> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, Silence> kv = it.next();
        if (kv.value == null) {
          skipped++;
          continue;
        }
        SilenceRule rule;
        try {
          rule = SilenceRule.of(kv.value);
        } catch (IllegalArgumentException e) {
          skipped++;
          log.debug("silence {} skipped: {}", kv.key, e.getMessage());
          continue;
        }
        SilenceSet.Update update = set.put(rule, now);
        if (update.outcome() == SilenceSet.Outcome.REJECTED_CAP) {
          metrics.caps(Cap.SILENCES).increment();
          log.warn("correlator cap reached: cap=silences silence={} reason=\"{}\"", rule.id(), update.detail());
        }
        set = update.set();
      }
    }
    current = new Snapshot(set, current.version() + 1);
    log.info("silences loaded: {} kept, {} skipped (undecodable or invalid)", set.size(), skipped);
    return current;
  }
}
