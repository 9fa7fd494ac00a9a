package dev.stormwatch.ingest.topology;

import dev.stormwatch.common.streams.DeadLetters;
import dev.stormwatch.ingest.raw.RawRecord;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Runs one source's {@link RawStep} on each raw record and forwards what it yields as
 * {@link Routed} values: {@link Routed.Ok} under its key with no headers, {@link Routed.Dead} with
 * the original key, bytes and headers plus the source coordinates. Counts records per outcome
 * and times the step. Never lets an exception out: a bug in a step dead-letters the record.
 *
 * @param <T> what the step yields
 */
final class RawProcessor<T> implements Processor<byte[], byte[], String, Routed<T>> {

  private final String source;
  private final RawStep<T> step;
  private final IngestMetrics metrics;
  private ProcessorContext<String, Routed<T>> context;

  RawProcessor(String source, RawStep<T> step, IngestMetrics metrics) {
    this.source = source;
    this.step = step;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, Routed<T>> context) {
    this.context = context;
  }

  @Override
  public void process(Record<byte[], byte[]> record) {
    RecordMetadata meta = context.recordMetadata().orElse(null);
    RawRecord raw = new RawRecord(meta == null ? "unknown" : meta.topic(), meta == null ? -1 : meta.partition(),
        meta == null ? -1 : meta.offset(), record.timestamp(), record.value(), headerMap(record.headers()));
    RawStep.Result<T> result;
    long start = System.nanoTime();
    try {
      result = step.apply(raw);
    } catch (RuntimeException e) {
      result = RawStep.Result.rejected("unexpected error normalizing a " + source + " record: "
          + DeadLetters.reasonOf(e), e);
    }
    metrics.normalizeTime(source).record(System.nanoTime() - start, TimeUnit.NANOSECONDS);

    for (RawStep.Keyed<T> keyed : result.values()) {
      context.forward(new Record<String, Routed<T>>(keyed.key(), new Routed.Ok<>(keyed.key(), keyed.value()),
          record.timestamp(), new RecordHeaders()));
    }
    for (RawStep.Rejection rejection : result.rejections()) {
      byte[] bytes = rejection.part() != null ? rejection.part() : raw.body();
      Headers headers = DeadLetters.headers(record.headers(), IngestTopology.APP, rejection.reason(),
          rejection.cause(), raw.topic(), raw.partition(), raw.offset());
      context.forward(new Record<String, Routed<T>>(null,
          new Routed.Dead<>(record.key(), bytes, headers, rejection.reason(), rejection.cause()),
          record.timestamp(), new RecordHeaders()));
    }
    metrics.record(source, outcomeOf(result));
    metrics.dead(source).increment(result.rejections().size());
  }

  private static IngestMetrics.Outcome outcomeOf(RawStep.Result<?> result) {
    if (result.rejections().isEmpty()) {
      return result.values().isEmpty() ? IngestMetrics.Outcome.EMPTY : IngestMetrics.Outcome.NORMALIZED;
    }
    return result.values().isEmpty() ? IngestMetrics.Outcome.DEAD_LETTERED : IngestMetrics.Outcome.PARTIAL;
  }

  private static Map<String, String> headerMap(Headers headers) {
    Map<String, String> map = new HashMap<>();
    for (Header header : headers) {
      if (header.value() != null) {
        map.put(header.key().toLowerCase(Locale.ROOT), new String(header.value(), StandardCharsets.UTF_8));
      }
    }
    return map;
  }
}
