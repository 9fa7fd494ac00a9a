package dev.stormwatch.ingest.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ServiceResolverTest {

  @Test
  void firstKeyWithAValueWinsInKeyOrderNotLabelOrder() {
    ServiceResolver resolver = ServiceResolver.defaults();
    assertThat(resolver.resolve(Map.of("job", "node", "app", "Checkout", "service", " "))).isEqualTo("checkout");
    assertThat(resolver.resolve(Map.of("job", "node-exporter"))).isEqualTo("node-exporter");
    assertThat(resolver.resolve(Map.of("instance", "h:1"))).isEqualTo(ServiceResolver.UNKNOWN);
  }

  @Test
  void aliasesMapToTheCanonicalNameCaseInsensitively() {
    ServiceResolver resolver = new ServiceResolver(List.of("svc"), Map.of("Checkout-API", "Checkout"));
    assertThat(resolver.resolve(Map.of("svc", " checkout-api "))).isEqualTo("checkout");
    assertThat(resolver.canonical("CHECKOUT-API")).isEqualTo("checkout");
    assertThat(resolver.canonical("  ")).isEqualTo(ServiceResolver.UNKNOWN);
    assertThat(resolver.aliases()).containsExactlyEntriesOf(Map.of("checkout-api", "checkout"));
  }

  @Test
  void needsAtLeastOneKey() {
    assertThatThrownBy(() -> new ServiceResolver(List.of(), Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one key");
  }
}
