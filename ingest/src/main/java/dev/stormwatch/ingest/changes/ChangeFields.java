package dev.stormwatch.ingest.changes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.stormwatch.avro.Link;
import dev.stormwatch.avro.LinkKind;
import dev.stormwatch.ingest.normalize.support.JsonFields;
import dev.stormwatch.ingest.normalize.support.PayloadException;
import java.util.List;
import java.util.Map;

/**
 * What the change normalizers share: the bounds of a change (text length, label and link counts)
 * and the readers that enforce them. A change is never rejected for being long: text is cut,
 * extra labels and links are dropped, and the label {@value #LABELS_DROPPED} says how many
 * labels were.
 */
final class ChangeFields {

  /** Longest summary, version, author, environment, link title or label value kept (PagerDuty's summary limit). */
  static final int MAX_TEXT = 1024;
  /** Longest id a sender may give. */
  static final int MAX_ID = 256;
  /** Most labels kept per change. */
  static final int MAX_LABELS = 128;
  /** Most links kept per change. */
  static final int MAX_LINKS = 32;
  /** Label naming how many labels were dropped beyond {@link #MAX_LABELS}. */
  static final String LABELS_DROPPED = "stormwatch_labels_dropped";

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private ChangeFields() {
  }

  /** Trimmed, null when blank, cut to {@link #MAX_TEXT} characters, {@linkplain #clean cleaned}. */
  static String bounded(String text) {
    if (text == null || text.isBlank()) {
      return null;
    }
    return cut(text.strip());
  }

  /** Cut to {@link #MAX_TEXT} characters (ending in "..."), {@linkplain #clean cleaned}. */
  static String cut(String text) {
    return clean(text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT - 3) + "...");
  }

  /**
   * The text with every unpaired surrogate (JSON allows a lone {@code \\ud800} escape; cutting can split a
   * pair) replaced by U+FFFD, so that it is valid Unicode and survives Avro's UTF-8 unchanged.
   */
  static String clean(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
          && Character.isLowSurrogate(text.charAt(i + 1));
      if (paired) {
        if (out != null) {
          out.append(c).append(text.charAt(i + 1));
        }
        i++;
      } else if (Character.isSurrogate(c)) {
        if (out == null) {
          out = new StringBuilder(text.length()).append(text, 0, i);
        }
        out.append('\uFFFD');
      } else if (out != null) {
        out.append(c);
      }
    }
    return out == null ? text : out.toString();
  }

  /** A string field (numbers and booleans as their JSON text), bounded; null when absent or blank. */
  static String text(JsonNode node, String field, String path) {
    return bounded(JsonFields.text(node, field, path));
  }

  /**
   * Adds a label unless {@link #MAX_LABELS} are there already (then counts it in
   * {@link #LABELS_DROPPED}); the value is bounded. Blank keys and null values are skipped.
   */
  static void putLabel(Map<String, String> labels, String key, String value) {
    if (key == null || key.isBlank() || value == null) {
      return;
    }
    String k = cut(key);
    if (labels.containsKey(k) || labels.size() < MAX_LABELS) {
      labels.put(k, cut(value));
    } else {
      labels.merge(LABELS_DROPPED, "1", (a, b) -> Integer.toString(Integer.parseInt(a) + 1));
    }
  }

  /** A link of kind CHANGE, unless {@link #MAX_LINKS} are there already. */
  static void addLink(List<Link> links, String url, String title) {
    if (links.size() < MAX_LINKS) {
      links.add(Link.newBuilder().setKind(LinkKind.CHANGE).setUrl(clean(url.strip())).setTitle(bounded(title)).build());
    }
  }

  /** The JSON text of a value, for dead-lettering one element of a batch. */
  static byte[] bytes(JsonNode node) {
    try {
      return JSON.writeValueAsBytes(node);
    } catch (java.io.IOException e) {
      throw new PayloadException("cannot write the element back as JSON: " + e.getMessage(), e);
    }
  }

  /** {@code prefix} + {@code field}, for reasons: {@code service}, {@code [2].service}. */
  static String path(String prefix, String field) {
    return prefix.isEmpty() ? field : prefix + "." + field;
  }
}
