package dev.stormwatch.correlator.topology;

import dev.stormwatch.correlator.domain.Correlator;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Partitions {@code correlator-input-by-domain}: an alert (keyed by domain) by the murmur2 of the
 * domain, as Kafka's default partitioner would; a command (keyed by incident id) by the domain hash
 * its id embeds, so it lands on the partition that owns the incident.
 */
final class DomainPartitioner implements StreamPartitioner<String, CorrelatorInput> {

  @Override
  public Optional<Set<Integer>> partitions(String topic, String key, CorrelatorInput value, int numPartitions) {
    int hash;
    if (value instanceof CorrelatorInput.Command c) {
      OptionalInt embedded = Correlator.domainHashOf(c.command().getIncidentId());
      if (embedded.isEmpty()) {
        throw new IllegalArgumentException("command " + c.command().getId() + " has a malformed incident id "
            + c.command().getIncidentId() + " and should have been dead-lettered");
      }
      hash = embedded.getAsInt();
    } else {
      hash = Correlator.domainHash(key);
    }
    return Optional.of(Set.of(Utils.toPositive(hash) % numPartitions));
  }
}
