package dev.stormwatch.notifier.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class NotifierServerConfigTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Function<String, String> NO_ENV = name -> null;

  @Test
  void absentSectionIsTheDefaults() {
    NotifierServerConfig d = NotifierServerConfig.fromTree(MissingNode.getInstance(), NO_ENV);
    assertThat(d).isEqualTo(NotifierServerConfig.defaults());
    assertThat(d.port()).isEqualTo(8090);
    assertThat(d.host()).isEqualTo("0.0.0.0");
    assertThat(d.linkTtl()).isEqualTo(Duration.ofHours(24));
    assertThat(d.links()).isEmpty();
    assertThat(d.bearerToken()).isEmpty();
    assertThat(d.pagesCapacity()).isEqualTo(10_000);
    assertThat(d.pagesLookback()).contains(Duration.ofDays(7));
  }

  @Test
  void readsEveryKeyWithEnvironmentReferences() throws Exception {
    JsonNode tree = YAML.readTree("""
        host: 127.0.0.1
        port: 9999
        bearer-token: ${API_TOKEN}
        public-url: https://stormwatch.example.org
        link-secret: ${LINK_SECRET}
        link-ttl: 2h
        retry-after: 3s
        command-timeout: 10s
        pages-log: {capacity: 500, lookback: all}
        workload: {max-people: 7}
        """);
    NotifierServerConfig c = NotifierServerConfig.fromTree(tree,
        Map.of("API_TOKEN", "t0ken", "LINK_SECRET", "a-long-enough-secret")::get);
    assertThat(c.host()).isEqualTo("127.0.0.1");
    assertThat(c.port()).isEqualTo(9999);
    assertThat(c.bearerToken().orElseThrow().value()).isEqualTo("t0ken");
    assertThat(c.linkTtl()).isEqualTo(Duration.ofHours(2));
    assertThat(c.retryAfter()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.commandTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.pagesCapacity()).isEqualTo(500);
    assertThat(c.pagesLookback()).isEmpty();
    assertThat(c.workloadPeople()).isEqualTo(7);
    AckLinks links = c.links().orElseThrow();
    assertThat(links.publicUrl()).isEqualTo(URI.create("https://stormwatch.example.org"));
    assertThat(links.ttl()).isEqualTo(Duration.ofHours(2));
    assertThat(c.toString()).doesNotContain("t0ken").doesNotContain("a-long-enough-secret");
  }

  @Test
  void badValuesAreOneLineErrorsNamingTheKey() throws Exception {
    assertThatThrownBy(() -> NotifierServerConfig.fromTree(YAML.readTree("prot: 1"), NO_ENV))
        .hasMessageStartingWith("notifier-api.prot: unknown key");
    assertThatThrownBy(() -> NotifierServerConfig.fromTree(YAML.readTree("link-ttl: 5"), NO_ENV))
        .hasMessageStartingWith("notifier-api.link-ttl");
    assertThatThrownBy(() -> NotifierServerConfig.fromTree(YAML.readTree("link-secret: 0123456789abcdef"),
        NO_ENV)).hasMessageContaining("go together");
    assertThatThrownBy(() -> NotifierServerConfig.fromTree(YAML.readTree(
        "{public-url: 'https://x.example', link-secret: short}"), NO_ENV))
        .hasMessageContaining("at least 16");
    assertThatThrownBy(() -> NotifierServerConfig.fromTree(YAML.readTree("public-url: not a url"), NO_ENV))
        .hasMessageStartingWith("notifier-api.public-url");
    assertThatThrownBy(() -> NotifierServerConfig.fromTree(YAML.readTree("bearer-token: ${NOPE}"), NO_ENV))
        .hasMessageContaining("NOPE is not set");
    assertThatThrownBy(() -> NotifierServerConfig.fromTree(YAML.readTree("pages-log: {capacity: 0}"), NO_ENV))
        .hasMessageContaining("capacity");
  }

  @Test
  void withersKeepTheRest() {
    NotifierServerConfig c = NotifierServerConfig.defaults().withAddress("127.0.0.1", 0).withBearerToken("t")
        .withLinks(URI.create("http://127.0.0.1:1234"), "0123456789abcdef", Duration.ofMinutes(5))
        .withPagesLog(10, Optional.empty());
    assertThat(c.port()).isZero();
    assertThat(c.bearerToken()).isPresent();
    assertThat(c.links().orElseThrow().ttl()).isEqualTo(Duration.ofMinutes(5));
    assertThat(c.pagesCapacity()).isEqualTo(10);
  }
}
