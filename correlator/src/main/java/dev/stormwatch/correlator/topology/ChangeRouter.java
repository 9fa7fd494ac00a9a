package dev.stormwatch.correlator.topology;

import dev.stormwatch.avro.ChangeEvent;
import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.correlator.domain.ServiceGraph;
import dev.stormwatch.correlator.rules.IncidentMetrics;
import dev.stormwatch.correlator.topology.CorrelatorMetrics.ChangeResult;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Routes a change event (keyed by service on {@code changes.events}) to every correlation domain it
 * may be a suspect in: the domain of its service and the domains of the services that depend on it
 * within {@code change-dependency-hops} directed hops (a service whose {@code system} puts it in
 * another domain than its dependency still sees the dependency's deploys). Counts the change once for
 * the change failure rate ({@code stormwatch_changes_total}).
 */
final class ChangeRouter implements Processor<String, CheckedChange, String, CorrelatorInput> {

  private final TopologyView view;
  private final CorrelatorMetrics metrics;
  private final IncidentMetrics incidentMetrics;
  private final int hops;
  private ProcessorContext<String, CorrelatorInput> context;
  private KeyValueStore<String, ServiceNode> topology;

  ChangeRouter(TopologyView view, CorrelatorMetrics metrics, IncidentMetrics incidentMetrics, int hops) {
    this.view = view;
    this.metrics = metrics;
    this.incidentMetrics = incidentMetrics;
    this.hops = hops;
  }

  @Override
  public void init(ProcessorContext<String, CorrelatorInput> context) {
    this.context = context;
    topology = context.getStateStore(CorrelatorStores.TOPOLOGY);
  }

  @Override
  public void process(Record<String, CheckedChange> record) {
    ChangeEvent event = record.value().event();
    ServiceGraph graph = view.graph(topology);
    for (String domain : domains(graph, event.getService(), hops)) {
      context.forward(record.withKey(domain).withValue(new CorrelatorInput.Change(event)));
    }
    metrics.changes(ChangeResult.ROUTED).increment();
    incidentMetrics.change(event.getService());
  }

  /** The domains of {@code service} and of its dependents within {@code hops}, sorted. */
  static SortedSet<String> domains(ServiceGraph graph, String service, int hops) {
    SortedSet<String> domains = new TreeSet<>();
    domains.add(graph.domainOf(service));
    Map<String, Integer> seen = new HashMap<>();
    Deque<String> queue = new ArrayDeque<>();
    seen.put(service, 0);
    queue.add(service);
    while (!queue.isEmpty()) {
      String s = queue.poll();
      int d = seen.get(s);
      if (d >= hops) {
        continue;
      }
      for (String caller : graph.dependents(s)) {
        if (seen.putIfAbsent(caller, d + 1) == null) {
          domains.add(graph.domainOf(caller));
          queue.add(caller);
        }
      }
    }
    return domains;
  }
}
