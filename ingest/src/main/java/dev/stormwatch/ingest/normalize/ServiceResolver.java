package dev.stormwatch.ingest.normalize;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Names a service the same way whatever the source: the first of an ordered list of label or
 * field names that has a value wins, then an alias table maps it to the canonical name (the name
 * the topology uses). Names are trimmed and lower-cased, as Kubernetes names are. Unresolvable →
 * {@link #UNKNOWN}; the caller counts those.
 */
public final class ServiceResolver {

  /** The service of an alert whose source named none. */
  public static final String UNKNOWN = "unknown";

  /**
   * Default keys, most specific first: explicit service labels, OpenTelemetry's
   * {@code service.name}, Kubernetes app labels (as Prometheus relabels them and as log shippers
   * nest them), container names, the Sentry project slug, and Prometheus' {@code job} last.
   */
  public static final List<String> DEFAULT_KEYS = List.of(
      "service", "service.name", "service_name", "app", "app_kubernetes_io_name", "app.kubernetes.io/name",
      "kubernetes.labels.app", "kubernetes.labels.app_kubernetes_io/name", "kubernetes.labels.app_kubernetes_io_name",
      "k8s.deployment.name", "kubernetes.deployment.name", "deployment", "container", "container_name",
      "kubernetes.container_name", "sentry.project", "job");

  private final List<String> keys;
  private final Map<String, String> aliases;

  /**
   * @param keys    label or field names to look at, in order
   * @param aliases raw name (any case) to canonical name
   */
  public ServiceResolver(List<String> keys, Map<String, String> aliases) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("service resolution needs at least one key");
    }
    this.keys = List.copyOf(keys);
    Map<String, String> normalized = new HashMap<>();
    aliases.forEach((from, to) -> normalized.put(normalize(from), normalize(Objects.requireNonNull(to, from))));
    this.aliases = Map.copyOf(normalized);
  }

  /** The default keys and no aliases. */
  public static ServiceResolver defaults() {
    return new ServiceResolver(DEFAULT_KEYS, Map.of());
  }

  /**
   * The canonical service named by {@code fields} (labels, tags or flattened log fields), or
   * {@link #UNKNOWN}.
   */
  public String resolve(Map<String, String> fields) {
    for (String key : keys) {
      String value = fields.get(key);
      if (value != null && !value.isBlank()) {
        return canonical(value);
      }
    }
    return UNKNOWN;
  }

  /** The canonical form of a service name: trimmed, lower-cased, then mapped through the aliases. */
  public String canonical(String name) {
    String normalized = normalize(name);
    if (normalized.isEmpty()) {
      return UNKNOWN;
    }
    return aliases.getOrDefault(normalized, normalized);
  }

  public List<String> keys() {
    return keys;
  }

  public Map<String, String> aliases() {
    return aliases;
  }

  private static String normalize(String name) {
    return name.trim().toLowerCase(Locale.ROOT);
  }
}
