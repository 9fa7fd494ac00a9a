package dev.stormwatch.notifier.oncall;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One label matcher, as Alertmanager writes them: {@code name="value"}, {@code name!="value"},
 * {@code name=~"regex"}, {@code name!~"regex"}. Regular expressions are fully anchored; a label
 * that is absent has the value {@code ""}.
 *
 * @param name  label name
 * @param op    comparison
 * @param value value or regular expression
 */
public record LabelMatcher(String name, Op op, String value) {

  private static final Pattern SYNTAX =
      Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_.\\-/]*)\\s*(=~|!~|!=|=)\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^\"\\s]*))\\s*");

  /** Comparison operators. */
  public enum Op {
    /** {@code =}. */
    EQUAL("="),
    /** {@code !=}. */
    NOT_EQUAL("!="),
    /** {@code =~}, fully anchored. */
    REGEX("=~"),
    /** {@code !~}, fully anchored. */
    NOT_REGEX("!~");

    private final String symbol;

    Op(String symbol) {
      this.symbol = symbol;
    }

    /** How it is written. */
    public String symbol() {
      return symbol;
    }
  }

  /** Validates; a regular expression must compile. */
  public LabelMatcher {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(op, "op");
    Objects.requireNonNull(value, "value");
    if (op == Op.REGEX || op == Op.NOT_REGEX) {
      try {
        Pattern.compile(value);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("not a regular expression: " + value + " (" + e.getDescription() + ")");
      }
    }
  }

  /**
   * Parses {@code name="value"} (quotes optional for values without blanks or quotes).
   *
   * @throws IllegalArgumentException with a one-line reason
   */
  public static LabelMatcher parse(String text) {
    Matcher m = SYNTAX.matcher(text);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a matcher (write e.g. severity=\"CRITICAL\" or service=~\"cart.*\"): "
          + text);
    }
    Op op = switch (m.group(2)) {
      case "=" -> Op.EQUAL;
      case "!=" -> Op.NOT_EQUAL;
      case "=~" -> Op.REGEX;
      default -> Op.NOT_REGEX;
    };
    String value = m.group(3) != null ? unescape(m.group(3)) : m.group(4);
    return new LabelMatcher(m.group(1), op, value);
  }

  /** Whether {@code labels} satisfy it. */
  public boolean matches(Map<String, String> labels) {
    String actual = labels.getOrDefault(name, "");
    return switch (op) {
      case EQUAL -> actual.equals(value);
      case NOT_EQUAL -> !actual.equals(value);
      case REGEX -> pattern().matcher(actual).matches();
      case NOT_REGEX -> !pattern().matcher(actual).matches();
    };
  }

  private Pattern pattern() {
    return Pattern.compile(value);
  }

  /** As Alertmanager writes it: {@code name=~"value"}. */
  @Override
  public String toString() {
    return name + op.symbol + "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String unescape(String quoted) {
    StringBuilder out = new StringBuilder(quoted.length());
    for (int i = 0; i < quoted.length(); i++) {
      char c = quoted.charAt(i);
      if (c == '\\' && i + 1 < quoted.length()) {
        char next = quoted.charAt(++i);
        out.append(next == 'n' ? '\n' : next);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
