package dev.stormwatch.notifier.oncall;

import dev.stormwatch.avro.oncall.Contact;
import dev.stormwatch.avro.oncall.Day;
import dev.stormwatch.avro.oncall.EscalationLevel;
import dev.stormwatch.avro.oncall.OnCallEntry;
import dev.stormwatch.avro.oncall.OnCallKind;
import dev.stormwatch.avro.oncall.RouteMatchOp;
import dev.stormwatch.avro.oncall.RouteMatcher;
import dev.stormwatch.avro.oncall.RoutingRule;
import dev.stormwatch.avro.oncall.SeverityUrgency;
import dev.stormwatch.avro.oncall.UrgencyLevel;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.avro.Urgency;
import dev.stormwatch.notifier.oncall.EscalationPolicy.Level;
import dev.stormwatch.notifier.oncall.EscalationPolicy.Target;
import dev.stormwatch.notifier.oncall.EscalationPolicy.TargetKind;
import dev.stormwatch.notifier.oncall.Schedule.Layer;
import dev.stormwatch.notifier.oncall.Schedule.Restriction;
import dev.stormwatch.notifier.oncall.Schedule.ScheduleOverride;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The on-call configuration as records of the compacted {@code oncall.config} topic, and back: one
 * {@link OnCallEntry} per person, team, escalation policy and schedule, keyed {@code <kind>/<id>}
 * (e.g. {@code schedule/primary}), plus the whole route tree (rules, default route, urgencies) as
 * {@code routing/default}. A tombstone deletes an entity.
 */
public final class OnCallEntries {

  /** The id of the one routing entry. */
  public static final String ROUTING_ID = "default";

  private OnCallEntries() {}

  /** {@code <kind>/<id>}, the kind in lower case. */
  public static String key(OnCallKind kind, String id) {
    return kind.name().toLowerCase(Locale.ROOT) + "/" + id;
  }

  /**
   * Every entity of {@code config} as an entry, by key, in file order (people, teams, policies,
   * schedules, routing).
   *
   * @param source where it was loaded from (a file name), recorded on each entry
   * @param now    the entries' {@code updatedAt}
   */
  public static Map<String, OnCallEntry> toEntries(OnCallConfig config, String source, Instant now) {
    Map<String, OnCallEntry> out = new LinkedHashMap<>();
    config.people().values().forEach(p -> put(out, OnCallKind.PERSON, p.id(), person(p), source, now));
    config.teams().values().forEach(t -> put(out, OnCallKind.TEAM, t.id(), team(t), source, now));
    config.policies().values().forEach(p -> put(out, OnCallKind.POLICY, p.id(), policy(p), source, now));
    config.schedules().values().forEach(s -> put(out, OnCallKind.SCHEDULE, s.id(), schedule(s), source, now));
    put(out, OnCallKind.ROUTING, ROUTING_ID, routing(config.routing()), source, now);
    return out;
  }

  private static void put(Map<String, OnCallEntry> out, OnCallKind kind, String id, Object entity, String source,
                          Instant now) {
    out.put(key(kind, id), OnCallEntry.newBuilder().setKind(kind).setId(id).setEntity(entity).setSource(source)
        .setUpdatedAt(now).build());
  }

  /**
   * The configuration the entries describe. Lenient, as a reader of a topic must be: an entry that
   * cannot be used (unknown kind, invalid values) is left out and {@code problems} is told why, one
   * line each; references between entities are not checked (every user treats a missing id as not
   * configured). Entities are ordered by id.
   */
  public static OnCallConfig fromEntries(Collection<OnCallEntry> entries, Consumer<String> problems) {
    Map<String, Person> people = new TreeMap<>();
    Map<String, Team> teams = new TreeMap<>();
    Map<String, EscalationPolicy> policies = new TreeMap<>();
    Map<String, Schedule> schedules = new TreeMap<>();
    Routing routing = Routing.none();
    for (OnCallEntry e : entries) {
      String key = key(e.getKind(), e.getId());
      try {
        Object entity = e.getEntity();
        switch (e.getKind()) {
          case PERSON -> people.put(e.getId(), person((dev.stormwatch.avro.oncall.Person) entity));
          case TEAM -> teams.put(e.getId(), team((dev.stormwatch.avro.oncall.Team) entity));
          case POLICY -> policies.put(e.getId(), policy((dev.stormwatch.avro.oncall.EscalationPolicy) entity));
          case SCHEDULE -> schedules.put(e.getId(), schedule((dev.stormwatch.avro.oncall.Schedule) entity));
          case ROUTING -> routing = routing((dev.stormwatch.avro.oncall.Routing) entity);
          default -> throw new IllegalArgumentException("unknown kind of entry (written by a newer Stormwatch?)");
        }
      } catch (RuntimeException ex) {
        problems.accept(key + ": cannot be used: " + (ex.getMessage() == null ? ex.getClass().getSimpleName()
            : ex.getMessage()));
      }
    }
    return new OnCallConfig(people, teams, policies, schedules, routing);
  }

