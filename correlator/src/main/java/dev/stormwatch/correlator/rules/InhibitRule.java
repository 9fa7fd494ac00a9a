package dev.stormwatch.correlator.rules;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An inhibition rule with Alertmanager's semantics: while an alert matching {@link #source()} fires,
 * alerts matching {@link #target()} whose {@link #equal()} labels have the same values as the
 * source's are muted (a label missing on both counts as equal). An alert never inhibits itself, and
 * an alert matching both sides is only inhibited by a source that does not itself match the target
 * side, so two alerts of one kind cannot inhibit each other. Evaluation lives in {@link Inhibitor}.
 *
 * <p><b>Configuration</b> ({@link #fromTree}), in Alertmanager's {@code inhibit_rules} shape:
 * <pre>
 * - name: cluster-down                       # optional; default rule-N (N = position, from 1)
 *   source_matchers: ['alertname="ClusterDown"']
 *   target_matchers: ['severity=~"warning|info"']
 *   equal: [cluster]
 * - source_match: {alertname: NodeDown}      # the older form, still accepted
 *   target_match_re: {alertname: 'Node.+'}
 *   equal: [instance]
 * </pre>
 * {@code source_match}/{@code target_match} (equality) and {@code source_match_re}/
 * {@code target_match_re} (anchored regex) combine with {@code source_matchers}/
 * {@code target_matchers}, as in Alertmanager. Unlike Alertmanager, both sides must have at least
 * one matcher: an empty side would make every alert a source or a target.
 *
 * @param name   the rule's name, in {@code suppressedBy} as {@code inhibit:<name>}
 * @param source matchers of the inhibiting alerts
 * @param target matchers of the inhibited alerts
 * @param equal  label names whose values must be equal on source and target
 */
public record InhibitRule(String name, LabelMatchers source, LabelMatchers target, List<String> equal) {

  /** The keys a rule accepts. */
  public static final List<String> KEYS = List.of("name", "source_matchers", "target_matchers", "source_match",
      "target_match", "source_match_re", "target_match_re", "equal");

  /** Checks and copies. */
  public InhibitRule {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("an inhibit rule needs a name");
    }
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    if (source.isEmpty()) {
      throw new IllegalArgumentException("inhibit rule " + name + ": no source matchers "
          + "(source_matchers, source_match or source_match_re)");
    }
    if (target.isEmpty()) {
      throw new IllegalArgumentException("inhibit rule " + name + ": no target matchers "
          + "(target_matchers, target_match or target_match_re)");
    }
    equal = List.copyOf(equal == null ? List.of() : equal);
    for (String e : equal) {
      if (e == null || e.isBlank()) {
        throw new IllegalArgumentException("inhibit rule " + name + ": blank label name in equal");
      }
    }
  }

  /**
   * The rules of an {@code inhibit-rules} list; a null or missing node is no rules.
   *
   * @throws IllegalArgumentException naming the rule ({@code inhibit-rules[N]}) and what is wrong
   */
  public static List<InhibitRule> listFromTree(JsonNode list) {
    if (list == null || list.isNull() || list.isMissingNode()) {
      return List.of();
    }
    if (!list.isArray()) {
      throw new IllegalArgumentException("inhibit-rules must be a list of rules");
    }
    List<InhibitRule> out = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < list.size(); i++) {
      InhibitRule r = fromTree(list.get(i), i);
      if (!names.add(r.name())) {
        throw new IllegalArgumentException("inhibit-rules[" + i + "]: duplicate rule name '" + r.name() + "'");
      }
      out.add(r);
    }
    return List.copyOf(out);
  }

  /**
   * One rule, the {@code index}-th (from 0) of its list.
   *
   * @throws IllegalArgumentException naming the rule and what is wrong
   */
  public static InhibitRule fromTree(JsonNode node, int index) {
    String where = "inhibit-rules[" + index + "]";
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(where + ": a rule must be an object");
    }
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw new IllegalArgumentException(where + ": unknown key '" + key + "' (known: " + String.join(", ", KEYS)
            + ")");
      }
    }
    try {
      String name = node.hasNonNull("name") ? text(node.get("name"), "name") : "rule-" + (index + 1);
      List<LabelMatcher> source = new ArrayList<>(map(node, "source_match", false));
      source.addAll(map(node, "source_match_re", true));
      source.addAll(strings(node, "source_matchers"));
      List<LabelMatcher> target = new ArrayList<>(map(node, "target_match", false));
      target.addAll(map(node, "target_match_re", true));
      target.addAll(strings(node, "target_matchers"));
      List<String> equal = new ArrayList<>();
      JsonNode eq = node.get("equal");
      if (eq != null && !eq.isNull()) {
        if (!eq.isArray()) {
          throw new IllegalArgumentException("equal must be a list of label names");
        }
        for (JsonNode e : eq) {
          equal.add(text(e, "equal"));
        }
      }
      return new InhibitRule(name, new LabelMatchers(source), new LabelMatchers(target), equal);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  /** The values of the {@code equal} labels of an alert (see {@link AlertView#value(String)}). */
  List<String> equalKey(AlertView alert) {
    List<String> key = new ArrayList<>(equal.size());
    for (String label : equal) {
      key.add(alert.value(label));
    }
    return key;
  }

  /** E.g. {@code {alertname="DbDown"} inhibits {severity="warning"} with equal [cluster]}. */
  public String describe() {
    return source + " inhibits " + target + (equal.isEmpty() ? "" : " with equal " + equal);
  }

  private static List<LabelMatcher> map(JsonNode node, String key, boolean regex) {
    JsonNode m = node.get(key);
    if (m == null || m.isNull()) {
      return List.of();
    }
    if (!m.isObject()) {
      throw new IllegalArgumentException(key + " must be a map of label name to " + (regex ? "regex" : "value"));
    }
    List<LabelMatcher> out = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String v = text(e.getValue(), key + "." + e.getKey());
      out.add(regex ? LabelMatcher.regex(e.getKey(), v) : LabelMatcher.equal(e.getKey(), v));
    }
    return out;
  }

  private static List<LabelMatcher> strings(JsonNode node, String key) {
    JsonNode m = node.get(key);
    if (m == null || m.isNull()) {
      return List.of();
    }
    List<String> texts = new ArrayList<>();
    if (m.isTextual()) {
      texts.add(m.textValue());
    } else if (m.isArray()) {
      for (JsonNode e : m) {
        texts.add(text(e, key));
      }
    } else {
      throw new IllegalArgumentException(key + " must be a list of matchers like 'alertname=\"X\"'");
    }
    return LabelMatchers.parseAll(texts).matchers();
  }

  private static String text(JsonNode n, String key) {
    if (n == null || !n.isValueNode() || n.isNull()) {
      throw new IllegalArgumentException(key + " must be a string");
    }
    return n.asText();
  }
}
