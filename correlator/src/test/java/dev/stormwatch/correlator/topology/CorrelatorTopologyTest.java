package dev.stormwatch.correlator.topology;

import static dev.stormwatch.correlator.topology.Boutique.T0;
import static dev.stormwatch.correlator.topology.Boutique.command;
import static dev.stormwatch.correlator.topology.Boutique.firing;
import static dev.stormwatch.correlator.topology.Boutique.resolved;
import static dev.stormwatch.correlator.topology.Boutique.t;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.AlertSummary;
import dev.stormwatch.avro.CommandKind;
import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.EscalationKind;
import dev.stormwatch.avro.Incident;
import dev.stormwatch.avro.IncidentCommand;
import dev.stormwatch.avro.IncidentStatus;
import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.common.kafka.DeadLetterHeaders;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.correlator.domain.CorrelatorSettings;
import dev.stormwatch.testkit.KafkaIntegrationTest;
import dev.stormwatch.testkit.KafkaTestEnv;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4, item 14: timelines through the whole correlator topology on {@link TopologyTestDriver}
 * with the real Avro serdes and the embedded registry, over Online Boutique (one domain,
 * {@code component:adservice}). Event times are explicit; the wall clock starts at T0 and only moves
 * when a test moves it.
 */
@KafkaIntegrationTest
class CorrelatorTopologyTest {

  private static final String DOMAIN = "component:adservice";

  private final Topics topics = Topics.defaults();
  @TempDir Path stateDir;
  private SchemaRegistryClient client;
  private CorrelatorSerdes serdes;
  private SimpleMeterRegistry meters;
  private TopologyTestDriver driver;
  private TestInputTopic<String, AlertEvent> alerts;
  private TestInputTopic<String, IncidentCommand> commands;
  private TestOutputTopic<String, Incident> incidentsOut;
  private TestOutputTopic<String, EscalationEvent> escalationsOut;
  private TestOutputTopic<byte[], byte[]> dead;
  private final Map<String, Incident> incidents = new LinkedHashMap<>();
  private final List<EscalationEvent> escalations = new ArrayList<>();
  private final List<TestRecord<String, Incident>> published = new ArrayList<>();

  @BeforeEach
  void start(KafkaTestEnv kafka) {
    client = new RestSchemaRegistryClient(SchemaRegistryConfig.builder().urls(kafka.registryUrl()).build());
    serdes = CorrelatorSerdes.of(client, AvroSerdeConfig.defaults());
  }

