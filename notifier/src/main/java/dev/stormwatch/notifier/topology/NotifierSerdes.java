package dev.stormwatch.notifier.topology;

import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.IncidentCommand;
import dev.stormwatch.avro.PageRequest;
import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.avro.oncall.OnCallEntry;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.serde.SpecificAvroSerde;
import java.util.Objects;
import org.apache.kafka.common.serialization.Serde;

/**
 * The Avro value serdes of the notifier (Confluent wire format, registry-backed).
 *
 * @param escalations {@code EscalationEvent}
 * @param commands    {@code IncidentCommand}
 * @param pages       {@code PageRequest} (the outbox and the repartition topic by recipient)
 * @param oncall      {@code OnCallEntry}
 * @param services    {@code ServiceNode}
 */
public record NotifierSerdes(Serde<EscalationEvent> escalations, Serde<IncidentCommand> commands,
                             Serde<PageRequest> pages, Serde<OnCallEntry> oncall, Serde<ServiceNode> services) {

  /** Validates. */
  public NotifierSerdes {
    Objects.requireNonNull(escalations, "escalations");
    Objects.requireNonNull(commands, "commands");
    Objects.requireNonNull(pages, "pages");
    Objects.requireNonNull(oncall, "oncall");
    Objects.requireNonNull(services, "services");
  }

  /** Value serdes over {@code client}, which the caller keeps owning. */
  public static NotifierSerdes of(SchemaRegistryClient client, AvroSerdeConfig config) {
    return new NotifierSerdes(
        SpecificAvroSerde.of(EscalationEvent.class, client, config, false),
        SpecificAvroSerde.of(IncidentCommand.class, client, config, false),
        SpecificAvroSerde.of(PageRequest.class, client, config, false),
        SpecificAvroSerde.of(OnCallEntry.class, client, config, false),
        SpecificAvroSerde.of(ServiceNode.class, client, config, false));
  }
}
