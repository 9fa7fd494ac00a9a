package dev.stormwatch.common.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.type;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RestSchemaRegistryClientTest {

  static final String V1 = """
      {"type":"record","name":"Probe","namespace":"t","fields":[{"name":"a","type":"string"}]}""";
  static final String V2_WITH_DEFAULT = """
      {"type":"record","name":"Probe","namespace":"t","fields":[{"name":"a","type":"string"},
      {"name":"b","type":"int","default":0}]}""";
  static final String V2_WITHOUT_DEFAULT = """
      {"type":"record","name":"Probe","namespace":"t","fields":[{"name":"a","type":"string"},
      {"name":"b","type":"int"}]}""";

  FakeSchemaRegistry registry;
  RestSchemaRegistryClient client;

  @BeforeEach
  void start() {
    registry = FakeSchemaRegistry.start();
    client = new RestSchemaRegistryClient(fastRetries(registry.url()).build());
  }

  @AfterEach
  void stop() {
    client.close();
    registry.close();
  }

  static SchemaRegistryConfig.Builder fastRetries(String... urls) {
    return SchemaRegistryConfig.builder().urls(urls)
        .retryBackoff(Duration.ofMillis(5)).retryBackoffMax(Duration.ofMillis(20))
        .connectTimeout(Duration.ofSeconds(2)).requestTimeout(Duration.ofSeconds(5))
        .retryDeadline(Duration.ofSeconds(10));
  }

  @Test
  void registersLooksUpAndReadsBackSchemas() {
    int id = client.register("alerts-value", V1);

    assertThat(client.getId("alerts-value", V1)).isEqualTo(id);
    assertThat(client.getSchemaById(id)).contains("\"name\":\"Probe\"");
    RegisteredSchema latest = client.getLatestVersion("alerts-value");
    assertThat(latest.subject()).isEqualTo("alerts-value");
    assertThat(latest.id()).isEqualTo(id);
    assertThat(latest.version()).isEqualTo(1);
    assertThat(latest.schemaType()).isEqualTo("AVRO");
    assertThat(client.getVersion("alerts-value", 1)).isEqualTo(latest);
    assertThat(client.listSubjects()).containsExactly("alerts-value");
    assertThat(client.listVersions("alerts-value")).containsExactly(1);
  }

  @Test
  void sendsTheRegistryMediaTypeAndTheSchemaAsJsonString() {
    client.register("s", V1);

    FakeSchemaRegistry.Request request = registry.requests().get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.pathAndQuery()).isEqualTo("/subjects/s/versions");
    assertThat(request.headers().get("content-type")).isEqualTo("application/vnd.schemaregistry.v1+json");
    assertThat(request.headers().get("accept")).startsWith("application/vnd.schemaregistry.v1+json");
    assertThat(request.body()).startsWith("{\"schema\":\"{\\\"type\\\":\\\"record\\\"");
  }

  @Test
  void normalizeIsPassedAsQueryParameter() {
    client.register("s", V1, true);
    try (RestSchemaRegistryClient other = new RestSchemaRegistryClient(fastRetries(registry.url()).build())) {
      other.getId("s", V1, true); // a fresh client: register() above already cached the id
    }

    assertThat(registry.requests()).extracting(FakeSchemaRegistry.Request::pathAndQuery)
        .startsWith("/subjects/s/versions?normalize=true", "/subjects/s?normalize=true");
  }

  @Test
  void schemaByIdAndIdLookupAreCached() {
    int id = registry.registerDirectly("s", V1);

    for (int i = 0; i < 5; i++) {
      client.getSchemaById(id);
      client.getId("s", V1);
    }

    assertThat(registry.requests()).hasSize(2);
  }

  @Test
  void subjectsAreEncodedAsOnePathSegment() {
    String subject = "team a/alerts:value";
    int id = client.register(subject, V1);

    assertThat(client.getLatestVersion(subject).id()).isEqualTo(id);
    assertThat(client.listSubjects()).containsExactly(subject);
    assertThat(registry.requests().get(0).pathAndQuery())
        .isEqualTo("/subjects/team%20a%2Falerts%3Avalue/versions");
  }

  @Test
  void retriesServiceUnavailableThenSucceeds() {
    registry.failNext(503, "{\"error_code\":50003,\"message\":\"Error while forwarding the request to the leader\"}")
        .failNext(500, "{\"error_code\":50001,\"message\":\"Error in the backend data store\"}");

    int id = client.register("s", V1);

    assertThat(id).isPositive();
    assertThat(registry.requests()).hasSize(3);
  }

  @Test
  void honoursRetryAfterOn429() {
    registry.failNext(429, "{\"error_code\":42901,\"message\":\"Too many requests\"}", Map.of("Retry-After", "1"));
    long start = System.nanoTime();

    client.register("s", V1);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(950));
    assertThat(registry.requests()).hasSize(2);
  }

  @Test
  void retries408AndNonJsonGatewayErrors() {
    registry.failNext(408, "").failNext(502, "<html><body>Bad Gateway</body></html>");

    assertThat(client.listSubjects()).isEmpty();
    assertThat(registry.requests()).hasSize(3);
  }

  @Test
  void givesUpAfterMaxRetriesWithARetriableErrorCarryingTheLastAnswer() {
    for (int i = 0; i < 4; i++) {
      registry.failNext(503, "{\"error_code\":50003,\"message\":\"leader unknown\"}");
    }

    assertThatThrownBy(() -> client.register("s", V1))
        .asInstanceOf(type(SchemaRegistryException.class))
        .satisfies(e -> {
          assertThat(e.isRetriable()).isTrue();
          assertThat(e.httpStatus()).hasValue(503);
          assertThat(e.errorCode()).isEqualTo(50003);
          assertThat(e.registryMessage()).isEqualTo("leader unknown");
        });
    assertThat(registry.requests()).hasSize(1 + SchemaRegistryConfig.DEFAULT_MAX_RETRIES);
  }

  @Test
  void aRetryAfterBeyondTheDeadlineFailsAtOnceInsteadOfWaiting() {
    RestSchemaRegistryClient c = new RestSchemaRegistryClient(
        fastRetries(registry.url()).retryDeadline(Duration.ofMillis(500)).build());
    registry.failNext(429, "{}", Map.of("Retry-After", "30"));
    long start = System.nanoTime();

    assertThatThrownBy(() -> c.listSubjects())
        .asInstanceOf(type(SchemaRegistryException.class))
        .satisfies(e -> {
          assertThat(e.isRetriable()).isTrue();
          assertThat(e.getMessage()).contains("deadline");
        });
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(registry.requests()).hasSize(1);
  }

  @Test
  void doesNotRetryClientErrorsAndReportsTheRegistryErrorCode() {
    assertThatThrownBy(() -> client.getLatestVersion("missing"))
        .asInstanceOf(type(SchemaRegistryException.class))
        .satisfies(e -> {
          assertThat(e.isSubjectNotFound()).isTrue();
          assertThat(e.isNotFound()).isTrue();
          assertThat(e.isRetriable()).isFalse();
          assertThat(e.httpStatus()).hasValue(404);
          assertThat(e.errorCode()).isEqualTo(40401);
          assertThat(e.getMessage()).contains("HTTP 404", "40401", "Subject 'missing' not found.");
        });
    assertThat(registry.requests()).hasSize(1);
  }

  @Test
  void unknownSchemaIdIs40403() {
    assertThatThrownBy(() -> client.getSchemaById(999))
        .asInstanceOf(type(SchemaRegistryException.class))
        .satisfies(e -> assertThat(e.isSchemaNotFound()).isTrue());
  }

  @Test
  void incompatibleSchemaIs409AndInvalidSchemaIs42201() {
    client.register("s", V1);

    assertThatThrownBy(() -> client.register("s", V2_WITHOUT_DEFAULT))
        .asInstanceOf(type(SchemaRegistryException.class))
        .satisfies(e -> {
          assertThat(e.isIncompatible()).isTrue();
          assertThat(e.httpStatus()).hasValue(409);
          assertThat(e.isRetriable()).isFalse();
        });
    assertThatThrownBy(() -> client.register("s", "{\"type\":\"recordd\"}"))
        .asInstanceOf(type(SchemaRegistryException.class))
        .satisfies(e -> {
          assertThat(e.isInvalidSchema()).isTrue();
          assertThat(e.httpStatus()).hasValue(422);
        });
  }

  @Test
  void testsCompatibilityWithMessagesWhenVerbose() {
    client.register("s", V1);

    assertThat(client.testCompatibility("s", V2_WITH_DEFAULT).compatible()).isTrue();
    CompatibilityResult bad = client.testCompatibility("s", V2_WITHOUT_DEFAULT, "1", true);
    assertThat(bad.compatible()).isFalse();
    assertThat(bad.messages()).isNotEmpty();
    assertThat(registry.requests().get(registry.requests().size() - 1).pathAndQuery())
        .isEqualTo("/compatibility/subjects/s/versions/1?verbose=true");
  }

  @Test
  void readsAndSetsCompatibilityLevelsWithSubjectFallingBackToGlobal() {
    assertThat(client.getGlobalCompatibility()).isEqualTo(CompatibilityLevel.BACKWARD);
    assertThat(client.getCompatibility("s")).isEqualTo(CompatibilityLevel.BACKWARD);

    assertThat(client.setCompatibility("s", CompatibilityLevel.FULL)).isEqualTo(CompatibilityLevel.FULL);
    assertThat(client.setGlobalCompatibility(CompatibilityLevel.NONE)).isEqualTo(CompatibilityLevel.NONE);

    assertThat(client.getCompatibility("s")).isEqualTo(CompatibilityLevel.FULL);
    assertThat(client.getCompatibility("other")).isEqualTo(CompatibilityLevel.NONE);
    assertThat(client.getGlobalCompatibility()).isEqualTo(CompatibilityLevel.NONE);
  }

  @Test
  void deletesSubjectsSoftAndPermanent() {
    client.register("s", V1);
    client.register("s", V2_WITH_DEFAULT);

    assertThat(client.deleteSubject("s", false)).containsExactly(1, 2);
    assertThat(client.listSubjects()).isEmpty();
    assertThatThrownBy(() -> client.deleteSubject("s", true))
        .asInstanceOf(type(SchemaRegistryException.class))
        .satisfies(e -> assertThat(e.isSubjectNotFound()).isTrue());
    assertThat(registry.requests().get(registry.requests().size() - 1).pathAndQuery())
        .isEqualTo("/subjects/s?permanent=true");
  }

  @Test
  void failsOverToTheNextUrlWhenAConnectionIsRefused() throws IOException {
    String dead = "http://127.0.0.1:" + freePort();
    try (RestSchemaRegistryClient c = new RestSchemaRegistryClient(
        fastRetries(dead + "," + registry.url()).maxRetries(0).build())) {
      assertThat(c.register("s", V1)).isPositive();
      // it stays on the URL that worked
      assertThat(c.listSubjects()).containsExactly("s");
    }
    assertThat(registry.requests()).hasSize(2);
  }

  @Test
  void anUnreachableRegistryIsARetriableErrorWithoutStatus() throws IOException {
    String dead = "http://127.0.0.1:" + freePort();
    try (RestSchemaRegistryClient c = new RestSchemaRegistryClient(fastRetries(dead).maxRetries(2).build())) {
      assertThatThrownBy(() -> c.getSchemaById(1))
          .asInstanceOf(type(SchemaRegistryException.class))
          .satisfies(e -> {
            assertThat(e.isRetriable()).isTrue();
            assertThat(e.httpStatus()).isEmpty();
            assertThat(e.getMessage()).contains("unreachable", dead);
            assertThat(SchemaRegistryException.isRetriableCause(new RuntimeException(e))).isTrue();
          });
    }
  }

  @Test
  void sendsBasicAuthFromUserInfoOrUrlAndBearerTokens() {
    String port = registry.url().substring(registry.url().lastIndexOf(':') + 1);
    try (RestSchemaRegistryClient fromUserInfo = new RestSchemaRegistryClient(SchemaRegistryConfig.fromMap(Map.of(
            SchemaRegistryConfig.URL, registry.url(),
            SchemaRegistryConfig.BASIC_AUTH_CREDENTIALS_SOURCE, "USER_INFO",
            SchemaRegistryConfig.BASIC_AUTH_USER_INFO, "alice:s3cret")));
        RestSchemaRegistryClient fromUrl = new RestSchemaRegistryClient(SchemaRegistryConfig.fromMap(Map.of(
            SchemaRegistryConfig.URL, "http://bob:pa%3Ass@127.0.0.1:" + port)));
        RestSchemaRegistryClient bearer = new RestSchemaRegistryClient(SchemaRegistryConfig.fromMap(Map.of(
            SchemaRegistryConfig.URL, registry.url(),
            SchemaRegistryConfig.BEARER_AUTH_CREDENTIALS_SOURCE, "STATIC_TOKEN",
            SchemaRegistryConfig.BEARER_AUTH_TOKEN, "tok-123")))) {
      fromUserInfo.listSubjects();
      fromUrl.listSubjects();
      bearer.listSubjects();
    }

    assertThat(registry.requests()).extracting(r -> r.headers().get("authorization")).containsExactly(
        "Basic " + b64("alice:s3cret"), "Basic " + b64("bob:pa:ss"), "Bearer tok-123");
  }

  @Test
  void noAuthorizationHeaderWithoutCredentials() {
    client.listSubjects();

    assertThat(registry.requests().get(0).headers()).doesNotContainKey("authorization");
  }

  @Test
  void unauthorizedIsAPermanentError() {
    registry.failNext(401, "{\"error_code\":401,\"message\":\"Unauthorized\"}");

    assertThatThrownBy(() -> client.listSubjects())
        .asInstanceOf(type(SchemaRegistryException.class))
        .satisfies(e -> {
          assertThat(e.isUnauthorized()).isTrue();
          assertThat(e.isRetriable()).isFalse();
        });
    assertThat(registry.requests()).hasSize(1);
  }

  @Test
  void backoffGrowsExponentiallyWithJitterAndIsCapped() {
    RestSchemaRegistryClient c = new RestSchemaRegistryClient(SchemaRegistryConfig.builder()
        .urls("http://localhost:1").retryBackoff(Duration.ofMillis(100))
        .retryBackoffMax(Duration.ofMillis(1000)).build());
    for (int i = 0; i < 200; i++) {
      assertThat(c.backoff(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
      assertThat(c.backoff(2)).isBetween(Duration.ofMillis(200), Duration.ofMillis(400));
      assertThat(c.backoff(10)).isBetween(Duration.ofMillis(500), Duration.ofMillis(1000));
      assertThat(c.backoff(63)).isBetween(Duration.ofMillis(500), Duration.ofMillis(1000));
    }
  }

  private static String b64(String s) {
    return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
