package dev.stormwatch.correlator.domain;

import static dev.stormwatch.correlator.domain.Fixtures.t;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

/** Incident ids carry the partition hash of their domain, so a command finds the incident's partition. */
class IncidentIdTest {

  @Test
  void anIdEmbedsTheMurmur2OfItsDomain() {
    String id = Correlator.incidentId("component:adservice", "redis", t(0));
    assertThat(id).matches("inc-[0-9a-f]{8}-[0-9a-f]{16}");
    assertThat(Correlator.domainHashOf(id)).hasValue(Correlator.domainHash("component:adservice"));
    assertThat(Correlator.domainHashOf(id + "-2")).hasValue(Correlator.domainHash("component:adservice"));
  }

  @Test
  void malformedIdsHaveNoHash() {
    assertThat(Correlator.domainHashOf(null)).isEmpty();
    assertThat(Correlator.domainHashOf("")).isEmpty();
    assertThat(Correlator.domainHashOf("inc-0123456789abcdef")).isEmpty();
    assertThat(Correlator.domainHashOf("inc-XYZ45678-0123456789abcdef")).isEmpty();
    assertThat(Correlator.domainHashOf("inc-12345678-0123456789abcdef-0")).isEmpty();
    assertThat(Correlator.domainHashOf("inc-12345678-0123456789abcdef-x")).isEmpty();
  }

  @Property(seed = "42")
  void theEmbeddedHashPicksThePartitionKafkaPicksForTheDomain(@ForAll String domain, @ForAll("partitions") int n) {
    String id = Correlator.incidentId(domain, "fp", t(0));
    int fromId = org.apache.kafka.common.utils.Utils.toPositive(Correlator.domainHashOf(id).getAsInt()) % n;
    int kafka = BuiltInPartitioner.partitionForKey(domain.getBytes(StandardCharsets.UTF_8), n);
    assertThat(fromId).isEqualTo(kafka);
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<Integer> partitions() {
    return net.jqwik.api.Arbitraries.integers().between(1, 64);
  }
}
