package dev.stormwatch.ingest.topology;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.ChangeEvent;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.ingest.IngestConfig;
import dev.stormwatch.ingest.changes.ChangeNormalized;
import dev.stormwatch.ingest.changes.ChangeNormalizer;
import dev.stormwatch.ingest.changes.ChangeNormalizers;
import dev.stormwatch.ingest.logs.LogAlerts;
import dev.stormwatch.ingest.logs.LogEntry;
import dev.stormwatch.ingest.logs.LogParseResult;
import dev.stormwatch.ingest.logs.LogParser;
import dev.stormwatch.ingest.normalize.NormalizeConfig;
import dev.stormwatch.ingest.normalize.Normalized;
import dev.stormwatch.ingest.normalize.Normalizer;
import dev.stormwatch.ingest.normalize.ServiceResolver;
import dev.stormwatch.ingest.normalize.prometheus.PrometheusNormalizer;
import dev.stormwatch.ingest.normalize.sentry.SentryNormalizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.processor.api.Record;

/**
 * The ingest topology, built by a pure factory (no I/O, no threads): each raw alert topic through
 * its source's step into {@code alerts.normalized} (AlertEvents keyed by fingerprint),
 * {@code changes.raw} into {@code changes.events} (ChangeEvents keyed by service, record time =
 * the change's time, never later than the raw record's), rejected input into the dead-letter
 * topic with the reason. Every node has a stable name: renaming one is a migration.
 */
public final class IngestTopology {

  /** The app's name, on metrics and dead letters. */
  public static final String APP = "ingest";

  private IngestTopology() {
  }

  /** Adapts a {@link Normalizer} to a {@link RawStep} keyed by fingerprint. */
  static RawStep<AlertEvent> alertsOf(Normalizer normalizer) {
    return raw -> {
      Normalized normalized = normalizer.normalize(raw);
      if (normalized instanceof Normalized.Rejected rejected) {
        return RawStep.Result.rejected(rejected.reason(), rejected.cause());
      }
      return RawStep.Result.of(((Normalized.Events) normalized).events().stream()
          .map(e -> new RawStep.Keyed<>(e.getFingerprint(), e)).toList());
    };
  }

  /**
   * Reads {@code topic} as bytes, runs {@code step} on every record, and returns the values it
   * yields; its dead letters go into {@code deadLetters}.
   */
  static <T> KStream<String, T> rawSource(StreamsBuilder builder, String source, String topic, RawStep<T> step,
                                          IngestMetrics metrics, List<KStream<byte[], byte[]>> deadLetters) {
    Map<String, KStream<String, Routed<T>>> branches = builder
        .stream(topic, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("read-raw-" + source))
        .process(() -> new RawProcessor<>(source, step, metrics), Named.as("normalize-" + source))
        .split(Named.as("route-" + source + "-"))
        .branch((key, routed) -> routed instanceof Routed.Ok<T>, Branched.as("ok"))
        .defaultBranch(Branched.as("dead"));
    deadLetters.add(branches.get("route-" + source + "-dead")
        .process(DeadLetterProcessor<T>::new, Named.as("dead-letter-" + source)));
    return branches.get("route-" + source + "-ok")
        .mapValues(routed -> ((Routed.Ok<T>) routed).value(), Named.as("unwrap-" + source));
  }

  /** Counts written events (and unknown services) per source on their way out. */
  static KStream<String, AlertEvent> counted(KStream<String, AlertEvent> events, String source, IngestMetrics metrics) {
    return events.peek((key, event) -> {
      metrics.events(source).increment();
      if (ServiceResolver.UNKNOWN.equals(event.getService())) {
        metrics.unknownService(source).increment();
      }
    }, Named.as("count-" + source));
  }

  /** Adapts a {@link ChangeNormalizer} to a {@link RawStep} keyed by service; rejected elements keep their JSON. */
  static RawStep<ChangeEvent> changesOf(ChangeNormalizer normalizer) {
    return raw -> {
      ChangeNormalized normalized = normalizer.normalize(raw);
      return new RawStep.Result<>(
          normalized.changes().stream().map(c -> new RawStep.Keyed<>(c.getService(), c)).toList(),
          normalized.rejected().stream().map(r -> new RawStep.Rejection(r.reason(), r.cause(), r.part())).toList());
    };
  }

  /** Adapts the {@link LogParser} to a {@link RawStep}: entries keyed by service, rejected parts with their text. */
  static RawStep<LogEntry> entriesOf(LogParser parser) {
    return raw -> {
      LogParseResult parsed = parser.parse(raw);
      return new RawStep.Result<>(
          parsed.entries().stream().map(e -> new RawStep.Keyed<>(e.service(), e)).toList(),
          parsed.rejects().stream().map(r -> new RawStep.Rejection(r.reason(), null, partOf(r))).toList());
    };
  }

