package dev.stormwatch.common.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

class SchemaRegistryConfigTest {

  @Test
  void defaultsAreDocumentedValues() {
    SchemaRegistryConfig c = SchemaRegistryConfig.fromMap(Map.of(SchemaRegistryConfig.URL, "http://r:8081/"));

    assertThat(c.baseUrls()).containsExactly(URI.create("http://r:8081"));
    assertThat(c.basicAuthUserInfo()).isEmpty();
    assertThat(c.bearerToken()).isEmpty();
    assertThat(c.connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.maxRetries()).isEqualTo(3);
    assertThat(c.retryBackoff()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.retryBackoffMax()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.retryDeadline()).isEqualTo(Duration.ofSeconds(60));
    assertThat(c.cacheCapacity()).isEqualTo(1000);
  }

  @Test
  void readsEveryKeyFromStringsOrNumbers() {
    SchemaRegistryConfig c = SchemaRegistryConfig.fromMap(Map.of(
        SchemaRegistryConfig.URL, "http://a:8081, https://b:8081",
        SchemaRegistryConfig.CONNECT_TIMEOUT_MS, "1500",
        SchemaRegistryConfig.REQUEST_TIMEOUT_MS, 2500,
        SchemaRegistryConfig.MAX_RETRIES, "7",
        SchemaRegistryConfig.RETRY_BACKOFF_MS, 10L,
        SchemaRegistryConfig.RETRY_BACKOFF_MAX_MS, "20",
        SchemaRegistryConfig.RETRY_DEADLINE_MS, "30000",
        SchemaRegistryConfig.LEGACY_CACHE_CAPACITY, "50"));

    assertThat(c.baseUrls()).containsExactly(URI.create("http://a:8081"), URI.create("https://b:8081"));
    assertThat(c.connectTimeout()).isEqualTo(Duration.ofMillis(1500));
    assertThat(c.requestTimeout()).isEqualTo(Duration.ofMillis(2500));
    assertThat(c.maxRetries()).isEqualTo(7);
    assertThat(c.retryBackoff()).isEqualTo(Duration.ofMillis(10));
    assertThat(c.retryBackoffMax()).isEqualTo(Duration.ofMillis(20));
    assertThat(c.retryDeadline()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.cacheCapacity()).isEqualTo(50);
  }

  @Test
  void acceptsAListOfUrls() {
    SchemaRegistryConfig c = SchemaRegistryConfig.fromMap(Map.of(SchemaRegistryConfig.URL, List.of("http://a", "http://b")));

    assertThat(c.baseUrls()).hasSize(2);
  }

  @Test
  void basicAuthFromUrlUserInfoIsTakenOutOfTheUrl() {
    SchemaRegistryConfig c = SchemaRegistryConfig.fromMap(Map.of(SchemaRegistryConfig.URL, "https://u:p%40w@r:8081"));

    assertThat(c.basicAuthUserInfo()).hasValue("u:p@w");
    assertThat(c.baseUrls()).containsExactly(URI.create("https://r:8081"));
  }

  @Test
  void basicAuthUserInfoAcceptsTheLegacyKeyAndKafkaPasswords() {
    SchemaRegistryConfig c = SchemaRegistryConfig.fromMap(Map.of(
        SchemaRegistryConfig.URL, "http://r",
        SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "user_info",
        SchemaRegistryConfig.LEGACY_BASIC_AUTH_USER_INFO, new Password("u:p")));

    assertThat(c.basicAuthUserInfo()).hasValue("u:p");
    assertThat(c.toString()).doesNotContain("u:p").contains("auth=basic");
  }

  @Test
  void userInfoIsIgnoredUnlessTheSourceIsUserInfo() {
    SchemaRegistryConfig c = SchemaRegistryConfig.fromMap(Map.of(
        SchemaRegistryConfig.URL, "http://r", SchemaRegistryConfig.BASIC_AUTH_USER_INFO, "u:p"));

    assertThat(c.basicAuthUserInfo()).isEmpty();
  }

  @Test
  void rejectsInvalidConfigurationNamingTheKey() {
    assertThatThrownBy(() -> SchemaRegistryConfig.fromMap(Map.of()))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("schema.registry.url");
    assertThatThrownBy(() -> SchemaRegistryConfig.fromMap(Map.of(SchemaRegistryConfig.URL, "ftp://r")))
        .hasMessageContaining("schema.registry.url");
    assertThatThrownBy(() -> SchemaRegistryConfig.fromMap(Map.of(SchemaRegistryConfig.URL, "http://r",
        SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "SASL_INHERIT")))
        .hasMessageContaining("basic.auth.credentials.source");
    assertThatThrownBy(() -> SchemaRegistryConfig.fromMap(Map.of(SchemaRegistryConfig.URL, "http://r",
        SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO")))
        .hasMessageContaining("basic.auth.user.info");
    assertThatThrownBy(() -> SchemaRegistryConfig.fromMap(Map.of(SchemaRegistryConfig.URL, "http://r",
        SchemaRegistryConfig.BEARER_AUTH_CREDENTIALS_SOURCE, "OAUTHBEARER")))
        .hasMessageContaining("STATIC_TOKEN");
    assertThatThrownBy(() -> SchemaRegistryConfig.fromMap(Map.of(SchemaRegistryConfig.URL, "http://r",
        SchemaRegistryConfig.BEARER_AUTH_CREDENTIALS_SOURCE, "STATIC_TOKEN")))
        .hasMessageContaining("bearer.auth.token");
    assertThatThrownBy(() -> SchemaRegistryConfig.fromMap(Map.of(SchemaRegistryConfig.URL, "http://r",
        SchemaRegistryConfig.REQUEST_TIMEOUT_MS, "0")))
        .hasMessageContaining("schema.registry.request.timeout.ms");
    assertThatThrownBy(() -> SchemaRegistryConfig.fromMap(Map.of(SchemaRegistryConfig.URL, "http://r",
        SchemaRegistryConfig.MAX_RETRIES, "many")))
        .hasMessageContaining("schema.registry.max.retries");
    assertThatThrownBy(() -> SchemaRegistryConfig.fromMap(Map.of(SchemaRegistryConfig.URL, "http://r",
        SchemaRegistryConfig.RETRY_BACKOFF_MS, "100", SchemaRegistryConfig.RETRY_BACKOFF_MAX_MS, "10")))
        .hasMessageContaining("schema.registry.retry.backoff.max.ms");
    assertThatThrownBy(() -> SchemaRegistryConfig.builder().urls("http://r").basicAuth("u:p").bearerToken("t").build())
        .hasMessageContaining("not both");
  }
}
