package dev.stormwatch.correlator.topology;

import static dev.stormwatch.correlator.topology.Boutique.T0;
import static dev.stormwatch.correlator.topology.Boutique.command;
import static dev.stormwatch.correlator.topology.Boutique.firing;
import static dev.stormwatch.correlator.topology.Boutique.resolved;
import static dev.stormwatch.correlator.topology.Boutique.t;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.AlertSource;
import dev.stormwatch.avro.AlertStatus;
import dev.stormwatch.avro.AlertSummary;
import dev.stormwatch.avro.ChangeEvent;
import dev.stormwatch.avro.ChangeKind;
import dev.stormwatch.avro.CommandKind;
import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.EscalationKind;
import dev.stormwatch.avro.Incident;
import dev.stormwatch.avro.IncidentCommand;
import dev.stormwatch.avro.IncidentStatus;
import dev.stormwatch.avro.RootCauseCandidate;
import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.avro.Silence;
import dev.stormwatch.avro.SuspectChange;
import dev.stormwatch.avro.TimelineEntry;
import dev.stormwatch.avro.Weekday;
import dev.stormwatch.avro.WeeklyRecurrence;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.correlator.domain.CorrelatorSettings;
import dev.stormwatch.correlator.query.StatsRecords;
import dev.stormwatch.correlator.rules.Change;
import dev.stormwatch.correlator.rules.IncidentMilestones;
import dev.stormwatch.correlator.rules.IncidentStats;
import dev.stormwatch.correlator.rules.LabelMatchers;
import dev.stormwatch.correlator.rules.RulesSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.WindowStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 5, item 6: timelines of the rules through the whole correlator topology on
 * {@link TopologyTestDriver}, with the real Avro serdes and the embedded registry, over Online
 * Boutique (one domain). Event times are explicit; the wall clock starts at the driver's start and
 * only moves when a test moves it.
 */
