package dev.stormwatch.correlator.rules;

import dev.stormwatch.avro.MatchOp;
import dev.stormwatch.avro.Matcher;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One label matcher with Alertmanager's semantics: {@code =}, {@code !=}, {@code =~}, {@code !~};
 * a regular expression is fully anchored ({@code =~"api"} matches {@code api}, not
 * {@code api-gateway}); a label the alert lacks has the value {@code ""}, so {@code team=""} matches
 * alerts without a {@code team} label and {@code team!=""} those with one. The names
 * {@code service} and {@code alertname} also match the alert's canonical service and name (see
 * {@link AlertView#values(String)}): a positive matcher matches when any of the alert's values
 * matches, a negative one when none does, so {@link #negate()} is always the exact complement.
 *
 * <p>Regular expressions are Java's ({@link Pattern}), which accept RE2's everyday syntax; a
 * malformed one is an {@link IllegalArgumentException} naming the matcher. Immutable; equal when
 * name, operator and value are.
 */
public final class LabelMatcher {

  /** The comparison. */
  public enum Op {
    /** {@code =}: the value equals. */
    EQUAL("=", false, false),
    /** {@code !=}: the value differs. */
    NOT_EQUAL("!=", true, false),
    /** {@code =~}: the value matches the anchored regular expression. */
    REGEX("=~", false, true),
    /** {@code !~}: the value does not match the anchored regular expression. */
    NOT_REGEX("!~", true, true);

    private final String symbol;
    private final boolean negative;
    private final boolean regex;

    Op(String symbol, boolean negative, boolean regex) {
      this.symbol = symbol;
      this.negative = negative;
      this.regex = regex;
    }

    /** As written: {@code =}, {@code !=}, {@code =~}, {@code !~}. */
    public String symbol() {
      return symbol;
    }

    /** {@code !=} and {@code !~}. */
    public boolean negative() {
      return negative;
    }

    /** {@code =~} and {@code !~}. */
    public boolean regex() {
      return regex;
    }

    /** The operator that matches exactly what this one does not. */
    public Op negated() {
      return switch (this) {
        case EQUAL -> NOT_EQUAL;
        case NOT_EQUAL -> EQUAL;
        case REGEX -> NOT_REGEX;
        case NOT_REGEX -> REGEX;
      };
    }

    /** The Avro operator. */
    public MatchOp toAvro() {
      return MatchOp.valueOf(name());
    }

    /** From the Avro operator (null is {@code EQUAL}, the schema's default). */
    public static Op of(MatchOp op) {
      return op == null ? EQUAL : valueOf(op.name());
    }
  }

  private final String name;
  private final Op op;
  private final String value;
  private final Pattern pattern;

  private LabelMatcher(String name, Op op, String value) {
    this.name = name;
    this.op = op;
    this.value = value;
    this.pattern = op.regex() ? compile(name, op, value) : null;
  }

  /**
   * A matcher.
   *
   * @throws IllegalArgumentException for a blank name or an invalid regular expression
   */
  public static LabelMatcher of(String name, Op op, String value) {
    Objects.requireNonNull(op, "op");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("matcher needs a label name");
    }
    return new LabelMatcher(name, op, value == null ? "" : value);
  }

  /** {@code name="value"}. */
  public static LabelMatcher equal(String name, String value) {
    return of(name, Op.EQUAL, value);
  }

  /** {@code name=~"regex"}. */
  public static LabelMatcher regex(String name, String regex) {
    return of(name, Op.REGEX, regex);
  }

  /**
   * From the Avro {@link Matcher} of a {@code Silence}.
   *
   * @throws IllegalArgumentException for a blank name or an invalid regular expression
   */
  public static LabelMatcher fromAvro(Matcher m) {
    return of(m.getName(), Op.of(m.getOp()), m.getValue());
  }

  /**
   * One matcher in Alertmanager's string form ({@code name="value"}, {@code name=~"re"},
   * {@code name!=value}); see {@link LabelMatchers#parse(String)} for the syntax.
   *
   * @throws IllegalArgumentException naming what is wrong
   */
  public static LabelMatcher parse(String text) {
    return MatcherParser.parseOne(text);
  }

  /** The Avro form. */
  public Matcher toAvro() {
    return Matcher.newBuilder().setName(name).setOp(op.toAvro()).setValue(value).build();
  }

  /** Label name. */
  public String name() {
    return name;
  }

  /** Operator. */
  public Op op() {
    return op;
  }

  /** Value or regular expression, as written. */
  public String value() {
    return value;
  }

  /** The matcher that matches exactly the alerts (and values) this one does not. */
  public LabelMatcher negate() {
    return new LabelMatcher(name, op.negated(), value);
  }

  /** Whether the alert matches (see the class comment for missing labels and special names). */
  public boolean matches(AlertView alert) {
    boolean any = false;
    for (String v : alert.values(name)) {
      if (positiveMatch(v)) {
        any = true;
        break;
      }
    }
    return op.negative() != any;
  }

  /** Whether one value matches. */
  public boolean matchesValue(String v) {
    return op.negative() != positiveMatch(v == null ? "" : v);
  }

  /**
   * Whether this matcher would match an alert without the label, in Alertmanager's sense for its
   * "at least one matcher must not match the empty string" rule: only {@code =} and {@code =~} count.
   */
  public boolean matchesEmpty() {
    return !op.negative() && positiveMatch("");
  }

  private boolean positiveMatch(String v) {
    return op.regex() ? pattern.matcher(v).matches() : value.equals(v);
  }

  /** Alertmanager's string form, e.g. {@code service=~"checkout|payments"}; {@link #parse} reads it back. */
  @Override
  public String toString() {
    return MatcherParser.quoteName(name) + op.symbol() + MatcherParser.quote(value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelMatcher m && name.equals(m.name) && op == m.op && value.equals(m.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, op, value);
  }

  private static Pattern compile(String name, Op op, String value) {
    try {
      return Pattern.compile(value);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("invalid regular expression in matcher " + MatcherParser.quoteName(name)
          + op.symbol() + MatcherParser.quote(value) + ": " + e.getDescription()
          + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""), e);
    }
  }
}
