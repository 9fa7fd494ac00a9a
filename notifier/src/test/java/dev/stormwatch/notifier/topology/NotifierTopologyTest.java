package dev.stormwatch.notifier.topology;

import static dev.stormwatch.notifier.testing.Fixtures.T0;
import static dev.stormwatch.notifier.testing.Fixtures.command;
import static dev.stormwatch.notifier.testing.Fixtures.event;
import static dev.stormwatch.notifier.testing.Fixtures.opened;
import static dev.stormwatch.notifier.testing.Fixtures.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.CommandKind;
import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.EscalationKind;
import dev.stormwatch.avro.IncidentCommand;
import dev.stormwatch.avro.PageAction;
import dev.stormwatch.avro.PageRequest;
import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.avro.Urgency;
import dev.stormwatch.avro.oncall.OnCallEntry;
import dev.stormwatch.common.kafka.DeadLetterHeaders;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.LocalSchemaRegistryClient;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.streams.DeadLetterExceptionHandlers;
import dev.stormwatch.notifier.NotifierSettings;
import dev.stormwatch.notifier.oncall.OnCallConfig;
import dev.stormwatch.notifier.oncall.OnCallEntries;
import dev.stormwatch.notifier.oncall.OnCallYaml;
import dev.stormwatch.notifier.testing.Fixtures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, item 10: timelines through the whole notifier topology on {@link TopologyTestDriver} with
 * the real Avro serdes (and an in-process registry). Event times are explicit; the wall clock starts
 * at {@link Fixtures#T0} (Monday 08:58 in Berlin, alice on call until 09:00, then bob) and only moves
 * when a test moves it.
 */
class NotifierTopologyTest {

  private final Topics topics = Topics.defaults();
  @TempDir Path stateDir;
  private LocalSchemaRegistryClient registry;
  private NotifierSerdes serdes;
  private SimpleMeterRegistry meters;
  private TopologyTestDriver driver;
  private TestInputTopic<String, OnCallEntry> oncall;
  private TestInputTopic<String, EscalationEvent> escalations;
  private TestInputTopic<String, IncidentCommand> commands;
  private TestOutputTopic<String, PageRequest> outbox;
  private TestOutputTopic<byte[], byte[]> dead;
  private final List<PageRequest> pages = new ArrayList<>();
  private long wallOffset;

  @BeforeEach
  void start() {
    registry = new LocalSchemaRegistryClient();
    serdes = NotifierSerdes.of(registry, AvroSerdeConfig.defaults());
    startDriver(NotifierSettings.defaults());
  }

  private void startDriver(NotifierSettings settings) {
    meters = new SimpleMeterRegistry();
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "notifier-timelines");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
    props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterExceptionHandlers.Deserialization.class);
    props.put(DeadLetterExceptionHandlers.DLQ_TOPIC, topics.deadLetters());
    props.put(DeadLetterExceptionHandlers.APP, NotifierTopology.APP);
    driver = new TopologyTestDriver(NotifierTopology.build(settings, topics, serdes, new NotifierMetrics(meters)),
        props, T0);
    oncall = driver.createInputTopic(topics.oncall(), new StringSerializer(), serdes.oncall().serializer());
    TestInputTopic<String, ServiceNode> services = driver.createInputTopic(topics.topology(), new StringSerializer(),
        serdes.services().serializer());
    escalations = driver.createInputTopic(topics.escalations(), new StringSerializer(),
        serdes.escalations().serializer());
    commands = driver.createInputTopic(topics.incidentCommands(), new StringSerializer(),
        serdes.commands().serializer());
    outbox = driver.createOutputTopic(topics.pagesOutbox(), new StringDeserializer(), serdes.pages().deserializer());
    dead = driver.createOutputTopic(topics.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    publish(Fixtures.config());
    for (ServiceNode n : Fixtures.services()) {
      services.pipeInput(n.getName(), n, T0);
    }
  }

  @AfterEach
  void stop() {
    driver.close();
    registry.close();
  }

  // ---- helpers -------------------------------------------------------------------------------

  private void publish(OnCallConfig config) {
    OnCallEntries.toEntries(config, "test", T0).forEach((key, entry) -> oncall.pipeInput(key, entry, T0));
  }

  private void send(EscalationEvent e) {
    escalations.pipeInput(e.getIncidentId(), e, e.getAt());
    drain();
  }

  private void apply(IncidentCommand c) {
    commands.pipeInput(c.getIncidentId(), c, c.getAt());
    drain();
  }

  /** Moves the wall clock to {@code at}; the driver punctuates once, at {@code at}. */
  private void clock(Instant at) {
    driver.advanceWallClockTime(Duration.between(T0, at).minusMillis(wallOffset));
    wallOffset = Duration.between(T0, at).toMillis();
    drain();
  }

  private void drain() {
    for (TestRecord<String, PageRequest> r : outbox.readRecordsToList()) {
      assertThat(r.key()).as("keyed by incident, so its pages stay in order").isEqualTo(r.value().getIncidentId());
      pages.add(r.value());
    }
  }

  private List<String> keys() {
    return pages.stream().map(PageRequest::getDedupKey).toList();
  }

  private List<String> takeKeys() {
    List<String> keys = keys();
    pages.clear();
    return keys;
  }

  private long size(String store) {
    KeyValueStore<String, Object> kv = driver.getKeyValueStore(store);
    long n = 0;
    try (KeyValueIterator<String, Object> it = kv.all()) {
      while (it.hasNext()) {
        it.next();
        n++;
      }
    }
    return n;
  }

  private double counter(String name, String... tags) {
    return meters.get(name).tags(tags).counter().count();
  }

  // ---- timelines -----------------------------------------------------------------------------

  @Test
  void level0IsPagedAtOnceAndWithoutAnAckLevel1FollowsAfterTheWait() {
    send(opened("inc-1", T0));
    assertThat(takeKeys()).containsExactly("inc-1:c0:l0:r0:alice:inbox:alice");
    clock(t(4.99));
    assertThat(pages).as("within the wait").isEmpty();
    clock(t(5));
    assertThat(takeKeys()).containsExactlyInAnyOrder("inc-1:c0:l1:r0:carol:inbox:carol",
        "inc-1:c0:l1:r0:carol:pagerduty:carol-service");
    assertThat(counter("stormwatch.notifier.pages", "urgency", "high", "level", "0")).isEqualTo(1.0);
    assertThat(counter("stormwatch.notifier.pages", "urgency", "high", "level", "1")).isEqualTo(2.0);
    assertThat(counter("stormwatch.notifier.level.timeouts", "outcome", "next_level")).isEqualTo(1.0);
    assertThat(counter("stormwatch.notifier.pages", "urgency", "low", "level", "4+")).as("pre-registered").isZero();
  }

  @Test
  void anAckStopsTheEscalationAtOnce() {
    send(opened("inc-1", T0));
    takeKeys();
    apply(command("ack-1", "inc-1", CommandKind.ACK, "alice", t(2)));
    assertThat(pages).singleElement().satisfies(p -> {
      assertThat(p.getAction()).isEqualTo(PageAction.ACKNOWLEDGE);
      assertThat(p.getDedupKey()).isEqualTo("inc-1:c0:l0:r0:alice:inbox:alice:acknowledge");
      assertThat(p.getBody()).startsWith("Acknowledged by alice via api");
    });
    pages.clear();
    clock(t(5));
    clock(t(30));
    assertThat(pages).as("no further levels").isEmpty();
    assertThat(counter("stormwatch.notifier.escalations", "outcome", "acknowledged")).isEqualTo(1.0);
  }

  @Test
  void aResolveNotifiesEveryonePagedAndTheStateLeavesAfterTheRetention() {
    send(opened("inc-1", T0));
    clock(t(5));
    takeKeys();
    send(event("inc-1", EscalationKind.RESOLVED, 2, Severity.CRITICAL, "checkoutservice", List.of(), t(6)));
    assertThat(pages).extracting(PageRequest::getAction).containsOnly(PageAction.RESOLVE);
    assertThat(takeKeys()).containsExactlyInAnyOrder("inc-1:c0:l0:r0:alice:inbox:alice:resolve",
        "inc-1:c0:l1:r0:carol:inbox:carol:resolve", "inc-1:c0:l1:r0:carol:pagerduty:carol-service:resolve");
    clock(t(30));
    assertThat(pages).isEmpty();
    assertThat(size(NotifierStores.ESCALATIONS)).isEqualTo(1);
    assertThat(size(NotifierStores.BUNDLES)).as("every window closed").isZero();
    clock(t(6).plus(NotifierSettings.DEFAULT_RETENTION));
    assertThat(size(NotifierStores.ESCALATIONS)).as("bounded: gone after the retention").isZero();
    assertThat(size(NotifierStores.ESCALATION_DEADLINES)).isZero();
    assertThat(size(NotifierStores.BUNDLE_DEADLINES)).isZero();
    assertThat(counter("stormwatch.notifier.escalations", "outcome", "expired")).isEqualTo(1.0);
  }

  @Test
  void twoMoreIncidentsForOnePersonWithinTheBundleWindowBecomeOneMessage() {
    send(opened("inc-1", T0));
    assertThat(takeKeys()).containsExactly("inc-1:c0:l0:r0:alice:inbox:alice");
    send(opened("inc-2", t(0.2)));
    send(event("inc-3", EscalationKind.OPENED, 1, Severity.HIGH, "cartservice", List.of("cartservice"), t(0.5)));
    assertThat(pages).as("held within the window").isEmpty();
    clock(t(1));
    assertThat(pages).singleElement().satisfies(bundle -> {
      assertThat(bundle.getDedupKey()).isEqualTo("bundle:alice:inbox:alice:" + T0.toEpochMilli());
      assertThat(bundle.getRecipient().getId()).isEqualTo("alice");
      assertThat(bundle.getTitle()).startsWith("2 incidents: ");
      assertThat(bundle.getBody()).contains("(inc-2, level 0", "(inc-3, level 0");
      assertThat(bundle.getSeverity()).isEqualTo(Severity.CRITICAL);
    });
    assertThat(counter("stormwatch.notifier.bundles", "outcome", "bundled")).isEqualTo(1.0);
    assertThat(counter("stormwatch.notifier.bundles", "outcome", "held")).isEqualTo(2.0);
  }

  @Test
  void aScheduleHandoffDuringAnOpenIncidentPagesTheNewOnCallPersonAtTheNextLevel() {
    // the platform policy's level 1 also targets the schedule (a live configuration change)
    publish(OnCallYaml.parse(replaced("- {wait: 5m, targets: [{person: carol}]}",
        "- {wait: 5m, targets: [{schedule: primary}, {person: carol}]}")));
    send(opened("inc-1", T0));
    assertThat(takeKeys()).containsExactly("inc-1:c0:l0:r0:alice:inbox:alice");
    clock(Fixtures.HANDOFF); // 09:00 in Berlin: bob takes over
    assertThat(pages).isEmpty();
    clock(t(5));
    assertThat(takeKeys()).containsExactlyInAnyOrder("inc-1:c0:l1:r0:bob:inbox:bob",
        "inc-1:c0:l1:r0:carol:inbox:carol", "inc-1:c0:l1:r0:carol:pagerduty:carol-service");
  }

  @Test
  void aWarningGoesToTheTeamChatOnly() {
    send(event("inc-7", EscalationKind.OPENED, 1, Severity.WARNING, "checkoutservice", List.of("checkoutservice"), T0));
    assertThat(pages).singleElement().satisfies(p -> {
      assertThat(p.getRecipient().getId()).isEqualTo("team:platform");
      assertThat(p.getRecipient().getChannel()).isEqualTo(ChannelType.SLACK);
      assertThat(p.getRecipient().getAddress()).isEqualTo("platform-alerts");
      assertThat(p.getUrgency()).isEqualTo(Urgency.LOW);
    });
    pages.clear();
    clock(t(5));
    clock(t(30));
    assertThat(pages).as("nobody is paged").isEmpty();
    assertThat(counter("stormwatch.notifier.pages", "urgency", "low", "level", "0")).isEqualTo(1.0);
    assertThat(counter("stormwatch.notifier.pages", "urgency", "high", "level", "0")).isZero();
  }

  @Test
  void aReplayedEscalationEventPagesNobodyTwice() {
    EscalationEvent open = opened("inc-1", T0);
    send(open);
    send(open);
    clock(t(2));
    send(open);
    assertThat(takeKeys()).containsExactly("inc-1:c0:l0:r0:alice:inbox:alice");
    IncidentCommand ack = command("ack-1", "inc-1", CommandKind.ACK, "alice", t(3));
    apply(ack);
    apply(ack);
    assertThat(takeKeys()).containsExactly("inc-1:c0:l0:r0:alice:inbox:alice:acknowledge");
    assertThat(counter("stormwatch.notifier.escalations", "outcome", "duplicate")).isEqualTo(3.0);
  }

  @Test
  void aRecordNotKeyedByItsIncidentGoesToTheDeadLetterTopicAndTheRestGoesOn() {
    EscalationEvent stray = opened("inc-1", T0);
    escalations.pipeInput("inc-other", stray, T0);
    TestRecord<byte[], byte[]> letter = dead.readRecord();
    assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo("inc-other");
    assertThat(serdes.escalations().deserializer().deserialize(topics.escalations(), letter.value()))
        .isEqualTo(stray);
    assertThat(header(letter, DeadLetterHeaders.REASON)).isEqualTo("escalation inc-1:OPENED:1 is keyed 'inc-other'"
        + " but is about incident 'inc-1': escalations must be keyed by incident id");
    assertThat(header(letter, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(topics.escalations());
    assertThat(header(letter, DeadLetterHeaders.APP)).isEqualTo("notifier");
    commands.pipeInput("inc-1", null, T0);
    assertThat(header(dead.readRecord(), DeadLetterHeaders.REASON)).isEqualTo("a command record without a value");
    assertThat(counter("stormwatch.notifier.rejected", "input", "escalation")).isEqualTo(1.0);
    assertThat(counter("stormwatch.notifier.rejected", "input", "command")).isEqualTo(1.0);

    send(opened("inc-1", T0));
    assertThat(takeKeys()).containsExactly("inc-1:c0:l0:r0:alice:inbox:alice");
  }

  @Test
  void anUndecodableRecordGoesToTheDeadLetterTopic() {
    TestInputTopic<String, byte[]> raw = driver.createInputTopic(topics.escalations(), new StringSerializer(),
        new ByteArraySerializer());
    raw.pipeInput("inc-1", "not avro".getBytes(StandardCharsets.UTF_8), T0);
    TestRecord<byte[], byte[]> letter = dead.readRecord();
    assertThat(new String(letter.value(), StandardCharsets.UTF_8)).isEqualTo("not avro");
    assertThat(header(letter, DeadLetterHeaders.REASON)).startsWith("cannot deserialize");
    send(opened("inc-1", T0));
    assertThat(pages).hasSize(1);
  }

  @Test
  void reachingACapIsCountedAndTheReasonLogged() {
    driver.close();
    NotifierSettings d = NotifierSettings.defaults();
    startDriver(new NotifierSettings(d.bundleWindow(), d.bundleChannels(), 1, d.retention(), d.staleAfter(),
        d.punctuateEvery(), 2));
    send(opened("inc-1", T0));
    clock(t(5)); // carol, with two contact methods: the state remembers alice and one of them
    assertThat(counter("stormwatch.notifier.caps", "cap", "paged_per_incident")).isEqualTo(1.0);
    // bob's window (he is on call since 09:00): inc-2 goes out, inc-3 is held, inc-4 and inc-5 only counted
    send(opened("inc-2", t(5.1)));
    send(opened("inc-3", t(5.2)));
    send(opened("inc-4", t(5.3)));
    send(opened("inc-5", t(5.4)));
    assertThat(counter("stormwatch.notifier.caps", "cap", "bundled_incidents")).isEqualTo(2.0);
    pages.clear();
    clock(t(6.1));
    assertThat(pages).singleElement().satisfies(p -> assertThat(p.getBody()).contains("(inc-3, level 0")
        .endsWith("- and 2 more\n"));
  }

  @Test
  void everyProcessorStoreAndTopicIsNamed() {
    TopologyDescription description = NotifierTopology.build(NotifierSettings.defaults(), topics, serdes,
        new NotifierMetrics(new SimpleMeterRegistry())).describe();
    List<String> names = new ArrayList<>();
    description.subtopologies().forEach(s -> s.nodes().forEach(n -> names.add(n.name())));
    description.globalStores().forEach(g -> names.add(g.processor().name()));
    assertThat(names).noneMatch(n -> n.matches(".*-\\d{10}$")).contains("escalate", "bundle", "write-pages",
        "read-escalations", "read-commands", "dead-letter-input");
    assertThat(description.toString()).contains(NotifierTopology.REPARTITION, NotifierStores.ESCALATIONS,
        NotifierStores.BUNDLES, NotifierStores.ONCALL);
  }

  /** The fixture's YAML with one piece replaced (which must be there). */
  private static String replaced(String piece, String by) {
    assertThat(Fixtures.YAML).contains(piece);
    return Fixtures.YAML.replace(piece, by);
  }

  private static String header(TestRecord<byte[], byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }

  @Test
  void aConfigurationReloadTakesEffectForTheNextIncident() {
    publish(OnCallYaml.parse(replaced("participants: [alice, bob]", "participants: [bob, alice]")));
    send(opened("inc-1", T0));
    assertThat(takeKeys()).containsExactly("inc-1:c0:l0:r0:bob:inbox:bob");
    // a tombstone deletes the schedule: level 0 has nobody, so level 1 is paged at once
    oncall.pipeInput("schedule/primary", null, T0);
    send(opened("inc-2", t(3)));
    assertThat(takeKeys()).containsExactlyInAnyOrder("inc-2:c0:l1:r0:carol:inbox:carol",
        "inc-2:c0:l1:r0:carol:pagerduty:carol-service");
  }
}
