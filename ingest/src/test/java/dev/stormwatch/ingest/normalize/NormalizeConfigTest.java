package dev.stormwatch.ingest.normalize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.stormwatch.avro.AlertStatus;
import dev.stormwatch.avro.Severity;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NormalizeConfigTest {

  @Test
  void defaults() {
    NormalizeConfig d = NormalizeConfig.defaults();
    assertThat(d.serviceKeys()).isEqualTo(ServiceResolver.DEFAULT_KEYS);
    assertThat(d.serviceAliases()).isEmpty();
    assertThat(d.environmentKeys()).containsExactly("environment", "env");
    assertThat(d.defaultSeverity()).isEqualTo(Severity.UNKNOWN);
    assertThat(d.sentryProjects()).isEmpty();
    assertThat(d.severityOverrides()).isEmpty();
    assertThat(d.statusOverrides()).isEmpty();
    assertThat(NormalizeConfig.fromTree(null)).isEqualTo(d);
    assertThat(NormalizeConfig.fromMap(Map.of())).isEqualTo(d);
  }

  @Test
  void fromYaml() throws Exception {
    String yaml = """
        service:
          keys: [service, app, job]
          aliases: {checkout-api: checkout}
        environment:
          keys: [env, stage]
        severity:
          default: warning
        scales:
          severity:
            prometheus: {p0: CRITICAL}
          status:
            sentry: {regressed: FIRING}
        sentry:
          projects: {front-end: web, "42": billing}
        pagerduty:
          routing-keys: {737ea619db564d41bd9824063e1f6b08: payments}
        """;
    NormalizeConfig c = NormalizeConfig.fromTree(new ObjectMapper(new YAMLFactory()).readTree(yaml));

    assertThat(c.serviceKeys()).containsExactly("service", "app", "job");
    assertThat(c.environmentKeys()).containsExactly("env", "stage");
    assertThat(c.defaultSeverity()).isEqualTo(Severity.WARNING);
    assertThat(c.sentryProjects()).containsExactlyInAnyOrderEntriesOf(Map.of("front-end", "web", "42", "billing"));
    assertThat(c.serviceResolver().resolve(Map.of("job", "x", "app", "Checkout-API"))).isEqualTo("checkout");
    assertThat(c.scales().severityOf(Scales.PROMETHEUS, "P0", Severity.UNKNOWN)).isEqualTo(Severity.CRITICAL);
    assertThat(c.scales().severityOf(Scales.PROMETHEUS, "critical", Severity.UNKNOWN)).isEqualTo(Severity.CRITICAL);
    assertThat(c.scales().statusOf(Scales.SENTRY, "regressed", AlertStatus.UNKNOWN)).isEqualTo(AlertStatus.FIRING);
    assertThat(c.environmentOf(Map.of("stage", "prod", "environment", "x"))).isEqualTo("prod");
    assertThat(c.pagerDutyRoutingKeys()).containsExactly(Map.entry("737ea619db564d41bd9824063e1f6b08", "payments"));
  }

  @Test
  void badKeysAndValuesFailNamingTheKey() {
    assertThatThrownBy(() -> NormalizeConfig.fromMap(Map.of("servcie", Map.of())))
        .hasMessageContaining("unknown key 'servcie'");
    assertThatThrownBy(() -> NormalizeConfig.fromMap(Map.of("service", Map.of("key", List.of("a")))))
        .hasMessageContaining("unknown key 'service.key' (known: service.aliases, service.keys)");
    assertThatThrownBy(() -> NormalizeConfig.fromMap(Map.of("severity", Map.of("default", "loud"))))
        .hasMessageContaining("severity.default is 'loud', must be one of UNKNOWN, INFO, WARNING, HIGH, CRITICAL");
    assertThatThrownBy(() -> NormalizeConfig.fromMap(Map.of("scales", Map.of("status", Map.of("sentry", Map.of("x", "DONE"))))))
        .hasMessageContaining("scales.status.sentry.x is 'DONE'");
    assertThatThrownBy(() -> NormalizeConfig.fromMap(Map.of("service", Map.of("keys", List.of()))))
        .hasMessageContaining("service.keys must not be empty");
    assertThatThrownBy(() -> NormalizeConfig.fromMap(Map.of("sentry", Map.of("projects", List.of("a")))))
        .hasMessageContaining("sentry.projects must be a mapping");
    assertThatThrownBy(() -> NormalizeConfig.fromMap(Map.of("pagerduty", Map.of("routing-key", Map.of()))))
        .hasMessageContaining("unknown key 'pagerduty.routing-key'");
    assertThatThrownBy(() -> NormalizeConfig.fromMap(Map.of("pagerduty", Map.of("routing-keys", Map.of("k", " ")))))
        .hasMessageContaining("pagerduty.routing-keys.k must be a non-blank string");
  }

  @Test
  void isImmutable() {
    NormalizeConfig c = NormalizeConfig.defaults();
    assertThatThrownBy(() -> c.serviceKeys().add("x")).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> c.sentryProjects().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
  }
}
