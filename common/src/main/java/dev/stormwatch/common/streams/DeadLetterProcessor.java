package dev.stormwatch.common.streams;

import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Turns a rejected, string-keyed record into a dead letter (topic {@code Topics.deadLetters()}): its
 * key and value bytes as serialized for the source topic, its headers plus the reason and the source
 * (see {@link DeadLetters#headers}). A record without a problem is dropped. Used by the Streams apps'
 * {@code dead-letter-*} processors after the record has been checked and found unusable.
 *
 * @param <V> the checked value: the record or what is left of it, and the problem
 */
public final class DeadLetterProcessor<V> implements Processor<String, V, byte[], byte[]> {

  /** Called once per dead letter, before it is written: count it, log it. */
  @FunctionalInterface
  public interface Observer<V> {
    /**
     * @param value   the rejected value
     * @param topic   the source topic (or the fallback when the record's metadata is unknown)
     * @param problem the one-line reason
     */
    void deadLettered(V value, String topic, String problem);
  }

  private final String app;
  private final Function<V, String> problem;
  private final Function<V, String> fallbackTopic;
  private final BiFunction<String, V, byte[]> valueBytes;
  private final Observer<V> observer;
  private ProcessorContext<byte[], byte[]> context;

  /**
   * @param app           the app that gives up on the record (header {@code stormwatch.dlq.app})
   * @param problem       why a value is dead-lettered, one line; null when it is not (dropped)
   * @param fallbackTopic the source topic of a value when the record's metadata is unknown
   * @param valueBytes    the value's bytes for a topic, or null when nothing of it can be serialized
   * @param observer      told of every dead letter (metrics, logging)
   */
  public DeadLetterProcessor(String app, Function<V, String> problem, Function<V, String> fallbackTopic,
                             BiFunction<String, V, byte[]> valueBytes, Observer<V> observer) {
    this.app = Objects.requireNonNull(app, "app");
    this.problem = Objects.requireNonNull(problem, "problem");
    this.fallbackTopic = Objects.requireNonNull(fallbackTopic, "fallbackTopic");
    this.valueBytes = Objects.requireNonNull(valueBytes, "valueBytes");
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  /** The bytes of {@code value} for {@code topic}, or null when {@code value} is null. */
  public static <T> byte[] bytes(Serializer<T> serializer, String topic, T value) {
    return value == null ? null : serializer.serialize(topic, value);
  }

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, V> record) {
    String reason = problem.apply(record.value());
    if (reason == null) {
      return;
    }
    RecordMetadata source = context.recordMetadata().orElse(null);
    String topic = source != null ? source.topic() : fallbackTopic.apply(record.value());
    observer.deadLettered(record.value(), topic, reason);
    byte[] key = record.key() == null ? null : Serdes.String().serializer().serialize(topic, record.key());
    byte[] value = valueBytes.apply(topic, record.value());
    context.forward(new Record<>(key, value, record.timestamp(), DeadLetters.headers(record.headers(), app,
        reason, null, topic, source == null ? -1 : source.partition(), source == null ? -1 : source.offset())));
  }
}
