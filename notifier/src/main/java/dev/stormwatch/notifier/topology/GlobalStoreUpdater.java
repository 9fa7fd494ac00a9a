package dev.stormwatch.notifier.topology;

import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A global store's processor: puts a record, deletes on a tombstone (a record without a key is
 * skipped), and runs {@code onChange} (e.g. marks the {@link OnCallView} stale).
 *
 * @param <V> the value type
 */
final class GlobalStoreUpdater<V> implements Processor<String, V, Void, Void> {

  private final String storeName;
  private final Runnable onChange;
  private KeyValueStore<String, V> store;

  GlobalStoreUpdater(String storeName, Runnable onChange) {
    this.storeName = storeName;
    this.onChange = onChange;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(storeName);
  }

  @Override
  public void process(Record<String, V> record) {
    if (record.key() == null) {
      return;
    }
    if (record.value() == null) {
      store.delete(record.key());
    } else {
      store.put(record.key(), record.value());
    }
    onChange.run();
  }
}