  // ---- to Avro -------------------------------------------------------------------------------

  private static Contact contact(ContactMethod c) {
    return Contact.newBuilder().setChannel(c.channel()).setAddress(c.address()).build();
  }

  private static dev.stormwatch.avro.oncall.Person person(Person p) {
    return dev.stormwatch.avro.oncall.Person.newBuilder().setId(p.id()).setName(p.name())
        .setTimeZone(p.timeZone().getId()).setContacts(p.contacts().stream().map(OnCallEntries::contact).toList())
        .build();
  }

  private static dev.stormwatch.avro.oncall.Team team(Team t) {
    return dev.stormwatch.avro.oncall.Team.newBuilder().setId(t.id()).setName(t.name())
        .setMembers(new ArrayList<>(t.members())).setPolicy(t.policy().orElse(null))
        .setChat(t.chat().map(OnCallEntries::contact).orElse(null)).build();
  }

  private static dev.stormwatch.avro.oncall.EscalationPolicy policy(EscalationPolicy p) {
    List<EscalationLevel> levels = new ArrayList<>();
    for (Level l : p.levels()) {
      levels.add(EscalationLevel.newBuilder()
          .setTargets(l.targets().stream().map(t -> dev.stormwatch.avro.oncall.Target.newBuilder()
              .setKind(dev.stormwatch.avro.oncall.TargetKind.valueOf(t.kind().name())).setId(t.id()).build()).toList())
          .setWaitMillis(l.timeout().toMillis()).build());
    }
    return dev.stormwatch.avro.oncall.EscalationPolicy.newBuilder().setId(p.id()).setName(p.name())
        .setLevels(levels).setRepeats(p.repeats()).build();
  }

  private static dev.stormwatch.avro.oncall.Schedule schedule(Schedule s) {
    List<dev.stormwatch.avro.oncall.Layer> layers = new ArrayList<>();
    for (Layer l : s.layers()) {
      List<dev.stormwatch.avro.oncall.Restriction> rs = new ArrayList<>();
      for (Restriction r : l.restrictions()) {
        rs.add(dev.stormwatch.avro.oncall.Restriction.newBuilder()
            .setDays(r.days().stream().sorted().map(d -> Day.valueOf(d.name())).toList())
            .setStartTime(r.start().truncatedTo(ChronoUnit.MILLIS))
            .setDurationMillis(r.length().toMillis()).build());
      }
      layers.add(dev.stormwatch.avro.oncall.Layer.newBuilder().setName(l.name())
          .setRotationStart(l.start().truncatedTo(ChronoUnit.MILLIS))
          .setRotationEnd(l.end().map(e -> e.truncatedTo(ChronoUnit.MILLIS)).orElse(null))
          .setRotationMillis(l.rotation().toMillis()).setParticipants(new ArrayList<>(l.participants()))
          .setRestrictions(rs).build());
    }
    List<dev.stormwatch.avro.oncall.ScheduleOverride> overrides = new ArrayList<>();
    for (ScheduleOverride o : s.overrides()) {
      overrides.add(dev.stormwatch.avro.oncall.ScheduleOverride.newBuilder().setPerson(o.person())
          .setStartsAt(o.start().truncatedTo(ChronoUnit.MILLIS)).setEndsAt(o.end().truncatedTo(ChronoUnit.MILLIS))
          .build());
    }
    return dev.stormwatch.avro.oncall.Schedule.newBuilder().setId(s.id()).setName(s.name())
        .setTimeZone(s.zone().getId()).setLayers(layers).setOverrides(overrides).build();
  }

