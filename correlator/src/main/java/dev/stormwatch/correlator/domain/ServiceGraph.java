package dev.stormwatch.correlator.domain;

import dev.stormwatch.avro.ServiceKind;
import dev.stormwatch.avro.ServiceNode;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The service dependency graph, built from {@link ServiceNode}s ({@code dependsOn} edges point from
 * caller to callee). Immutable: {@link #with(ServiceNode)} and {@link #without(String)} return a new
 * graph, rebuilt in O(services + edges), which is cheap for topologies of thousands of services.
 *
 * <p><b>Known services.</b> A service is known when a node declares it or another node's
 * {@code dependsOn} names it (a datastore nobody published a node for is still a node of the graph).
 * A service that is not known (an alert on it names a service missing from the topology) is an
 * isolated node: it depends on nothing, nothing depends on it, and its domain is
 * {@code service:<name>}; {@link #isKnown(String)} lets the caller count it.
 *
 * <p><b>Correlation domain</b> ({@link #domainOf(String)}): the node's {@code system} when set (the
 * system name itself), else the id of its connected component in the undirected dependency graph,
 * {@code component:<smallest service name in the component>} (stable while the component keeps its
 * smallest member; components are computed over the whole graph, also through nodes that have a
 * system). Alerts are only correlated within a domain, so an edge between two systems does not
 * correlate their alerts.
 *
 * <p><b>When a topology change moves a service to another domain</b> (its system changed, or an
 * edge was added or removed so that components joined or split, or a component lost its smallest
 * member), {@link #domainMoves(ServiceGraph)} lists the moves. The correlator does not move
 * incidents: an incident stays in the domain it was opened in until it closes, and is still found
 * there for the alerts it already has, because an alert keeps the domain it was routed to for the
 * rest of its firing episode (see {@link AlertRoute}), so its repeats and its resolve reach its
 * incident. A new alert, or a new episode of an old one, on the moved service goes to the new
 * domain, where it may open a new incident (it cannot join or reopen one in the old domain).
 */
public final class ServiceGraph {

  /** Domain prefix of a component without a system. */
  public static final String COMPONENT_PREFIX = "component:";
  /** Domain prefix of a service missing from the topology. */
  public static final String UNKNOWN_PREFIX = "service:";

  private static final ServiceGraph EMPTY = new ServiceGraph(new TreeMap<>());

  private final SortedMap<String, Service> declared;
  private final Map<String, SortedSet<String>> callees;
  private final Map<String, SortedSet<String>> callers;
  private final Map<String, String> componentOf;

  /**
   * What the graph keeps of one declared node.
   *
   * @param name      service name
   * @param kind      kind of component
   * @param dependsOn callees, sorted, without self-edges
   * @param owner     owning team, or null
   * @param system    system (correlation domain), or null when unset or blank
   * @param tier      criticality tier, or null
   * @param runbook   runbook URL, or null
   */
  public record Service(String name, ServiceKind kind, SortedSet<String> dependsOn, String owner, String system,
                        String tier, String runbook) {
    /** Copies the node. */
    public static Service of(ServiceNode node) {
      SortedSet<String> deps = new TreeSet<>();
      if (node.getDependsOn() != null) {
        for (String d : node.getDependsOn()) {
          if (d != null && !d.isBlank() && !d.equals(node.getName())) {
            deps.add(d.strip());
          }
        }
      }
      String system = node.getSystem() == null || node.getSystem().isBlank() ? null : node.getSystem().strip();
      return new Service(node.getName(), node.getKind() == null ? ServiceKind.OTHER : node.getKind(),
          Collections.unmodifiableSortedSet(deps), node.getOwner(), system, node.getTier(), node.getRunbook());
    }
  }

  /**
   * A service whose domain differs between two graphs.
   *
   * @param service the service
   * @param from    its domain in the older graph
   * @param to      its domain in the newer graph
   */
  public record DomainMove(String service, String from, String to) {}

  private ServiceGraph(SortedMap<String, Service> declared) {
    this.declared = Collections.unmodifiableSortedMap(declared);
    Map<String, SortedSet<String>> out = new HashMap<>();
    Map<String, SortedSet<String>> in = new HashMap<>();
    for (Service s : declared.values()) {
      out.computeIfAbsent(s.name(), k -> new TreeSet<>());
      in.computeIfAbsent(s.name(), k -> new TreeSet<>());
      for (String d : s.dependsOn()) {
        out.get(s.name()).add(d);
        out.computeIfAbsent(d, k -> new TreeSet<>());
        in.computeIfAbsent(d, k -> new TreeSet<>()).add(s.name());
      }
    }
    out.replaceAll((k, v) -> Collections.unmodifiableSortedSet(v));
    in.replaceAll((k, v) -> Collections.unmodifiableSortedSet(v));
    this.callees = out;
    this.callers = in;
    this.componentOf = components(new TreeSet<>(out.keySet()));
  }

  /** The graph with no services. */
  public static ServiceGraph empty() {
    return EMPTY;
  }

  /** The graph of these nodes; a later node of the same name replaces an earlier one. */
  public static ServiceGraph of(Collection<ServiceNode> nodes) {
    SortedMap<String, Service> map = new TreeMap<>();
    for (ServiceNode n : nodes) {
      map.put(n.getName(), Service.of(n));
    }
    return new ServiceGraph(map);
  }

  /** A graph with this node added or replaced (a {@code topology.services} update). */
  public ServiceGraph with(ServiceNode node) {
    SortedMap<String, Service> map = new TreeMap<>(declared);
    map.put(node.getName(), Service.of(node));
    return new ServiceGraph(map);
  }

  /** A graph without this node (a {@code topology.services} tombstone); edges to it from others stay. */
  public ServiceGraph without(String name) {
    if (!declared.containsKey(name)) {
      return this;
    }
    SortedMap<String, Service> map = new TreeMap<>(declared);
    map.remove(name);
    return new ServiceGraph(map);
  }

  /** Whether a node declares it or a node depends on it. */
  public boolean isKnown(String service) {
    return callees.containsKey(service);
  }

  /** Whether a node declares it. */
  public boolean isDeclared(String service) {
    return declared.containsKey(service);
  }

  /** Every known service, sorted. */
  public SortedSet<String> services() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(callees.keySet()));
  }

  /** The declared node of a service. */
  public Optional<Service> service(String name) {
    return Optional.ofNullable(declared.get(name));
  }

  /** The owning team of a service, when declared. */
  public Optional<String> owner(String name) {
    return service(name).map(Service::owner);
  }

  /** The correlation domain of a service (see the class comment). */
  public String domainOf(String service) {
    Service s = declared.get(service);
    if (s != null && s.system() != null) {
      return s.system();
    }
    String component = componentOf.get(service);
    return component != null ? COMPONENT_PREFIX + component : UNKNOWN_PREFIX + service;
  }

  /** Direct callees of a service, sorted; empty for an unknown service. */
  public SortedSet<String> dependencies(String service) {
    return callees.getOrDefault(service, Collections.emptySortedSet());
  }

  /** Direct callers of a service, sorted; empty for an unknown service. */
  public SortedSet<String> dependents(String service) {
    return callers.getOrDefault(service, Collections.emptySortedSet());
  }

  /**
   * Everything a service depends on, directly or not, within {@code maxHops} directed hops, with the
   * hop count of the shortest path; sorted by name. The service itself is not included.
   */
  public SortedMap<String, Integer> transitiveDependencies(String service, int maxHops) {
    SortedMap<String, Integer> hops = new TreeMap<>();
    Deque<String> queue = new ArrayDeque<>();
    Map<String, Integer> seen = new HashMap<>();
    seen.put(service, 0);
    queue.add(service);
    while (!queue.isEmpty()) {
      String s = queue.poll();
      int d = seen.get(s);
      if (d >= maxHops) {
        continue;
      }
      for (String next : dependencies(s)) {
        if (!seen.containsKey(next)) {
          seen.put(next, d + 1);
          hops.put(next, d + 1);
          queue.add(next);
        }
      }
    }
    return Collections.unmodifiableSortedMap(hops);
  }

  /** Whether {@code caller} depends on {@code callee}, directly or not, within {@code maxHops}. */
  public boolean dependsOn(String caller, String callee, int maxHops) {
    return !caller.equals(callee) && transitiveDependencies(caller, maxHops).containsKey(callee);
  }

  /**
   * Shortest hop distance between two services in the undirected dependency graph, searching no
   * further than {@code maxHops}: 0 for a service and itself (known or not), empty when farther
   * apart, disconnected or unknown.
   */
  public OptionalInt distance(String a, String b, int maxHops) {
    if (a.equals(b)) {
      return OptionalInt.of(0);
    }
    if (!isKnown(a) || !isKnown(b)) {
      return OptionalInt.empty();
    }
    Map<String, Integer> seen = new HashMap<>();
    Deque<String> queue = new ArrayDeque<>();
    seen.put(a, 0);
    queue.add(a);
    while (!queue.isEmpty()) {
      String s = queue.poll();
      int d = seen.get(s);
      if (d >= maxHops) {
        continue;
      }
      for (Set<String> side : List.of(dependencies(s), dependents(s))) {
        for (String next : side) {
          if (next.equals(b)) {
            return OptionalInt.of(d + 1);
          }
          if (!seen.containsKey(next)) {
            seen.put(next, d + 1);
            queue.add(next);
          }
        }
      }
    }
    return OptionalInt.empty();
  }

  /** The services of a domain that the graph knows, sorted (empty for a {@code service:} domain). */
  public SortedSet<String> servicesIn(String domain) {
    SortedSet<String> out = new TreeSet<>();
    for (String s : callees.keySet()) {
      if (domainOf(s).equals(domain)) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * The services whose domain is different in {@code newer}, over the services known to either graph
   * (a service that became unknown moves to {@code service:<name>}), sorted by service.
   */
  public List<DomainMove> domainMoves(ServiceGraph newer) {
    SortedSet<String> all = new TreeSet<>(callees.keySet());
    all.addAll(newer.callees.keySet());
    return all.stream()
        .filter(s -> !domainOf(s).equals(newer.domainOf(s)))
        .map(s -> new DomainMove(s, domainOf(s), newer.domainOf(s)))
        .toList();
  }

  private Map<String, String> components(SortedSet<String> names) {
    Map<String, String> out = new HashMap<>();
    for (String start : names) {
      if (out.containsKey(start)) {
        continue;
      }
      // names are visited in order, so the first unvisited one is its component's smallest member
      Deque<String> queue = new ArrayDeque<>();
      queue.add(start);
      out.put(start, start);
      while (!queue.isEmpty()) {
        String s = queue.poll();
        for (Set<String> side : List.of(callees.get(s), callers.get(s))) {
          for (String next : side) {
            if (!out.containsKey(next)) {
              out.put(next, start);
              queue.add(next);
            }
          }
        }
      }
    }
    return Collections.unmodifiableMap(out);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ServiceGraph g && declared.equals(g.declared);
  }

  @Override
  public int hashCode() {
    return Objects.hash(declared);
  }

  @Override
  public String toString() {
    return "ServiceGraph{" + callees.size() + " services}";
  }
}
