package dev.stormwatch.notifier.channel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compares a request body we built with a provider's reference body (a fixture): every field we
 * send exists in the reference at the same place with the same JSON type, recursively; arrays are
 * compared element-wise with the reference element of the same {@code "type"} (Block Kit) or with
 * its first element; the members of free-form maps (e.g. {@code custom_details}) are not compared.
 */
public final class JsonShape {

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The comparison's findings.
   *
   * @param errors          fields missing from the reference or of another type
   * @param uncheckedTypes  array elements whose {@code "type"} the reference has no example of
   */
  public record Result(List<String> errors, Set<String> uncheckedTypes) {
  }

  private JsonShape() {
  }

  /** Reads a fixture from {@code src/test/resources/pagers}. */
  public static JsonNode fixture(String name) {
    try (InputStream in = JsonShape.class.getResourceAsStream("/pagers/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Compares {@code actual} with {@code reference}.
   *
   * @param freeMaps dotted paths (array indexes as {@code []}) of objects whose members are free
   */
  public static Result compare(JsonNode actual, JsonNode reference, Set<String> freeMaps) {
    List<String> errors = new ArrayList<>();
    Set<String> unchecked = new TreeSet<>();
    compare("", actual, reference, freeMaps, errors, unchecked);
    return new Result(errors, unchecked);
  }

  /** The paths of {@code paths} missing from {@code actual}. */
  public static List<String> missing(JsonNode actual, List<String> paths) {
    List<String> missing = new ArrayList<>();
    for (String path : paths) {
      JsonNode node = actual;
      for (String part : path.split("\\.")) {
        node = node.path(part);
      }
      if (node.isMissingNode() || node.isNull()) {
        missing.add(path);
      }
    }
    return missing;
  }

  private static void compare(String path, JsonNode actual, JsonNode reference, Set<String> freeMaps,
                              List<String> errors, Set<String> unchecked) {
    if (type(actual) != type(reference)) {
      errors.add((path.isEmpty() ? "(root)" : path) + ": " + type(actual) + " where the reference has "
          + type(reference));
      return;
    }
    if (actual.isObject()) {
      if (freeMaps.contains(path)) {
        return;
      }
      for (Map.Entry<String, JsonNode> field : actual.properties()) {
        String child = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
        if (!reference.has(field.getKey())) {
          errors.add(child + ": not in the reference");
        } else {
          compare(child, field.getValue(), reference.get(field.getKey()), freeMaps, errors, unchecked);
        }
      }
    } else if (actual.isArray() && !reference.isEmpty()) {
      for (JsonNode element : actual) {
        JsonNode ref = reference.get(0);
        if (element.has("type")) {
          ref = null;
          for (JsonNode candidate : reference) {
            if (candidate.path("type").equals(element.get("type"))) {
              ref = candidate;
            }
          }
          if (ref == null) {
            unchecked.add(element.get("type").asText());
            continue;
          }
        }
        compare(path + "[]", element, ref, freeMaps, errors, unchecked);
      }
    }
  }

  private static JsonNodeType type(JsonNode node) {
    return node.getNodeType();
  }
}
