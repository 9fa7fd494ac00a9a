package dev.stormwatch.notifier.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stormwatch.notifier.oncall.ContactMethod;
import dev.stormwatch.notifier.oncall.EscalationPolicy;
import dev.stormwatch.notifier.oncall.EscalationPolicy.TargetKind;
import dev.stormwatch.notifier.oncall.OnCall;
import dev.stormwatch.notifier.oncall.OnCallAnswer;
import dev.stormwatch.notifier.oncall.OnCallConfig;
import dev.stormwatch.notifier.oncall.Person;
import dev.stormwatch.notifier.oncall.Schedule;
import dev.stormwatch.notifier.oncall.ScheduleTimeline;
import dev.stormwatch.notifier.oncall.Shift;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The JSON of {@code GET /api/oncall}: per team, its escalation policy level by level with whom each
 * target means at the instant; per schedule, who is on call and until when.
 *
 * <pre>{@code
 * {"at": "2025-03-10T12:00:00Z",
 *  "teams": [{"id": "platform", "name": "Platform", "policy": "platform", "chat": "inbox:platform-chat",
 *             "onCall": [{"id": "alice", "name": "Alice Adams", "timeZone": "Europe/Berlin"}],
 *             "levels": [{"level": 0, "wait": "PT5M", "people": [...],
 *                         "targets": [{"target": "schedule:platform-primary", "people": [...], "problem": null}]}],
 *             "problems": []}],
 *  "schedules": [{"id": "platform-primary", "name": "Platform primary", "timeZone": "Europe/Berlin",
 *                 "person": {"id": "alice", ...}, "source": "layer", "until": "2025-03-17T08:00:00Z"}]}
 * }</pre>
 */
final class OnCallJson {

  private static final ObjectMapper JSON = new ObjectMapper();

  private OnCallJson() {}

  /** Every team and schedule at {@code at}. */
  static ObjectNode all(OnCallConfig config, Instant at) {
    ObjectNode root = JSON.createObjectNode();
    root.put("at", at.toString());
    ArrayNode teams = root.putArray("teams");
    OnCall.teams(config, at).forEach(t -> teams.add(team(t)));
    ArrayNode schedules = root.putArray("schedules");
    for (String id : config.schedules().keySet()) {
      schedule(config, id, at).ifPresent(schedules::add);
    }
    return root;
  }

  /** One team at {@code at}, with the schedules its policy names. */
  static ObjectNode team(OnCallConfig config, OnCall.TeamOnCall team, Instant at) {
    ObjectNode root = JSON.createObjectNode();
    root.put("at", at.toString());
    root.putArray("teams").add(team(team));
    ArrayNode schedules = root.putArray("schedules");
    Set<String> named = new LinkedHashSet<>();
    team.policy().ifPresent(p -> p.levels().forEach(l -> l.targets().stream()
        .filter(t -> t.kind() == TargetKind.SCHEDULE).forEach(t -> named.add(t.id()))));
    for (String id : named) {
      schedule(config, id, at).ifPresent(schedules::add);
    }
    return root;
  }

  private static ObjectNode team(OnCall.TeamOnCall t) {
    ObjectNode team = JSON.createObjectNode();
    team.put("id", t.team().id());
    team.put("name", t.team().name());
    team.put("policy", t.policy().map(EscalationPolicy::id).orElse(null));
    team.put("chat", t.team().chat().map(ContactMethod::label).orElse(null));
    people(team.putArray("onCall"), t.first());
    ArrayNode levels = team.putArray("levels");
    for (OnCall.LevelOnCall level : t.levels()) {
      ObjectNode l = levels.addObject();
      l.put("level", level.level());
      l.put("wait", level.timeout().toString());
      people(l.putArray("people"), level.people());
      ArrayNode targets = l.putArray("targets");
      for (OnCall.Resolved r : level.targets()) {
        ObjectNode target = targets.addObject();
        target.put("target", r.target().toString());
        people(target.putArray("people"), r.people());
        target.put("problem", r.problem().orElse(null));
      }
    }
    ArrayNode problems = team.putArray("problems");
    t.problems().forEach(problems::add);
    return team;
  }

  private static Optional<ObjectNode> schedule(OnCallConfig config, String id, Instant at) {
    Optional<Schedule> s = config.schedule(id);
    Optional<OnCallAnswer> answer = OnCall.schedule(config, id, at);
    if (s.isEmpty() || answer.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode node = JSON.createObjectNode();
    node.put("id", id);
    node.put("name", s.get().name());
    node.put("timeZone", s.get().zone().getId());
    String who = answer.get().person().orElse(null);
    if (who == null) {
      node.putNull("person");
    } else {
      Person p = config.person(who).orElse(new Person(who, who, ZoneOffset.UTC, List.of()));
      person(node.putObject("person"), p);
    }
    node.put("source", answer.get().source().name().toLowerCase(Locale.ROOT));
    String until = null;
    if (who != null && at.isBefore(OnCall.LATEST.minusMillis(1))) {
      List<Shift> shifts = ScheduleTimeline.wholeShifts(s.get(), at, at.plusMillis(1));
      until = shifts.isEmpty() ? null : shifts.get(0).end().toString();
    }
    node.put("until", until);
    return Optional.of(node);
  }

  private static void people(ArrayNode array, List<Person> people) {
    for (Person p : people) {
      person(array.addObject(), p);
    }
  }

  private static void person(ObjectNode node, Person p) {
    node.put("id", p.id());
    node.put("name", p.name());
    node.put("timeZone", p.timeZone().getId());
  }
}
