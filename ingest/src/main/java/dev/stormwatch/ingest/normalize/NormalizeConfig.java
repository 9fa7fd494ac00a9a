package dev.stormwatch.ingest.normalize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.stormwatch.avro.AlertStatus;
import dev.stormwatch.avro.Severity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * How the normalizers resolve services, environments and severities. Immutable; build it with
 * {@link #defaults()} or from the {@code normalize} section of the app's configuration with
 * {@link #fromTree(JsonNode)} / {@link #fromMap(Map)}. Keys missing from the tree keep their
 * defaults; unknown keys and bad values are rejected with the key's path, so a typo fails at
 * start-up, not silently.
 *
 * <table>
 *   <caption>Keys (relative to the {@code normalize} section) and defaults</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code service.keys}</td><td>{@link ServiceResolver#DEFAULT_KEYS}</td><td>label / tag
 *       names that name the service, first match wins</td></tr>
 *   <tr><td>{@code service.aliases}</td><td>{}</td><td>raw service name → canonical name</td></tr>
 *   <tr><td>{@code environment.keys}</td><td>[environment, env]</td><td>label / tag names that
 *       name the deployment environment, first match wins</td></tr>
 *   <tr><td>{@code severity.default}</td><td>UNKNOWN</td><td>severity of an alert whose source
 *       gave none, or one the scales do not know</td></tr>
 *   <tr><td>{@code scales.severity.<source>.<raw>}</td><td>{}</td><td>severity overrides laid over
 *       {@link Scales#defaults()}; source {@code prometheus}, {@code sentry}, {@code logs} or
 *       {@code *}</td></tr>
 *   <tr><td>{@code scales.status.<source>.<raw>}</td><td>{}</td><td>status overrides, likewise</td></tr>
 *   <tr><td>{@code sentry.projects}</td><td>{}</td><td>Sentry project slug (or numeric id) →
 *       service name; unmapped projects use the slug</td></tr>
 *   <tr><td>{@code pagerduty.routing-keys}</td><td>{}</td><td>PagerDuty Change Events routing key
 *       (integration key) → service name, for change events whose {@code custom_details} name no
 *       {@code service}</td></tr>
 * </table>
 *
 * @param serviceKeys        label names that name the service, in order (not empty)
 * @param serviceAliases     raw service name → canonical service name
 * @param severityOverrides  per source, raw value → severity, laid over the default scales
 * @param statusOverrides    per source, raw value → status, laid over the default scales
 * @param environmentKeys    label names that name the environment, in order
 * @param sentryProjects     Sentry project slug or id → service name
 * @param defaultSeverity    severity when the source gave none the scales know
 * @param pagerDutyRoutingKeys PagerDuty routing key → service name, for change events
 */
public record NormalizeConfig(
    List<String> serviceKeys,
    Map<String, String> serviceAliases,
    Map<String, Map<String, Severity>> severityOverrides,
    Map<String, Map<String, AlertStatus>> statusOverrides,
    List<String> environmentKeys,
    Map<String, String> sentryProjects,
    Severity defaultSeverity,
    Map<String, String> pagerDutyRoutingKeys) {

  /** Default {@link #environmentKeys()}. */
  public static final List<String> DEFAULT_ENVIRONMENT_KEYS = List.of("environment", "env");
  /**
   * Default {@link #defaultSeverity()}: UNKNOWN, as the schema says for "no usable severity". A
   * deployment that wants unlabelled alerts to reach chat can set WARNING.
   */
  public static final Severity DEFAULT_SEVERITY = Severity.UNKNOWN;

  private static final ObjectMapper MAPPER = JsonMapper.builder().build();
  private static final Set<String> TOP_KEYS = Set.of("service", "environment", "severity", "scales", "sentry",
      "pagerduty");

  public NormalizeConfig {
    serviceKeys = List.copyOf(serviceKeys);
    if (serviceKeys.isEmpty()) {
      throw new IllegalArgumentException("normalize config: service.keys must not be empty");
    }
    serviceAliases = Map.copyOf(serviceAliases);
    severityOverrides = deepCopy(severityOverrides);
    statusOverrides = deepCopy(statusOverrides);
    environmentKeys = List.copyOf(environmentKeys);
    sentryProjects = Map.copyOf(sentryProjects);
    Objects.requireNonNull(defaultSeverity, "defaultSeverity");
    pagerDutyRoutingKeys = Map.copyOf(pagerDutyRoutingKeys);
  }

  /** Every setting at its documented default. */
  public static NormalizeConfig defaults() {
    return new NormalizeConfig(ServiceResolver.DEFAULT_KEYS, Map.of(), Map.of(), Map.of(),
        DEFAULT_ENVIRONMENT_KEYS, Map.of(), DEFAULT_SEVERITY, Map.of());
  }

  /** From a plain map, e.g. parsed YAML; same keys as {@link #fromTree(JsonNode)}. */
  public static NormalizeConfig fromMap(Map<String, ?> map) {
    return fromTree(MAPPER.valueToTree(map));
  }

  /**
   * From the {@code normalize} section of a parsed YAML or JSON configuration (null or missing
   * means all defaults).
   *
   * @throws IllegalArgumentException naming the key, for an unknown key or a bad value
   */
  public static NormalizeConfig fromTree(JsonNode tree) {
    NormalizeConfig d = defaults();
    if (tree == null || tree.isNull() || tree.isMissingNode()) {
      return d;
    }
    requireObject(tree, "normalize");
    checkKeys(tree, "", TOP_KEYS);
    JsonNode service = object(tree, "service");
    checkKeys(service, "service.", Set.of("keys", "aliases"));
    JsonNode environment = object(tree, "environment");
    checkKeys(environment, "environment.", Set.of("keys"));
    JsonNode severity = object(tree, "severity");
    checkKeys(severity, "severity.", Set.of("default"));
    JsonNode scales = object(tree, "scales");
    checkKeys(scales, "scales.", Set.of("severity", "status"));
    JsonNode sentry = object(tree, "sentry");
    checkKeys(sentry, "sentry.", Set.of("projects"));
    JsonNode pagerDuty = object(tree, "pagerduty");
    checkKeys(pagerDuty, "pagerduty.", Set.of("routing-keys"));

    return new NormalizeConfig(
        service.has("keys") ? strings(service.get("keys"), "service.keys") : d.serviceKeys(),
        service.has("aliases") ? stringMap(service.get("aliases"), "service.aliases") : d.serviceAliases(),
        scales.has("severity")
            ? perSource(scales.get("severity"), "scales.severity", Severity.class) : d.severityOverrides(),
        scales.has("status")
            ? perSource(scales.get("status"), "scales.status", AlertStatus.class) : d.statusOverrides(),
        environment.has("keys") ? strings(environment.get("keys"), "environment.keys") : d.environmentKeys(),
        sentry.has("projects") ? stringMap(sentry.get("projects"), "sentry.projects") : d.sentryProjects(),
        severity.has("default")
            ? enumValue(severity.get("default"), "severity.default", Severity.class) : d.defaultSeverity(),
        pagerDuty.has("routing-keys")
            ? stringMap(pagerDuty.get("routing-keys"), "pagerduty.routing-keys") : d.pagerDutyRoutingKeys());
  }

  /** The service resolver these settings describe. */
  public ServiceResolver serviceResolver() {
    return new ServiceResolver(serviceKeys, serviceAliases);
  }

  /** {@link Scales#defaults()} with this configuration's overrides laid over them. */
  public Scales scales() {
    Scales base = Scales.defaults();
    return new Scales(base.severity().with(severityOverrides), base.status().with(statusOverrides));
  }

  /** The environment named by {@code labels} under the first of {@link #environmentKeys()} that has a value, or null. */
  public String environmentOf(Map<String, String> labels) {
    for (String key : environmentKeys) {
      String value = labels.get(key);
      if (value != null && !value.isBlank()) {
        return value.strip();
      }
    }
    return null;
  }

  private static <V> Map<String, Map<String, V>> deepCopy(Map<String, Map<String, V>> in) {
    Map<String, Map<String, V>> out = new LinkedHashMap<>();
    in.forEach((source, table) -> out.put(source, Map.copyOf(table)));
    return Map.copyOf(out);
  }

  private static void requireObject(JsonNode node, String path) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("normalize config: " + path + " must be a mapping, got " + node.getNodeType());
    }
  }

  private static JsonNode object(JsonNode parent, String key) {
    JsonNode node = parent.get(key);
    if (node == null || node.isNull()) {
      return MAPPER.createObjectNode();
    }
    requireObject(node, key);
    return node;
  }

  private static void checkKeys(JsonNode node, String prefix, Set<String> known) {
    for (String name : (Iterable<String>) node::fieldNames) {
      if (!known.contains(name)) {
        throw new IllegalArgumentException("normalize config: unknown key '" + prefix + name + "' (known: "
            + new TreeSet<>(known).stream().map(k -> prefix + k).collect(Collectors.joining(", ")) + ")");
      }
    }
  }

  private static List<String> strings(JsonNode node, String path) {
    if (!node.isArray()) {
      throw new IllegalArgumentException("normalize config: " + path + " must be a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : node) {
      if (!item.isTextual() || item.textValue().isBlank()) {
        throw new IllegalArgumentException("normalize config: " + path + " must hold non-blank strings, got " + item);
      }
      out.add(item.textValue().strip());
    }
    return out;
  }

  private static Map<String, String> stringMap(JsonNode node, String path) {
    requireObject(node, path);
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (!e.getValue().isValueNode() || e.getValue().isNull() || e.getValue().asText().isBlank()) {
        throw new IllegalArgumentException("normalize config: " + path + "." + e.getKey() + " must be a non-blank string");
      }
      out.put(e.getKey(), e.getValue().asText().strip());
    }
    return out;
  }

  private static <E extends Enum<E>> Map<String, Map<String, E>> perSource(JsonNode node, String path, Class<E> type) {
    requireObject(node, path);
    Map<String, Map<String, E>> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> source : node.properties()) {
      String sourcePath = path + "." + source.getKey();
      requireObject(source.getValue(), sourcePath);
      Map<String, E> table = new LinkedHashMap<>();
      for (Map.Entry<String, JsonNode> e : source.getValue().properties()) {
        table.put(e.getKey(), enumValue(e.getValue(), sourcePath + "." + e.getKey(), type));
      }
      out.put(source.getKey(), table);
    }
    return out;
  }

  private static <E extends Enum<E>> E enumValue(JsonNode node, String path, Class<E> type) {
    String allowed = Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
    if (!node.isTextual()) {
      throw new IllegalArgumentException("normalize config: " + path + " must be one of " + allowed);
    }
    try {
      return Enum.valueOf(type, node.textValue().strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "normalize config: " + path + " is '" + node.textValue() + "', must be one of " + allowed, e);
    }
  }
}
