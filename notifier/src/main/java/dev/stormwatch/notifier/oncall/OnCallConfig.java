package dev.stormwatch.notifier.oncall;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole on-call configuration: people, teams, escalation policies, schedules and routing, each
 * map keyed by id in the order the file listed them. Immutable. {@link OnCallYaml} reads and
 * validates it from a file; {@link OnCallEntries} converts it to and from the records of the
 * {@code oncall.config} topic. A configuration read back from the topic may hold dangling
 * references (an entity deleted by a later load): every user of it treats a missing id as "not
 * configured" and says so in its reason.
 *
 * @param people    by id
 * @param teams     by id
 * @param policies  escalation policies by id
 * @param schedules by id
 * @param routing   the route tree and urgencies
 */
public record OnCallConfig(Map<String, Person> people, Map<String, Team> teams,
                           Map<String, EscalationPolicy> policies, Map<String, Schedule> schedules,
                           Routing routing) {

  /** Copies, keeping order. */
  public OnCallConfig {
    people = frozen(people);
    teams = frozen(teams);
    policies = frozen(policies);
    schedules = frozen(schedules);
    Objects.requireNonNull(routing, "routing");
  }

  /** Nothing configured. */
  public static OnCallConfig empty() {
    return new OnCallConfig(Map.of(), Map.of(), Map.of(), Map.of(), Routing.none());
  }

  /** The person with {@code id}, if configured. */
  public Optional<Person> person(String id) {
    return Optional.ofNullable(id == null ? null : people.get(id));
  }

  /** The team with {@code id}, if configured. */
  public Optional<Team> team(String id) {
    return Optional.ofNullable(id == null ? null : teams.get(id));
  }

  /** The policy with {@code id}, if configured. */
  public Optional<EscalationPolicy> policy(String id) {
    return Optional.ofNullable(id == null ? null : policies.get(id));
  }

  /** The schedule with {@code id}, if configured. */
  public Optional<Schedule> schedule(String id) {
    return Optional.ofNullable(id == null ? null : schedules.get(id));
  }

  private static <V> Map<String, V> frozen(Map<String, V> map) {
    return Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
