package dev.stormwatch.correlator.backtest;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.AlertSummary;
import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.EscalationKind;
import dev.stormwatch.avro.Incident;
import dev.stormwatch.avro.RootCauseCandidate;
import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.LocalSchemaRegistryClient;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.correlator.domain.CorrelatorSettings;
import dev.stormwatch.correlator.graph.TopologyDocument;
import dev.stormwatch.correlator.graph.TopologyDocuments;
import dev.stormwatch.correlator.topology.CorrelatorMetrics;
import dev.stormwatch.correlator.topology.CorrelatorSerdes;
import dev.stormwatch.correlator.topology.CorrelatorStores;
import dev.stormwatch.correlator.topology.CorrelatorTopology;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;

/**
 * Replays a recorded alert stream through the real correlator topology
 * ({@link CorrelatorTopology#build}) on Kafka's {@link TopologyTestDriver}: no broker, an
 * in-process {@link LocalSchemaRegistryClient} behind the real Avro serdes, and event time as the
 * only clock.
 *
 * <ol>
 *   <li>Every line of the alerts file is decoded by the {@link AlertDecoder}; a bad line is
 *       counted and listed with its number, and never stops the run.</li>
 *   <li>Events are sorted by event time ({@code observedAt}; stable, so ties keep file order).</li>
 *   <li>The service graph is piped to the topology topic first, at the first event time.</li>
 *   <li>Before each event, the driver's wall clock is moved to its event time, stopping at every
 *       pending deadline of the correlator on the way, so group-wait escalations and
 *       auto-resolves fire exactly at their event time (the processor punctuates every
 *       millisecond); then the event is piped with its event time as timestamp.</li>
 *   <li>At the end the clock moves past the last event by resolve-after + group-wait.</li>
 *   <li>The report holds the last value per incident id from the {@code incidents} topic
 *       (tombstones remove: an incident older than {@code retention} leaves the report) and every
 *       escalation event.</li>
 * </ol>
 *
 * <p>Deterministic: the same inputs and settings give the same report.
 */
public final class Backtest {

  /** Receives progress as a percentage of the events replayed. */
  @FunctionalInterface
  public interface Progress {
    /** Called when the percentage changes, with 0 to 100. */
    void percent(int done);

    /** Ignores progress. */
    Progress NONE = done -> { };
  }

  private static final Duration PUNCTUATE_EVERY = Duration.ofMillis(1);

  private final CorrelatorSettings settings;
  private final AlertDecoder decoder;
  private final Topics topics = Topics.defaults();

