package dev.stormwatch.correlator.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stormwatch.avro.ServiceNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.UnknownStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * The service graph over HTTP, read from the correlator's global store of {@code ServiceNode}s
 * (every instance holds all of it, so the local instance answers; no routing).
 *
 * <ul>
 *   <li>{@code GET /api/topology?limit=}: {@code {"services": [...], "count": n, "truncated": bool}},
 *       services by name, each {@code name, kind, dependsOn, owner, system, tier, runbook, topology,
 *       labels}; at most {@code limit} (default {@value #DEFAULT_LIMIT}, at most {@value #MAX_LIMIT}).</li>
 *   <li>{@link #describe}: one service's place in the graph, for {@code GET /api/services/{name}}.</li>
 * </ul>
 *
 * <p>A store that is migrating surfaces as Kafka Streams' retriable {@code InvalidStateStoreException},
 * which the caller turns into 503.
 */
final class TopologyApi {

  static final int DEFAULT_LIMIT = 5000;
  static final int MAX_LIMIT = 50_000;

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final String store;

  TopologyApi(String store) {
    this.store = store;
  }

  /** The limit parameter, or a one-line reason why it is bad. */
  static Limit parseLimit(String raw) {
    if (raw == null || raw.isBlank()) {
      return new Limit(DEFAULT_LIMIT, null);
    }
    try {
      int n = Integer.parseInt(raw.strip());
      if (n >= 1 && n <= MAX_LIMIT) {
        return new Limit(n, null);
      }
    } catch (NumberFormatException e) {
      // falls through to the error
    }
    return new Limit(0, "limit must be an integer 1.." + MAX_LIMIT + ", was '" + raw + "'");
  }

  /** A parsed limit: {@code error} is null when {@code value} is usable. */
  record Limit(int value, String error) {
  }

  /** The graph: the first {@code limit} services in the store's key order (by name). */
  ObjectNode graph(KafkaStreams ks, int limit) {
    ArrayNode services = F.arrayNode();
    boolean truncated = false;
    try (KeyValueIterator<String, ServiceNode> it = store(ks).all()) {
      while (it.hasNext()) {
        ServiceNode node = it.next().value;
        if (node == null) {
          continue;
        }
        if (services.size() == limit) {
          truncated = true;
          break;
        }
        services.add(node(node));
      }
    }
    ObjectNode body = F.objectNode();
    body.set("services", services);
    body.put("count", services.size());
    body.put("truncated", truncated);
    return body;
  }

  /**
   * What the graph says of {@code name}: {@code known}, and when known its {@code kind, owner, system,
   * tier, runbook, topology}; always {@code dependsOn} (empty when unknown) and {@code dependents}
   * (services that list it in their {@code dependsOn}, by name). A topology without the graph store
   * (a test's, say) knows no service.
   */
  ObjectNode describe(KafkaStreams ks, String name) {
    ServiceNode self = null;
    TreeSet<String> dependents = new TreeSet<>();
    ReadOnlyKeyValueStore<String, ServiceNode> graph;
    try {
      graph = store(ks);
    } catch (UnknownStateStoreException e) {
      return description(null, dependents);
    }
    try (KeyValueIterator<String, ServiceNode> it = graph.all()) {
      while (it.hasNext()) {
        ServiceNode node = it.next().value;
        if (node == null) {
          continue;
        }
        if (node.getName().equals(name)) {
          self = node;
        }
        if (node.getDependsOn().contains(name)) {
          dependents.add(node.getName());
        }
      }
    }
    return description(self, dependents);
  }

  private static ObjectNode description(ServiceNode self, TreeSet<String> dependents) {
    ObjectNode out = F.objectNode();
    out.put("known", self != null);
    if (self != null) {
      out.put("kind", self.getKind().name().toLowerCase(Locale.ROOT));
      out.put("owner", self.getOwner());
      out.put("system", self.getSystem());
      out.put("tier", self.getTier());
      out.put("runbook", self.getRunbook());
      out.put("topology", self.getTopology());
    }
    ArrayNode dependsOn = F.arrayNode();
    (self == null ? List.<String>of() : new ArrayList<>(self.getDependsOn())).forEach(dependsOn::add);
    out.set("dependsOn", dependsOn);
    ArrayNode deps = F.arrayNode();
    dependents.forEach(deps::add);
    out.set("dependents", deps);
    return out;
  }

  private ReadOnlyKeyValueStore<String, ServiceNode> store(KafkaStreams ks) {
    return ks.store(StoreQueryParameters.fromNameAndType(store, QueryableStoreTypes.<String, ServiceNode>keyValueStore()));
  }

  private static ObjectNode node(ServiceNode n) {
    ObjectNode out = F.objectNode();
    out.put("name", n.getName());
    out.put("kind", n.getKind().name().toLowerCase(Locale.ROOT));
    ArrayNode deps = F.arrayNode();
    n.getDependsOn().forEach(deps::add);
    out.set("dependsOn", deps);
    out.put("owner", n.getOwner());
    out.put("system", n.getSystem());
    out.put("tier", n.getTier());
    out.put("runbook", n.getRunbook());
    out.put("topology", n.getTopology());
    ObjectNode labels = F.objectNode();
    new TreeMap<>(n.getLabels()).forEach(labels::put);
    out.set("labels", labels);
    return out;
  }
}
