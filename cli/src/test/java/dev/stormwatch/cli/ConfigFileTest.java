package dev.stormwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.stormwatch.ingest.IngestConfig;
import dev.stormwatch.ingest.gateway.GatewayConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFileTest {

  @TempDir Path dir;

  @Test
  void theShippedSampleIsValidAndEqualsTheDefaults() {
    ConfigFile file = ConfigFile.load(Path.of("../deploy/config/stormwatch.yaml"));
    IngestConfig fromFile = IngestConfig.fromTree(file.root(), dir);
    IngestConfig defaults = IngestConfig.defaults(dir);
    assertThat(fromFile.applicationId()).isEqualTo(defaults.applicationId());
    assertThat(fromFile.normalize()).isEqualTo(defaults.normalize());
    assertThat(fromFile.plainLogPattern().pattern()).isEqualTo(defaults.plainLogPattern().pattern());
    assertThat(fromFile.logRules().toString()).isEqualTo(defaults.logRules().toString());

    assertThat(dev.stormwatch.correlator.domain.CorrelatorSettings.fromTree(file.root().path("correlator")))
        .isEqualTo(dev.stormwatch.correlator.domain.CorrelatorSettings.defaults());
    assertThat(file.root().path("correlator").path("rules").isObject()).as("the rules are documented").isTrue();
    assertThat(dev.stormwatch.correlator.rules.RulesSettings.fromTree(file.root().path("correlator").path("rules")))
        .isEqualTo(dev.stormwatch.correlator.rules.RulesSettings.defaults());
    file.root().path("correlator").path("rules").fieldNames().forEachRemaining(key ->
        assertThat(dev.stormwatch.correlator.rules.RulesSettings.KEYS).contains(key));
    assertThat(dev.stormwatch.correlator.rules.RulesSettings.KEYS)
        .allMatch(key -> file.root().path("correlator").path("rules").has(key));

    assertThat(dev.stormwatch.notifier.NotifierSettings.fromTree(file.root().path("notifier")))
        .isEqualTo(dev.stormwatch.notifier.NotifierSettings.defaults());
    assertThat(dev.stormwatch.notifier.api.NotifierServerConfig.fromTree(file.root().path("notifier-api")))
        .isEqualTo(dev.stormwatch.notifier.api.NotifierServerConfig.defaults());
    assertThat(dev.stormwatch.notifier.dispatch.DispatcherConfig.fromTree(file.root().path("dispatcher"), name -> null))
        .isEqualTo(dev.stormwatch.notifier.dispatch.DispatcherConfig.defaults());

    Map<String, String> gateway = new HashMap<>(file.gatewaySettings());
    gateway.put("kafka.bootstrap.servers", "127.0.0.1:9092");
    assertThat(GatewayConfig.fromMap(gateway)).isEqualTo(GatewayConfig.builder("127.0.0.1:9092").build());
  }

  @Test
  void settingsReachTheApps() throws IOException {
    Path file = Files.writeString(dir.resolve("sw.yaml"), """
        gateway:
          max-body-bytes: 1024
          auth: {prometheus: "bearer:s3cret", changes: "bearer:ci"}
          pagerduty: {routing-keys: [737ea619db564d41bd9824063e1f6b08, samplekeyhere]}
        ingest:
          application-id: my-ingest
          streams: {num.stream.threads: 2}
        normalize:
          service: {aliases: {checkout-api: checkout}}
          pagerduty: {routing-keys: {737ea619db564d41bd9824063e1f6b08: payments}}
        logs:
          rules: {rate-rules: []}
        """);
    ConfigFile config = ConfigFile.load(file);
    IngestConfig ingest = IngestConfig.fromTree(config.root(), dir);
    assertThat(ingest.applicationId()).isEqualTo("my-ingest");
    assertThat(ingest.streamsOverrides()).containsEntry("num.stream.threads", "2");
    assertThat(ingest.normalize().serviceResolver().canonical("Checkout-API")).isEqualTo("checkout");
    assertThat(ingest.logRules().rateRules()).isEmpty();
    assertThat(config.gatewaySettings()).containsEntry("gateway.max-body-bytes", "1024")
        .containsEntry("gateway.auth.prometheus", "bearer:s3cret");
    assertThat(ingest.normalize().pagerDutyRoutingKeys()).containsEntry("737ea619db564d41bd9824063e1f6b08", "payments");
    Map<String, String> gateway = new HashMap<>(config.gatewaySettings());
    gateway.put("kafka.bootstrap.servers", "127.0.0.1:9092");
    GatewayConfig gatewayConfig = GatewayConfig.fromMap(gateway);
    assertThat(gatewayConfig.pagerDutyRoutingKeys())
        .containsExactlyInAnyOrder("737ea619db564d41bd9824063e1f6b08", "samplekeyhere");
    assertThat(gatewayConfig.auth(dev.stormwatch.ingest.gateway.Endpoint.CHANGES))
        .isEqualTo(dev.stormwatch.ingest.gateway.EndpointAuth.bearer("ci"));
  }

  @Test
  void mistakesAreOneClearLine() throws IOException {
    assertThatThrownBy(() -> ConfigFile.load(dir.resolve("missing.yaml")))
        .hasMessageStartingWith("config file not found:");
    Path typo = Files.writeString(dir.resolve("typo.yaml"), "gatway: {}\n");
    assertThatThrownBy(() -> ConfigFile.load(typo)).hasMessageContaining("unknown section 'gatway'");
    Path badKey = Files.writeString(dir.resolve("bad.yaml"), "ingest: {app-id: x}\n");
    assertThatThrownBy(() -> IngestConfig.fromTree(ConfigFile.load(badKey).root(), dir))
        .hasMessageContaining("ingest.app-id: unknown key");
    Path badRegex = Files.writeString(dir.resolve("regex.yaml"), "logs: {plain-pattern: '(['}\n");
    assertThatThrownBy(() -> IngestConfig.fromTree(ConfigFile.load(badRegex).root(), dir))
        .hasMessageStartingWith("logs.plain-pattern: not a valid regular expression");
    Path notYaml = Files.writeString(dir.resolve("broken.yaml"), "gateway: [\n");
    assertThatThrownBy(() -> ConfigFile.load(notYaml)).hasMessageContaining("is not valid YAML");
  }
}
