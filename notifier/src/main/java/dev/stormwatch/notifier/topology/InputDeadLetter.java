package dev.stormwatch.notifier.topology;

import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.IncidentCommand;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.streams.DeadLetterProcessor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An input record that cannot be used, as a dead letter: its key and value bytes, the reason in
 * headers; counted by input and logged.
 */
final class InputDeadLetter {

  private static final Logger log = LoggerFactory.getLogger(InputDeadLetter.class);

  private InputDeadLetter() {
  }

  /** The {@code dead-letter-input} processor: writes {@link NotifierInput.Rejected}s, drops the rest. */
  static DeadLetterProcessor<NotifierInput> processor(Topics topics, NotifierSerdes serdes, NotifierMetrics metrics) {
    return new DeadLetterProcessor<>(NotifierTopology.APP,
        input -> input instanceof NotifierInput.Rejected rejected ? rejected.problem() : null,
        input -> ((NotifierInput.Rejected) input).input() == NotifierMetrics.Input.COMMAND
            ? topics.incidentCommands() : topics.escalations(),
        (topic, input) -> bytes(serdes, topic, ((NotifierInput.Rejected) input).value()),
        (input, topic, problem) -> {
          metrics.rejected(((NotifierInput.Rejected) input).input()).increment();
          log.warn("dead-lettering a record of {}: {}", topic, problem);
        });
  }

  private static byte[] bytes(NotifierSerdes serdes, String topic, Object value) {
    if (value instanceof EscalationEvent e) {
      return serdes.escalations().serializer().serialize(topic, e);
    }
    if (value instanceof IncidentCommand c) {
      return serdes.commands().serializer().serialize(topic, c);
    }
    return null;
  }
}
