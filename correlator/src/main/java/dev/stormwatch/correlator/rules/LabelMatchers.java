package dev.stormwatch.correlator.rules;

import dev.stormwatch.avro.Matcher;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A conjunction of {@link LabelMatcher}s: an alert matches when every matcher does (no matchers
 * match every alert, as in Alertmanager).
 *
 * <p><b>String form</b> ({@link #parse(String)}), as Alertmanager's {@code amtool} and
 * configuration accept it: a comma-separated list, optionally in braces, of
 * {@code name OP value} where OP is {@code =}, {@code !=}, {@code =~} or {@code !~}; the value may be
 * double-quoted (inside quotes {@code \"}, {@code \\} and {@code \n} are escapes and commas do not
 * separate); a trailing comma is allowed. Label names are Prometheus names
 * ({@code [a-zA-Z_:][a-zA-Z0-9_:]*}) or any double-quoted string. Examples:
 * {@code {service="checkout", severity=~"critical|high"}}, {@code alertname!=Watchdog},
 * {@code "app.kubernetes.io/name"="cart"}.
 *
 * @param matchers the matchers, in order
 */
public record LabelMatchers(List<LabelMatcher> matchers) {

  private static final LabelMatchers NONE = new LabelMatchers(List.of());

  /** Copies the list. */
  public LabelMatchers {
    matchers = List.copyOf(matchers);
  }

  /** No matchers: matches every alert. */
  public static LabelMatchers none() {
    return NONE;
  }

  /** These matchers. */
  public static LabelMatchers of(LabelMatcher... matchers) {
    return new LabelMatchers(List.of(matchers));
  }

  /**
   * Parses the string form (see the class comment); blank or {@code {}} gives no matchers.
   *
   * @throws IllegalArgumentException with a one-line message naming what is wrong
   */
  public static LabelMatchers parse(String text) {
    return new LabelMatchers(MatcherParser.parseList(text));
  }

  /**
   * Parses each string (a list entry of Alertmanager's {@code source_matchers}; one entry may hold
   * several comma-separated matchers) and joins them.
   *
   * @throws IllegalArgumentException naming the entry that is wrong
   */
  public static LabelMatchers parseAll(Collection<String> texts) {
    List<LabelMatcher> out = new ArrayList<>();
    for (String t : texts) {
      out.addAll(MatcherParser.parseList(t));
    }
    return new LabelMatchers(out);
  }

  /**
   * From the Avro matchers of a {@code Silence}.
   *
   * @throws IllegalArgumentException for a blank name or an invalid regular expression
   */
  public static LabelMatchers fromAvro(List<Matcher> matchers) {
    return new LabelMatchers(matchers == null ? List.of() : matchers.stream().map(LabelMatcher::fromAvro).toList());
  }

  /** The Avro matchers. */
  public List<Matcher> toAvro() {
    return matchers.stream().map(LabelMatcher::toAvro).collect(Collectors.toCollection(ArrayList::new));
  }

  /** Whether every matcher matches the alert. */
  public boolean matches(AlertView alert) {
    for (LabelMatcher m : matchers) {
      if (!m.matches(alert)) {
        return false;
      }
    }
    return true;
  }

  /** Whether there are no matchers. */
  public boolean isEmpty() {
    return matchers.isEmpty();
  }

  /**
   * Whether at least one matcher does not match the empty string (Alertmanager's condition for a
   * valid silence: a silence whose matchers all match alerts lacking the label would mute almost
   * everything).
   */
  public boolean anyNonEmpty() {
    return matchers.stream().anyMatch(m -> !m.matchesEmpty());
  }

  /** {@code {a="b", c=~"d"}}; {@link #parse} reads it back. */
  @Override
  public String toString() {
    return matchers.stream().map(LabelMatcher::toString).collect(Collectors.joining(", ", "{", "}"));
  }
}