  private static dev.stormwatch.avro.oncall.Routing routing(Routing r) {
    List<RoutingRule> rules = new ArrayList<>();
    for (Routing.Rule rule : r.rules()) {
      rules.add(RoutingRule.newBuilder().setName(rule.name().orElse(null))
          .setMatchers(rule.matchers().stream().map(m -> RouteMatcher.newBuilder().setName(m.name())
              .setOp(RouteMatchOp.valueOf(m.op().name())).setValue(m.value()).build()).toList())
          .setTeam(rule.team().orElse(null)).setPolicy(rule.policy().orElse(null)).build());
    }
    List<SeverityUrgency> urgencies = new ArrayList<>();
    new TreeMap<>(r.urgencies()).forEach((severity, urgency) -> urgencies.add(SeverityUrgency.newBuilder()
        .setSeverity(severity).setUrgency(UrgencyLevel.valueOf(urgency.name())).build()));
    return dev.stormwatch.avro.oncall.Routing.newBuilder().setRules(rules)
        .setDefaultTeam(r.defaultTeam().orElse(null)).setDefaultPolicy(r.defaultPolicy().orElse(null))
        .setUrgencies(urgencies).build();
  }

  // ---- from Avro -----------------------------------------------------------------------------

  private static ContactMethod contact(Contact c) {
    return new ContactMethod(c.getChannel(), c.getAddress());
  }

  private static ZoneId zone(String id) {
    try {
      return ZoneId.of(id);
    } catch (DateTimeException e) {
      throw new IllegalArgumentException("unknown time zone " + id);
    }
  }

  private static Person person(dev.stormwatch.avro.oncall.Person p) {
    return new Person(p.getId(), p.getName(), zone(p.getTimeZone()),
        p.getContacts().stream().map(OnCallEntries::contact).toList());
  }

  private static Team team(dev.stormwatch.avro.oncall.Team t) {
    return new Team(t.getId(), t.getName(), t.getMembers(), Optional.ofNullable(t.getPolicy()),
        Optional.ofNullable(t.getChat()).map(OnCallEntries::contact));
  }

  private static EscalationPolicy policy(dev.stormwatch.avro.oncall.EscalationPolicy p) {
    List<Level> levels = new ArrayList<>();
    for (EscalationLevel l : p.getLevels()) {
      List<Target> targets = new ArrayList<>();
      for (dev.stormwatch.avro.oncall.Target t : l.getTargets()) {
        if (t.getKind() == dev.stormwatch.avro.oncall.TargetKind.UNKNOWN) {
          throw new IllegalArgumentException("a target of an unknown kind");
        }
        targets.add(new Target(TargetKind.valueOf(t.getKind().name()), t.getId()));
      }
      levels.add(new Level(targets, Duration.ofMillis(l.getWaitMillis())));
    }
    return new EscalationPolicy(p.getId(), p.getName(), levels, p.getRepeats());
  }

  private static Schedule schedule(dev.stormwatch.avro.oncall.Schedule s) {
    List<Layer> layers = new ArrayList<>();
    for (dev.stormwatch.avro.oncall.Layer l : s.getLayers()) {
      List<Restriction> rs = new ArrayList<>();
      for (dev.stormwatch.avro.oncall.Restriction r : l.getRestrictions()) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        r.getDays().stream().filter(d -> d != Day.UNKNOWN).forEach(d -> days.add(DayOfWeek.valueOf(d.name())));
        rs.add(new Restriction(days, r.getStartTime() == null ? LocalTime.MIDNIGHT : r.getStartTime(),
            Duration.ofMillis(r.getDurationMillis())));
      }
      layers.add(new Layer(l.getName(), l.getRotationStart(), Optional.ofNullable(l.getRotationEnd()),
          Duration.ofMillis(l.getRotationMillis()), l.getParticipants(), rs));
    }
    List<ScheduleOverride> overrides = s.getOverrides().stream()
        .map(o -> new ScheduleOverride(o.getPerson(), o.getStartsAt(), o.getEndsAt())).toList();
    return new Schedule(s.getId(), s.getName(), zone(s.getTimeZone()), layers, overrides);
  }

  private static Routing routing(dev.stormwatch.avro.oncall.Routing r) {
    List<Routing.Rule> rules = new ArrayList<>();
    for (RoutingRule rule : r.getRules()) {
      rules.add(new Routing.Rule(Optional.ofNullable(rule.getName()), rule.getMatchers().stream()
          .map(m -> new LabelMatcher(m.getName(), LabelMatcher.Op.valueOf(m.getOp().name()), m.getValue())).toList(),
          Optional.ofNullable(rule.getTeam()), Optional.ofNullable(rule.getPolicy())));
    }
    Map<Severity, Urgency> urgencies = new EnumMap<>(Severity.class);
    for (SeverityUrgency u : r.getUrgencies()) {
      urgencies.put(u.getSeverity(), Urgency.valueOf(u.getUrgency().name()));
    }
    return new Routing(rules, Optional.ofNullable(r.getDefaultTeam()), Optional.ofNullable(r.getDefaultPolicy()),
        urgencies);
  }
}
