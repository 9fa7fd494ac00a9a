package dev.stormwatch.notifier.oncall;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.avro.Urgency;
import dev.stormwatch.common.config.Durations;
import dev.stormwatch.notifier.oncall.EscalationPolicy.Level;
import dev.stormwatch.notifier.oncall.EscalationPolicy.Target;
import dev.stormwatch.notifier.oncall.EscalationPolicy.TargetKind;
import dev.stormwatch.notifier.oncall.Schedule.Layer;
import dev.stormwatch.notifier.oncall.Schedule.Restriction;
import dev.stormwatch.notifier.oncall.Schedule.ScheduleOverride;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads the on-call YAML file (format: notifier/README.md) into a validated {@link OnCallConfig}.
 * Every problem is collected, one line each, naming the path of the value at fault, e.g.
 * {@code schedules[0].layers[1].participants: unknown person "bob"}; an unknown key is a problem
 * too, so a typo never silently leaves a default in place. Pure: no clock, no I/O beyond reading
 * the file in {@link #read}.
 */
public final class OnCallYaml {

  /** Ids: letters, digits, '.', '_' and '-', starting with a letter or digit. */
  public static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");
  private static final Map<String, DayOfWeek> DAYS = days();

  private final List<String> problems = new ArrayList<>();

  private OnCallYaml() {}

  /**
   * Reads and validates {@code file}.
   *
   * @throws OnCallConfigException with every problem
   */
  public static OnCallConfig read(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new OnCallConfigException(List.of(file + ": cannot read: " + e.getMessage()));
    }
    return parse(text);
  }

  /**
   * Parses and validates YAML (or JSON) text.
   *
   * @throws OnCallConfigException with every problem
   */
  public static OnCallConfig parse(String text) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr();
      throw new OnCallConfigException(List.of("not YAML" + where + ": " + oneLine(e.getOriginalMessage())));
    }
    return fromTree(root);
  }

  /**
   * Validates a parsed tree.
   *
   * @throws OnCallConfigException with every problem
   */
  public static OnCallConfig fromTree(JsonNode root) {
    OnCallYaml reader = new OnCallYaml();
    OnCallConfig config = reader.config(root);
    if (!reader.problems.isEmpty()) {
      throw new OnCallConfigException(reader.problems);
    }
    return config;
  }

  /** The parser's message on one line: its unindented lines (what it was doing, what it found), without the snippets. */
  private static String oneLine(String message) {
    String text = message == null ? "unreadable" : message;
    List<String> lines = text.lines().filter(l -> !l.isBlank() && !Character.isWhitespace(l.charAt(0))).toList();
    return lines.isEmpty() ? text.strip().replaceAll("\\s+", " ") : String.join("; ", lines);
  }

  // ---- the document --------------------------------------------------------------------------

  private OnCallConfig config(JsonNode root) {
    if (root == null || root.isMissingNode() || root.isNull()) {
      problem("", "the file is empty: it needs at least people, and schedules or teams");
      return OnCallConfig.empty();
    }
    if (!root.isObject()) {
      problem("", "the file must be a mapping with people, teams, escalation-policies, schedules, routing, urgency");
      return OnCallConfig.empty();
    }
    keys(root, "", "people", "teams", "escalation-policies", "schedules", "routing", "urgency");
    Map<String, Person> people = entities(root, "people", refs.people, this::person);
    Map<String, Team> teams = entities(root, "teams", refs.teams, this::team);
    Map<String, EscalationPolicy> policies = entities(root, "escalation-policies", refs.policies, this::policy);
    Map<String, Schedule> schedules = entities(root, "schedules", refs.schedules, this::schedule);
    Routing routing = routing(root.get("routing"), root.get("urgency"));
    refs.check(this);
    return new OnCallConfig(people, teams, policies, schedules, routing);
  }

  /** Where each reference to another entity was written, checked once everything is read. */
  private static final class Refs {
    final Map<String, String> people = new LinkedHashMap<>();
    final Map<String, String> teams = new LinkedHashMap<>();
    final Map<String, String> policies = new LinkedHashMap<>();
    final Map<String, String> schedules = new LinkedHashMap<>();
    final List<String[]> wanted = new ArrayList<>();

    void want(String path, String kind, String id) {
      wanted.add(new String[] {path, kind, id});
    }

    /** Every reference must name a declared id (declared even if the entity itself had a problem). */
    void check(OnCallYaml reader) {
      for (String[] w : wanted) {
        boolean known = switch (w[1]) {
          case "person" -> people.containsKey(w[2]);
          case "team" -> teams.containsKey(w[2]);
          case "escalation policy" -> policies.containsKey(w[2]);
          default -> schedules.containsKey(w[2]);
        };
        if (!known) {
          reader.problem(w[0], "unknown " + w[1] + " \"" + w[2] + "\"");
        }
      }
    }
  }

  private final Refs refs = new Refs();

  /** Reads a list of entities with unique ids. */
  private <T> Map<String, T> entities(JsonNode root, String key, Map<String, String> seen,
                                      Function<Node, Optional<T>> reader) {
    Map<String, T> out = new LinkedHashMap<>();
    JsonNode list = root.get(key);
    if (list == null || list.isNull()) {
      return out;
    }
    if (!list.isArray()) {
      problem(key, "must be a list");
      return out;
    }
    for (int i = 0; i < list.size(); i++) {
      String path = key + "[" + i + "]";
      JsonNode item = list.get(i);
      if (!item.isObject()) {
        problem(path, "must be a mapping");
        continue;
      }
      Node node = new Node(path, item);
      Optional<String> id = node.id();
      if (id.isEmpty()) {
        continue;
      }
      String previous = seen.putIfAbsent(id.get(), path);
      if (previous != null) {
        problem(path + ".id", "duplicate id \"" + id.get() + "\" (also " + previous + ")");
        continue;
      }
      reader.apply(node).ifPresent(entity -> out.put(id.get(), entity));
    }
    return out;
  }

  // ---- people --------------------------------------------------------------------------------

  private Optional<Person> person(Node n) {
    keys(n.json, n.path, "id", "name", "time-zone", "contacts");
    String id = n.id().orElseThrow();
    String name = n.text("name").orElse(id);
    ZoneId zone = n.zone("time-zone").orElse(ZoneId.of("UTC"));
    List<ContactMethod> contacts = new ArrayList<>();
    List<Node> items = n.list("contacts");
    if (items.isEmpty() && n.json.has("contacts")) {
      problem(n.path + ".contacts", "at least one contact method is needed");
    } else if (!n.json.has("contacts")) {
      problem(n.path + ".contacts", "missing: at least one contact method, e.g. {inbox: " + id + "}");
    }
    for (Node c : items) {
      contact(c).ifPresent(contacts::add);
    }
    return attempt(n.path, () -> new Person(id, name, zone, contacts));
  }

  /** {@code {channel: email, address: a@b.c}} or the short {@code {email: a@b.c}}. */
  private Optional<ContactMethod> contact(Node n) {
    if (!n.json.isObject()) {
      problem(n.path, "must be a mapping like {inbox: alice} or {channel: email, address: alice@example.com}");
      return Optional.empty();
    }
    String channelText;
    String address;
    String addressPath;
    if (n.json.has("channel") || n.json.has("address")) {
      keys(n.json, n.path, "channel", "address");
      Optional<String> c = n.requiredText("channel");
      Optional<String> a = n.requiredText("address");
      if (c.isEmpty() || a.isEmpty()) {
        return Optional.empty();
      }
      channelText = c.get();
      address = a.get();
      addressPath = n.path + ".address";
    } else if (n.json.size() == 1) {
      Map.Entry<String, JsonNode> only = n.json.properties().iterator().next();
      channelText = only.getKey();
      addressPath = n.path + "." + only.getKey();
      if (channel(channelText) != null && (!only.getValue().isValueNode() || only.getValue().isBoolean()
          || only.getValue().isNull() || only.getValue().asText().isBlank())) {
        problem(addressPath, "must be an address (text)");
        return Optional.empty();
      }
      address = only.getValue().asText().strip();
    } else {
      problem(n.path, "must be like {inbox: alice} or {channel: email, address: alice@example.com}");
      return Optional.empty();
    }
    ChannelType channel = channel(channelText);
    if (channel == null) {
      problem(n.path, "unknown channel \"" + channelText + "\" (known: webhook, slack, pagerduty, opsgenie, email, inbox)");
      return Optional.empty();
    }
    if (address.contains("://")) {
      problem(addressPath, "a URL is not an address: name an integration configured in the notifier instead"
          + " (URLs and secrets stay in its configuration)");
      return Optional.empty();
    }
    if (address.chars().anyMatch(Character::isWhitespace)) {
      problem(addressPath, "an address has no blanks: \"" + address + "\"");
      return Optional.empty();
    }
    if (channel == ChannelType.EMAIL && !EMAIL.matcher(address).matches()) {
      problem(addressPath, "not an email address: \"" + address + "\"");
      return Optional.empty();
    }
    return Optional.of(new ContactMethod(channel, address));
  }

  private static ChannelType channel(String text) {
    String t = text.strip().toUpperCase(Locale.ROOT);
    for (ChannelType c : ChannelType.values()) {
      if (c != ChannelType.UNKNOWN && c.name().equals(t)) {
        return c;
      }
    }
    return null;
  }

  // ---- teams ---------------------------------------------------------------------------------

  private Optional<Team> team(Node n) {
    keys(n.json, n.path, "id", "name", "members", "escalation-policy", "chat");
    String id = n.id().orElseThrow();
    String name = n.text("name").orElse(id);
    List<String> members = n.ids("members", "person");
    Optional<String> policy = n.ref("escalation-policy", "escalation policy");
    Optional<ContactMethod> chat = Optional.empty();
    if (n.json.has("chat") && !n.json.get("chat").isNull()) {
      chat = contact(new Node(n.path + ".chat", n.json.get("chat")));
    }
    Optional<ContactMethod> chatContact = chat;
    return attempt(n.path, () -> new Team(id, name, members, policy, chatContact));
  }

  // ---- escalation policies -------------------------------------------------------------------

  private Optional<EscalationPolicy> policy(Node n) {
    keys(n.json, n.path, "id", "name", "levels", "repeats");
    String id = n.id().orElseThrow();
    String name = n.text("name").orElse(id);
    int repeats = n.integer("repeats", 0, 0, EscalationPolicy.MAX_REPEATS);
    List<Level> levels = new ArrayList<>();
    List<Node> items = n.list("levels");
    if (items.isEmpty()) {
      problem(n.path + ".levels", "at least one level is needed");
    }
    for (Node l : items) {
      if (!l.json.isObject()) {
        problem(l.path, "must be a mapping with targets and wait");
        continue;
      }
      keys(l.json, l.path, "targets", "wait");
      Optional<Duration> wait = l.duration("wait");
      if (wait.isEmpty() && !l.json.has("wait")) {
        problem(l.path + ".wait", "missing: how long this level has to acknowledge, e.g. 5m");
      }
      List<Target> targets = new ArrayList<>();
      List<Node> ts = l.list("targets");
      if (ts.isEmpty()) {
        problem(l.path + ".targets", "at least one target is needed, e.g. [{schedule: primary}]");
      }
      for (Node t : ts) {
        target(t).ifPresent(targets::add);
      }
      if (wait.isPresent() && !targets.isEmpty()) {
        attempt(l.path, () -> new Level(targets, wait.get())).ifPresent(levels::add);
      }
    }
    if (levels.size() != items.size() || items.isEmpty()) {
      return Optional.empty();
    }
    return attempt(n.path, () -> new EscalationPolicy(id, name, levels, repeats));
  }

  private Optional<Target> target(Node n) {
    if (!n.json.isObject() || n.json.size() != 1) {
      problem(n.path, "must be one of {schedule: ID}, {person: ID}, {team: ID}");
      return Optional.empty();
    }
    Map.Entry<String, JsonNode> only = n.json.properties().iterator().next();
    TargetKind kind;
    String what;
    switch (only.getKey()) {
      case "schedule" -> {
        kind = TargetKind.SCHEDULE;
        what = "schedule";
      }
      case "person" -> {
        kind = TargetKind.PERSON;
        what = "person";
      }
      case "team" -> {
        kind = TargetKind.TEAM;
        what = "team";
      }
      default -> {
        problem(n.path + "." + only.getKey(), "unknown target (known: schedule, person, team)");
        return Optional.empty();
      }
    }
    Optional<String> id = new Node(n.path, n.json).ref(only.getKey(), what);
    return id.map(i -> new Target(kind, i));
  }

  // ---- schedules -----------------------------------------------------------------------------

  private Optional<Schedule> schedule(Node n) {
    keys(n.json, n.path, "id", "name", "time-zone", "layers", "overrides");
    String id = n.id().orElseThrow();
    String name = n.text("name").orElse(id);
    Optional<ZoneId> zone = n.zone("time-zone");
    if (zone.isEmpty() && !n.json.has("time-zone")) {
      problem(n.path + ".time-zone", "missing: the IANA time zone of the rotations, e.g. Europe/Berlin");
    }
    ZoneId readingZone = zone.orElse(ZoneId.of("UTC")); // to find the problems of the rest, too
    List<Node> layerNodes = n.list("layers");
    if (layerNodes.isEmpty()) {
      problem(n.path + ".layers", "at least one layer is needed");
    }
    List<Layer> layers = new ArrayList<>();
    for (int i = 0; i < layerNodes.size(); i++) {
      layer(layerNodes.get(i), i).ifPresent(layers::add);
    }
    List<ScheduleOverride> overrides = new ArrayList<>();
    for (Node o : n.list("overrides")) {
      override(o, readingZone).ifPresent(overrides::add);
    }
    if (zone.isEmpty() || layers.size() != layerNodes.size() || layerNodes.isEmpty()) {
      return Optional.empty();
    }
    return attempt(n.path, () -> new Schedule(id, name, zone.get(), layers, overrides));
  }

  private Optional<Layer> layer(Node n, int index) {
    if (!n.json.isObject()) {
      problem(n.path, "must be a mapping with start, rotation and participants");
      return Optional.empty();
    }
    keys(n.json, n.path, "name", "start", "handoff", "rotation", "end", "participants", "restrictions");
    String name = n.text("name").orElse("layer-" + (index + 1));
    Optional<LocalTime> handoff = n.time("handoff", false);
    Optional<LocalDateTime> start = n.localStart("start", handoff);
    if (start.isEmpty() && !n.json.has("start")) {
      problem(n.path + ".start", "missing: the local date (or date-time) of the first handoff, e.g. 2025-01-06");
    }
    Optional<Duration> rotation = rotation(n);
    Optional<LocalDateTime> end = n.has("end") ? n.localStart("end", Optional.empty()) : Optional.empty();
    List<String> participants = n.ids("participants", "person");
    if (participants.isEmpty() && !n.json.has("participants")) {
      problem(n.path + ".participants", "missing: the people who take turns, in order");
    }
    List<Restriction> restrictions = new ArrayList<>();
    for (Node r : n.list("restrictions")) {
      restriction(r).ifPresent(restrictions::add);
    }
    if (start.isEmpty() || rotation.isEmpty() || participants.isEmpty()
        || (n.has("end") && end.isEmpty())) {
      return Optional.empty();
    }
    return attempt(n.path, () -> new Layer(name, start.get(), end, rotation.get(), participants, restrictions));
  }

  private Optional<Duration> rotation(Node n) {
    String path = n.path + ".rotation";
    Optional<String> text = n.text("rotation");
    if (text.isEmpty()) {
      if (!n.json.has("rotation")) {
        problem(path, "missing: daily, weekly or a duration of at least 1h (e.g. 12h, 3d)");
      }
      return Optional.empty();
    }
    Duration d;
    switch (text.get().strip().toLowerCase(Locale.ROOT)) {
      case "daily" -> d = Duration.ofDays(1);
      case "weekly" -> d = Duration.ofDays(7);
      default -> {
        try {
          d = Durations.parse(text.get());
        } catch (IllegalArgumentException e) {
          problem(path, "use daily, weekly or a duration such as 12h or 3d: \"" + text.get() + "\"");
          return Optional.empty();
        }
      }
    }
    if (d.compareTo(Schedule.MIN_ROTATION) < 0) {
      problem(path, "a turn must last at least 1h, was " + text.get());
      return Optional.empty();
    }
    return Optional.of(d);
  }

  private Optional<Restriction> restriction(Node n) {
    if (!n.json.isObject()) {
      problem(n.path, "must be a mapping like {days: [mon, tue, wed, thu, fri], from: \"09:00\", to: \"17:00\"}");
      return Optional.empty();
    }
    keys(n.json, n.path, "days", "from", "to");
    Set<DayOfWeek> days = EnumSet.allOf(DayOfWeek.class);
    JsonNode d = n.json.get("days");
    boolean ok = true;
    if (d != null && !d.isNull()) {
      days = EnumSet.noneOf(DayOfWeek.class);
      if (d.isTextual()) {
        switch (d.asText().strip().toLowerCase(Locale.ROOT)) {
          case "weekdays" -> days = EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY);
          case "weekends" -> days = EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
          default -> {
            DayOfWeek one = DAYS.get(d.asText().strip().toLowerCase(Locale.ROOT));
            if (one == null) {
              problem(n.path + ".days", "unknown day \"" + d.asText() + "\" (mon..sun, weekdays, weekends)");
              ok = false;
            } else {
              days.add(one);
            }
          }
        }
      } else if (d.isArray() && !d.isEmpty()) {
        for (int i = 0; i < d.size(); i++) {
          DayOfWeek day = d.get(i).isTextual() ? DAYS.get(d.get(i).asText().strip().toLowerCase(Locale.ROOT)) : null;
          if (day == null) {
            problem(n.path + ".days[" + i + "]", "unknown day " + d.get(i) + " (mon, tue, wed, thu, fri, sat, sun)");
            ok = false;
          } else {
            days.add(day);
          }
        }
      } else {
        problem(n.path + ".days", "must be a list of days (mon..sun), weekdays or weekends");
        ok = false;
      }
    }
    Optional<LocalTime> from = n.time("from", false);
    Optional<LocalTime> to = n.time("to", true);
    if (from.isEmpty() && !n.has("from")) {
      problem(n.path + ".from", "missing: local time the window opens, e.g. \"09:00\"");
    }
    if (to.isEmpty() && !n.has("to")) {
      problem(n.path + ".to", "missing: local time the window closes, e.g. \"17:00\"");
    }
    if (!ok || from.isEmpty() || to.isEmpty()) {
      return Optional.empty();
    }
    boolean endOfDay = "24:00".equals(n.json.get("to").asText().strip());
    Duration length = endOfDay ? Duration.between(from.get(), LocalTime.MAX).plusNanos(1)
        : Duration.between(from.get(), to.get());
    if (length.isZero()) {
      problem(n.path, "from and to are the same time; leave out the restriction to cover the whole day");
      return Optional.empty();
    }
    if (length.isNegative()) {
      length = length.plusDays(1); // crosses midnight, e.g. 22:00 to 06:00
    }
    Set<DayOfWeek> chosen = days;
    Duration window = length;
    return attempt(n.path, () -> new Restriction(chosen, from.get(), window));
  }

  private Optional<ScheduleOverride> override(Node n, ZoneId zone) {
    if (!n.json.isObject()) {
      problem(n.path, "must be a mapping with person, from and to");
      return Optional.empty();
    }
    keys(n.json, n.path, "person", "from", "to");
    Optional<String> person = n.ref("person", "person");
    if (person.isEmpty() && !n.has("person")) {
      problem(n.path + ".person", "missing: who is on call instead");
    }
    Optional<Instant> from = n.instant("from", zone);
    Optional<Instant> to = n.instant("to", zone);
    if (person.isEmpty() || from.isEmpty() || to.isEmpty()) {
      return Optional.empty();
    }
    if (!to.get().isAfter(from.get())) {
      problem(n.path + ".to", "must be after from");
      return Optional.empty();
    }
    return Optional.of(new ScheduleOverride(person.get(), from.get(), to.get()));
  }

  // ---- routing -------------------------------------------------------------------------------

  private Routing routing(JsonNode json, JsonNode urgencyJson) {
    List<Routing.Rule> rules = new ArrayList<>();
    Optional<String> defaultTeam = Optional.empty();
    Optional<String> defaultPolicy = Optional.empty();
    if (json != null && !json.isNull()) {
      Node n = new Node("routing", json);
      if (!json.isObject()) {
        problem("routing", "must be a mapping with rules and default");
      } else {
        keys(json, "routing", "rules", "default");
        for (Node r : n.list("rules")) {
          rule(r).ifPresent(rules::add);
        }
        JsonNode def = json.get("default");
        if (def != null && !def.isNull()) {
          if (!def.isObject()) {
            problem("routing.default", "must be a mapping with team and/or escalation-policy");
          } else {
            keys(def, "routing.default", "team", "escalation-policy");
            Node d = new Node("routing.default", def);
            defaultTeam = d.ref("team", "team");
            defaultPolicy = d.ref("escalation-policy", "escalation policy");
          }
        }
      }
    }
    Map<Severity, Urgency> urgencies = new EnumMap<>(Severity.class);
    if (urgencyJson != null && !urgencyJson.isNull()) {
      if (!urgencyJson.isObject()) {
        problem("urgency", "must map severities to high or low, e.g. {WARNING: low}");
      } else {
        for (Map.Entry<String, JsonNode> e : urgencyJson.properties()) {
          Severity severity = severity(e.getKey());
          String path = "urgency." + e.getKey();
          if (severity == null) {
            problem(path, "unknown severity (known: CRITICAL, HIGH, WARNING, INFO, UNKNOWN)");
            continue;
          }
          String value = e.getValue().isTextual() ? e.getValue().asText().strip().toUpperCase(Locale.ROOT) : "";
          switch (value) {
            case "HIGH" -> urgencies.put(severity, Urgency.HIGH);
            case "LOW" -> urgencies.put(severity, Urgency.LOW);
            default -> problem(path, "must be high (run the escalation policy) or low (team chat only), was "
                + e.getValue());
          }
        }
      }
    }
    return new Routing(rules, defaultTeam, defaultPolicy, urgencies);
  }

  private Optional<Routing.Rule> rule(Node n) {
    if (!n.json.isObject()) {
      problem(n.path, "must be a mapping with matchers and a team and/or escalation-policy");
      return Optional.empty();
    }
    keys(n.json, n.path, "name", "matchers", "team", "escalation-policy");
    Optional<String> name = n.text("name");
    List<LabelMatcher> matchers = new ArrayList<>();
    boolean ok = true;
    for (Node m : n.list("matchers")) {
      if (!m.json.isTextual()) {
        problem(m.path, "must be a matcher string like 'severity=\"CRITICAL\"'");
        ok = false;
        continue;
      }
      try {
        matchers.add(LabelMatcher.parse(m.json.asText()));
      } catch (IllegalArgumentException e) {
        problem(m.path, e.getMessage());
        ok = false;
      }
    }
    Optional<String> team = n.ref("team", "team");
    Optional<String> policy = n.ref("escalation-policy", "escalation policy");
    if (team.isEmpty() && policy.isEmpty()) {
      if (!n.has("team") && !n.has("escalation-policy")) {
        problem(n.path, "a rule needs a team and/or an escalation-policy to route to");
      }
      return Optional.empty();
    }
    if (!ok) {
      return Optional.empty();
    }
    return attempt(n.path, () -> new Routing.Rule(name, matchers, team, policy));
  }

  private static Severity severity(String text) {
    String t = text.strip().toUpperCase(Locale.ROOT);
    for (Severity s : Severity.values()) {
      if (s.name().equals(t)) {
        return s;
      }
    }
    return null;
  }

  // ---- helpers -------------------------------------------------------------------------------

  private void problem(String path, String message) {
    problems.add(path.isEmpty() ? message : path + ": " + message);
  }

  private void keys(JsonNode json, String path, String... known) {
    if (!json.isObject()) {
      return;
    }
    List<String> allowed = List.of(known);
    for (Iterator<String> it = json.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!allowed.contains(key)) {
        problem(path.isEmpty() ? key : path + "." + key, "unknown key (known: " + String.join(", ", known) + ")");
      }
    }
  }

  private <T> Optional<T> attempt(String path, java.util.function.Supplier<T> build) {
    try {
      return Optional.of(build.get());
    } catch (IllegalArgumentException e) {
      problem(path, e.getMessage());
      return Optional.empty();
    }
  }

  private static Map<String, DayOfWeek> days() {
    Map<String, DayOfWeek> m = new LinkedHashMap<>();
    for (DayOfWeek d : DayOfWeek.values()) {
      String full = d.name().toLowerCase(Locale.ROOT);
      m.put(full, d);
      m.put(full.substring(0, 3), d);
    }
    return m;
  }

  /** A mapping (or any value) of the document, with its path. */
  private final class Node {
    final String path;
    final JsonNode json;

    Node(String path, JsonNode json) {
      this.path = path;
      this.json = json;
    }

    boolean has(String key) {
      return json.has(key) && !json.get(key).isNull();
    }

    /** The required {@code id}. */
    Optional<String> id() {
      Optional<String> id = requiredText("id");
      if (id.isPresent() && !ID.matcher(id.get()).matches()) {
        problem(path + ".id", "\"" + id.get() + "\" is not an id: letters, digits, '.', '_' and '-', starting"
            + " with a letter or digit");
        return Optional.empty();
      }
      return id;
    }

    Optional<String> requiredText(String key) {
      if (!has(key)) {
        problem(path + "." + key, "missing");
        return Optional.empty();
      }
      return text(key);
    }

    Optional<String> text(String key) {
      JsonNode v = json.get(key);
      if (v == null || v.isNull()) {
        return Optional.empty();
      }
      if (!v.isValueNode() || v.isBoolean()) {
        problem(path + "." + key, "must be text, was " + v);
        return Optional.empty();
      }
      String s = v.asText().strip();
      if (s.isEmpty()) {
        problem(path + "." + key, "must not be empty");
        return Optional.empty();
      }
      return Optional.of(s);
    }

    /** A reference to another entity, checked once everything is read. */
    Optional<String> ref(String key, String kind) {
      Optional<String> id = text(key);
      id.ifPresent(i -> refs.want(path + "." + key, kind, i));
      return id;
    }

    /** A list of references; each is checked, and duplicates are problems. */
    List<String> ids(String key, String kind) {
      List<String> out = new ArrayList<>();
      JsonNode v = json.get(key);
      if (v == null || v.isNull()) {
        return out;
      }
      if (!v.isArray()) {
        problem(path + "." + key, "must be a list of " + kind + " ids");
        return out;
      }
      for (int i = 0; i < v.size(); i++) {
        JsonNode item = v.get(i);
        if (!item.isTextual() || item.asText().isBlank()) {
          problem(path + "." + key + "[" + i + "]", "must be a " + kind + " id");
          continue;
        }
        String id = item.asText().strip();
        refs.want(path + "." + key, kind, id);
        out.add(id);
      }
      if (out.isEmpty() && v.isEmpty()) {
        problem(path + "." + key, "must not be empty");
      }
      return out;
    }

    List<Node> list(String key) {
      List<Node> out = new ArrayList<>();
      JsonNode v = json.get(key);
      if (v == null || v.isNull()) {
        return out;
      }
      if (!v.isArray()) {
        problem(path + "." + key, "must be a list");
        return out;
      }
      for (int i = 0; i < v.size(); i++) {
        out.add(new Node(path + "." + key + "[" + i + "]", v.get(i)));
      }
      return out;
    }

    int integer(String key, int fallback, int min, int max) {
      JsonNode v = json.get(key);
      if (v == null || v.isNull()) {
        return fallback;
      }
      if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < min || v.asInt() > max) {
        problem(path + "." + key, "must be a whole number from " + min + " to " + max + ", was " + v);
        return fallback;
      }
      return v.asInt();
    }

    Optional<Duration> duration(String key) {
      Optional<String> text = text(key);
      if (text.isEmpty()) {
        return Optional.empty();
      }
      try {
        Duration d = Durations.parse(text.get());
        if (d.isZero() || d.isNegative()) {
          problem(path + "." + key, "must be positive, was " + text.get());
          return Optional.empty();
        }
        return Optional.of(d);
      } catch (IllegalArgumentException e) {
        problem(path + "." + key, e.getMessage());
        return Optional.empty();
      }
    }

    Optional<ZoneId> zone(String key) {
      Optional<String> text = text(key);
      if (text.isEmpty()) {
        return Optional.empty();
      }
      try {
        return Optional.of(ZoneId.of(text.get()));
      } catch (DateTimeException e) {
        problem(path + "." + key, "unknown time zone \"" + text.get() + "\" (use an IANA name such as Europe/Berlin)");
        return Optional.empty();
      }
    }

    /** {@code HH:mm} or {@code HH:mm:ss}; {@code 24:00} too where {@code endOfDay}. */
    Optional<LocalTime> time(String key, boolean endOfDay) {
      Optional<String> text = text(key);
      if (text.isEmpty()) {
        return Optional.empty();
      }
      if (endOfDay && text.get().equals("24:00")) {
        return Optional.of(LocalTime.MAX);
      }
      try {
        return Optional.of(LocalTime.parse(text.get()));
      } catch (DateTimeParseException e) {
        problem(path + "." + key, "not a time of day (HH:mm" + (endOfDay ? ", or 24:00" : "") + "): \""
            + text.get() + "\"");
        return Optional.empty();
      }
    }

    /** A local date-time in the schedule's zone: {@code 2025-01-06} (at {@code handoff}, else 00:00) or {@code 2025-01-06T09:00}. */
    Optional<LocalDateTime> localStart(String key, Optional<LocalTime> handoff) {
      Optional<String> text = text(key);
      if (text.isEmpty()) {
        return Optional.empty();
      }
      String t = text.get();
      try {
        LocalDate date = LocalDate.parse(t);
        return Optional.of(date.atTime(handoff.orElse(LocalTime.MIDNIGHT)));
      } catch (DateTimeParseException notADate) {
        try {
          LocalDateTime local = LocalDateTime.parse(t);
          if (handoff.isPresent() && !handoff.get().equals(local.toLocalTime())) {
            problem(path + "." + key, "starts at " + local.toLocalTime() + " but handoff is " + handoff.get()
                + ": give the start as a date, or leave out handoff");
            return Optional.empty();
          }
          return Optional.of(local);
        } catch (DateTimeParseException notLocal) {
          problem(path + "." + key, "not a local date or date-time in the schedule's time zone (e.g. 2025-01-06 or"
              + " 2025-01-06T09:00, without an offset): \"" + t + "\"");
          return Optional.empty();
        }
      }
    }

    /** An instant: with an offset ({@code 2025-03-10T09:00+01:00}, {@code ...Z}), or local in {@code zone}. */
    Optional<Instant> instant(String key, ZoneId zone) {
      Optional<String> text = text(key);
      if (text.isEmpty()) {
        if (!has(key)) {
          problem(path + "." + key, "missing: a date-time, e.g. 2025-03-10T09:00");
        }
        return Optional.empty();
      }
      String t = text.get();
      try {
        return Optional.of(OffsetDateTime.parse(t).toInstant());
      } catch (DateTimeParseException notOffset) {
        try {
          return Optional.of(ScheduleTimeline.resolve(LocalDateTime.parse(t), zone));
        } catch (DateTimeParseException notLocal) {
          try {
            return Optional.of(ScheduleTimeline.resolve(LocalDate.parse(t).atStartOfDay(), zone));
          } catch (DateTimeParseException notDate) {
            problem(path + "." + key, "not a date-time (e.g. 2025-03-10T09:00, local to the schedule, or"
                + " 2025-03-10T08:00Z): \"" + t + "\"");
            return Optional.empty();
          }
        }
      }
    }
  }
}
