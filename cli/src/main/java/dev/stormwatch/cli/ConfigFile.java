package dev.stormwatch.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Stormwatch's configuration file (YAML, or JSON): one document whose top-level sections are the
 * connections ({@code kafka}: any Kafka client setting; {@code schema-registry}: the registry
 * client's settings; {@code topics}: {@code prefix}, {@code partitions}, {@code replication-factor})
 * and the apps' ({@code gateway}, {@code ingest}, {@code normalize}, {@code logs}). Every section and
 * key is optional; unknown sections are an error, so a typo never silently does nothing.
 * {@code deploy/config/stormwatch.yaml} documents every key with its default.
 */
final class ConfigFile {

  static final Set<String> SECTIONS = Set.of("kafka", "schema-registry", "topics", "gateway", "ingest",
      "normalize", "logs", "correlator", "notifier", "notifier-api", "dispatcher");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final JsonNode root;

  private ConfigFile(JsonNode root) {
    this.root = root;
  }

  /** No file: every default. */
  static ConfigFile empty() {
    return new ConfigFile(MissingNode.getInstance());
  }

  /** Reads and checks {@code file}; a one-line reason when it is missing or malformed. */
  static ConfigFile load(Path file) {
    JsonNode root;
    try {
      root = YAML.readTree(Files.readAllBytes(file));
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("config file not found: " + file);
    } catch (IOException e) {
      throw new IllegalArgumentException("config file " + file + " is not valid YAML: "
          + e.getMessage().lines().findFirst().orElse(""), e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return empty();
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException("config file " + file + ": the top level must be a mapping of sections");
    }
    root.fieldNames().forEachRemaining(section -> {
      if (!SECTIONS.contains(section)) {
        throw new IllegalArgumentException("config file " + file + ": unknown section '" + section + "' (known: "
            + new TreeSet<>(SECTIONS) + ")");
      }
    });
    return new ConfigFile(root);
  }

  JsonNode root() {
    return root;
  }

  /**
   * The {@code gateway} section flattened to {@code gateway.*} keys as
   * {@link dev.stormwatch.ingest.gateway.GatewayConfig#fromMap} takes them.
   */
  Map<String, String> gatewaySettings() {
    Map<String, String> flat = new LinkedHashMap<>();
    flatten("gateway", root.path("gateway"), flat);
    return flat;
  }

  /** The {@code kafka} section: Kafka client settings by their own names (bootstrap.servers, security.protocol...). */
  Map<String, String> kafkaSettings() {
    return sectionSettings("kafka");
  }

  /** The {@code schema-registry} section, by the registry client's keys (url, basic.auth.user.info...). */
  Map<String, String> registrySettings() {
    Map<String, String> flat = sectionSettings("schema-registry");
    if (flat.containsKey("url")) {
      flat.put("schema.registry.url", flat.remove("url"));
    }
    return flat;
  }

  /** A section's leaves flattened to dotted keys, without the section's own name. */
  private Map<String, String> sectionSettings(String section) {
    Map<String, String> flat = new LinkedHashMap<>();
    root.path(section).fields().forEachRemaining(e -> flatten(e.getKey(), e.getValue(), flat));
    return flat;
  }

  /** The {@code topics} section's value for {@code key}, or {@code fallback}. */
  String topicsSetting(String key, String fallback) {
    JsonNode value = root.path("topics").path(key);
    return value.isMissingNode() || value.isNull() ? fallback : value.asText();
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    if (node.isMissingNode() || node.isNull()) {
      return;
    }
    if (node.isObject()) {
      node.fields().forEachRemaining(e -> flatten(prefix + "." + e.getKey(), e.getValue(), out));
    } else if (node.isArray()) {
      // a list of values, e.g. gateway.pagerduty.routing-keys: [a, b], as the comma-separated text the apps read
      List<String> items = new ArrayList<>();
      node.forEach(item -> items.add(item.asText()));
      out.put(prefix, String.join(",", items));
    } else {
      out.put(prefix, node.asText());
    }
  }
}
