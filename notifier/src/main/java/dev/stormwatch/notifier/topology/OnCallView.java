package dev.stormwatch.notifier.topology;

import dev.stormwatch.avro.oncall.OnCallEntry;
import dev.stormwatch.notifier.oncall.OnCallConfig;
import dev.stormwatch.notifier.oncall.OnCallEntries;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current {@link OnCallConfig}, cached: created by {@link NotifierTopology#build} and shared by
 * its processors (one per Kafka Streams instance, never static). The global store's processor
 * {@link #markStale() marks} it stale on every update; processors ask for the {@link #config} and it
 * is rebuilt from the global store when stale or never built (a global store's restore bypasses its
 * processor, so the first use reads the store). Entries that cannot be used are logged and counted
 * at each rebuild.
 */
public final class OnCallView {

  private static final Logger log = LoggerFactory.getLogger(OnCallView.class);

  private final NotifierMetrics metrics;
  private volatile boolean stale = true;
  private OnCallConfig config;

  /** A view that is stale until first used. */
  public OnCallView(NotifierMetrics metrics) {
    this.metrics = metrics;
  }

  /** The configuration changed: rebuild on the next {@link #config}. */
  public void markStale() {
    stale = true;
  }

  /** The current configuration, rebuilt from {@code store} when stale. */
  public synchronized OnCallConfig config(ReadOnlyKeyValueStore<String, OnCallEntry> store) {
    if (stale || config == null) {
      stale = false;
      config = read(store, problem -> {
        metrics.configRejected().increment();
        log.warn("on-call configuration: {}", problem);
      });
      log.info("on-call configuration loaded: {} people, {} teams, {} policies, {} schedules, {} routing rules",
          config.people().size(), config.teams().size(), config.policies().size(), config.schedules().size(),
          config.routing().rules().size());
    }
    return config;
  }

  /** The configuration in {@code store}, now (no cache): what the HTTP API reads through interactive queries. */
  public static OnCallConfig read(ReadOnlyKeyValueStore<String, OnCallEntry> store,
                                  java.util.function.Consumer<String> problems) {
    List<OnCallEntry> entries = new ArrayList<>();
    try (KeyValueIterator<String, OnCallEntry> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<String, OnCallEntry> kv = it.next();
        if (kv.value == null) {
          continue;
        }
        if (!kv.key.equals(OnCallEntries.key(kv.value.getKind(), kv.value.getId()))) {
          problems.accept(kv.key + ": the entry says it is " + OnCallEntries.key(kv.value.getKind(), kv.value.getId())
              + "; left out");
          continue;
        }
        entries.add(kv.value);
      }
    }
    return OnCallEntries.fromEntries(entries, problems);
  }
}
