package dev.stormwatch.correlator.query;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.IncidentStatus;
import dev.stormwatch.avro.Severity;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class IncidentFilterTest {

  @Test
  void noParametersMeanEverythingUpToTheDefaultLimit() {
    assertThat(IncidentFilter.parse(Map.of()).filter()).contains(IncidentFilter.all());
  }

  @Test
  void parsesStatusesAndSeveritiesInAnyCaseAndTheLimit() {
    IncidentFilter f = IncidentFilter.parse(Map.of("status", "open,Acknowledged", "severity", "CRITICAL",
        "service", "checkout", "limit", "1000")).filter().orElseThrow();
    assertThat(f.statuses()).containsExactlyInAnyOrder(IncidentStatus.OPEN, IncidentStatus.ACKNOWLEDGED);
    assertThat(f.severities()).containsExactly(Severity.CRITICAL);
    assertThat(f.service()).contains("checkout");
    assertThat(f.limit()).isEqualTo(1000);
  }

  @Test
  void badParametersGiveOneLineReasonsNamingEachParameter() {
    IncidentFilter.Parsed p = IncidentFilter.parse(Map.of("status", "open,bogus", "limit", "1001",
        "service", "a b"));
    assertThat(p.filter()).isEmpty();
    assertThat(p.error()).contains("status").contains("limit").contains("service").doesNotContain("\n");
    assertThat(IncidentFilter.parse(Map.of("limit", "0")).error()).contains("limit");
    assertThat(IncidentFilter.parse(Map.of("limit", "ten")).error()).contains("limit must be an integer");
    assertThat(IncidentFilter.parse(Map.of("severity", "loud")).error()).contains("severity");
  }

  @Test
  void roundTripsThroughTheForwardedQuery() {
    IncidentFilter f = new IncidentFilter(Set.of(IncidentStatus.OPEN), Set.of(Severity.WARNING),
        Optional.of("cart/redis"), 7);
    Map<String, String> params = new HashMap<>();
    for (String pair : f.toQuery().split("&")) {
      String[] kv = pair.split("=", 2);
      params.put(kv[0], java.net.URLDecoder.decode(kv[1], java.nio.charset.StandardCharsets.UTF_8));
    }
    assertThat(IncidentFilter.parse(params).filter()).contains(f);
  }

  @Property(seed = "42")
  void parsingNeverThrowsAndEitherAcceptsOrExplains(@ForAll String status, @ForAll String severity,
                                                    @ForAll String service, @ForAll String limit) {
    Map<String, String> params = new HashMap<>();
    params.put("status", status);
    params.put("severity", severity);
    params.put("service", service);
    params.put("limit", limit);
    IncidentFilter.Parsed p = IncidentFilter.parse(params);
    assertThat(p.filter().isPresent() != !p.error().isEmpty()).isTrue();
    assertThat(p.error()).doesNotContain("\n");
  }

  @Test
  void bearerTokensAreComparedExactly() {
    assertThat(QueryServer.authorized("Bearer s3cret", "s3cret")).isTrue();
    assertThat(QueryServer.authorized("bearer s3cret", "s3cret")).isTrue();
    assertThat(QueryServer.authorized("Bearer s3cre", "s3cret")).isFalse();
    assertThat(QueryServer.authorized("Basic s3cret", "s3cret")).isFalse();
    assertThat(QueryServer.authorized(null, "s3cret")).isFalse();
  }
}