  /** A backtest with {@code settings}, decoding lines with {@code decoder}. */
  public Backtest(CorrelatorSettings settings, AlertDecoder decoder) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.decoder = Objects.requireNonNull(decoder, "decoder");
  }

  private record Input(long line, Instant at, AlertEvent event) {}

  /**
   * Runs the backtest.
   *
   * @param topologyFile a topology document ({@link TopologyDocuments})
   * @param alertsFile   JSON lines
   * @param progress     progress callback
   * @throws IllegalArgumentException with a one-line reason if a file is missing or unreadable
   */
  public BacktestReport run(Path topologyFile, Path alertsFile, Progress progress) {
    List<BacktestReport.Rejection> rejected = new ArrayList<>();
    List<Input> inputs = new ArrayList<>();
    long lines = read(alertsFile, inputs, rejected);
    inputs.sort(Comparator.comparing(Input::at));
    Instant start = inputs.isEmpty() ? Instant.EPOCH : inputs.get(0).at();
    TopologyDocument graph = TopologyDocuments.read(topologyFile, null, start);

    Map<String, Incident> incidents = new LinkedHashMap<>();
    Map<String, List<EscalationEvent>> escalations = new LinkedHashMap<>();
    Map<String, Map<String, String>> labels = new TreeMap<>();
    Path stateDir = tempDir();
    try (LocalSchemaRegistryClient registry = new LocalSchemaRegistryClient()) {
      CorrelatorSerdes serdes = CorrelatorSerdes.of(registry, AvroSerdeConfig.defaults());
      Properties props = new Properties();
      props.put(StreamsConfig.APPLICATION_ID_CONFIG, "stormwatch-backtest");
      props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "backtest:9092");
      props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
      props.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
      try (TopologyTestDriver driver = new TopologyTestDriver(CorrelatorTopology.build(settings, topics, serdes,
          new CorrelatorMetrics(new SimpleMeterRegistry()), PUNCTUATE_EVERY), props, start)) {
        Clock clock = new Clock(driver, start);
        TestInputTopic<String, ServiceNode> services = driver.createInputTopic(topics.topology(),
            new StringSerializer(), serdes.services().serializer());
        for (ServiceNode node : graph.services()) {
          services.pipeInput(node.getName(), node, start);
        }
        TestInputTopic<String, AlertEvent> alerts = driver.createInputTopic(topics.normalized(),
            new StringSerializer(), serdes.alerts().serializer());
        TestOutputTopic<String, Incident> incidentsOut = driver.createOutputTopic(topics.incidents(),
            new StringDeserializer(), serdes.incidents().deserializer());
        TestOutputTopic<String, EscalationEvent> escalationsOut = driver.createOutputTopic(topics.escalations(),
            new StringDeserializer(), serdes.escalations().deserializer());
        Runnable drain = () -> {
          for (TestRecord<String, Incident> r : incidentsOut.readRecordsToList()) {
            if (r.value() == null) {
              incidents.remove(r.key());
            } else {
              incidents.put(r.key(), r.value());
            }
          }
          for (EscalationEvent e : escalationsOut.readValuesToList()) {
            escalations.computeIfAbsent(e.getIncidentId(), k -> new ArrayList<>()).add(e);
          }
        };
        int shown = -1;
        for (int i = 0; i < inputs.size(); i++) {
          Input input = inputs.get(i);
          clock.advanceTo(input.at(), drain);
          labels.put(input.event().getFingerprint(), new TreeMap<>(input.event().getLabels()));
          alerts.pipeInput(input.event().getFingerprint(), input.event(), input.at());
          drain.run();
          int percent = (int) ((i + 1) * 100L / inputs.size());
          if (percent != shown) {
            shown = percent;
            progress.percent(percent);
          }
        }
        if (!inputs.isEmpty()) {
          Instant last = inputs.get(inputs.size() - 1).at();
          clock.advanceTo(last.plus(settings.resolveAfter()).plus(settings.groupWait()).plusMillis(1), drain);
        }
        drain.run();
      }
    } finally {
      deleteQuietly(stateDir);
    }
    return report(lines, inputs, rejected, incidents, escalations, labels);
  }

  /** The driver's wall clock, moved deadline by deadline. */
  private static final class Clock {
    private final TopologyTestDriver driver;
    private final KeyValueStore<String, String> deadlines;
    private Instant now;

    Clock(TopologyTestDriver driver, Instant start) {
      this.driver = driver;
      this.deadlines = driver.getKeyValueStore(CorrelatorStores.DEADLINES);
      this.now = start;
    }

    /** Moves to {@code target}, punctuating at every pending deadline up to it. */
    void advanceTo(Instant target, Runnable drain) {
      Instant next = nextDeadline();
      while (next != null && next.isAfter(now) && !next.isAfter(target)) {
        step(next, drain);
        next = nextDeadline();
      }
      if (target.isAfter(now)) {
        step(target, drain);
      }
    }

    private void step(Instant to, Runnable drain) {
      driver.advanceWallClockTime(Duration.between(now, to));
      now = to;
      drain.run();
    }

    private Instant nextDeadline() {
      try (KeyValueIterator<String, String> it = deadlines.all()) {
        if (!it.hasNext()) {
          return null;
        }
        String key = it.next().key;
        return Instant.ofEpochMilli(Long.parseLong(key.substring(0, key.indexOf('|'))));
      }
    }
  }

  private long read(Path file, List<Input> inputs, List<BacktestReport.Rejection> rejected) {
    long lines = 0;
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      long number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        lines++;
        AlertDecoder.Decoded decoded;
        try {
          decoded = decoder.decode(line);
        } catch (RuntimeException e) {
          decoded = new AlertDecoder.Decoded.Rejected("cannot decode: " + e);
        }
        if (decoded instanceof AlertDecoder.Decoded.Rejected r) {
          rejected.add(new BacktestReport.Rejection(number, r.reason()));
        } else if (decoded instanceof AlertDecoder.Decoded.Events ev) {
          for (AlertEvent e : ev.events()) {
            inputs.add(new Input(number, e.getObservedAt(), e));
          }
        }
      }
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("alerts file not found: " + file);
    } catch (IOException | UncheckedIOException e) {
      throw new IllegalArgumentException("cannot read alerts file " + file + ": " + e.getMessage(), e);
    }
    return lines;
  }

  private BacktestReport report(long lines, List<Input> inputs, List<BacktestReport.Rejection> rejected,
                                Map<String, Incident> incidents, Map<String, List<EscalationEvent>> escalations,
                                Map<String, Map<String, String>> labels) {
    Map<String, Long> byKind = new LinkedHashMap<>();
    for (EscalationKind kind : EscalationKind.values()) {
      if (kind != EscalationKind.UNKNOWN) {
        byKind.put(kind.name(), 0L);
      }
    }
    escalations.values().forEach(list -> list.forEach(e -> byKind.merge(e.getKind().name(), 1L, Long::sum)));
    List<BacktestReport.IncidentReport> out = incidents.values().stream()
        .sorted(Comparator.comparing(Incident::getFirstAlertAt).thenComparing(Incident::getId))
        .map(i -> incident(i, escalations.getOrDefault(i.getId(), List.of()), labels))
        .toList();
    int merged = (int) out.stream().filter(i -> i.mergedInto() != null).count();
    BacktestReport.Summary summary = new BacktestReport.Summary(lines, inputs.size(), rejected.size(),
        List.copyOf(rejected), out.size(), merged, byKind,
        inputs.isEmpty() ? null : inputs.get(0).at().toString(),
        inputs.isEmpty() ? null : inputs.get(inputs.size() - 1).at().toString());
    return new BacktestReport(settingsMap(settings), summary, out);
  }

  private static BacktestReport.IncidentReport incident(Incident i, List<EscalationEvent> events,
                                                        Map<String, Map<String, String>> labels) {
    List<BacktestReport.Member> members = new ArrayList<>();
    for (AlertSummary a : i.getAlerts()) {
      members.add(new BacktestReport.Member(a.getFingerprint(), a.getName(), a.getService(),
          a.getSeverity().name(), a.getStatus().name(), time(a.getStartsAt()), time(a.getEndsAt()),
          labels.getOrDefault(a.getFingerprint(), Map.of())));
    }
    List<BacktestReport.Candidate> candidates = new ArrayList<>();
    for (RootCauseCandidate c : i.getRootCauses()) {
      candidates.add(new BacktestReport.Candidate(c.getRank(), c.getService(), c.getScore(), c.getInferred(),
          List.copyOf(c.getReasons())));
    }
    List<BacktestReport.EscalationRecord> escalated = events.stream()
        .map(e -> new BacktestReport.EscalationRecord(e.getKind().name(), time(e.getAt()), e.getSeverity().name(),
            e.getRootCause()))
        .toList();
    String escalatedAt = events.stream().filter(e -> e.getKind() == EscalationKind.OPENED).findFirst()
        .map(e -> time(e.getAt())).orElse(time(i.getEscalatedAt()));
    return new BacktestReport.IncidentReport(i.getId(), i.getStatus().name(), i.getSeverity().name(), i.getDomain(),
        i.getTitle(), List.copyOf(i.getServices()), members, candidates, time(i.getFirstAlertAt()),
        time(i.getOpenedAt()), escalatedAt, time(i.getResolvedAt()), i.getMergedInto(), escalated);
  }

  /** The settings by their configuration keys, durations as ISO-8601. */
  static Map<String, Object> settingsMap(CorrelatorSettings s) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("max-hops", s.maxHops());
    m.put("window", s.window().toString());
    m.put("resolve-after", s.resolveAfter().toString());
    m.put("reopen-window", s.reopenWindow().toString());
    m.put("group-wait", s.groupWait().toString());
    m.put("retention", s.retention().toString());
    m.put("max-alerts-per-incident", s.maxAlertsPerIncident());
    m.put("max-timeline-entries", s.maxTimelineEntries());
    m.put("max-open-incidents-per-domain", s.maxOpenIncidentsPerDomain());
    m.put("inferred-fraction", s.inferredFraction());
    m.put("inferred-min-dependents", s.inferredMinDependents());
    return m;
  }

  private static String time(Instant at) {
    return at == null ? null : at.toString();
  }

  private static Path tempDir() {
    try {
      return Files.createTempDirectory("stormwatch-backtest");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary state directory", e);
    }
  }

  private static void deleteQuietly(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a leftover temporary directory is harmless
    }
  }
}