  /** The rejected text as the dead letter's value; null (the whole record) when the text was cut short. */
  private static byte[] partOf(LogParseResult.Reject reject) {
    if (reject.text() == null || reject.text().length() >= LogParseResult.Reject.MAX_TEXT_CHARS) {
      return null;
    }
    return reject.text().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * The ingest topology.
   *
   * @param config     what to normalize how (service resolution, scales, log format and rules)
   * @param topics     topic names
   * @param alertSerde  the AlertEvent serde (Confluent wire format, registry-backed)
   * @param changeSerde the ChangeEvent serde (Confluent wire format, registry-backed)
   * @param metrics     ingest's meters
   */
  public static Topology build(IngestConfig config, Topics topics, Serde<AlertEvent> alertSerde,
                               Serde<ChangeEvent> changeSerde, IngestMetrics metrics) {
    StreamsBuilder builder = new StreamsBuilder();
    List<KStream<byte[], byte[]>> deadLetters = new ArrayList<>();
    NormalizeConfig normalize = config.normalize();

    KStream<String, AlertEvent> fromPrometheus = counted(rawSource(builder, "prometheus", topics.rawPrometheus(),
        alertsOf(new PrometheusNormalizer(normalize)), metrics, deadLetters), "prometheus", metrics);
    KStream<String, AlertEvent> fromSentry = counted(rawSource(builder, "sentry", topics.rawSentry(),
        alertsOf(new SentryNormalizer(normalize)), metrics, deadLetters), "sentry", metrics);
    LogParser parser = new LogParser(normalize.serviceResolver(), normalize.scales(), config.plainLogPattern());
    KStream<String, LogEntry> entries = rawSource(builder, "logs", topics.rawLogs(), entriesOf(parser), metrics,
        deadLetters);
    KStream<String, AlertEvent> fromLogs = counted(LogAlerts.addTo(entries, config.logRules()), "logs", metrics);

    fromPrometheus
        .merge(fromSentry, Named.as("merge-sentry"))
        .merge(fromLogs, Named.as("merge-logs"))
        .to(topics.normalized(), Produced.with(Serdes.String(), alertSerde).withName("write-normalized"));

    rawSource(builder, "changes", topics.rawChanges(), changesOf(new ChangeNormalizers(normalize)), metrics,
        deadLetters)
        .processValues(ChangeTime::new, Named.as("changes-event-time"))
        .peek((service, change) -> metrics.events("changes").increment(), Named.as("count-changes"))
        .to(topics.changes(), Produced.with(Serdes.String(), changeSerde).withName("write-changes"));

    KStream<byte[], byte[]> dead = deadLetters.get(0);
    for (int i = 1; i < deadLetters.size(); i++) {
      dead = dead.merge(deadLetters.get(i), Named.as("merge-dead-letters-" + i));
    }
    dead.to(topics.deadLetters(), Produced.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("write-dead-letters"));
    return builder.build();
  }

  /**
   * Sets a change's record time to the change's own time, but never later than the raw record's
   * (its receive time): a sender's skewed clock cannot move stream time ahead for the readers.
   */
  static final class ChangeTime implements FixedKeyProcessor<String, ChangeEvent, ChangeEvent> {
    private FixedKeyProcessorContext<String, ChangeEvent> context;

    @Override
    public void init(FixedKeyProcessorContext<String, ChangeEvent> context) {
      this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, ChangeEvent> record) {
      long time = record.value().getTime().toEpochMilli();
      context.forward(record.withTimestamp(Math.min(time, record.timestamp())));
    }
  }

  /** Turns a {@link Routed.Dead} into the dead-letter record: original key, kept bytes, headers with the reason. */
  static final class DeadLetterProcessor<T>
      implements org.apache.kafka.streams.processor.api.Processor<String, Routed<T>, byte[], byte[]> {
    private org.apache.kafka.streams.processor.api.ProcessorContext<byte[], byte[]> context;

    @Override
    public void init(org.apache.kafka.streams.processor.api.ProcessorContext<byte[], byte[]> context) {
      this.context = context;
    }

    @Override
    public void process(Record<String, Routed<T>> record) {
      Routed.Dead<T> dead = (Routed.Dead<T>) record.value();
      context.forward(new Record<>(dead.key(), dead.value(), record.timestamp(), dead.headers()));
    }
  }
}
