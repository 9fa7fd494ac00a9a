package dev.stormwatch.notifier.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.stormwatch.common.config.Durations;
import dev.stormwatch.notifier.channel.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict view of one mapping in the notifier's configuration (the dispatcher's and the notifier
 * API's sections): unknown keys are errors, every message names the full key
 * ({@code dispatcher.retry.deadline}), and every string may reference environment variables as
 * {@code ${NAME}} or {@code ${NAME:-default}}.
 */
public final class ConfigNode {

  private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

  private final JsonNode node;
  private final String path;
  private final Function<String, String> env;

  private ConfigNode(JsonNode node, String path, Function<String, String> env) {
    this.node = node == null ? MissingNode.getInstance() : node;
    this.path = path;
    this.env = env;
  }

  public static ConfigNode root(JsonNode node, String path, Function<String, String> env) {
    ConfigNode root = new ConfigNode(node, path, env);
    root.requireMappingOrAbsent();
    return root;
  }

  public boolean absent() {
    return node.isMissingNode() || node.isNull();
  }

  public String path() {
    return path;
  }

  /** Fails on a key outside {@code known}. */
  public ConfigNode allow(Set<String> known) {
    if (absent()) {
      return this;
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        throw new IllegalArgumentException(key(key) + ": unknown key (known: " + new TreeSet<>(known) + ")");
      }
    }
    return this;
  }

  public ConfigNode child(String key) {
    ConfigNode child = new ConfigNode(node.path(key), key(key), env);
    child.requireMappingOrAbsent();
    return child;
  }

  /** The entries of a mapping of mappings (e.g. webhooks by name), in file order. */
  public Map<String, ConfigNode> children() {
    Map<String, ConfigNode> out = new LinkedHashMap<>();
    if (!absent()) {
      node.properties().forEach(e -> {
        ConfigNode child = new ConfigNode(e.getValue(), key(e.getKey()), env);
        if (!e.getValue().isObject()) {
          throw new IllegalArgumentException(child.path + ": must be a mapping");
        }
        out.put(e.getKey(), child);
      });
    }
    return out;
  }

  /** The entries of a mapping of strings (e.g. routing keys by name), expanded. */
  public Map<String, String> strings() {
    Map<String, String> out = new LinkedHashMap<>();
    if (!absent()) {
      node.properties().forEach(e -> {
        if (!e.getValue().isValueNode() || e.getValue().isNull()) {
          throw new IllegalArgumentException(key(e.getKey()) + ": must be a string");
        }
        out.put(e.getKey(), expand(key(e.getKey()), e.getValue().asText()));
      });
    }
    return out;
  }

  public boolean has(String key) {
    JsonNode v = node.path(key);
    return !v.isMissingNode() && !v.isNull();
  }

  public String string(String key, String fallback) {
    JsonNode v = node.path(key);
    if (v.isMissingNode() || v.isNull()) {
      return fallback;
    }
    if (!v.isValueNode()) {
      throw new IllegalArgumentException(key(key) + ": must be a string");
    }
    return expand(key(key), v.asText());
  }

  public String requiredString(String key) {
    String value = string(key, null);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(key(key) + ": required");
    }
    return value;
  }

  public Secret secret(String key) {
    String value = string(key, null);
    if (value == null) {
      return null;
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException(key(key) + ": must not be blank");
    }
    return new Secret(value);
  }

  public int integer(String key, int fallback) {
    JsonNode v = node.path(key);
    if (v.isMissingNode() || v.isNull()) {
      return fallback;
    }
    if (v.isTextual()) {
      try {
        return Integer.parseInt(expand(key(key), v.asText()).strip());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key(key) + ": must be an integer, was '" + v.asText() + "'", e);
      }
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new IllegalArgumentException(key(key) + ": must be an integer, was " + v);
    }
    return v.intValue();
  }

  public boolean bool(String key, boolean fallback) {
    JsonNode v = node.path(key);
    if (v.isMissingNode() || v.isNull()) {
      return fallback;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    String text = v.isTextual() ? expand(key(key), v.asText()).strip() : v.toString();
    if (text.equalsIgnoreCase("true")) {
      return true;
    }
    if (text.equalsIgnoreCase("false")) {
      return false;
    }
    throw new IllegalArgumentException(key(key) + ": must be true or false, was " + v);
  }

  public Duration duration(String key, Duration fallback) {
    JsonNode v = node.path(key);
    if (v.isMissingNode() || v.isNull()) {
      return fallback;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(key(key) + ": needs a unit, e.g. \"" + v.asText() + "s\"");
    }
    try {
      return Durations.parse(expand(key(key), v.asText()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key(key) + ": " + e.getMessage(), e);
    }
  }

  public URI url(String key, URI fallback) {
    String value = string(key, null);
    if (value == null) {
      return fallback;
    }
    return parseUrl(key(key), value);
  }

  public static URI parseUrl(String key, String value) {
    try {
      URI uri = new URI(value.strip());
      String scheme = uri.getScheme();
      if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || uri.getHost() == null) {
        throw new IllegalArgumentException(key + ": not an http(s) URL");
      }
      return uri;
    } catch (URISyntaxException e) {
      // never echo the value: a webhook URL may hold a token
      throw new IllegalArgumentException(key + ": not a valid URL (" + e.getReason() + ")", e);
    }
  }

  public String key(String key) {
    return path + "." + key;
  }

  private String expand(String key, String text) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = env.apply(m.group(1));
      if (value == null) {
        if (m.group(2) == null) {
          throw new IllegalArgumentException(key + ": environment variable " + m.group(1) + " is not set");
        }
        value = m.group(3);
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }

  private void requireMappingOrAbsent() {
    if (!absent() && !node.isObject()) {
      throw new IllegalArgumentException(path + ": must be a mapping");
    }
  }
}
