package dev.stormwatch.correlator.topology;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.correlator.domain.AlertRoute;
import dev.stormwatch.correlator.domain.AlertState;
import dev.stormwatch.correlator.domain.ServiceGraph;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Assigns each alert observation its correlation domain ({@link AlertRoute}: sticky for an
 * episode, so its repeats and resolve follow it after a topology change) and re-keys it by domain.
 */
final class AlertRouter implements Processor<String, AlertEvent, String, CorrelatorInput> {

  private final TopologyView view;
  private final CorrelatorMetrics metrics;
  private ProcessorContext<String, CorrelatorInput> context;
  private KeyValueStore<String, AlertRoute> routes;
  private KeyValueStore<String, ServiceNode> topology;

  AlertRouter(TopologyView view, CorrelatorMetrics metrics) {
    this.view = view;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, CorrelatorInput> context) {
    this.context = context;
    routes = context.getStateStore(CorrelatorStores.ALERT_ROUTES);
    topology = context.getStateStore(CorrelatorStores.TOPOLOGY);
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
    AlertRoute previous = routes.get(alert.fingerprint());
    AlertRoute route = AlertRoute.of(alert, previous, graph);
    if (!route.equals(previous)) {
      routes.put(alert.fingerprint(), route);
    }
    context.forward(record.withKey(route.domain()).withValue(new CorrelatorInput.Alert(event)));
  }
}
