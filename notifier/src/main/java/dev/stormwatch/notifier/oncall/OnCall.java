package dev.stormwatch.notifier.oncall;

import dev.stormwatch.notifier.oncall.EscalationPolicy.Level;
import dev.stormwatch.notifier.oncall.EscalationPolicy.Target;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The on-call queries, as pure functions of an {@link OnCallConfig} and an instant: what the HTTP API
 * answers for {@code GET /api/oncall?team=&at=} and {@code GET /api/oncall/{schedule}.ics}, and how
 * the escalation engine turns a policy level into people.
 */
public final class OnCall {

  /** The longest range {@link #icalendar} exports. */
  public static final Duration MAX_EXPORT_RANGE = Duration.ofDays(366);
  /** The earliest instant the queries answer for. */
  public static final Instant EARLIEST = Instant.parse("1970-01-01T00:00:00Z");
  /** The first instant the queries no longer answer for. */
  public static final Instant LATEST = Instant.parse("9999-01-01T00:00:00Z");

  private OnCall() {}

  /**
   * Who a target means at {@code at}.
   *
   * @param target  the target
   * @param people  the people it resolves to (a schedule's on-call person, the person, the team's
   *                members), configured ones only, without duplicates
   * @param problem why it resolves to fewer people than expected (unknown id, nobody on call), if so
   */
  public record Resolved(Target target, List<Person> people, Optional<String> problem) {

    /** Copies. */
    public Resolved {
      Objects.requireNonNull(target, "target");
      people = List.copyOf(people);
      Objects.requireNonNull(problem, "problem");
    }
  }

  /**
   * One level of a team's policy at an instant.
   *
   * @param level   the level's index (0 first)
   * @param timeout how long it has to acknowledge (the file's {@code wait})
   * @param targets each target and whom it means now
   */
  public record LevelOnCall(int level, Duration timeout, List<Resolved> targets) {

    /** Copies. */
    public LevelOnCall {
      targets = List.copyOf(targets);
    }

    /** Everyone the level pages, in target order, without duplicates. */
    public List<Person> people() {
      Map<String, Person> out = new LinkedHashMap<>();
      targets.forEach(t -> t.people().forEach(p -> out.putIfAbsent(p.id(), p)));
      return List.copyOf(out.values());
    }
  }

  /**
   * A team's on-call picture at an instant.
   *
   * @param team     the team
   * @param at       the instant
   * @param policy   its escalation policy, if it has one that is configured
   * @param levels   per level of the policy, who it pages at {@code at}
   * @param problems what is missing (no policy, unknown policy), one line each
   */
  public record TeamOnCall(Team team, Instant at, Optional<EscalationPolicy> policy, List<LevelOnCall> levels,
                           List<String> problems) {

    /** Copies. */
    public TeamOnCall {
      Objects.requireNonNull(team, "team");
      Objects.requireNonNull(at, "at");
      Objects.requireNonNull(policy, "policy");
      levels = List.copyOf(levels);
      problems = List.copyOf(problems);
    }

    /** The first level's people: who gets paged first right now. */
    public List<Person> first() {
      return levels.isEmpty() ? List.of() : levels.get(0).people();
    }
  }

  /** Who {@code target} means at {@code at}. */
  public static Resolved resolve(OnCallConfig config, Target target, Instant at) {
    switch (target.kind()) {
      case PERSON -> {
        Optional<Person> p = config.person(target.id());
        return new Resolved(target, p.stream().toList(),
            p.isPresent() ? Optional.empty() : Optional.of("person " + target.id() + " is not configured"));
      }
      case TEAM -> {
        Optional<Team> team = config.team(target.id());
        if (team.isEmpty()) {
          return new Resolved(target, List.of(), Optional.of("team " + target.id() + " is not configured"));
        }
        List<Person> people = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (String id : team.get().members()) {
          config.person(id).ifPresentOrElse(people::add, () -> missing.add(id));
        }
        Optional<String> problem = people.isEmpty() ? Optional.of("team " + target.id() + " has no configured members")
            : missing.isEmpty() ? Optional.empty()
            : Optional.of("team " + target.id() + " members not configured: " + String.join(", ", missing));
        return new Resolved(target, people, problem);
      }
      default -> {
        Optional<Schedule> schedule = config.schedule(target.id());
        if (schedule.isEmpty()) {
          return new Resolved(target, List.of(), Optional.of("schedule " + target.id() + " is not configured"));
        }
        Optional<String> who = ScheduleTimeline.at(schedule.get(), at).person();
        if (who.isEmpty()) {
          return new Resolved(target, List.of(), Optional.of("nobody is on call on schedule " + target.id()));
        }
        Optional<Person> person = config.person(who.get());
        return new Resolved(target, person.stream().toList(), person.isPresent() ? Optional.empty()
            : Optional.of("schedule " + target.id() + " names person " + who.get() + ", who is not configured"));
      }
    }
  }

