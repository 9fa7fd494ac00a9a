package dev.stormwatch.correlator.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stormwatch.correlator.domain.Correlator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

class IncidentRoutingTest {

  @Test
  void anIncidentIdRoutesToThePartitionOfItsDomainNotOfItsOwnHash() {
    for (String domain : new String[] {"checkout", "payments", "component-7", "ünïcode"}) {
      String id = Correlator.incidentId(domain, "fp-1", Instant.parse("2026-01-01T00:00:00Z"));
      for (int partitions : new int[] {1, 3, 6, 12}) {
        int expected = BuiltInPartitioner.partitionForKey(domain.getBytes(StandardCharsets.UTF_8), partitions);
        assertThat(IncidentRouting.partitionOf(id, partitions)).hasValue(expected);
        assertThat(IncidentRouting.PARTITIONER.partitions("t", id, null, partitions))
            .isEqualTo(Optional.of(Set.of(expected)));
      }
    }
  }

  @Test
  void aHashWithTheSignBitSetStillGivesANonNegativePartition() {
    String id = "inc-ffffffff-0123456789abcdef";
    assertThat(IncidentRouting.partitionOf(id, 7)).hasValue(Utils.toPositive(0xffffffff) % 7);
  }

  @Test
  void aSuffixedIdRoutesLikeItsBase() {
    assertThat(IncidentRouting.partitionOf("inc-0000000a-0123456789abcdef-2", 4)).hasValue(10 % 4);
  }

  @Test
  void malformedIdsAreRejectedNotRouted() {
    for (String bad : new String[] {"", "inc-", "inc-XYZ", "inc-0000000a", "inc-0000000A-0123456789abcdef",
        "checkout", "inc-0000000a-0123456789abcdef/x", "../inc-0000000a-0123456789abcdef"}) {
      assertThat(IncidentRouting.isIncidentId(bad)).as(bad).isFalse();
      assertThat(IncidentRouting.partitionOf(bad, 3)).as(bad).isEmpty();
    }
    assertThatThrownBy(() -> IncidentRouting.PARTITIONER.partitions("t", "nope", null, 3))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
