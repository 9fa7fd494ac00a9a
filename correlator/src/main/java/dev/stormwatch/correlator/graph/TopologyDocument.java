package dev.stormwatch.correlator.graph;

import dev.stormwatch.avro.ServiceNode;
import java.util.List;
import java.util.Objects;

/**
 * A parsed topology document: the service nodes to publish to {@code topology.services}, in
 * document order, and the warnings found on the way (dependencies on services the document does
 * not define, edges that disagree with {@code dependsOn}, unknown kinds...). Warnings never stop
 * a load; errors are thrown as {@link TopologyDocumentException} instead.
 *
 * @param name     the topology's name; every node's {@code topology} field carries it
 * @param format   the format the document was recognised as
 * @param services the nodes, in document order, names unique
 * @param warnings one line each, {@code path: message}, in document order
 */
public record TopologyDocument(String name, Format format, List<ServiceNode> services, List<String> warnings) {

  /** The formats {@link TopologyDocuments} reads, recognised by content. */
  public enum Format {
    /** {@code {"name": ..., "services": [{"name", "kind", "dependsOn": [...]}]}} in JSON. */
    JSON,
    /** The same structure in YAML. */
    YAML,
    /** Backstage {@code catalog-info.yaml}: Component and Resource entities. */
    BACKSTAGE
  }

  /** Copies the lists; the nodes themselves are the caller's from here on. */
  public TopologyDocument {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(format, "format");
    services = List.copyOf(services);
    warnings = List.copyOf(warnings);
  }

  /** The number of dependency edges: the sum of every node's {@code dependsOn}. */
  public int dependencyCount() {
    return services.stream().mapToInt(s -> s.getDependsOn().size()).sum();
  }

  /** The service names, in document order. */
  public List<String> serviceNames() {
    return services.stream().map(ServiceNode::getName).toList();
  }
}
