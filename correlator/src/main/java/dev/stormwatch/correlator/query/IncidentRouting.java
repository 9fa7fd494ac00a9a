package dev.stormwatch.correlator.query;

import dev.stormwatch.correlator.domain.Correlator;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.streams.processor.StreamPartitioner;

/**
 * Where an incident lives. The correlator's stores are partitioned by correlation domain, not by
 * incident id; an id ({@code inc-<8 hex>-<16 hex>}) embeds the murmur2 of its domain, so its
 * partition is {@code toPositive(hash) % partitions}, the partition Kafka's default partitioner
 * gives a String key equal to the domain. Hashing the id itself would route to the wrong instance.
 */
public final class IncidentRouting {

  /** Routes an incident id by the domain hash it embeds; for {@code queryMetadataForKey}. */
  public static final StreamPartitioner<String, Object> PARTITIONER = new StreamPartitioner<>() {
    @Override
    public Optional<Set<Integer>> partitions(String topic, String id, Object value, int numPartitions) {
      OptionalInt partition = partitionOf(id, numPartitions);
      if (partition.isEmpty()) {
        throw new IllegalArgumentException("not an incident id: " + id);
      }
      return Optional.of(Set.of(partition.getAsInt()));
    }
  };

  private IncidentRouting() {
  }

  /** True when {@code id} has the form of an incident id (so it can be routed). */
  public static boolean isIncidentId(String id) {
    return Correlator.domainHashOf(id).isPresent();
  }

  /**
   * The partition of the domain an incident id names, among {@code numPartitions}; empty for a
   * malformed id.
   */
  public static OptionalInt partitionOf(String id, int numPartitions) {
    if (numPartitions < 1) {
      throw new IllegalArgumentException("numPartitions must be positive, was " + numPartitions);
    }
    OptionalInt hash = Correlator.domainHashOf(id);
    return hash.isEmpty() ? OptionalInt.empty() : OptionalInt.of(Utils.toPositive(hash.getAsInt()) % numPartitions);
  }
}
