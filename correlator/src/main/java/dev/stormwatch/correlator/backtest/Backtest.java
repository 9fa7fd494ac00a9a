package dev.stormwatch.correlator.backtest;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.AlertSummary;
import dev.stormwatch.avro.ChangeEvent;
import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.EscalationKind;
import dev.stormwatch.avro.Incident;
import dev.stormwatch.avro.RootCauseCandidate;
import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.avro.Silence;
import dev.stormwatch.avro.SuspectChange;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.LocalSchemaRegistryClient;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.correlator.domain.CorrelatorSettings;
import dev.stormwatch.correlator.domain.IncidentState;
import dev.stormwatch.correlator.graph.TopologyDocument;
import dev.stormwatch.correlator.graph.TopologyDocuments;
import dev.stormwatch.correlator.rules.Change;
import dev.stormwatch.correlator.rules.RulesSettings;
import dev.stormwatch.correlator.rules.SilenceRule;
import dev.stormwatch.correlator.rules.SilenceSet;
import dev.stormwatch.correlator.rules.Transients;
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
 * Replays a recorded alert stream, and optionally recorded changes and a set of silences, through
 * the real correlator topology ({@link CorrelatorTopology#build}) on Kafka's
 * {@link TopologyTestDriver}: no broker, an in-process {@link LocalSchemaRegistryClient} behind the
 * real Avro serdes, and event time as the only clock.
 *
 * <ol>
 *   <li>Every line of the alerts file is decoded by the {@link AlertDecoder}, every line of the
 *       changes file by the {@link ChangeDecoder}; a bad line is counted and listed with its number,
 *       and never stops the run.</li>
 *   <li>Alerts and changes are merged in event time ({@code observedAt}, a change's {@code time}); at
 *       one instant changes come before alerts, and ties keep file order.</li>
 *   <li>The service graph is piped to the topology topic first, at the first event time; then the
 *       silences ({@link SilenceFile}) to the silences topic, keyed by id, so they are in force from
 *       the start.</li>
 *   <li>Before each event, the driver's wall clock is moved to its event time, stopping at every
 *       pending deadline of the correlator and every instant a silence starts, ends or enters or
 *       leaves a maintenance slot on the way, so group-wait escalations, auto-resolves and
 *       unmuting fire exactly at their event time (the processor punctuates every millisecond);
 *       then the event is piped with its event time as timestamp: an alert to
 *       {@code alerts.normalized} keyed by fingerprint, a change to {@code changes.events} keyed by
 *       service.</li>
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

  /**
   * The files of a run.
   *
   * @param topology a topology document ({@link TopologyDocuments})
   * @param alerts   recorded alerts, JSON lines
   * @param changes  recorded changes, JSON lines, or null for none
   * @param silences silences ({@link SilenceFile}), or null for none
   */
  public record Inputs(Path topology, Path alerts, Path changes, Path silences) {
    /** Checks the required files are named. */
    public Inputs {
      Objects.requireNonNull(topology, "topology");
      Objects.requireNonNull(alerts, "alerts");
    }

    /**
     * Only a topology and alerts.
     *
     * @param topology the topology document
     * @param alerts   the recorded alerts
     * @return the inputs
     */
    public static Inputs of(Path topology, Path alerts) {
      return new Inputs(topology, alerts, null, null);
    }

    /**
     * With recorded changes.
     *
     * @param file the changes, or null for none
     * @return a copy
     */
    public Inputs withChanges(Path file) {
      return new Inputs(topology, alerts, file, silences);
    }

    /**
     * With silences.
     *
     * @param file the silences, or null for none
     * @return a copy
     */
    public Inputs withSilences(Path file) {
      return new Inputs(topology, alerts, changes, file);
    }
  }

  private static final Duration PUNCTUATE_EVERY = Duration.ofMillis(1);

  private final CorrelatorSettings settings;
  private final RulesSettings rules;
  private final AlertDecoder decoder;
  private final ChangeDecoder changeDecoder;
  private final Topics topics = Topics.defaults();

  /**
   * A backtest with {@code settings} and the default rules, decoding alert lines with
   * {@code decoder}; it takes no changes file.
   *
   * @param settings the correlation settings
   * @param decoder  reads alert lines
   */
  public Backtest(CorrelatorSettings settings, AlertDecoder decoder) {
    this(settings, RulesSettings.defaults(), decoder, null);
  }

  /**
   * A backtest with {@code settings} and {@code rules} (silences, change suspects, flapping...).
   *
   * @param settings      the correlation settings
   * @param rules         the rules' settings ({@code correlator.rules})
   * @param decoder       reads alert lines
   * @param changeDecoder reads change lines; null when no changes file will be given
   */
  public Backtest(CorrelatorSettings settings, RulesSettings rules, AlertDecoder decoder, ChangeDecoder changeDecoder) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.rules = Objects.requireNonNull(rules, "rules");
    this.decoder = Objects.requireNonNull(decoder, "decoder");
    this.changeDecoder = changeDecoder;
  }

  /** One event to pipe: an alert or a change, with its event time and place in its file. */
  private record Input(Instant at, boolean alert, long line, AlertEvent alertEvent, ChangeEvent change) {
    /** Event time; at one instant changes first; then file order (the sort is stable). */
    static final Comparator<Input> ORDER = Comparator.comparing(Input::at).thenComparing(Input::alert);
  }

  /**
   * Runs the backtest on a topology and alerts only.
   *
   * @param topologyFile a topology document ({@link TopologyDocuments})
   * @param alertsFile   JSON lines
   * @param progress     progress callback
   * @return the report
   * @throws IllegalArgumentException with a one-line reason if a file is missing or unreadable
   */
  public BacktestReport run(Path topologyFile, Path alertsFile, Progress progress) {
    return run(Inputs.of(topologyFile, alertsFile), progress);
  }

  /**
   * Runs the backtest.
   *
   * @param files    the files
   * @param progress progress callback
   * @return the report
   * @throws IllegalArgumentException with a one-line reason if a file is missing or unreadable, or a
   *                                  silence is invalid
   */
  public BacktestReport run(Inputs files, Progress progress) {
    if (files.changes() != null && changeDecoder == null) {
      throw new IllegalStateException("this backtest has no change decoder");
    }
    List<BacktestReport.Rejection> rejected = new ArrayList<>();
    List<BacktestReport.Rejection> rejectedChanges = new ArrayList<>();
    List<Input> alertInputs = new ArrayList<>();
    List<Input> changeInputs = new ArrayList<>();
    long lines = readAlerts(files.alerts(), alertInputs, rejected);
    long changeLines = files.changes() == null ? 0 : readChanges(files.changes(), changeInputs, rejectedChanges);
    List<Input> inputs = new ArrayList<>(changeInputs);
    inputs.addAll(alertInputs);
    inputs.sort(Input.ORDER);
    Instant start = inputs.isEmpty() ? Instant.EPOCH : inputs.get(0).at();
    List<Silence> silenceList = files.silences() == null ? List.of() : SilenceFile.read(files.silences(), start);
    TopologyDocument graph = TopologyDocuments.read(files.topology(), null, start);
    SilenceSet silenceSet = SilenceSet.empty(rules);
    for (Silence s : silenceList) {
      silenceSet = silenceSet.put(SilenceRule.of(s), start).set();
    }

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
      try (TopologyTestDriver driver = new TopologyTestDriver(CorrelatorTopology.build(settings, rules, topics, serdes,
          new CorrelatorMetrics(new SimpleMeterRegistry()), PUNCTUATE_EVERY), props, start)) {
        Clock clock = new Clock(driver, silenceSet, start);
        TestInputTopic<String, ServiceNode> services = driver.createInputTopic(topics.topology(),
            new StringSerializer(), serdes.services().serializer());
        for (ServiceNode node : graph.services()) {
          services.pipeInput(node.getName(), node, start);
        }
        TestInputTopic<String, Silence> silences = driver.createInputTopic(topics.silences(),
            new StringSerializer(), serdes.silences().serializer());
        for (Silence s : silenceList) {
          silences.pipeInput(s.getId(), s, start);
        }
        TestInputTopic<String, AlertEvent> alerts = driver.createInputTopic(topics.normalized(),
            new StringSerializer(), serdes.alerts().serializer());
        TestInputTopic<String, ChangeEvent> changes = driver.createInputTopic(topics.changes(),
            new StringSerializer(), serdes.changes().serializer());
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
          if (input.alert()) {
            AlertEvent event = input.alertEvent();
            labels.put(event.getFingerprint(), new TreeMap<>(event.getLabels()));
            alerts.pipeInput(event.getFingerprint(), event, input.at());
          } else {
            changes.pipeInput(input.change().getService(), input.change(), input.at());
          }
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
    Counts counts = new Counts(lines, alertInputs.size(), rejected, changeLines, changeInputs.size(),
        rejectedChanges, silenceList.size());
    return report(counts, inputs, incidents, escalations, labels);
  }

  /**
   * The driver's wall clock, moved deadline by deadline: the correlator's pending deadlines, and
   * the instants the silences start, end or enter or leave a maintenance slot (which the correlator
   * notices at its next punctuation).
   */
  private static final class Clock {
    private final TopologyTestDriver driver;
    private final KeyValueStore<String, String> deadlines;
    private final SilenceSet silences;
    private Instant now;

    Clock(TopologyTestDriver driver, SilenceSet silences, Instant start) {
      this.driver = driver;
      this.deadlines = driver.getKeyValueStore(CorrelatorStores.DEADLINES);
      this.silences = silences;
      this.now = start;
    }

    /** Moves to {@code target}, punctuating at every pending deadline up to it. */
    void advanceTo(Instant target, Runnable drain) {
      Instant next = nextStop();
      while (next != null && next.isAfter(now) && !next.isAfter(target)) {
        step(next, drain);
        next = nextStop();
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

    private Instant nextStop() {
      Instant deadline = nextDeadline();
      Instant silence = silences.nextChangeAfter(now).orElse(null);
      if (deadline == null || !deadline.isAfter(now)) {
        return silence != null ? silence : deadline;
      }
      return silence == null || deadline.isBefore(silence) ? deadline : silence;
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

  private long readAlerts(Path file, List<Input> inputs, List<BacktestReport.Rejection> rejected) {
    return readLines(file, "alerts", (number, line) -> {
      LineDecoder.Decoded<AlertEvent> decoded = decoder.decodeSafely(line);
      if (decoded instanceof LineDecoder.Decoded.Rejected<AlertEvent> r) {
        rejected.add(new BacktestReport.Rejection(number, r.reason()));
      } else if (decoded instanceof LineDecoder.Decoded.Values<AlertEvent> ev) {
        for (AlertEvent e : ev.values()) {
          inputs.add(new Input(e.getObservedAt(), true, number, e, null));
        }
      }
    });
  }

  /** Change lines; a change the correlator could not use ({@link Change#of}) is rejected here, not dead-lettered. */
  private long readChanges(Path file, List<Input> inputs, List<BacktestReport.Rejection> rejected) {
    return readLines(file, "changes", (number, line) -> {
      LineDecoder.Decoded<ChangeEvent> decoded = changeDecoder.decodeSafely(line);
      if (decoded instanceof LineDecoder.Decoded.Rejected<ChangeEvent> r) {
        rejected.add(new BacktestReport.Rejection(number, r.reason()));
      } else if (decoded instanceof LineDecoder.Decoded.Values<ChangeEvent> c) {
        List<Input> usable = new ArrayList<>();
        for (ChangeEvent change : c.values()) {
          try {
            Change.of(change);
          } catch (IllegalArgumentException | NullPointerException e) {
            rejected.add(new BacktestReport.Rejection(number, "unusable change: " + e.getMessage()));
            return;
          }
          usable.add(new Input(change.getTime(), false, number, null, change));
        }
        inputs.addAll(usable);
      }
    });
  }

  @FunctionalInterface
  private interface LineHandler {
    void line(long number, String line);
  }

  /** Hands every non-blank line with its 1-based number to {@code handler}; returns how many. */
  private static long readLines(Path file, String what, LineHandler handler) {
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
        handler.line(number, line);
      }
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(what + " file not found: " + file);
    } catch (IOException | UncheckedIOException e) {
      throw new IllegalArgumentException("cannot read " + what + " file " + file + ": " + e.getMessage(), e);
    }
    return lines;
  }

  /** What was read. */
  private record Counts(long lines, long alerts, List<BacktestReport.Rejection> rejected, long changeLines,
                        long changes, List<BacktestReport.Rejection> rejectedChanges, int silences) {}

  private BacktestReport report(Counts counts, List<Input> inputs, Map<String, Incident> incidents,
                                Map<String, List<EscalationEvent>> escalations,
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
    int neverPaged = (int) out.stream().filter(i -> i.mergedInto() == null && !i.paged()).count();
    long suspected = out.stream().flatMap(i -> i.suspectChanges().stream())
        .map(BacktestReport.Suspect::changeId).distinct().count();
    BacktestReport.Summary summary = new BacktestReport.Summary(counts.lines(), counts.alerts(),
        counts.rejected().size(), List.copyOf(counts.rejected()), counts.changeLines(), counts.changes(),
        counts.rejectedChanges().size(), List.copyOf(counts.rejectedChanges()), suspected, counts.silences(),
        out.size(), merged, neverPaged, byKind,
        inputs.isEmpty() ? null : inputs.get(0).at().toString(),
        inputs.isEmpty() ? null : inputs.get(inputs.size() - 1).at().toString());
    return new BacktestReport(settingsMap(settings, rules), summary, out);
  }

  private BacktestReport.IncidentReport incident(Incident i, List<EscalationEvent> events,
                                                 Map<String, Map<String, String>> labels) {
    List<BacktestReport.Member> members = new ArrayList<>();
    for (AlertSummary a : i.getAlerts()) {
      members.add(new BacktestReport.Member(a.getFingerprint(), a.getName(), a.getService(),
          a.getSeverity().name(), a.getStatus().name(), time(a.getStartsAt()), time(a.getEndsAt()),
          a.getSuppressed(), a.getSuppressedBy(), labels.getOrDefault(a.getFingerprint(), Map.of())));
    }
    List<BacktestReport.Candidate> candidates = new ArrayList<>();
    for (RootCauseCandidate c : i.getRootCauses()) {
      candidates.add(new BacktestReport.Candidate(c.getRank(), c.getService(), c.getScore(), c.getInferred(),
          List.copyOf(c.getReasons())));
    }
    List<BacktestReport.Suspect> suspects = new ArrayList<>();
    for (SuspectChange c : i.getSuspectChanges()) {
      suspects.add(new BacktestReport.Suspect(c.getChangeId(), c.getService(), c.getKind().name(), c.getVersion(),
          c.getAuthor(), c.getSummary(), c.getLink(), time(c.getTime()),
          Duration.between(c.getTime(), i.getFirstAlertAt()).toString()));
    }
    List<BacktestReport.EscalationRecord> escalated = events.stream()
        .map(e -> new BacktestReport.EscalationRecord(e.getKind().name(), time(e.getAt()), e.getSeverity().name(),
            e.getRootCause()))
        .toList();
    String escalatedAt = events.stream().filter(e -> e.getKind() == EscalationKind.OPENED).findFirst()
        .map(e -> time(e.getAt())).orElse(time(i.getEscalatedAt()));
    boolean paged = escalatedAt != null;
    return new BacktestReport.IncidentReport(i.getId(), i.getStatus().name(), i.getSeverity().name(), i.getDomain(),
        i.getTitle(), List.copyOf(i.getServices()), members, candidates, suspects, time(i.getFirstAlertAt()),
        time(i.getOpenedAt()), escalatedAt, time(i.getResolvedAt()), i.getMergedInto(), i.getSuppressed(), paged,
        paged ? null : notPaged(i), escalated);
  }

  /**
   * Why an incident never paged, as the correlator counts it ({@code stormwatch_incidents_unpaged_total}):
   * merged, transient, inhibited, silenced (silence or maintenance window), or pending (still
   * waiting when the replay ended).
   */
  private String notPaged(Incident i) {
    if (i.getMergedInto() != null) {
      return "merged";
    }
    if (Transients.check(IncidentState.fromAvro(i), settings.groupWait()).isTransient()) {
      return "transient";
    }
    if (i.getSuppressed()) {
      boolean inhibited = i.getAlerts().stream().anyMatch(a -> a.getSuppressed() && a.getSuppressedBy() != null
          && a.getSuppressedBy().startsWith("inhibit:"));
      return inhibited ? "inhibited" : "silenced";
    }
    return "pending";
  }

  /** The settings by their configuration keys, durations as ISO-8601. */
  static Map<String, Object> settingsMap(CorrelatorSettings s, RulesSettings r) {
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
    Map<String, Object> rules = new LinkedHashMap<>();
    rules.put("change-lookback", r.changeLookback().toString());
    rules.put("change-dependency-hops", r.changeDependencyHops());
    rules.put("max-suspect-changes", r.maxSuspectChanges());
    rules.put("change-signal-weight", r.changeSignalWeight());
    rules.put("flap-threshold", r.flapThreshold());
    rules.put("flap-window", r.flapWindow().toString());
    rules.put("silence-retention", r.silenceRetention().toString());
    rules.put("inhibit-rules", r.inhibitRules().size());
    m.put("rules", rules);
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