@dev.stormwatch.testkit.KafkaIntegrationTest
class CorrelatorRulesTopologyTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private final Topics topics = Topics.defaults();
  @TempDir Path stateDir;
  private SchemaRegistryClient client;
  private CorrelatorSerdes serdes;
  private SimpleMeterRegistry meters;
  private final List<TopologyTestDriver> drivers = new ArrayList<>();
  private TopologyTestDriver driver;
  private Instant start;
  private long wallOffset;
  private TestInputTopic<String, AlertEvent> alerts;
  private TestInputTopic<String, IncidentCommand> commands;
  private TestInputTopic<String, ChangeEvent> changes;
  private TestInputTopic<String, Silence> silences;
  private TestOutputTopic<String, EscalationEvent> escalationsOut;
  private TestOutputTopic<String, Silence> silencesOut;
  private final Map<String, Incident> incidents = new LinkedHashMap<>();
  private final List<EscalationEvent> escalations = new ArrayList<>();

  @BeforeEach
  void registry(dev.stormwatch.testkit.KafkaTestEnv kafka) {
    client = new RestSchemaRegistryClient(SchemaRegistryConfig.builder().urls(kafka.registryUrl()).build());
    serdes = CorrelatorSerdes.of(client, AvroSerdeConfig.defaults());
  }

  @AfterEach
  void stop() {
    drivers.forEach(TopologyTestDriver::close);
    client.close();
  }

  private void startDriver(CorrelatorSettings settings, RulesSettings rules) {
    startDriver(settings, rules, T0);
  }

  private void startDriver(CorrelatorSettings settings, RulesSettings rules, Instant at) {
    meters = new SimpleMeterRegistry();
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "correlator-rules");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("d" + drivers.size()).toString());
    props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
    driver = new TopologyTestDriver(CorrelatorTopology.build(settings, rules, topics, serdes,
        new CorrelatorMetrics(meters), CorrelatorTopology.DEFAULT_PUNCTUATE_EVERY), props, at);
    drivers.add(driver);
    start = at;
    wallOffset = 0;
    TestInputTopic<String, ServiceNode> graph = driver.createInputTopic(topics.topology(), new StringSerializer(),
        serdes.services().serializer());
    for (ServiceNode n : Boutique.nodes()) {
      graph.pipeInput(n.getName(), n, at);
    }
    alerts = driver.createInputTopic(topics.normalized(), new StringSerializer(), serdes.alerts().serializer());
    commands = driver.createInputTopic(topics.incidentCommands(), new StringSerializer(),
        serdes.commands().serializer());
    changes = driver.createInputTopic(topics.changes(), new StringSerializer(), serdes.changes().serializer());
    silences = driver.createInputTopic(topics.silences(), new StringSerializer(), serdes.silences().serializer());
    escalationsOut = driver.createOutputTopic(topics.escalations(), new StringDeserializer(),
        serdes.escalations().deserializer());
    silencesOut = driver.createOutputTopic(topics.silences(), new StringDeserializer(),
        serdes.silences().deserializer());
    incidents.clear();
    escalations.clear();
  }

  // ---- helpers -------------------------------------------------------------------------------

  private static RulesSettings rules(String yaml) {
    try {
      return RulesSettings.fromTree(YAML.readTree(yaml));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static CorrelatorSettings settings(String yaml) {
    try {
      return CorrelatorSettings.fromTree(YAML.readTree(yaml));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void send(AlertEvent... events) {
    for (AlertEvent e : events) {
      alerts.pipeInput(e.getFingerprint(), e, e.getEndsAt() == null ? e.getStartsAt() : e.getEndsAt());
    }
    drain();
  }

  private void apply(IncidentCommand c) {
    commands.pipeInput(c.getIncidentId(), c, c.getAt());
    drain();
  }

  private void change(ChangeEvent c, Instant arrives) {
    changes.pipeInput(c.getService(), c, arrives);
    drain();
  }

  private void silence(Silence s, Instant arrives) {
    silences.pipeInput(s.getId(), s, arrives);
    drain();
  }

  /** Moves the wall clock to {@code at}; the driver punctuates once, at {@code at}. */
  private void clock(Instant at) {
    driver.advanceWallClockTime(Duration.between(start, at).minusMillis(wallOffset));
    wallOffset = Duration.between(start, at).toMillis();
    drain();
  }

  private void drain() {
    escalations.addAll(escalationsOut.readValuesToList());
    incidents.clear();
    StoredIncidents.of(driver).forEach(i -> incidents.put(i.getId(), i));
  }

  private List<Incident> live() {
    return incidents.values().stream().filter(i -> i.getMergedInto() == null).toList();
  }

  private Incident only() {
    assertThat(live()).hasSize(1);
    return live().get(0);
  }

  /** The incident with the alert {@code fp} among its members. */
  private Incident incidentOf(String fp) {
    return live().stream().filter(i -> i.getAlerts().stream().anyMatch(a -> a.getFingerprint().equals(fp)))
        .findFirst().orElseThrow(() -> new AssertionError("no incident has alert " + fp));
  }

  private static AlertSummary member(Incident incident, String fp) {
    return incident.getAlerts().stream().filter(a -> a.getFingerprint().equals(fp)).findFirst().orElseThrow();
  }

  private List<String> escalationKinds() {
    return escalations.stream().map(e -> e.getIncidentId() + ":" + e.getKind()).toList();
  }

  private List<EscalationKind> kinds() {
    return escalations.stream().map(EscalationEvent::getKind).toList();
  }

  private double counter(String name, String tag, String value) {
    return meters.get(name).tag(tag, value).counter().count();
  }

  private static List<String> timeline(Incident i) {
    return i.getTimeline().stream().map(TimelineEntry::getDetail).toList();
  }

  static AlertEvent alert(String fp, String service, String name, Severity severity, Map<String, String> labels,
                          AlertStatus status, Instant startsAt, Instant endsAt) {
    Map<String, String> all = new HashMap<>(labels);
    all.put("alertname", name);
    all.put("service", service);
    return AlertEvent.newBuilder()
        .setFingerprint(fp).setSource(AlertSource.PROMETHEUS).setName(name).setService(service)
        .setSeverity(severity).setStatus(status).setSummary(name + " on " + service).setLabels(all)
        .setStartsAt(startsAt).setEndsAt(endsAt).setObservedAt(endsAt == null ? startsAt : endsAt)
        .build();
  }

  static ChangeEvent changeEvent(String id, String service, ChangeKind kind, String version, String author,
                                 Instant time) {
    return ChangeEvent.newBuilder().setId(id).setService(service).setKind(kind).setVersion(version)
        .setAuthor(author).setTime(time).build();
  }

  static Silence silenceOf(String id, String matchers, Instant startsAt, Instant endsAt, WeeklyRecurrence weekly) {
    return Silence.newBuilder().setId(id).setMatchers(LabelMatchers.parse(matchers).toAvro())
        .setStartsAt(startsAt).setEndsAt(endsAt).setRecurrence(weekly).setAuthor("alice")
        .setComment("maintenance").setCreatedAt(startsAt).setUpdatedAt(startsAt).build();
  }

  // ---- changes -------------------------------------------------------------------------------

  @Test
  void aDeployFiveMinutesBeforeOnsetOnADependencyIsNamedSuspectAndRankedFirst() {
    startDriver(CorrelatorSettings.defaults(), RulesSettings.defaults());
    // paymentservice, a dependency of checkoutservice, is deployed 5 minutes before the first alert
    change(changeEvent("ch-pay", "paymentservice", ChangeKind.DEPLOY, "v1.4.2", "alice", t(-300)), t(-300));
    change(changeEvent("ch-old", "paymentservice", ChangeKind.DEPLOY, "v1.4.1", "alice", t(-7200)), t(-299));
    // emailservice alerts first; paymentservice 20 s later; checkoutservice, which calls both, after them
    send(firing("email", "emailservice", Severity.HIGH, t(0)),
        firing("pay", "paymentservice", Severity.HIGH, t(20)),
        firing("checkout", "checkoutservice", Severity.CRITICAL, t(30)));

    Incident incident = only();
    assertThat(incident.getSuspectChanges()).extracting(SuspectChange::getChangeId).containsExactly("ch-pay");
    assertThat(incident.getSuspectChanges().get(0).getVersion()).isEqualTo("v1.4.2");
    RootCauseCandidate top = incident.getRootCauses().get(0);
    assertThat(top.getService()).as("the deploy ranks it above emailservice, whose alert came first")
        .isEqualTo("paymentservice");
    assertThat(top.getReasons()).contains("deployed v1.4.2 by alice 5m before onset",
        "ranked above emailservice for the recent change");
    assertThat(incident.getRootCauses().get(1).getService()).isEqualTo("emailservice");

    clock(t(30));
    assertThat(kinds()).containsExactly(EscalationKind.OPENED);
    assertThat(escalations.get(0).getRootCause()).isEqualTo("paymentservice");

    // a config change of checkoutservice 20 minutes before onset arrives only now: it becomes a suspect
    change(changeEvent("ch-cfg", "checkoutservice", ChangeKind.CONFIG, "pool=50", "bob", t(-1200)), t(40));
    incident = only();
    assertThat(incident.getSuspectChanges()).extracting(SuspectChange::getChangeId)
        .containsExactly("ch-pay", "ch-cfg");
    assertThat(timeline(incident)).anyMatch(d -> d.equals(
        "suspect change: changed config (pool=50) by bob 20m before onset, on checkoutservice"));
    assertThat(incident.getRootCauses().get(0).getService()).isEqualTo("paymentservice");
    assertThat(kinds()).as("a suspect does not page").containsExactly(EscalationKind.OPENED);
    // change failure rate: each change counted once, and as suspected once
    assertThat(counter("stormwatch.changes", "service", "paymentservice")).isEqualTo(2.0);
    assertThat(counter("stormwatch.changes.suspected", "service", "paymentservice")).isEqualTo(1.0);
    assertThat(counter("stormwatch.changes.suspected", "service", "checkoutservice")).isEqualTo(1.0);
  }

  @Test
  void anUnusableChangeIsDeadLetteredWithTheReason() {
    startDriver(CorrelatorSettings.defaults(), RulesSettings.defaults());
    TestOutputTopic<byte[], byte[]> dead = driver.createOutputTopic(topics.deadLetters(),
        new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
        new org.apache.kafka.common.serialization.ByteArrayDeserializer());
    change(changeEvent("", "paymentservice", ChangeKind.DEPLOY, "v1", "alice", t(0)), t(0));
    List<TestRecord<byte[], byte[]>> letters = dead.readRecordsToList();
    assertThat(letters).hasSize(1);
    assertThat(new String(letters.get(0).headers().lastHeader(
        dev.stormwatch.common.kafka.DeadLetterHeaders.REASON).value())).isEqualTo("unusable change: change has no id");
    assertThat(counter("stormwatch.correlator.changes", "result", "rejected")).isEqualTo(1.0);
  }

  // ---- silences and maintenance windows --------------------------------------------------------

  /** Saturdays (T0 is Saturday 2025-03-01 10:00Z) 09:30-10:30 UTC, from a day before T0 for 30 days. */
  private static Silence saturdayMaintenance(String matchers) {
    WeeklyRecurrence weekly = WeeklyRecurrence.newBuilder().setDays(List.of(Weekday.SATURDAY))
        .setStartTime(LocalTime.of(9, 30)).setDurationMillis(Duration.ofHours(1).toMillis()).setTimeZone("UTC")
        .build();
    return silenceOf("mw-1", matchers, T0.minus(Duration.ofDays(1)), T0.plus(Duration.ofDays(30)), weekly);
  }

  @Test
  void aMaintenanceWindowOverAServiceSuppressesItsPagesWhileTheIncidentExistsAndResolvesCleanly() {
    startDriver(CorrelatorSettings.defaults(), RulesSettings.defaults());
    silence(saturdayMaintenance("{service=~\"cartservice|redis-cart\"}"), t(-600));
    send(firing("redis", "redis-cart", Severity.CRITICAL, t(60)), firing("cart", "cartservice", Severity.HIGH, t(65)));

    Incident incident = only();
    assertThat(incident.getSuppressed()).isTrue();
    assertThat(incident.getAlerts()).allSatisfy(a -> {
      assertThat(a.getSuppressed()).isTrue();
      assertThat(a.getSuppressedBy()).isEqualTo("silence:mw-1");
    });
    assertThat(timeline(incident)).anyMatch(d -> d.contains("muted: in maintenance window Sat at 09:30 UTC for 1h")
        && d.contains("every firing alert is muted, the incident does not page"));

    clock(t(120));
    assertThat(escalations).as("past the group wait, muted: no page").isEmpty();
    send(resolved("redis", "redis-cart", Severity.CRITICAL, t(60), t(600)),
        resolved("cart", "cartservice", Severity.HIGH, t(65), t(610)));
    clock(t(610 + 301));
    incident = only();
    assertThat(incident.getStatus()).isEqualTo(IncidentStatus.RESOLVED);
    assertThat(incident.getResolvedBy()).isEqualTo("auto");
    assertThat(incident.getEscalatedAt()).isNull();
    assertThat(escalations).as("never paged, not even a resolve").isEmpty();
    assertThat(counter("stormwatch.incidents.unpaged", "reason", "silenced")).isEqualTo(1.0);
    // the window is over at 10:30: the incident stays resolved and quiet
    clock(t(1900));
    assertThat(escalations).isEmpty();
  }

  @Test
  void anIncidentStillFiringWhenItsMaintenanceWindowEndsPagesThen() {
    startDriver(CorrelatorSettings.defaults(), RulesSettings.defaults());
    silence(saturdayMaintenance("{service=\"cartservice\"}"), t(-600));
    send(firing("cart", "cartservice", Severity.HIGH, t(60)));
    clock(t(120));
    assertThat(escalations).isEmpty();
    clock(t(1799));
    assertThat(only().getSuppressed()).isTrue();
    // the slot ends at 10:30 (t = 1800): muting is looked at again without a new alert
    clock(t(1800));
    Incident incident = only();
    assertThat(incident.getSuppressed()).isFalse();
    assertThat(member(incident, "cart").getSuppressedBy()).isNull();
    assertThat(escalationKinds()).containsExactly(incident.getId() + ":OPENED");
    assertThat(incident.getEscalatedAt()).isEqualTo(t(1800));
  }

  @Test
  void anAlertSilencedAfterItsIncidentPagedNeverPagesAgainButItsResolveGoesOut() {
    startDriver(CorrelatorSettings.defaults(), RulesSettings.defaults());
    send(firing("cart", "cartservice", Severity.HIGH, t(0)));
    String id = only().getId();
    clock(t(30));
    assertThat(kinds()).containsExactly(EscalationKind.OPENED);

    silence(silenceOf("s-1", "{service=\"cartservice\"}", t(60), t(3600), null), t(60));
    clock(t(61));
    assertThat(incidents.get(id).getSuppressed()).isTrue();
    assertThat(member(incidents.get(id), "cart").getSuppressedBy()).isEqualTo("silence:s-1");
    // a worse alert on the silenced service raises the severity without paging
    send(firing("cart-2", "cartservice", Severity.CRITICAL, t(90)));
    assertThat(incidents.get(id).getSeverity()).isEqualTo(Severity.CRITICAL);
    assertThat(member(incidents.get(id), "cart-2").getSuppressed()).isTrue();
    assertThat(kinds()).containsExactly(EscalationKind.OPENED);

    send(resolved("cart", "cartservice", Severity.HIGH, t(0), t(120)),
        resolved("cart-2", "cartservice", Severity.CRITICAL, t(90), t(125)));
    clock(t(125 + 300));
    assertThat(incidents.get(id).getStatus()).isEqualTo(IncidentStatus.RESOLVED);
    assertThat(escalationKinds()).as("the page that went out is closed").containsExactly(id + ":OPENED",
        id + ":RESOLVED");
  }

  @Test
  void anIncidentWhoseAlertsAllResolveWithinTheGroupWaitNeverPages() {
    startDriver(CorrelatorSettings.defaults(), RulesSettings.defaults());
    send(firing("cart", "cartservice", Severity.HIGH, t(0)), resolved("cart", "cartservice", Severity.HIGH, t(0), t(10)));
    clock(t(30));
    assertThat(escalations).isEmpty();
    clock(t(311));
    assertThat(only().getStatus()).isEqualTo(IncidentStatus.RESOLVED);
    assertThat(escalations).isEmpty();
    assertThat(counter("stormwatch.incidents.unpaged", "reason", "transient")).isEqualTo(1.0);
  }

  @Test
  void silencesAreReadFromTheStoreInvalidOnesIgnoredAndThosePastRetentionTombstoned() {
    startDriver(CorrelatorSettings.defaults(), rules("silence-retention: 1h"));
    Silence noMatchers = Silence.newBuilder(silenceOf("bad", "{service=\"x\"}", t(0), t(60), null))
        .setMatchers(List.of()).build();
    silence(noMatchers, t(0));
    silence(silenceOf("old", "{service=\"cartservice\"}", t(-7200), t(-3700), null), t(0));
    silence(silenceOf("live", "{service=\"cartservice\"}", t(0), t(600), null), t(0));
    KeyValueStore<String, Silence> store = driver.getKeyValueStore(CorrelatorStores.SILENCES);
    assertThat(store.get("bad")).isNull();
    assertThat(store.get("live")).isNotNull();
    assertThat(counter("stormwatch.correlator.silences", "outcome", "invalid")).isEqualTo(1.0);

    send(firing("cart", "cartservice", Severity.HIGH, t(5)));
    assertThat(member(only(), "cart").getSuppressedBy()).isEqualTo("silence:live");
    clock(t(1));
    List<TestRecord<String, Silence>> tombstones = silencesOut.readRecordsToList();
    assertThat(tombstones).extracting(TestRecord::key).containsExactly("old");
    assertThat(tombstones.get(0).value()).isNull();

    silence(Silence.newBuilder(store.get("live")).setEndsAt(t(10)).build(), t(10));
    silences.pipeInput("old", null, t(11));
    assertThat(store.get("old")).isNull();
    clock(t(20));
    assertThat(member(only(), "cart").getSuppressed()).as("the silence was expired").isFalse();
  }

  // ---- flapping ------------------------------------------------------------------------------

  @Test
  void aFlappingAlertEscalatesOnce() {
    // flapping: more than 2 changes within 30m; resolve-after 5m
    startDriver(CorrelatorSettings.defaults(), rules("flap-threshold: 2"));
    send(firing("cart", "cartservice", Severity.HIGH, t(0)));
    String id = only().getId();
    clock(t(30));
    assertThat(kinds()).containsExactly(EscalationKind.OPENED);

    send(resolved("cart", "cartservice", Severity.HIGH, t(0), t(60)),
        firing("cart", "cartservice", Severity.HIGH, t(90)),
        resolved("cart", "cartservice", Severity.HIGH, t(90), t(120)));
    assertThat(member(incidents.get(id), "cart").getFlapping()).as("the third change").isTrue();
    assertThat(timeline(incidents.get(id))).anyMatch(d -> d.contains("flapping"));

    // without the flap, the incident would resolve 5 minutes after the last resolve (t=420), and
    // every later firing would reopen it and page again
    clock(t(500));
    assertThat(incidents.get(id).getStatus()).isEqualTo(IncidentStatus.OPEN);
    for (int k = 0; k < 2; k++) {
      long at = 600 + 300L * k;
      send(firing("cart", "cartservice", Severity.HIGH, t(at)),
          resolved("cart", "cartservice", Severity.HIGH, t(at), t(at + 60)));
      clock(t(at + 61 + 250));
    }
    assertThat(incidents.get(id).getStatus()).isEqualTo(IncidentStatus.OPEN);
    assertThat(kinds()).containsExactly(EscalationKind.OPENED);
    clock(t(2000));
    assertThat(member(incidents.get(id), "cart").getFlapping()).isTrue();
    assertThat(kinds()).containsExactly(EscalationKind.OPENED);

    // changes at 900 and 960 are the last two: at 660 + 30m the window holds two, no longer more than 2
    clock(t(660 + 1800));
    Incident calm = incidents.get(id);
    assertThat(member(calm, "cart").getFlapping()).isFalse();
    assertThat(calm.getStatus()).isEqualTo(IncidentStatus.RESOLVED);
    assertThat(calm.getResolvedAt()).as("quiet since the last resolve, plus resolve-after").isEqualTo(t(960 + 300));
    assertThat(kinds()).containsExactly(EscalationKind.OPENED, EscalationKind.RESOLVED);
  }

  // ---- inhibition ----------------------------------------------------------------------------

  @Test
  void anInhibitionRuleWithEqualLabelsSuppressesOnlyMatchingTargets() {
    startDriver(CorrelatorSettings.defaults(), rules("""
        inhibit-rules:
          - name: redis-down
            source_matchers: ['alertname="RedisDown"']
            target_matchers: ['severity="warning"']
            equal: [cluster]
        """));
    Map<String, String> eu = Map.of("cluster", "eu", "severity", "warning");
    Map<String, String> us = Map.of("cluster", "us", "severity", "warning");
    // a warning in eu before its source fires: its own incident, muted once the source fires
    send(alert("email", "emailservice", "HighLatency", Severity.WARNING, eu, AlertStatus.FIRING, t(0), null));
    send(alert("redis", "redis-cart", "RedisDown", Severity.CRITICAL, Map.of("cluster", "eu", "severity", "critical"),
        AlertStatus.FIRING, t(5), null));
    // a warning in eu after it: joins the source's incident (3 hops away, too far to join by topology)
    send(alert("pay", "paymentservice", "HighLatency", Severity.WARNING, eu, AlertStatus.FIRING, t(10), null));
    // a warning in us: another cluster, not inhibited
    send(alert("ads", "adservice", "HighLatency", Severity.WARNING, us, AlertStatus.FIRING, t(15), null));

    Incident source = incidentOf("redis");
    assertThat(member(source, "pay").getSuppressedBy()).isEqualTo("inhibit:redis-down");
    assertThat(member(source, "redis").getSuppressed()).isFalse();
    assertThat(source.getSuppressed()).isFalse();
    Incident early = incidentOf("email");
    assertThat(early.getId()).isNotEqualTo(source.getId());
    assertThat(member(early, "email").getSuppressedBy()).isEqualTo("inhibit:redis-down");
    assertThat(early.getSuppressed()).isTrue();
    Incident other = incidentOf("ads");
    assertThat(member(other, "ads").getSuppressed()).isFalse();
    assertThat(live()).hasSize(3);

    clock(t(60));
    assertThat(escalationKinds()).containsExactlyInAnyOrder(source.getId() + ":OPENED", other.getId() + ":OPENED");

    // the source resolves: the early warning is no longer inhibited and pages now
    send(alert("redis", "redis-cart", "RedisDown", Severity.CRITICAL, Map.of("cluster", "eu", "severity", "critical"),
        AlertStatus.RESOLVED, t(5), t(100)));
    assertThat(incidentOf("email").getSuppressed()).isFalse();
    clock(t(101));
    assertThat(escalationKinds()).containsExactlyInAnyOrder(source.getId() + ":OPENED", other.getId() + ":OPENED",
        early.getId() + ":OPENED");
  }

  // ---- statistics ----------------------------------------------------------------------------

  private static final Instant MONDAY = Instant.parse("2025-03-03T00:00:00Z");
  private static final Instant NEXT_MONDAY = Instant.parse("2025-03-10T00:00:00Z");

  private static Instant at(String dayAndTime) {
    return Instant.parse(dayAndTime + "Z");
  }

  private String openedBy(String fp) {
    return incidentOf(fp).getId();
  }

  private Map<String, Optional<String>> owners() {
    Map<String, Optional<String>> owners = new HashMap<>();
    Boutique.nodes().forEach(n -> owners.put(n.getName(), Optional.of(n.getOwner())));
    return owners;
  }

  private IncidentStats.Result statsFromStores(IncidentStats.Query query) {
    WindowStore<String, byte[]> milestones = driver.getWindowStore(CorrelatorStores.STATS_INCIDENTS);
    WindowStore<String, byte[]> changeLog = driver.getWindowStore(CorrelatorStores.STATS_CHANGES);
    Map<String, Optional<String>> owners = owners();
    return StatsRecords.combine(List.of(StatsRecords.read(milestones, changeLog, query,
            RulesSettings.DEFAULT_CHANGE_LOOKBACK)))
        .compute(query, s -> owners.getOrDefault(s, Optional.empty()));
  }

  /**
   * A recorded week, played through the topology: six incidents (the last one opened just after the
   * week) and six changes, escalations at the wall-clock instants the clock is moved to, acks and
   * resolves by command. The expected numbers are worked out by hand in the comments.
   */
  @Test
  void statsOverARecordedWeekOfIncidentsMatchHandComputedValues() {
    startDriver(CorrelatorSettings.defaults(), RulesSettings.defaults(), at("2025-03-02T00:00:00"));
    change(changeEvent("c0", "paymentservice", ChangeKind.DEPLOY, "v0", "ci", at("2025-03-02T20:00:00")),
        at("2025-03-02T20:00:00"));
    // i1 Mon: payments CRITICAL at 10:00, paged 10:02, acked 10:05, resolved 10:40; c1 deployed at 09:55
    change(changeEvent("c1", "paymentservice", ChangeKind.DEPLOY, "v1", "ci", at("2025-03-03T09:55:00")),
        at("2025-03-03T09:55:00"));
    send(firing("i1", "paymentservice", Severity.CRITICAL, at("2025-03-03T10:00:00")));
    clock(at("2025-03-03T10:02:00"));
    apply(command("a1", openedBy("i1"), CommandKind.ACK, at("2025-03-03T10:05:00")));
    apply(command("r1", openedBy("i1"), CommandKind.RESOLVE, at("2025-03-03T10:40:00")));
    // i2 Tue: cart HIGH at 09:00, paged 09:01, acked 09:11, resolved 10:00
    send(firing("i2", "cartservice", Severity.HIGH, at("2025-03-04T09:00:00")));
    clock(at("2025-03-04T09:01:00"));
    apply(command("a2", openedBy("i2"), CommandKind.ACK, at("2025-03-04T09:11:00")));
    apply(command("r2", openedBy("i2"), CommandKind.RESOLVE, at("2025-03-04T10:00:00")));
    // i3 Wed: email WARNING at 14:00, paged 14:04, never acked, resolved 14:30; c3 (12:00) is 2h early
    change(changeEvent("c3", "emailservice", ChangeKind.DEPLOY, "v3", "ci", at("2025-03-05T12:00:00")),
        at("2025-03-05T12:00:00"));
    send(firing("i3", "emailservice", Severity.WARNING, at("2025-03-05T14:00:00")));
    clock(at("2025-03-05T14:04:00"));
    apply(command("r3", openedBy("i3"), CommandKind.RESOLVE, at("2025-03-05T14:30:00")));
    // i4 Thu: shipping INFO at 08:00, resolved 20 s later: transient, never paged, auto-resolved 08:05:20
    send(firing("i4", "shippingservice", Severity.INFO, at("2025-03-06T08:00:00")),
        resolved("i4", "shippingservice", Severity.INFO, at("2025-03-06T08:00:00"), at("2025-03-06T08:00:20")));
    clock(at("2025-03-06T08:01:00"));
    change(changeEvent("c4", "checkoutservice", ChangeKind.CONFIG, "v4", "ci", at("2025-03-06T12:00:00")),
        at("2025-03-06T12:00:00"));
    // i5 Fri: payments HIGH at 16:00, paged 16:03, acked 16:04, still open; c5 deployed 15:40
    change(changeEvent("c5", "paymentservice", ChangeKind.DEPLOY, "v5", "ci", at("2025-03-07T15:40:00")),
        at("2025-03-07T15:40:00"));
    send(firing("i5", "paymentservice", Severity.HIGH, at("2025-03-07T16:00:00")));
    clock(at("2025-03-07T16:03:00"));
    apply(command("a5", openedBy("i5"), CommandKind.ACK, at("2025-03-07T16:04:00")));
    // i6 next Monday 00:10 on adservice (too far from payments to join i5), c6 deployed Sunday 23:50
    change(changeEvent("c6", "adservice", ChangeKind.DEPLOY, "v6", "ci", at("2025-03-09T23:50:00")),
        at("2025-03-09T23:50:00"));
    send(firing("i6", "adservice", Severity.CRITICAL, at("2025-03-10T00:10:00")));
    clock(at("2025-03-10T00:11:00"));

    assertThat(kinds()).as("five pages").filteredOn(k -> k == EscalationKind.OPENED).hasSize(5);
    assertThat(incidentOf("i6").getSuspectChanges()).extracting(SuspectChange::getChangeId).containsExactly("c6");
    // closed incidents left the incident stores a day after they closed; their milestones stay
    StatsRecords records = StatsRecords.read(driver.getWindowStore(CorrelatorStores.STATS_INCIDENTS),
        driver.getWindowStore(CorrelatorStores.STATS_CHANGES), new IncidentStats.Query(MONDAY, NEXT_MONDAY, null,
            null), RulesSettings.DEFAULT_CHANGE_LOOKBACK);
    assertThat(records.incidents()).hasSize(6);
    IncidentMilestones transientOne = records.incidents().stream()
        .filter(m -> m.services().equals(List.of("shippingservice"))).findFirst().orElseThrow();
    assertThat(transientOne.escalatedAt()).isNull();
    assertThat(transientOne.resolvedAt()).isEqualTo(at("2025-03-06T08:05:20"));

    IncidentStats.Result week = statsFromStores(new IncidentStats.Query(MONDAY, NEXT_MONDAY, null, null));
    // i1..i5 opened in the week; i6 opened after it
    assertThat(week.incidents()).isEqualTo(5);
    assertThat(week.bySeverity()).containsEntry("critical", 1).containsEntry("high", 2).containsEntry("warning", 1)
        .containsEntry("info", 1).containsEntry("unknown", 0);
    // MTTD (paged - first alert): 2, 1, 4, 3 min = 10 min / 4 = 150 s; sorted 1,2,3,4: p50 = 2nd, p90 = 4th
    assertThat(week.mttd()).isEqualTo(new IncidentStats.Spans(4, 150_000L, 120_000L, 240_000L));
    // MTTA (acked - paged): 3, 10, 1 min = 14 min / 3 = 280 s; sorted 1,3,10: p50 = 2nd, p90 = 3rd
    assertThat(week.mtta()).isEqualTo(new IncidentStats.Spans(3, 280_000L, 180_000L, 600_000L));
    // MTTR (resolved - first alert): 40 min, 60 min, 30 min, 5 min 20 s = 8,120 s / 4 = 2,030 s;
    // sorted 320 s, 30 min, 40 min, 60 min: p50 = 2nd, p90 = 4th
    assertThat(week.mttr()).isEqualTo(new IncidentStats.Spans(4, 2_030_000L, 1_800_000L, 3_600_000L));
    // changes in the week: c1 c3 c4 c5 c6 (c0 before it); suspects: c1 (i1), c5 (i5), c6 (i6, opened
    // 20 minutes after the week, within the lookback)
    assertThat(week.changeFailure()).isEqualTo(new IncidentStats.ChangeFailure(5, 3, 0.6));
    assertThat(week.changeFailureByService()).containsExactly(
        Map.entry("adservice", new IncidentStats.ChangeFailure(1, 1, 1.0)),
        Map.entry("checkoutservice", new IncidentStats.ChangeFailure(1, 0, 0.0)),
        Map.entry("emailservice", new IncidentStats.ChangeFailure(1, 0, 0.0)),
        Map.entry("paymentservice", new IncidentStats.ChangeFailure(2, 2, 1.0)));

    IncidentStats.Result payments = statsFromStores(new IncidentStats.Query(MONDAY, NEXT_MONDAY, null,
        "team-paymentservice"));
    // i1 and i5: MTTD 2 and 3 min, MTTA 3 and 1 min, MTTR 40 min (i5 is open)
    assertThat(payments.incidents()).isEqualTo(2);
    assertThat(payments.mttd()).isEqualTo(new IncidentStats.Spans(2, 150_000L, 120_000L, 180_000L));
    assertThat(payments.mtta()).isEqualTo(new IncidentStats.Spans(2, 120_000L, 60_000L, 180_000L));
    assertThat(payments.mttr()).isEqualTo(new IncidentStats.Spans(1, 2_400_000L, 2_400_000L, 2_400_000L));
    assertThat(payments.changeFailure()).isEqualTo(new IncidentStats.ChangeFailure(2, 2, 1.0));

    // the same milestones on the metrics: five paged incidents, one transient
    assertThat(meters.get("stormwatch.incident.mttd").timers().stream().mapToLong(t -> t.count()).sum())
        .isEqualTo(5);
    assertThat(counter("stormwatch.incidents.unpaged", "reason", "transient")).isEqualTo(1.0);
    assertThat(counter("stormwatch.incidents.opened", "severity", "critical")).isEqualTo(2.0);
  }

  /**
   * The recorded week of the pure statistics test ({@code rules/week-of-incidents.json}) written to the
   * statistics stores of two instances (with every change on both, as a change routed to two domains
   * is), read back and combined as {@code GET /api/stats} does: the hand-computed numbers of
   * {@code IncidentStatsTest}.
   */
  @Test
  void theRecordedWeekSpreadOverTwoInstancesGivesTheHandComputedStatistics() throws IOException {
    JsonNode doc;
    try (InputStream in = getClass().getResourceAsStream("/rules/week-of-incidents.json")) {
      doc = new ObjectMapper().readTree(in);
    }
    startDriver(CorrelatorSettings.defaults(), RulesSettings.defaults(), MONDAY);
    TopologyTestDriver first = driver;
    startDriver(CorrelatorSettings.defaults(), RulesSettings.defaults(), MONDAY);
    TopologyTestDriver second = driver;
    int n = 0;
    for (JsonNode i : doc.get("incidents")) {
      List<String> services = new ArrayList<>();
      i.get("services").forEach(s -> services.add(s.asText()));
      List<String> suspects = new ArrayList<>();
      i.get("suspectChanges").forEach(s -> suspects.add(s.asText()));
      IncidentMilestones m = new IncidentMilestones(i.get("id").asText(), services.get(0), i.get("team").asText(),
          Severity.valueOf(i.get("severity").asText()), services, instant(i, "firstAlertAt"), instant(i, "openedAt"),
          instant(i, "escalatedAt"), instant(i, "acknowledgedAt"), instant(i, "resolvedAt"),
          !i.get("mergedInto").isNull(), suspects);
      WindowStore<String, byte[]> store = (n++ % 2 == 0 ? first : second).getWindowStore(
          CorrelatorStores.STATS_INCIDENTS);
      store.put(m.id(), StatsCodec.bytes(StatsCodec.toJson(m)), m.openedAt().toEpochMilli());
    }
    for (JsonNode c : doc.get("changes")) {
      Change change = new Change(c.get("id").asText(), c.get("service").asText(),
          ChangeKind.valueOf(c.get("kind").asText()), null, c.get("version").asText(), c.get("author").asText(), null,
          null, instant(c, "time"));
      for (TopologyTestDriver d : List.of(first, second)) {
        WindowStore<String, byte[]> store = d.getWindowStore(CorrelatorStores.STATS_CHANGES);
        store.put(change.id(), StatsCodec.bytes(StatsCodec.toJson(change)), change.time().toEpochMilli());
      }
    }
    Map<String, String> owners = new HashMap<>();
    doc.get("owners").fields().forEachRemaining(e -> owners.put(e.getKey(), e.getValue().asText()));
    IncidentStats.Query query = new IncidentStats.Query(MONDAY, NEXT_MONDAY, null, null);
    List<StatsRecords> parts = new ArrayList<>();
    for (TopologyTestDriver d : List.of(first, second)) {
      // the fixture names c12 as a suspect of i21, 35 minutes before its onset: a change-lookback of 1h
      StatsRecords part = StatsRecords.read(d.getWindowStore(CorrelatorStores.STATS_INCIDENTS),
          d.getWindowStore(CorrelatorStores.STATS_CHANGES), query, Duration.ofHours(1));
      parts.add(StatsRecords.fromJson(part.toJson()));
    }
    IncidentStats.Result r = StatsRecords.combine(parts).compute(query, s -> Optional.ofNullable(owners.get(s)));
    // the numbers of IncidentStatsTest.theWholeWeek
    assertThat(r.incidents()).isEqualTo(19);
    assertThat(r.mttd()).isEqualTo(new IncidentStats.Spans(17, 137_647L, 120_000L, 240_000L));
    assertThat(r.mtta()).isEqualTo(new IncidentStats.Spans(14, 364_286L, 240_000L, 900_000L));
    assertThat(r.mttr()).isEqualTo(new IncidentStats.Spans(17, 2_851_765L, 2_100_000L, 7_200_000L));
    assertThat(r.changeFailure()).isEqualTo(new IncidentStats.ChangeFailure(12, 8, 8 / 12.0));
    IncidentStats.Result shop = StatsRecords.combine(parts).compute(new IncidentStats.Query(MONDAY, NEXT_MONDAY,
        null, "shop"), s -> Optional.ofNullable(owners.get(s)));
    assertThat(shop.incidents()).isEqualTo(9);
    assertThat(shop.changeFailure()).isEqualTo(new IncidentStats.ChangeFailure(5, 3, 0.6));
  }

  private static Instant instant(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : Instant.parse(v.asText());
  }

  @Test
  void everyNewStoreIsExplicitlyNamed() {
    String description = CorrelatorTopology.build(CorrelatorSettings.defaults(), RulesSettings.defaults(), topics,
        serdes, new CorrelatorMetrics(new SimpleMeterRegistry()), Duration.ofSeconds(1)).describe().toString();
    for (String store : List.of(CorrelatorStores.SILENCES, CorrelatorStores.INHIBIT_SOURCES,
        CorrelatorStores.FLAP_STATES, CorrelatorStores.CHANGES, CorrelatorStores.STATS_INCIDENTS,
        CorrelatorStores.STATS_CHANGES)) {
      assertThat(description).contains(store);
    }
    assertThat(description).contains("route-changes", "check-change", "read-silences", "write-silence-tombstones")
        .doesNotContain("KSTREAM-").doesNotContain("STATE-STORE");
  }
}
