package dev.stormwatch.correlator.topology;

import dev.stormwatch.avro.ServiceNode;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/** The global store's processor: puts a service node, deletes it on a tombstone, and marks the {@link TopologyView} stale. */
final class TopologyUpdater implements Processor<String, ServiceNode, Void, Void> {

  private final TopologyView view;
  private KeyValueStore<String, ServiceNode> store;

  TopologyUpdater(TopologyView view) {
    this.view = view;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(CorrelatorStores.TOPOLOGY);
  }

  @Override
  public void process(Record<String, ServiceNode> record) {
    if (record.key() == null) {
      return;
    }
    if (record.value() == null) {
      store.delete(record.key());
    } else {
      store.put(record.key(), record.value());
    }
    view.markStale();
  }
}
