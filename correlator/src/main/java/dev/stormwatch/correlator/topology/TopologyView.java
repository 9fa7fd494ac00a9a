package dev.stormwatch.correlator.topology;

import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.correlator.domain.ServiceGraph;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current {@link ServiceGraph}, cached: created by {@link CorrelatorTopology#build} and shared
 * by that topology's processors (one per Kafka Streams instance, never static). The global store's
 * processor {@link #markStale() marks} it stale on every update; stream processors ask for the
 * {@link #graph} and it is rebuilt from the global store when stale or never built (a global
 * store's restore bypasses its processor, so the first use must read the store). A rebuild logs
 * the services whose domain moved and counts them.
 */
public final class TopologyView {

  private static final Logger log = LoggerFactory.getLogger(TopologyView.class);

  private final CorrelatorMetrics metrics;
  private volatile boolean stale = true;
  private ServiceGraph graph;

  /** A view that is stale until first used. */
  public TopologyView(CorrelatorMetrics metrics) {
    this.metrics = metrics;
  }

  /** The graph changed: rebuild on the next {@link #graph}. */
  public void markStale() {
    stale = true;
  }

  /** The current graph, rebuilt from {@code store} when stale. */
  public synchronized ServiceGraph graph(ReadOnlyKeyValueStore<String, ServiceNode> store) {
    if (stale || graph == null) {
      stale = false;
      List<ServiceNode> nodes = new ArrayList<>();
      try (KeyValueIterator<String, ServiceNode> it = store.all()) {
        while (it.hasNext()) {
          KeyValue<String, ServiceNode> kv = it.next();
          if (kv.value != null) {
            nodes.add(kv.value);
          }
        }
      }
      ServiceGraph newer = ServiceGraph.of(nodes);
      if (graph != null) {
        List<ServiceGraph.DomainMove> moves = graph.domainMoves(newer);
        for (ServiceGraph.DomainMove m : moves) {
          log.info("topology update: service={} moved domain from={} to={}; its open episodes stay with their"
              + " incidents, new episodes go to the new domain", m.service(), m.from(), m.to());
        }
        metrics.domainMoves().increment(moves.size());
      } else {
        log.info("service graph loaded: {} services", newer.services().size());
      }
      graph = newer;
    }
    return graph;
  }
}