  /** Every target of {@code level} resolved at {@code at}. */
  public static LevelOnCall level(OnCallConfig config, Level level, int index, Instant at) {
    List<Resolved> targets = new ArrayList<>();
    for (Target t : level.targets()) {
      targets.add(resolve(config, t, at));
    }
    return new LevelOnCall(index, level.timeout(), targets);
  }

  /**
   * {@code GET /api/oncall?team=&at=}: the team's policy level by level, with who each target means
   * at {@code at}; empty when the team is not configured.
   *
   * @throws IllegalArgumentException if {@code at} is before 1970 or after 9998
   */
  public static Optional<TeamOnCall> team(OnCallConfig config, String teamId, Instant at) {
    checkInstant(at, "at");
    Optional<Team> team = config.team(teamId);
    if (team.isEmpty()) {
      return Optional.empty();
    }
    List<String> problems = new ArrayList<>();
    Optional<String> policyId = team.get().policy().or(() -> config.routing().defaultPolicy());
    Optional<EscalationPolicy> policy = policyId.flatMap(config::policy);
    if (policyId.isEmpty()) {
      problems.add("team " + teamId + " has no escalation policy and there is no default policy");
    } else if (policy.isEmpty()) {
      problems.add("escalation policy " + policyId.get() + " is not configured");
    }
    List<LevelOnCall> levels = new ArrayList<>();
    policy.ifPresent(p -> {
      for (int i = 0; i < p.levels().size(); i++) {
        levels.add(level(config, p.levels().get(i), i, at));
      }
    });
    return Optional.of(new TeamOnCall(team.get(), at, policy, levels, problems));
  }

  /** {@code GET /api/oncall?at=} without a team: every configured team, in file order. */
  public static List<TeamOnCall> teams(OnCallConfig config, Instant at) {
    List<TeamOnCall> out = new ArrayList<>();
    for (String id : config.teams().keySet()) {
      team(config, id, at).ifPresent(out::add);
    }
    return out;
  }

  /** Who is on call on a schedule at {@code at}; empty when the schedule is not configured. */
  public static Optional<OnCallAnswer> schedule(OnCallConfig config, String scheduleId, Instant at) {
    checkInstant(at, "at");
    return config.schedule(scheduleId).map(s -> ScheduleTimeline.at(s, at));
  }

  /**
   * {@code GET /api/oncall/{schedule}.ics}: the schedule's final shifts that intersect
   * {@code [from, to)} as an iCalendar (RFC 5545) document; empty when the schedule is not
   * configured.
   *
   * @param now the DTSTAMP of every event
   * @throws IllegalArgumentException if {@code to} is not after {@code from} or the range is longer
   *                                  than {@link #MAX_EXPORT_RANGE}
   */
  public static Optional<String> icalendar(OnCallConfig config, String scheduleId, Instant from, Instant to,
                                           Instant now) {
    checkInstant(from, "from");
    checkInstant(to, "to");
    if (!to.isAfter(from)) {
      throw new IllegalArgumentException("the range must end after it starts: " + from + " .. " + to);
    }
    if (Duration.between(from, to).compareTo(MAX_EXPORT_RANGE) > 0) {
      throw new IllegalArgumentException("the range may span at most " + MAX_EXPORT_RANGE.toDays() + " days");
    }
    return config.schedule(scheduleId).map(s -> ICalendar.export(s, config, from, to, now));
  }

  /**
   * Rejects instants the queries do not answer for, so an absurd {@code at} from a request is a 400,
   * not an arithmetic overflow.
   *
   * @throws IllegalArgumentException naming the parameter
   */
  static void checkInstant(Instant t, String name) {
    if (t.isBefore(EARLIEST) || !t.isBefore(LATEST)) {
      throw new IllegalArgumentException(name + " must be between " + EARLIEST + " and " + LATEST + ", was " + t);
    }
  }
}
