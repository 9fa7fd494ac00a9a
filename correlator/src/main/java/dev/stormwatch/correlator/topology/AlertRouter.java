package dev.stormwatch.correlator.topology;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.correlator.domain.AlertRoute;
import dev.stormwatch.correlator.domain.AlertState;
import dev.stormwatch.correlator.domain.ServiceGraph;
import dev.stormwatch.correlator.topology.CorrelatorMetrics.ExpiredState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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
 * Assigns each alert observation its correlation domain ({@link AlertRoute}: sticky for an
 * episode, so its repeats and resolve follow it after a topology change) and re-keys it by domain.
 * A route lives {@code retention} after it was last seen: its expiry is indexed by time in
 * {@value CorrelatorStores#ALERT_ROUTE_EXPIRY} (re-armed when the alert is seen again) and a
 * wall-clock punctuator removes due routes in bounded batches, with the punctuation timestamp as the
 * clock.
 */
final class AlertRouter implements Processor<String, AlertEvent, String, CorrelatorInput> {

  private static final Logger log = LoggerFactory.getLogger(AlertRouter.class);
  /** The most route expiries handled by one punctuation; the rest wait for the next. */
  static final int MAX_EXPIRIES_PER_PUNCTUATION = 10_000;

  private final TopologyView view;
  private final CorrelatorMetrics metrics;
  private final Duration retention;
  private final Duration punctuateEvery;
  private ProcessorContext<String, CorrelatorInput> context;
  private KeyValueStore<String, AlertRoute> routes;
  private KeyValueStore<String, String> expiry;
  private KeyValueStore<String, ServiceNode> topology;

  AlertRouter(TopologyView view, CorrelatorMetrics metrics, Duration retention, Duration punctuateEvery) {
    this.view = view;
    this.metrics = metrics;
    this.retention = retention;
    this.punctuateEvery = punctuateEvery;
  }

  @Override
  public void init(ProcessorContext<String, CorrelatorInput> context) {
    this.context = context;
    routes = context.getStateStore(CorrelatorStores.ALERT_ROUTES);
    expiry = context.getStateStore(CorrelatorStores.ALERT_ROUTE_EXPIRY);
    topology = context.getStateStore(CorrelatorStores.TOPOLOGY);
    context.schedule(punctuateEvery, PunctuationType.WALL_CLOCK_TIME, this::expire);
  }

  @Override
  public void process(Record<String, AlertEvent> record) {
    AlertEvent event = record.value();
    if (event == null) {
      return;
    }
    ServiceGraph graph = view.graph(topology);
    AlertState alert = AlertState.of(event);
    if (!graph.isKnown(alert.service())) {
      metrics.unknownServices().increment();
    }
    String fp = alert.fingerprint();
    AlertRoute previous = routes.get(fp);
    AlertRoute route = AlertRoute.of(alert, previous, graph);
    if (!route.equals(previous)) {
      routes.put(fp, route);
      // a route's expiry only moves later: the entry armed for a new route is re-armed by expire()
      if (previous == null) {
        expiry.put(CorrelateProcessor.deadlineKey(route.expiresAt(retention), fp), fp);
      }
    }
    context.forward(record.withKey(route.domain()).withValue(new CorrelatorInput.Alert(event)));
  }

  /** Removes the routes due at the punctuation timestamp, at most {@value #MAX_EXPIRIES_PER_PUNCTUATION}. */
  private void expire(long timestamp) {
    Instant now = Instant.ofEpochMilli(timestamp);
    List<KeyValue<String, String>> due = new ArrayList<>();
    try (KeyValueIterator<String, String> it = expiry.range(null, CorrelateProcessor.deadlineKey(now, "~"))) {
      while (it.hasNext() && due.size() < MAX_EXPIRIES_PER_PUNCTUATION) {
        due.add(it.next());
      }
    }
    int removed = 0;
    for (KeyValue<String, String> entry : due) {
      expiry.delete(entry.key);
      AlertRoute route = routes.get(entry.value);
      if (route == null) {
        continue;
      }
      Instant at = route.expiresAt(retention);
      if (at.isAfter(now)) {
        expiry.put(CorrelateProcessor.deadlineKey(at, entry.value), entry.value);
        continue;
      }
      routes.delete(entry.value);
      metrics.expired(ExpiredState.ROUTE).increment();
      removed++;
    }
    if (removed > 0) {
      log.debug("alert routes expired: removed={} due={} batch-limit={} retention={}", removed, due.size(),
          MAX_EXPIRIES_PER_PUNCTUATION, retention);
    }
  }
}
