package dev.stormwatch.correlator.topology;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.ChangeEvent;
import dev.stormwatch.avro.IncidentCommand;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * {@link CorrelatorInput} on the repartition topic: a 1-byte tag ({@value #ALERT} alert,
 * {@value #COMMAND} command, {@value #CHANGE} change) and the Confluent-wire-format bytes of the
 * wrapped record. The wrapped record is written under the subject of the topic it was read from
 * ({@code alerts.normalized}, {@code incident.commands}, {@code changes.events}), not of the
 * repartition topic, because several record types under one subject would break its compatibility
 * check; the schema id in the bytes is all a reader needs.
 */
public final class CorrelatorInputSerde implements Serde<CorrelatorInput> {

  /** Tag of an alert. */
  public static final byte ALERT = 1;
  /** Tag of a command. */
  public static final byte COMMAND = 2;
  /** Tag of a change. */
  public static final byte CHANGE = 3;

  private final Serde<AlertEvent> alerts;
  private final String alertSubjectTopic;
  private final Serde<IncidentCommand> commands;
  private final String commandSubjectTopic;
  private final Serde<ChangeEvent> changes;
  private final String changeSubjectTopic;

  /**
   * @param alerts              the AlertEvent serde
   * @param alertSubjectTopic   the topic whose subject alerts are written under
   * @param commands            the IncidentCommand serde
   * @param commandSubjectTopic the topic whose subject commands are written under
   * @param changes             the ChangeEvent serde
   * @param changeSubjectTopic  the topic whose subject changes are written under
   */
  public CorrelatorInputSerde(Serde<AlertEvent> alerts, String alertSubjectTopic, Serde<IncidentCommand> commands,
                              String commandSubjectTopic, Serde<ChangeEvent> changes, String changeSubjectTopic) {
    this.alerts = alerts;
    this.alertSubjectTopic = alertSubjectTopic;
    this.commands = commands;
    this.commandSubjectTopic = commandSubjectTopic;
    this.changes = changes;
    this.changeSubjectTopic = changeSubjectTopic;
  }

  @Override
  public Serializer<CorrelatorInput> serializer() {
    return (topic, input) -> {
      if (input == null) {
        return null;
      }
      byte tag;
      byte[] body;
      if (input instanceof CorrelatorInput.Alert a) {
        tag = ALERT;
        body = alerts.serializer().serialize(alertSubjectTopic, a.event());
      } else if (input instanceof CorrelatorInput.Command c) {
        tag = COMMAND;
        body = commands.serializer().serialize(commandSubjectTopic, c.command());
      } else {
        tag = CHANGE;
        body = changes.serializer().serialize(changeSubjectTopic, ((CorrelatorInput.Change) input).event());
      }
      byte[] out = new byte[body.length + 1];
      out[0] = tag;
      System.arraycopy(body, 0, out, 1, body.length);
      return out;
    };
  }

  @Override
  public Deserializer<CorrelatorInput> deserializer() {
    return (topic, bytes) -> {
      if (bytes == null) {
        return null;
      }
      if (bytes.length < 2) {
        throw new SerializationException("a correlator input needs a tag and a record, got " + bytes.length
            + " bytes");
      }
      byte[] body = Arrays.copyOfRange(bytes, 1, bytes.length);
      return switch (bytes[0]) {
        case ALERT -> new CorrelatorInput.Alert(alerts.deserializer().deserialize(alertSubjectTopic, body));
        case COMMAND -> new CorrelatorInput.Command(commands.deserializer().deserialize(commandSubjectTopic, body));
        case CHANGE -> new CorrelatorInput.Change(changes.deserializer().deserialize(changeSubjectTopic, body));
        default -> throw new SerializationException("unknown correlator input tag " + bytes[0]);
      };
    };
  }
}
