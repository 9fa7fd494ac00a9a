package dev.stormwatch.ingest.normalize.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Typed reads of fields of a parsed JSON payload. Each read names the field's path in its
 * rejection reason, so a dead-lettered record says exactly what was wrong.
 */
public final class JsonFields {

  private JsonFields() {
  }

  /**
   * The string at {@code node.field}: null when absent or JSON null; numbers and booleans as their
   * JSON text.
   *
   * @throws PayloadException when the value is an object or an array
   */
  public static String text(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isContainerNode()) {
      throw new PayloadException(path + ": expected a string, got " + kind(value));
    }
    return value.asText();
  }

  /** Like {@link #text} but also null for blank strings. */
  public static String nonBlank(JsonNode node, String field, String path) {
    String text = text(node, field, path);
    return text == null || text.isBlank() ? null : text;
  }

  /**
   * A JSON object of strings as a map in the payload's order. Absent or null is an empty map;
   * entries whose value is JSON null are left out.
   *
   * @throws PayloadException when it is not an object, or a value is not a string
   */
  public static Map<String, String> stringMap(JsonNode node, String field, String path) {
    JsonNode value = node.get(field);
    Map<String, String> out = new LinkedHashMap<>();
    if (value == null || value.isNull()) {
      return out;
    }
    if (!value.isObject()) {
      throw new PayloadException(path + ": expected an object of strings, got " + kind(value));
    }
    for (Map.Entry<String, JsonNode> e : value.properties()) {
      JsonNode v = e.getValue();
      if (v.isNull()) {
        continue;
      }
      if (!v.isTextual()) {
        throw new PayloadException(path + "." + e.getKey() + ": expected a string, got " + kind(v));
      }
      out.put(e.getKey(), v.textValue());
    }
    return out;
  }

  /** What a JSON value is, for reasons: "an object", "an array", "a number"... */
  public static String kind(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    return switch (node.getNodeType()) {
      case OBJECT -> "an object";
      case ARRAY -> "an array";
      case STRING -> "a string";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      default -> "a " + node.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  /** Whether {@code url} is an absolute http(s) URL, the only kind that becomes a link. */
  public static boolean isHttpUrl(String url) {
    if (url == null) {
      return false;
    }
    String u = url.strip().toLowerCase(java.util.Locale.ROOT);
    return (u.startsWith("http://") || u.startsWith("https://")) && u.length() > "https://".length()
        && u.chars().noneMatch(Character::isWhitespace);
  }
}