  private void startDriver(CorrelatorSettings settings) {
    meters = new SimpleMeterRegistry();
    Topology topology = CorrelatorTopology.build(settings, topics, serdes, new CorrelatorMetrics(meters));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "correlator-timelines");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
    driver = new TopologyTestDriver(topology, props, T0);
    TestInputTopic<String, ServiceNode> graph = driver.createInputTopic(topics.topology(), new StringSerializer(),
        serdes.services().serializer());
    for (ServiceNode n : Boutique.nodes()) {
      graph.pipeInput(n.getName(), n, T0);
    }
    alerts = driver.createInputTopic(topics.normalized(), new StringSerializer(), serdes.alerts().serializer());
    commands = driver.createInputTopic(topics.incidentCommands(), new StringSerializer(),
        serdes.commands().serializer());
    incidentsOut = driver.createOutputTopic(topics.incidents(), new StringDeserializer(),
        serdes.incidents().deserializer());
    escalationsOut = driver.createOutputTopic(topics.escalations(), new StringDeserializer(),
        serdes.escalations().deserializer());
    dead = driver.createOutputTopic(topics.deadLetters(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    if (driver != null) {
      driver.close();
    }
    client.close();
  }

  // ---- helpers -------------------------------------------------------------------------------

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

  /** Moves the wall clock to {@code at}; the driver punctuates once, at {@code at}. */
  private void clock(Instant at) {
    driver.advanceWallClockTime(Duration.between(T0, at).minusMillis(wallOffset));
    wallOffset = Duration.between(T0, at).toMillis();
    drain();
  }

  private long wallOffset;

  /**
   * Collects the output, and sets {@link #incidents} to the incidents in state, oldest first. (The
   * {@code incidents} topic carries the same states, at most one punctuation later: see
   * {@link #theIncidentsTopicCarriesEveryStateCoalescedPerPunctuation}.)
   */
  private void drain() {
    published.addAll(incidentsOut.readRecordsToList());
    escalations.addAll(escalationsOut.readValuesToList());
    incidents.clear();
    stored().forEach(i -> incidents.put(i.getId(), i));
  }

  /** Every incident in the stores (header and members put together), oldest first. */
  private List<Incident> stored() {
    return StoredIncidents.of(driver);
  }

  /** Avro's equals cannot compare optional timestamps (Instant in a union); their JSON forms can. */
  private static void assertSameState(Incident actual, Incident expected) {
    assertThat(actual.toString()).isEqualTo(expected.toString());
  }

  /** The latest record of each key on the {@code incidents} topic (a tombstone removes the key). */
  private Map<String, Incident> publishedLatest() {
    Map<String, Incident> latest = new LinkedHashMap<>();
    for (TestRecord<String, Incident> r : published) {
      if (r.value() == null) {
        latest.remove(r.key());
      } else {
        latest.put(r.key(), r.value());
      }
    }
    return latest;
  }

  private List<Incident> live() {
    return incidents.values().stream().filter(i -> i.getMergedInto() == null).toList();
  }

  private Incident only() {
    assertThat(live()).hasSize(1);
    return live().get(0);
  }

  private List<String> escalationKinds() {
    return escalations.stream().map(e -> e.getIncidentId() + ":" + e.getKind()).toList();
  }

  private double counter(String name, String tag, String value) {
    return meters.get(name).tag(tag, value).counter().count();
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

  private boolean tracked(String fp) {
    return driver.getKeyValueStore(CorrelatorStores.ALERTS).get(fp) != null;
  }

  private boolean routed(String fp) {
    return driver.getKeyValueStore(CorrelatorStores.ALERT_ROUTES).get(fp) != null;
  }

  private static List<String> fingerprints(Incident i) {
    return i.getAlerts().stream().map(a -> a.getFingerprint()).toList();
  }

  // ---- timelines -----------------------------------------------------------------------------

  @Test
  void aDependencyFailsFirstAndItsDependentsAlertAfterIt() {
    startDriver(CorrelatorSettings.defaults());
    send(firing("redis", "redis-cart", Severity.HIGH, t(0)),
        firing("cart", "cartservice", Severity.HIGH, t(3)),
        firing("checkout", "checkoutservice", Severity.CRITICAL, t(7)),
        firing("front", "frontend", Severity.HIGH, t(9)));

    Incident incident = only();
    assertThat(incident.getId()).matches("inc-[0-9a-f]{8}-[0-9a-f]{16}");
    assertThat(incident.getDomain()).isEqualTo(DOMAIN);
    assertThat(fingerprints(incident)).containsExactlyInAnyOrder("redis", "cart", "checkout", "front");
    assertThat(incident.getSeverity()).isEqualTo(Severity.CRITICAL);
    assertThat(incident.getRootCauses().get(0).getService()).isEqualTo("redis-cart");
    assertThat(incident.getStatus()).isEqualTo(IncidentStatus.OPEN);

    clock(t(29));
    assertThat(escalations).as("group wait").isEmpty();
    clock(t(30));
    assertThat(escalationKinds()).containsExactly(incident.getId() + ":OPENED");
    assertThat(escalations.get(0).getRootCause()).isEqualTo("redis-cart");
    assertThat(incidents.get(incident.getId()).getEscalatedAt()).isEqualTo(t(30));
    assertThat(counter("stormwatch.correlator.incidents", "event", "opened")).isEqualTo(1.0);
    assertThat(counter("stormwatch.correlator.escalations", "kind", "opened")).isEqualTo(1.0);
  }

  @Test
  void theIncidentsTopicCarriesEveryStateCoalescedPerPunctuation() {
    startDriver(CorrelatorSettings.defaults());
    List<AlertEvent> storm = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      storm.add(firing("redis-" + i, "redis-cart", Severity.HIGH, t(0).plusMillis(i)));
    }
    send(storm.toArray(AlertEvent[]::new));
    String id = only().getId();
    assertThat(only().getAlerts()).hasSize(200);
    assertThat(published).as("the first state at once, the rest waits for the punctuation").hasSize(1);
    assertThat(published.get(0).value().getAlerts()).hasSize(1);

    clock(t(1));
    assertThat(published).as("one more record: the latest state").hasSize(2);
    assertThat(publishedLatest()).containsOnlyKeys(id);
    assertSameState(publishedLatest().get(id), only());

    send(firing("cart", "cartservice", Severity.HIGH, t(2)));
    assertThat(published).as("a change after the punctuation goes out at once").hasSize(3);
    assertSameState(publishedLatest().get(id), only());

    // resolved, quiet for resolve-after, then past retention: a tombstone
    List<AlertEvent> resolves = new ArrayList<>();
    storm.forEach(a -> resolves.add(resolved(a.getFingerprint(), a.getService(), Severity.HIGH, a.getStartsAt(), t(3))));
    resolves.add(resolved("cart", "cartservice", Severity.HIGH, t(2), t(3)));
    send(resolves.toArray(AlertEvent[]::new));
    clock(t(3).plus(CorrelatorSettings.defaults().resolveAfter()));
    assertThat(publishedLatest().get(id).getStatus()).isEqualTo(IncidentStatus.RESOLVED);
    assertSameState(publishedLatest().get(id), only());
    clock(t(4).plus(CorrelatorSettings.defaults().resolveAfter()).plus(CorrelatorSettings.defaults().retention()));
    assertThat(incidents).isEmpty();
    assertThat(publishedLatest()).as("the tombstone").isEmpty();
  }

  @Test
  void alertsOnAnUnrelatedBranchOpenASeparateIncident() {
    startDriver(CorrelatorSettings.defaults());
    send(firing("redis", "redis-cart", Severity.HIGH, t(0)),
        firing("pay", "paymentservice", Severity.HIGH, t(20)),
        firing("bill", "billing", Severity.HIGH, t(21)));
    assertThat(live()).hasSize(3);
    assertThat(live()).extracting(Incident::getDomain).containsExactlyInAnyOrder(DOMAIN, DOMAIN, "service:billing");
    assertThat(meters.get("stormwatch.correlator.unknown.services").counter().count()).isEqualTo(1.0);
    clock(t(60));
    assertThat(escalations).extracting(EscalationEvent::getKind).containsOnly(EscalationKind.OPENED).hasSize(3);
  }

  @Test
  void aDependencyThatNeverAlertsWhileAllItsCallersDoIsAnInferredCandidate() {
    startDriver(CorrelatorSettings.defaults());
    send(firing("checkout", "checkoutservice", Severity.HIGH, t(0)),
        firing("reco", "recommendationservice", Severity.HIGH, t(2)),
        firing("front", "frontend", Severity.CRITICAL, t(4)));
    Incident incident = only();
    assertThat(incident.getRootCauses().get(0).getService()).isEqualTo("productcatalogservice");
    assertThat(incident.getRootCauses().get(0).getInferred()).isTrue();
  }

  @Test
  void outOfOrderDeliveryGivesTheSameIncident() {
    startDriver(CorrelatorSettings.defaults());
    send(firing("front", "frontend", Severity.HIGH, t(9)),
        firing("checkout", "checkoutservice", Severity.CRITICAL, t(7)),
        firing("cart", "cartservice", Severity.HIGH, t(3)),
        firing("redis", "redis-cart", Severity.HIGH, t(0)));
    Incident incident = only();
    assertThat(fingerprints(incident)).containsExactlyInAnyOrder("redis", "cart", "checkout", "front");
    assertThat(incident.getRootCauses().get(0).getService()).isEqualTo("redis-cart");
    assertThat(incident.getFirstAlertAt()).isEqualTo(t(0));
    // a duplicate changes nothing and emits nothing
    long before = incidentsOut.getQueueSize();
    send(firing("cart", "cartservice", Severity.HIGH, t(3)));
    assertThat(incidentsOut.getQueueSize()).isEqualTo(before);
    assertThat(counter("stormwatch.correlator.alerts", "outcome", "unchanged")).isEqualTo(1.0);
  }

  @Test
  void aStormOf5000AlertsBecomesOneIncidentAndOneEscalation() {
    startDriver(CorrelatorSettings.defaults());
    List<String> services = Boutique.nodes().stream().map(ServiceNode::getName).toList();
    Random random = new Random(20250301L);
    List<AlertEvent> storm = new ArrayList<>();
    for (int i = 0; i < 5000; i++) {
      String service = services.get(random.nextInt(services.size()));
      storm.add(firing("storm-" + i, service, Severity.values()[1 + random.nextInt(4)],
          t(0).plusMillis(random.nextInt(20_000))));
    }
    storm.sort((a, b) -> a.getStartsAt().compareTo(b.getStartsAt()));
    for (int i = 0; i + 1 < storm.size(); i += 7) {
      Collections.swap(storm, i, i + 1);
    }
    for (int i = 0; i < storm.size(); i++) {
      AlertEvent e = storm.get(i);
      alerts.pipeInput(e.getFingerprint(), e, e.getStartsAt());
      if (i % 100 == 0) {
        drain();
      }
    }
    drain();
    assertThat(escalations).as("still in the group wait").isEmpty();
    clock(t(60));
    Incident incident = only();
    assertThat(incident.getAlertCount()).isEqualTo(5000);
    assertThat(incident.getAlerts()).hasSize(CorrelatorSettings.DEFAULT_MAX_ALERTS_PER_INCIDENT);
    assertThat(escalations).extracting(EscalationEvent::getKind).containsExactly(EscalationKind.OPENED);
    assertThat(escalations.get(0).getIncidentId()).isEqualTo(incident.getId());
    assertThat(counter("stormwatch.correlator.caps", "cap", "alerts_per_incident")).isGreaterThan(0.0);
  }

  @Test
  void anAlertBridgingTwoIncidentsMergesThem() {
    startDriver(CorrelatorSettings.defaults());
    send(firing("redis", "redis-cart", Severity.HIGH, t(0)), firing("pay", "paymentservice", Severity.WARNING, t(5)));
    assertThat(live()).hasSize(2);
    String oldest = incidents.keySet().iterator().next();
    send(firing("checkout", "checkoutservice", Severity.CRITICAL, t(10)));
    Incident survivor = only();
    assertThat(survivor.getId()).isEqualTo(oldest);
    assertThat(fingerprints(survivor)).containsExactlyInAnyOrder("redis", "pay", "checkout");
    Incident merged = incidents.values().stream().filter(i -> i.getMergedInto() != null).findFirst().orElseThrow();
    assertThat(merged.getMergedInto()).isEqualTo(oldest);
    // the moved alert's resolve reaches the survivor
    send(resolved("pay", "paymentservice", Severity.WARNING, t(5), t(20)));
    assertThat(incidents.get(oldest).getAlerts()).filteredOn(a -> a.getFingerprint().equals("pay"))
        .extracting(a -> a.getEndsAt()).containsExactly(t(20));
    clock(t(60));
    assertThat(escalationKinds()).as("the merged incident never pages").containsExactly(oldest + ":OPENED");
    // a command on the merged incident is redirected to the survivor
    apply(command("c-m", merged.getId(), CommandKind.ACK, t(61)));
    assertThat(incidents.get(oldest).getStatus()).isEqualTo(IncidentStatus.ACKNOWLEDGED);
    assertThat(counter("stormwatch.correlator.incidents", "event", "merged")).isEqualTo(1.0);
  }

  @Test
  void resolveAfterQuietReopenAckAndResolveByCommand() {
    startDriver(CorrelatorSettings.defaults());
    send(firing("cart", "cartservice", Severity.HIGH, t(0)));
    String id = only().getId();
    clock(t(30));
    assertThat(escalationKinds()).containsExactly(id + ":OPENED");

    apply(command("c-1", id, CommandKind.ACK, t(45)));
    assertThat(incidents.get(id).getStatus()).isEqualTo(IncidentStatus.ACKNOWLEDGED);
    assertThat(incidents.get(id).getAcknowledgedBy()).isEqualTo("alice");
    apply(command("c-1", id, CommandKind.ACK, t(46)));
    assertThat(counter("stormwatch.correlator.commands", "result", "ignored")).isEqualTo(1.0);

    send(resolved("cart", "cartservice", Severity.HIGH, t(0), t(100)));
    clock(t(399));
    assertThat(incidents.get(id).getStatus()).isEqualTo(IncidentStatus.ACKNOWLEDGED);
    clock(t(401));
    assertThat(incidents.get(id).getStatus()).isEqualTo(IncidentStatus.RESOLVED);
    assertThat(incidents.get(id).getResolvedAt()).as("at the due time").isEqualTo(t(400));
    assertThat(escalationKinds()).endsWith(id + ":RESOLVED");

    send(firing("front", "frontend", Severity.HIGH, t(400 + 600)));
    assertThat(incidents.get(id).getStatus()).isEqualTo(IncidentStatus.REOPENED);
    assertThat(escalationKinds()).endsWith(id + ":REOPENED");

    apply(command("c-2", id, CommandKind.RESOLVE, t(1100)));
    assertThat(incidents.get(id).getStatus()).isEqualTo(IncidentStatus.RESOLVED);
    assertThat(incidents.get(id).getResolvedBy()).isEqualTo("alice");
    assertThat(escalationKinds()).endsWith(id + ":RESOLVED");
    assertThat(counter("stormwatch.correlator.commands", "result", "applied")).isEqualTo(2.0);

    // after the retention it leaves state: a tombstone, and no deadline is left behind
    clock(t(1100).plus(CorrelatorSettings.DEFAULT_RETENTION).plusSeconds(1));
    assertThat(incidents).doesNotContainKey(id);
    KeyValueStore<String, String> deadlines = driver.getKeyValueStore(CorrelatorStores.DEADLINES);
    try (KeyValueIterator<String, String> it = deadlines.all()) {
      assertThat(it.hasNext()).isFalse();
    }
    assertThat(driver.getKeyValueStore(CorrelatorStores.INCIDENTS).get(id)).isNull();
  }

  @Test
  void aCommandWithAMalformedIdIsDeadLetteredWithTheReason() {
    startDriver(CorrelatorSettings.defaults());
    commands.pipeInput("inc-0123456789abcdef", command("c-9", "inc-0123456789abcdef", CommandKind.ACK, t(1)), t(1));
    List<TestRecord<byte[], byte[]>> letters = dead.readRecordsToList();
    assertThat(letters).hasSize(1);
    String reason = new String(letters.get(0).headers().lastHeader(DeadLetterHeaders.REASON).value(),
        StandardCharsets.UTF_8);
    assertThat(reason).contains("malformed incident id 'inc-0123456789abcdef'");
    assertThat(new String(letters.get(0).key(), StandardCharsets.UTF_8)).isEqualTo("inc-0123456789abcdef");
    assertThat(serdes.commands().deserializer().deserialize(topics.incidentCommands(), letters.get(0).value())
        .getId()).isEqualTo("c-9");
    assertThat(counter("stormwatch.correlator.commands", "result", "rejected")).isEqualTo(1.0);
    // a well-formed id of an incident that does not exist is ignored, not dead-lettered
    apply(command("c-10", "inc-01234567-0123456789abcdef", CommandKind.ACK, t(2)));
    assertThat(dead.isEmpty()).isTrue();
    assertThat(counter("stormwatch.correlator.commands", "result", "ignored")).isEqualTo(1.0);
  }

  @Test
  void capsAreReachedCountedAndKeptBounded() {
    startDriver(CorrelatorSettings.defaults().withMaxAlertsPerIncident(3).withMaxTimelineEntries(2)
        .withMaxOpenIncidentsPerDomain(1));
    for (int i = 0; i < 5; i++) {
      send(firing("cart-" + i, "redis-cart", Severity.HIGH, t(i)));
    }
    Incident incident = only();
    assertThat(incident.getAlertCount()).isEqualTo(5);
    assertThat(incident.getAlerts()).hasSize(3);
    assertThat(incident.getTimeline()).as("opened, joined, counted-not-kept: one dropped").hasSize(2);
    send(firing("pay", "paymentservice", Severity.HIGH, t(10)));
    assertThat(live()).hasSize(1);
    assertThat(counter("stormwatch.correlator.caps", "cap", "alerts_per_incident")).isGreaterThan(0.0);
    assertThat(counter("stormwatch.correlator.caps", "cap", "timeline_entries")).isGreaterThan(0.0);
    assertThat(counter("stormwatch.correlator.caps", "cap", "open_incidents_per_domain")).isEqualTo(1.0);
    assertThat(counter("stormwatch.correlator.alerts", "outcome", "dropped")).isEqualTo(1.0);
  }

  @Test
  void catchingUpOnABacklogTheGroupWaitRunsFromWhenTheCorrelatorSawTheStorm() {
    // the correlator was down for ten minutes: the storm waits in its input, callers' alerts first
    // (one router's backlog ran ahead), redis-cart's own alert later, its event time the earliest
    startDriver(CorrelatorSettings.defaults());
    clock(t(600));
    List<String> callers = List.of("cartservice", "checkoutservice", "frontend");
    for (int i = 0; i < 60; i++) {
      send(firing("caller-" + i, callers.get(i % 3), Severity.HIGH, t(1 + i)));
    }
    assertThat(escalations).as("60 s of the storm's event time passed, but not the group wait since it"
        + " reached the correlator").isEmpty();
    send(firing("redis", "redis-cart", Severity.CRITICAL, t(0)));
    // due a group wait after the correlator saw it, less the one second of arrival slack
    clock(t(600 + 28));
    assertThat(escalations).isEmpty();
    clock(t(600 + 29));
    assertThat(escalations).extracting(EscalationEvent::getKind).containsExactly(EscalationKind.OPENED);
    assertThat(escalations.get(0).getRootCause()).isEqualTo("redis-cart");
  }

  @Test
  void theFailingDependencysAlertArrivingAfterTheMemberCapIsStillKeptAndRankedFirst() {
    // its callers' alerts fill the incident first (they reached us sooner), then redis-cart's own
    startDriver(CorrelatorSettings.defaults().withMaxAlertsPerIncident(4));
    List<String> callers = List.of("cartservice", "checkoutservice", "frontend");
    for (int i = 0; i < 9; i++) {
      send(firing("caller-" + i, callers.get(i % 3), Severity.HIGH, t(10 + i)));
    }
    send(firing("redis", "redis-cart", Severity.CRITICAL, t(0)));
    Incident incident = only();
    assertThat(incident.getAlertCount()).isEqualTo(10);
    assertThat(incident.getAlerts()).extracting(AlertSummary::getService).contains("redis-cart");
    assertThat(incident.getRootCauses().get(0).getService()).isEqualTo("redis-cart");
    assertThat(incident.getSeverity()).isEqualTo(Severity.CRITICAL);
    // a service already kept at that severity does not grow the incident past the cap; a more
    // severe alert on it does, once
    send(firing("caller-late", "cartservice", Severity.HIGH, t(30)));
    assertThat(only().getAlerts()).hasSize(5);
    assertThat(only().getAlertCount()).isEqualTo(11);
    send(firing("caller-critical", "frontend", Severity.CRITICAL, t(31)),
        firing("caller-critical-2", "frontend", Severity.CRITICAL, t(32)));
    assertThat(only().getAlerts()).hasSize(6).extracting(AlertSummary::getFingerprint).contains("caller-critical");
    assertThat(only().getAlertCount()).isEqualTo(13);
  }

  @Test
  void everyStoreAndInternalTopicIsExplicitlyNamed() {
    startDriver(CorrelatorSettings.defaults());
    String description = CorrelatorTopology.build(CorrelatorSettings.defaults(), topics, serdes,
        new CorrelatorMetrics(new SimpleMeterRegistry())).describe().toString();
    for (String store : List.of(CorrelatorStores.TOPOLOGY, CorrelatorStores.ALERT_ROUTES, CorrelatorStores.ALERTS,
        CorrelatorStores.ALERT_INCIDENT, CorrelatorStores.INCIDENTS, CorrelatorStores.DOMAIN_INDEX,
        CorrelatorStores.DEADLINES, CorrelatorStores.ALERT_EXPIRY, CorrelatorStores.ALERT_ROUTE_EXPIRY)) {
      assertThat(description).contains(store);
    }
    assertThat(description).contains(CorrelatorTopology.REPARTITION + "-repartition")
        .doesNotContain("KSTREAM-REPARTITION").doesNotContain("STATE-STORE");
  }

  @Test
  void aTopologyChangeMovesNewEpisodesOnly() {
    startDriver(CorrelatorSettings.defaults());
    send(firing("pay", "paymentservice", Severity.HIGH, t(0)));
    String old = only().getId();
    TestInputTopic<String, ServiceNode> graph = driver.createInputTopic(topics.topology(), new StringSerializer(),
        serdes.services().serializer());
    ServiceNode moved = Boutique.nodes().stream().filter(n -> n.getName().equals("paymentservice")).findFirst()
        .orElseThrow();
    moved.setSystem("payments");
    graph.pipeInput("paymentservice", moved, t(1));
    send(resolved("pay", "paymentservice", Severity.HIGH, t(0), t(60)));
    assertThat(incidents.get(old).getAlerts().get(0).getEndsAt()).as("the episode follows its route").isEqualTo(t(60));
    send(firing("pay-2", "paymentservice", Severity.HIGH, t(90)));
    assertThat(live()).extracting(Incident::getDomain).containsExactlyInAnyOrder(DOMAIN, "payments");
    assertThat(meters.get("stormwatch.correlator.domain.moves").counter().count()).isEqualTo(1.0);
  }

  // ---- bounded per-alert state ---------------------------------------------------------------

  @Test
  void anAlertThatNeverJoinedAnIncidentLeavesTheStoresAfterItsLifetime() {
    startDriver(CorrelatorSettings.defaults().withMaxOpenIncidentsPerDomain(1));
    Duration retention = CorrelatorSettings.DEFAULT_RETENTION;
    send(firing("redis", "redis-cart", Severity.HIGH, t(0)));
    // an ignored resolve (in no incident) and an alert dropped at the open-incidents cap
    send(resolved("ghost", "shippingservice", Severity.HIGH, t(5), t(10)),
        firing("pay", "paymentservice", Severity.HIGH, t(20)));
    assertThat(counter("stormwatch.correlator.alerts", "outcome", "ignored")).isEqualTo(1.0);
    assertThat(counter("stormwatch.correlator.alerts", "outcome", "dropped")).isEqualTo(1.0);
    assertThat(tracked("ghost")).isTrue();
    assertThat(tracked("pay")).isTrue();
    assertThat(routed("ghost")).isTrue();

    clock(t(10).plus(retention).minusSeconds(1));
    assertThat(tracked("ghost")).as("not quiet for a retention yet").isTrue();
    clock(t(20).plus(retention));
    assertThat(tracked("ghost")).isFalse();
    assertThat(tracked("pay")).isFalse();
    assertThat(routed("ghost")).isFalse();
    assertThat(routed("pay")).isFalse();
    assertThat(driver.getKeyValueStore(CorrelatorStores.ALERT_INCIDENT).get("pay")).isNull();
    assertThat(counter("stormwatch.correlator.state.expired", "state", "alert")).isEqualTo(2.0);
    assertThat(counter("stormwatch.correlator.state.expired", "state", "route")).isGreaterThanOrEqualTo(2.0);
    // the open incident's member stays while its incident is in state (it keeps firing)
    assertThat(tracked("redis")).isTrue();
    assertThat(live()).extracting(Incident::getStatus).containsExactly(IncidentStatus.OPEN);
  }

  @Test
  void aRepeatOfADroppedAlertIsTreatedAsNew() {
    startDriver(CorrelatorSettings.defaults());
    Duration retention = CorrelatorSettings.DEFAULT_RETENTION;
    AlertEvent ghost = resolved("ghost", "shippingservice", Severity.HIGH, t(5), t(10));
    send(ghost);
    send(ghost);
    assertThat(counter("stormwatch.correlator.alerts", "outcome", "ignored")).isEqualTo(1.0);
    assertThat(counter("stormwatch.correlator.alerts", "outcome", "unchanged")).as("a duplicate while tracked")
        .isEqualTo(1.0);

    clock(t(10).plus(retention));
    assertThat(tracked("ghost")).isFalse();
    assertThat(size(CorrelatorStores.ALERT_EXPIRY)).isZero();
    assertThat(size(CorrelatorStores.ALERT_ROUTE_EXPIRY)).isZero();

    send(ghost);
    assertThat(counter("stormwatch.correlator.alerts", "outcome", "unchanged")).isEqualTo(1.0);
    assertThat(counter("stormwatch.correlator.alerts", "outcome", "ignored")).as("seen as a new alert")
        .isEqualTo(2.0);
    assertThat(tracked("ghost")).isTrue();
    assertThat(routed("ghost")).isTrue();
    assertThat(size(CorrelatorStores.ALERT_EXPIRY)).as("armed again").isEqualTo(1);
  }

  @Test
  void aResolvedMemberOfAStillOpenIncidentStaysUntilTheIncidentLeavesState() {
    startDriver(CorrelatorSettings.defaults());
    Duration retention = CorrelatorSettings.DEFAULT_RETENTION;
    send(firing("redis", "redis-cart", Severity.HIGH, t(0)), firing("cart", "cartservice", Severity.HIGH, t(3)));
    String id = only().getId();
    send(resolved("cart", "cartservice", Severity.HIGH, t(3), t(60)));

    clock(t(60).plus(retention).plusSeconds(1));
    assertThat(incidents.get(id).getStatus()).as("redis still fires").isEqualTo(IncidentStatus.OPEN);
    assertThat(tracked("cart")).as("a resolved member of an open incident").isTrue();
    assertThat(driver.getKeyValueStore(CorrelatorStores.ALERT_INCIDENT).get("cart")).isEqualTo(id);
    assertThat(counter("stormwatch.correlator.state.expired", "state", "alert")).isZero();

    Instant end = t(60).plus(retention).plusSeconds(10);
    send(resolved("redis", "redis-cart", Severity.HIGH, t(0), end));
    clock(end.plus(CorrelatorSettings.DEFAULT_RESOLVE_AFTER).plusSeconds(1));
    assertThat(incidents.get(id).getStatus()).isEqualTo(IncidentStatus.RESOLVED);
    assertThat(tracked("cart")).as("the closed incident is still in state").isTrue();

    clock(end.plus(CorrelatorSettings.DEFAULT_RESOLVE_AFTER).plus(retention).plusSeconds(2));
    assertThat(incidents).doesNotContainKey(id);
    assertThat(tracked("cart")).isFalse();
    assertThat(tracked("redis")).isFalse();
    // leftovers of re-armed entries go at the next sweep after their due time
    clock(end.plus(CorrelatorSettings.DEFAULT_RESOLVE_AFTER).plus(retention.multipliedBy(3)));
    for (String store : List.of(CorrelatorStores.ALERTS, CorrelatorStores.ALERT_INCIDENT,
        CorrelatorStores.ALERT_EXPIRY, CorrelatorStores.ALERT_ROUTES, CorrelatorStores.ALERT_ROUTE_EXPIRY,
        CorrelatorStores.INCIDENTS, CorrelatorStores.DEADLINES)) {
      assertThat(size(store)).as(store).isZero();
    }
  }

  @Test
  void theTrackedAlertsCapStopsTrackingNewFingerprintsAndCountsThem() {
    startDriver(CorrelatorSettings.defaults().withMaxTrackedAlerts(3));
    for (int i = 0; i < 5; i++) {
      send(firing("cart-" + i, "redis-cart", Severity.HIGH, t(i)));
    }
    assertThat(size(CorrelatorStores.ALERTS)).isEqualTo(3);
    assertThat(tracked("cart-3")).isFalse();
    assertThat(fingerprints(only())).containsExactlyInAnyOrder("cart-0", "cart-1", "cart-2");
    assertThat(counter("stormwatch.correlator.caps", "cap", "tracked_alerts")).isEqualTo(2.0);
    assertThat(counter("stormwatch.correlator.alerts", "outcome", "dropped")).isEqualTo(2.0);
    // a tracked alert is still updated at the cap
    send(resolved("cart-0", "redis-cart", Severity.HIGH, t(0), t(30)));
    assertThat(only().getAlerts()).filteredOn(a -> a.getFingerprint().equals("cart-0"))
        .extracting(a -> a.getEndsAt()).containsExactly(t(30));
    assertThat(counter("stormwatch.correlator.caps", "cap", "tracked_alerts")).isEqualTo(2.0);
  }

  @Test
  void storeSizesStayBoundedUnderALongStreamOfDistinctFingerprints() {
    Duration retention = Duration.ofMinutes(30);
    startDriver(CorrelatorSettings.defaults().withRetention(retention).withMaxOpenIncidentsPerDomain(1));
    send(firing("anchor", "redis-cart", Severity.HIGH, t(0)));
    long maxAlerts = 0;
    long maxRoutes = 0;
    // 3,000 distinct alerts, one every 10 s over 8 h 20 min of event and wall-clock time: resolves of
    // alerts in no incident and firings dropped at the open-incidents cap, none joining an incident
    for (int i = 0; i < 3000; i++) {
      Instant at = t(10L * i + 10);
      send(i % 2 == 0 ? resolved("r-" + i, "shippingservice", Severity.HIGH, at.minusSeconds(5), at)
          : firing("f-" + i, "paymentservice", Severity.HIGH, at));
      if (i % 30 == 0) {
        clock(at);
        maxAlerts = Math.max(maxAlerts, size(CorrelatorStores.ALERTS));
        maxRoutes = Math.max(maxRoutes, size(CorrelatorStores.ALERT_ROUTES));
      }
    }
    long perRetention = retention.toSeconds() / 10;
    assertThat(maxAlerts).as("alerts tracked at once").isBetween(perRetention, perRetention + 40);
    assertThat(maxRoutes).as("routes kept at once").isBetween(perRetention, perRetention + 40);
    assertThat(size(CorrelatorStores.ALERT_EXPIRY)).isLessThanOrEqualTo(perRetention + 40);
    assertThat(size(CorrelatorStores.ALERT_ROUTE_EXPIRY)).isLessThanOrEqualTo(perRetention + 40);
    assertThat(counter("stormwatch.correlator.state.expired", "state", "alert")).isGreaterThan(2500.0);
    assertThat(tracked("anchor")).as("the open incident's member").isTrue();
  }
}
