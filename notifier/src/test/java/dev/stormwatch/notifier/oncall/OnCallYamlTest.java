package dev.stormwatch.notifier.oncall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.avro.Urgency;
import dev.stormwatch.notifier.oncall.EscalationPolicy.Target;
import dev.stormwatch.notifier.oncall.EscalationPolicy.TargetKind;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Issue 6, item 1: the on-call file, and its one-line errors naming the path. */
class OnCallYamlTest {

  static final Path DEMO = Path.of("../deploy/config/oncall-demo.yaml");

  static final String VALID = """
      people:
        - id: alice
          name: Alice
          time-zone: Europe/Berlin
          contacts: [{inbox: alice}, {channel: email, address: alice@example.com}]
        - id: bob
          contacts: [{slack: bob-dm}]
      teams:
        - id: platform
          members: [alice, bob]
          escalation-policy: platform
          chat: {slack: platform-alerts}
      escalation-policies:
        - id: platform
          repeats: 2
          levels:
            - wait: 5m
              targets: [{schedule: primary}]
            - wait: 10m
              targets: [{team: platform}, {person: bob}]
      schedules:
        - id: primary
          time-zone: Europe/Berlin
          layers:
            - start: 2025-01-06
              handoff: "09:00"
              rotation: weekly
              participants: [alice, bob]
            - name: office
              start: 2025-01-06T09:00
              rotation: 12h
              participants: [bob]
              restrictions:
                - {days: weekdays, from: "09:00", to: "17:00"}
                - {days: [sat], from: "22:00", to: "06:00"}
          overrides:
            - {person: bob, from: 2025-03-10T09:00, to: 2025-03-11T09:00Z}
      routing:
        rules:
          - name: payments
            matchers: ['service=~"payment.*"', 'severity!="INFO"']
            escalation-policy: platform
        default: {team: platform}
      urgency: {WARNING: high, UNKNOWN: low}
      """;

