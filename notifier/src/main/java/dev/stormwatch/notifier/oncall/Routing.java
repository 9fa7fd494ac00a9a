package dev.stormwatch.notifier.oncall;

import dev.stormwatch.avro.Severity;
import dev.stormwatch.avro.Urgency;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How an incident finds its team and escalation policy, and which severities page: ordered rules
 * (the first whose matchers all match wins, as in Alertmanager's route tree), a default route, and
 * the urgency of each severity.
 *
 * @param rules         routing rules, in order
 * @param defaultTeam   team of incidents that no rule routes and no owner claims
 * @param defaultPolicy policy when neither a rule nor the team names one
 * @param urgencies     urgency per severity; every severity has one
 */
public record Routing(List<Rule> rules, Optional<String> defaultTeam, Optional<String> defaultPolicy,
                      Map<Severity, Urgency> urgencies) {

  /** Validates and copies; severities missing from {@code urgencies} get their {@link #defaultUrgencies() default}. */
  public Routing {
    rules = List.copyOf(rules);
    Objects.requireNonNull(defaultTeam, "defaultTeam");
    Objects.requireNonNull(defaultPolicy, "defaultPolicy");
    Map<Severity, Urgency> all = new EnumMap<>(defaultUrgencies());
    all.putAll(urgencies);
    urgencies = Map.copyOf(all);
  }

  /** No rules, no default route, default urgencies. */
  public static Routing none() {
    return new Routing(List.of(), Optional.empty(), Optional.empty(), Map.of());
  }

  /**
   * CRITICAL and HIGH page (HIGH urgency); WARNING and INFO go to the team's chat (LOW); UNKNOWN
   * pages, so an incident whose source gave no usable severity is never silently demoted.
   */
  public static Map<Severity, Urgency> defaultUrgencies() {
    Map<Severity, Urgency> m = new EnumMap<>(Severity.class);
    m.put(Severity.CRITICAL, Urgency.HIGH);
    m.put(Severity.HIGH, Urgency.HIGH);
    m.put(Severity.WARNING, Urgency.LOW);
    m.put(Severity.INFO, Urgency.LOW);
    m.put(Severity.UNKNOWN, Urgency.HIGH);
    return m;
  }

  /** The urgency of {@code severity}. */
  public Urgency urgencyOf(Severity severity) {
    return urgencies.getOrDefault(severity, Urgency.HIGH);
  }

  /**
   * One routing rule.
   *
   * @param name     optional name, for reasons
   * @param matchers all must match; names are {@code severity}, {@code service}, {@code team} or any
   *                 incident label
   * @param team     team to route to; empty keeps the owner team
   * @param policy   policy to use; empty uses the team's
   */
  public record Rule(Optional<String> name, List<LabelMatcher> matchers, Optional<String> team,
                     Optional<String> policy) {

    /** Validates and copies. */
    public Rule {
      Objects.requireNonNull(name, "name");
      matchers = List.copyOf(matchers);
      Objects.requireNonNull(team, "team");
      Objects.requireNonNull(policy, "policy");
      if (team.isEmpty() && policy.isEmpty()) {
        throw new IllegalArgumentException("a routing rule needs a team or an escalation policy");
      }
    }

    /** Whether every matcher matches {@code labels}. */
    public boolean matches(Map<String, String> labels) {
      return matchers.stream().allMatch(m -> m.matches(labels));
    }

    /** Its name, or its matchers as written. */
    public String label() {
      return name.orElseGet(() -> "{" + String.join(", ", matchers.stream().map(LabelMatcher::toString).toList())
          + "}");
    }
  }
}
