package dev.stormwatch.notifier.topology;

import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.IncidentCommand;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.streams.DeadLetters;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An input record that cannot be used, as a dead letter: its key and value bytes, the reason in headers. */
final class InputDeadLetter implements Processor<String, NotifierInput, byte[], byte[]> {

  private static final Logger log = LoggerFactory.getLogger(InputDeadLetter.class);

  private final Topics topics;
  private final NotifierSerdes serdes;
  private final NotifierMetrics metrics;
  private ProcessorContext<byte[], byte[]> context;

  InputDeadLetter(Topics topics, NotifierSerdes serdes, NotifierMetrics metrics) {
    this.topics = topics;
    this.serdes = serdes;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<byte[], byte[]> context) {
    this.context = context;
  }

  @Override
  public void process(Record<String, NotifierInput> record) {
    if (!(record.value() instanceof NotifierInput.Rejected rejected)) {
      return;
    }
    metrics.rejected(rejected.input()).increment();
    RecordMetadata source = context.recordMetadata().orElse(null);
    String topic = source != null ? source.topic()
        : rejected.input() == NotifierMetrics.Input.COMMAND ? topics.incidentCommands() : topics.escalations();
    byte[] key = record.key() == null ? null : Serdes.String().serializer().serialize(topic, record.key());
    byte[] value = null;
    if (rejected.value() instanceof EscalationEvent e) {
      value = serdes.escalations().serializer().serialize(topic, e);
    } else if (rejected.value() instanceof IncidentCommand c) {
      value = serdes.commands().serializer().serialize(topic, c);
    }
    log.warn("dead-lettering a record of {}: {}", topic, rejected.problem());
    context.forward(new Record<>(key, value, record.timestamp(), DeadLetters.headers(record.headers(),
        NotifierTopology.APP, rejected.problem(), null, topic, source == null ? -1 : source.partition(),
        source == null ? -1 : source.offset())));
  }
}
