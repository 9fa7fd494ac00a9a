package dev.stormwatch.correlator.topology;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.AlertSummary;
import dev.stormwatch.avro.ChangeEvent;
import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.Incident;
import dev.stormwatch.avro.IncidentCommand;
import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.avro.Silence;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.serde.SpecificAvroSerde;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * The Avro value serdes of the correlator (Confluent wire format, registry-backed).
 *
 * @param alerts      {@code AlertEvent}
 * @param commands    {@code IncidentCommand}
 * @param incidents   {@code Incident}
 * @param escalations {@code EscalationEvent}
 * @param services    {@code ServiceNode}
 * @param members     {@code AlertSummary}: an incident's member alerts, stored one by one
 * @param changes     {@code ChangeEvent}
 * @param silences    {@code Silence}
 */
public record CorrelatorSerdes(Serde<AlertEvent> alerts, Serde<IncidentCommand> commands, Serde<Incident> incidents,
                               Serde<EscalationEvent> escalations, Serde<ServiceNode> services,
                               Serde<AlertSummary> members, Serde<ChangeEvent> changes, Serde<Silence> silences) {

  /** Validates. */
  public CorrelatorSerdes {
    Objects.requireNonNull(alerts, "alerts");
    Objects.requireNonNull(commands, "commands");
    Objects.requireNonNull(incidents, "incidents");
    Objects.requireNonNull(escalations, "escalations");
    Objects.requireNonNull(services, "services");
    Objects.requireNonNull(members, "members");
    Objects.requireNonNull(changes, "changes");
    Objects.requireNonNull(silences, "silences");
  }

  /** Value serdes over {@code client}, which the caller keeps owning. */
  public static CorrelatorSerdes of(SchemaRegistryClient client, AvroSerdeConfig config) {
    return new CorrelatorSerdes(
        SpecificAvroSerde.of(AlertEvent.class, client, config, false),
        SpecificAvroSerde.of(IncidentCommand.class, client, config, false),
        SpecificAvroSerde.of(Incident.class, client, config, false),
        SpecificAvroSerde.of(EscalationEvent.class, client, config, false),
        SpecificAvroSerde.of(ServiceNode.class, client, config, false),
        SpecificAvroSerde.of(AlertSummary.class, client, config, false),
        SpecificAvroSerde.of(ChangeEvent.class, client, config, false),
        SpecificAvroSerde.of(Silence.class, client, config, false));
  }
}