  @Test
  void aValidFileReadsIntoTheModel() {
    OnCallConfig c = OnCallYaml.parse(VALID);
    Person alice = c.people().get("alice");
    assertThat(alice.timeZone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThat(alice.contacts()).containsExactly(new ContactMethod(ChannelType.INBOX, "alice"),
        new ContactMethod(ChannelType.EMAIL, "alice@example.com"));
    assertThat(c.people().get("bob").name()).as("name defaults to the id").isEqualTo("bob");
    assertThat(c.people().get("bob").timeZone()).isEqualTo(ZoneId.of("UTC"));

    Team platform = c.teams().get("platform");
    assertThat(platform.members()).containsExactly("alice", "bob");
    assertThat(platform.policy()).contains("platform");
    assertThat(platform.chat()).contains(new ContactMethod(ChannelType.SLACK, "platform-alerts"));

    EscalationPolicy policy = c.policies().get("platform");
    assertThat(policy.repeats()).isEqualTo(2);
    assertThat(policy.levels()).hasSize(2);
    assertThat(policy.levels().get(0).timeout()).isEqualTo(Duration.ofMinutes(5));
    assertThat(policy.levels().get(1).targets()).containsExactly(new Target(TargetKind.TEAM, "platform"),
        new Target(TargetKind.PERSON, "bob"));

    Schedule primary = c.schedules().get("primary");
    assertThat(primary.layers().get(0).name()).isEqualTo("layer-1");
    assertThat(primary.layers().get(0).start()).isEqualTo(LocalDateTime.parse("2025-01-06T09:00"));
    assertThat(primary.layers().get(0).rotation()).isEqualTo(Duration.ofDays(7));
    assertThat(primary.layers().get(1).rotation()).isEqualTo(Duration.ofHours(12));
    Schedule.Restriction weekdays = primary.layers().get(1).restrictions().get(0);
    assertThat(weekdays.days()).containsExactlyInAnyOrder(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY,
        DayOfWeek.THURSDAY, DayOfWeek.FRIDAY);
    assertThat(weekdays.start()).isEqualTo(LocalTime.of(9, 0));
    assertThat(weekdays.length()).isEqualTo(Duration.ofHours(8));
    assertThat(primary.layers().get(1).restrictions().get(1).length()).as("crosses midnight")
        .isEqualTo(Duration.ofHours(8));
    Schedule.ScheduleOverride override = primary.overrides().get(0);
    assertThat(override.start()).as("local to the schedule").isEqualTo(Instant.parse("2025-03-10T08:00:00Z"));
    assertThat(override.end()).isEqualTo(Instant.parse("2025-03-11T09:00:00Z"));

    Routing routing = c.routing();
    assertThat(routing.rules()).hasSize(1);
    assertThat(routing.rules().get(0).matches(Map.of("service", "paymentservice", "severity", "HIGH"))).isTrue();
    assertThat(routing.rules().get(0).matches(Map.of("service", "paymentservice", "severity", "INFO"))).isFalse();
    assertThat(routing.rules().get(0).team()).isEmpty();
    assertThat(routing.defaultTeam()).contains("platform");
    assertThat(routing.urgencyOf(Severity.WARNING)).isEqualTo(Urgency.HIGH);
    assertThat(routing.urgencyOf(Severity.UNKNOWN)).isEqualTo(Urgency.LOW);
    assertThat(routing.urgencyOf(Severity.INFO)).as("default kept").isEqualTo(Urgency.LOW);
    assertThat(routing.urgencyOf(Severity.CRITICAL)).isEqualTo(Urgency.HIGH);
  }

  @Test
  void theShippedDemoFileIsValid() {
    OnCallConfig demo = OnCallYaml.read(DEMO);
    assertThat(demo.people()).containsOnlyKeys("alice", "bob");
    assertThat(demo.people().values()).allSatisfy(p ->
        assertThat(p.contacts()).allSatisfy(c -> assertThat(c.channel()).isEqualTo(ChannelType.INBOX)));
    assertThat(demo.teams().get("platform").policy()).contains("platform");
    EscalationPolicy policy = demo.policies().get("platform");
    assertThat(policy.levels()).hasSize(2).allSatisfy(l -> assertThat(l.timeout()).isEqualTo(Duration.ofMinutes(5)));
    assertThat(demo.schedules().get("platform-primary").layers().get(0).rotation()).isEqualTo(Duration.ofDays(7));
    assertThat(demo.routing().defaultTeam()).contains("platform");
  }

  @Test
  void anUnknownPersonIsNamedWithItsPath() {
    String yaml = VALID.replace("participants: [bob]", "participants: [bob, bobby]");
    assertThat(problems(yaml)).containsExactly("schedules[0].layers[1].participants: unknown person \"bobby\"");
  }

  @Test
  void everyProblemIsReportedOnOneLineWithItsPath() {
    String yaml = """
        people:
          - id: alice
            time-zone: Europe/Berln
            contacts: [{webhook: "https://hooks.example.com/T0/secret"}]
          - id: alice
            contacts: [{email: not-an-email}]
          - id: carol
            contacts: [{fax: 1234}]
            nickname: c
        teams:
          - id: platform
            members: [alice, dave]
            escalation-policy: nope
        escalation-policies:
          - id: p
            levels:
              - targets: [{schedule: primary}]
              - wait: soon
                targets: [{rota: x}]
        schedules:
          - id: primary
            time-zone: UTC
            layers:
              - start: 2025-13-01
                rotation: 30m
                participants: []
                restrictions: [{days: [funday], from: "9", to: "17:00"}]
            overrides:
              - {person: alice, from: 2025-03-11T09:00, to: 2025-03-10T09:00}
        routing:
          rules:
            - matchers: ['service=~"(unclosed"']
              team: platform
            - matchers: ['env="prod"']
          default: {team: ops}
        urgency: {SEVERE: high, WARNING: medium}
        """;
    assertThat(problems(yaml)).containsExactly(
        "people[0].time-zone: unknown time zone \"Europe/Berln\" (use an IANA name such as Europe/Berlin)",
        "people[0].contacts[0].webhook: a URL is not an address: name an integration configured in the notifier"
            + " instead (URLs and secrets stay in its configuration)",
        "people[1].id: duplicate id \"alice\" (also people[0])",
        "people[2].nickname: unknown key (known: id, name, time-zone, contacts)",
        "people[2].contacts[0]: unknown channel \"fax\" (known: webhook, slack, pagerduty, opsgenie, email, inbox)",
        "escalation-policies[0].levels[0].wait: missing: how long this level has to acknowledge, e.g. 5m",
        "escalation-policies[0].levels[1].wait: not a duration (use e.g. 500ms, 30s, 5m, 1h or PT5M): 'soon'",
        "escalation-policies[0].levels[1].targets[0].rota: unknown target (known: schedule, person, team)",
        "schedules[0].layers[0].start: not a local date or date-time in the schedule's time zone (e.g. 2025-01-06 or"
            + " 2025-01-06T09:00, without an offset): \"2025-13-01\"",
        "schedules[0].layers[0].rotation: a turn must last at least 1h, was 30m",
        "schedules[0].layers[0].participants: must not be empty",
        "schedules[0].layers[0].restrictions[0].days[0]: unknown day \"funday\" (mon, tue, wed, thu, fri, sat, sun)",
        "schedules[0].layers[0].restrictions[0].from: not a time of day (HH:mm): \"9\"",
        "schedules[0].overrides[0].to: must be after from",
        "routing.rules[0].matchers[0]: not a regular expression: (unclosed (Unclosed group)",
        "routing.rules[1]: a rule needs a team and/or an escalation-policy to route to",
        "urgency.SEVERE: unknown severity (known: CRITICAL, HIGH, WARNING, INFO, UNKNOWN)",
        "urgency.WARNING: must be high (run the escalation policy) or low (team chat only), was \"medium\"",
        "teams[0].members: unknown person \"dave\"",
        "teams[0].escalation-policy: unknown escalation policy \"nope\"",
        "routing.default.team: unknown team \"ops\"");
  }

  @Test
  void anEmailMustLookLikeOne() {
    assertThat(problems("people: [{id: a, contacts: [{email: nobody}]}]"))
        .containsExactly("people[0].contacts[0].email: not an email address: \"nobody\"");
  }

  @Test
  void aStartWithATimeMustAgreeWithTheHandoff() {
    String yaml = VALID.replace("- start: 2025-01-06\n", "- start: 2025-01-06T08:00\n");
    assertThat(problems(yaml)).containsExactly("schedules[0].layers[0].start: starts at 08:00 but handoff is 09:00:"
        + " give the start as a date, or leave out handoff");
  }

  @Test
  void notYamlAndEmptyFilesSaySo() {
    assertThat(problems("people: [")).singleElement().asString().startsWith("not YAML at line ");
    assertThat(problems("")).containsExactly("the file is empty: it needs at least people, and schedules or teams");
    assertThat(problems("- a\n- b")).singleElement().asString().startsWith("the file must be a mapping");
    assertThat(problems("peeple: []")).containsExactly(
        "peeple: unknown key (known: people, teams, escalation-policies, schedules, routing, urgency)");
  }

  @Test
  void theMessageIsTheFirstProblemAndHowManyMore() {
    OnCallConfigException e = catchThrowableOfType(OnCallConfigException.class,
        () -> OnCallYaml.parse("people: [{id: a, contacts: [{email: x}]}, {id: a, contacts: [{inbox: a}]}]"));
    assertThat(e.getMessage()).isEqualTo("people[0].contacts[0].email: not an email address: \"x\" (and 1 more)");
  }

  @Test
  void aMissingFileIsAProblemToo() {
    assertThatThrownBy(() -> OnCallYaml.read(Path.of("no/such/oncall.yaml")))
        .isInstanceOf(OnCallConfigException.class).hasMessageStartingWith("no/such/oncall.yaml: cannot read");
  }

  /** STYLE habit 12: a parser never throws anything but its own error on arbitrary input. */
  @Property(tries = 500, seed = "20250620")
  void arbitraryInputNeverThrowsAnythingButAConfigError(@ForAll("mangled") String yaml) {
    try {
      OnCallConfig config = OnCallYaml.parse(yaml);
      assertThat(config).isNotNull();
    } catch (OnCallConfigException e) {
      assertThat(e.problems()).isNotEmpty().allSatisfy(p -> assertThat(p).doesNotContain("\n"));
    }
  }

  @Provide
  Arbitrary<String> mangled() {
    Arbitrary<String> noise = Arbitraries.strings().withChars("{}[]:,-'\" \nabc019#@/.~=!*&").ofMaxLength(40);
    return Arbitraries.oneOf(
        noise,
        Arbitraries.integers().between(0, VALID.length()).flatMap(cut ->
            noise.map(n -> VALID.substring(0, cut) + n + VALID.substring(cut))),
        Arbitraries.integers().between(0, VALID.length()).map(cut -> VALID.substring(0, cut)));
  }

  static List<String> problems(String yaml) {
    try {
      OnCallYaml.parse(yaml);
      return List.of();
    } catch (OnCallConfigException e) {
      return e.problems();
    }
  }

  @Test
  void defaultsNeedNoKeys() {
    OnCallConfig c = OnCallYaml.parse("people: [{id: a, contacts: [{inbox: a}]}]");
    assertThat(c.routing().rules()).isEmpty();
    assertThat(c.routing().defaultTeam()).isEqualTo(Optional.empty());
    assertThat(c.routing().urgencies()).isEqualTo(Routing.defaultUrgencies());
  }
}
