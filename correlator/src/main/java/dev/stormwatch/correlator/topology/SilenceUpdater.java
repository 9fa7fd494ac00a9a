package dev.stormwatch.correlator.topology;

import dev.stormwatch.avro.Silence;
import dev.stormwatch.correlator.rules.SilenceRule;
import dev.stormwatch.correlator.topology.CorrelatorMetrics.SilenceOutcome;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processor of the global store {@value CorrelatorStores#SILENCES}: puts a silence, deletes it
 * on a tombstone, and marks the {@link SilenceView} stale. A silence that fails validation
 * ({@link SilenceRule#of}: no matchers, a bad regular expression, an unknown time zone...) is not
 * stored (an earlier version under its id stays) and is logged and counted: a global store's
 * processor cannot forward, so there is no dead letter; the query API rejects such silences with a
 * 400 before they are written.
 */
final class SilenceUpdater implements Processor<String, Silence, Void, Void> {

  private static final Logger log = LoggerFactory.getLogger(SilenceUpdater.class);

  private final SilenceView view;
  private final CorrelatorMetrics metrics;
  private KeyValueStore<String, Silence> store;

  SilenceUpdater(SilenceView view, CorrelatorMetrics metrics) {
    this.view = view;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(CorrelatorStores.SILENCES);
  }

  @Override
  public void process(Record<String, Silence> record) {
    if (record.key() == null) {
      metrics.silences(SilenceOutcome.INVALID).increment();
      log.warn("silence record without a key ignored");
      return;
    }
    if (record.value() == null) {
      store.delete(record.key());
      metrics.silences(SilenceOutcome.DELETED).increment();
    } else {
      try {
        if (!record.key().equals(record.value().getId())) {
          throw new IllegalArgumentException("the record's key '" + record.key() + "' is not the silence's id '"
              + record.value().getId() + "'");
        }
        SilenceRule.of(record.value());
      } catch (IllegalArgumentException e) {
        metrics.silences(SilenceOutcome.INVALID).increment();
        log.warn("silence {} ignored: {}", record.key(), e.getMessage());
        return;
      }
      store.put(record.key(), record.value());
      metrics.silences(SilenceOutcome.STORED).increment();
    }
    view.markStale();
  }
}
