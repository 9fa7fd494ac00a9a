package dev.stormwatch.common.streams;

import dev.stormwatch.common.registry.SchemaRegistryException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams exception handlers that send the record at fault to the dead-letter topic with
 * the reason, and carry on: an app never stops on a bad record. A Schema Registry outage while
 * writing is not a bad record: that fails the stream thread, which {@link StreamsApp} replaces,
 * so the record is retried from the last commit (exactly-once keeps that safe).
 *
 * <p>Configured through the Streams properties {@link #DLQ_TOPIC}, {@link #APP} and, optionally,
 * {@link #METER_REGISTRY} (a {@link MeterRegistry} object) for the
 * {@code stormwatch_dead_letters_total{app,stage}} counter. {@link StreamsApp#properties} sets all
 * of them.
 */
public final class DeadLetterExceptionHandlers {

  /** Streams property: the dead-letter topic. */
  public static final String DLQ_TOPIC = "stormwatch.dlq.topic";
  /** Streams property: the app's name, recorded on each dead letter. */
  public static final String APP = "stormwatch.app";
  /** Streams property: a MeterRegistry instance for the dead-letter counter. */
  public static final String METER_REGISTRY = "stormwatch.meter.registry";

  private static final Logger log = LoggerFactory.getLogger(DeadLetterExceptionHandlers.class);

  private DeadLetterExceptionHandlers() {
  }

  /** What the handlers share: where dead letters go, and the counter. */
  private static final class Settings {
    String topic;
    String app;
    Counter counter;

    void configure(Map<String, ?> configs, String stage) {
      Object dlq = configs.get(DLQ_TOPIC);
      if (dlq == null) {
        throw new IllegalArgumentException(DLQ_TOPIC + " must be set for the dead-letter exception handlers");
      }
      topic = dlq.toString();
      app = String.valueOf(configs.containsKey(APP) ? configs.get(APP) : "unknown");
      Object registry = configs.get(METER_REGISTRY);
      if (registry instanceof MeterRegistry meters) {
        counter = Counter.builder("stormwatch.dead.letters")
            .description("Records sent to the dead-letter topic by an exception handler")
            .tag("app", app).tag("stage", stage)
            .register(meters);
      }
    }

    List<ProducerRecord<byte[], byte[]>> deadLetter(ErrorHandlerContext context, String what, Exception e) {
      if (counter != null) {
        counter.increment();
      }
      String reason = what + ": " + DeadLetters.reasonOf(e);
      log.warn("dead-lettering record {}-{}@{} at {}: {}", context.topic(), context.partition(), context.offset(),
          context.processorNodeId(), reason);
      return List.of(DeadLetters.record(topic, context.sourceRawKey(), context.sourceRawValue(),
          DeadLetters.headers(context.headers(), app, reason, e, context.topic(), context.partition(),
              context.offset())));
    }
  }

  /** A record whose key or value cannot be deserialized goes to the dead-letter topic. */
  public static final class Deserialization implements DeserializationExceptionHandler {
    private final Settings settings = new Settings();

    @Override
    public void configure(Map<String, ?> configs) {
      settings.configure(configs, "deserialization");
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception e) {
      return Response.resume(settings.deadLetter(context, "cannot deserialize", e));
    }
  }

  /** A record on which a processor throws goes to the dead-letter topic; processing goes on. */
  public static final class Processing implements ProcessingExceptionHandler {
    private final Settings settings = new Settings();

    @Override
    public void configure(Map<String, ?> configs) {
      settings.configure(configs, "processing");
    }

    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception e) {
      return Response.resume(settings.deadLetter(context, "processing failed in " + context.processorNodeId(), e));
    }
  }

  /**
   * Output that cannot be serialized or sent: dead-lettered, except when the Schema Registry or
   * Kafka is unavailable, which fails the thread (replaced, so the work is retried) or retries.
   */
  public static final class Production implements ProductionExceptionHandler {
    private final Settings settings = new Settings();

    @Override
    public void configure(Map<String, ?> configs) {
      settings.configure(configs, "production");
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception e) {
      if (e instanceof RetriableException) {
        return Response.retry();
      }
      return Response.resume(settings.deadLetter(context, "cannot write to " + record.topic(), e));
    }

    @Override
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception e,
                                             SerializationExceptionOrigin origin) {
      if (SchemaRegistryException.isRetriableCause(e)) {
        log.error("Schema Registry unavailable while writing to {}; failing the stream thread so the record is"
            + " retried from the last commit", record.topic(), e);
        return Response.fail();
      }
      return Response.resume(settings.deadLetter(context, "cannot serialize for " + record.topic(), e));
    }
  }
}
