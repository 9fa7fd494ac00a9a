package dev.stormwatch.notifier.channel;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.PageAction;
import dev.stormwatch.avro.PageRequest;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.notifier.channel.RecordingServer.Reply;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The HTTP channel integrations against a real local HTTP server: the bodies they send (checked
 * against the providers' formats in {@code src/test/resources/pagers}), their headers, and how
 * they classify 2xx, 429 with {@code Retry-After}, 5xx, 4xx, time-outs and refused connections.
 */
class HttpChannelsTest {

  private static final Instant NOW = Instant.parse("2026-03-01T12:00:05Z");
  private static final Secret SIGNING = new Secret("whsec-test");

  private RecordingServer server;
  private Channels channels;

  @BeforeEach
  void start() {
    server = RecordingServer.start();
    channels = channels(server, Duration.ofMillis(500));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  static Channels channels(RecordingServer server, Duration requestTimeout) {
    ChannelSettings settings = new ChannelSettings(
        Map.of("ops-hook", new WebhookTarget(server.url("/hooks/ops"), SIGNING, Map.of("X-Team", "payments")),
            "unsigned", new WebhookTarget(server.url("/hooks/unsigned"), null, Map.of())),
        Map.of("ops-chat", new SlackTarget(server.url("/services/T000/B000/XXXX"))),
        new PagerDutySettings(server.url("/pd"), Map.of("payments", new Secret("e93facc04764012d7bfb002500d5d1a6"))),
        new OpsgenieSettings(server.url("/og"), Map.of("payments", new Secret("genie-key-1"))),
        null, false, Duration.ofSeconds(2), requestTimeout);
    return Channels.create(settings, Channels.httpClient(settings), null, "unused");
  }

  private SendResult send(ChannelType type, PageRequest page, String address) {
    return channels.get(type).orElseThrow().send(page, address, new SendContext(1, NOW, false));
  }

  @Nested
  class Webhook {

    @Test
    void postsThePageJsonSignedWithAnIdempotencyKey() {
      PageRequest page = Pages.trigger("inc-42/0/0/alice", ChannelType.WEBHOOK, "ops-hook");

      SendResult result = send(ChannelType.WEBHOOK, page, "ops-hook");

      assertThat(result).isInstanceOf(SendResult.Delivered.class);
      RecordingServer.Request request = server.requests("/hooks/ops").get(0);
      assertThat(request.method()).isEqualTo("POST");
      assertThat(request.header("Content-Type")).isEqualTo("application/json");
      assertThat(request.header("Idempotency-Key")).isEqualTo("inc-42/0/0/alice");
      assertThat(request.header("Stormwatch-Event")).isEqualTo("page.trigger");
      assertThat(request.header("Stormwatch-Attempt")).isEqualTo("1");
      assertThat(request.header("X-Team")).isEqualTo("payments");
      assertThat(WebhookSigner.verify(SIGNING, request.header(WebhookSigner.HEADER), request.body(), NOW,
          Duration.ofMinutes(5))).isTrue();
      assertThat(request.header(WebhookSigner.HEADER)).startsWith("t=" + NOW.getEpochSecond() + ",v1=");
      JsonNode body = request.json();
      assertThat(body.get("version").asInt()).isEqualTo(1);
      assertThat(body.get("type").asText()).isEqualTo("page.trigger");
      assertThat(body.get("dedupKey").asText()).isEqualTo("inc-42/0/0/alice");
      assertThat(body.get("incidentId").asText()).isEqualTo("inc-42");
      assertThat(body.get("severity").asText()).isEqualTo("critical");
      assertThat(body.get("urgency").asText()).isEqualTo("high");
      assertThat(body.get("recipient").get("address").asText()).isEqualTo("ops-hook");
      assertThat(body.get("links").get(0).get("kind").asText()).isEqualTo("incident");
      assertThat(body.get("requestedAt").asText()).isEqualTo("2026-03-01T12:00:00Z");
      // the body is the documented PageJson, byte for byte, so a resend is identical
      assertThat(request.body()).isEqualTo(PageJson.bytes(page));
    }

    @Test
    void aTamperedBodyOrAStaleTimestampDoesNotVerify() {
      send(ChannelType.WEBHOOK, Pages.trigger("k", ChannelType.WEBHOOK, "ops-hook"), "ops-hook");
      RecordingServer.Request request = server.requests().get(0);
      String header = request.header(WebhookSigner.HEADER);
      byte[] tampered = request.text().replace("critical", "info").getBytes(StandardCharsets.UTF_8);

      assertThat(WebhookSigner.verify(SIGNING, header, tampered, NOW, Duration.ofMinutes(5))).isFalse();
      assertThat(WebhookSigner.verify(new Secret("other"), header, request.body(), NOW, Duration.ofMinutes(5)))
          .isFalse();
      assertThat(WebhookSigner.verify(SIGNING, header, request.body(), NOW.plus(Duration.ofMinutes(6)),
          Duration.ofMinutes(5))).isFalse();
    }

    @Test
    void anUnsignedWebhookHasNoSignatureHeader() {
      send(ChannelType.WEBHOOK, Pages.trigger("k", ChannelType.WEBHOOK, "unsigned"), "unsigned");

      assertThat(server.requests("/hooks/unsigned").get(0).header(WebhookSigner.HEADER)).isNull();
    }

    @Test
    void anUnknownWebhookNameIsAPermanentConfigError() {
      SendResult result = send(ChannelType.WEBHOOK, Pages.trigger("k", ChannelType.WEBHOOK, "nope"), "nope");

      assertThat(result).isInstanceOfSatisfying(SendResult.Failed.class, f -> {
        assertThat(f.reason()).isEqualTo(FailureReason.BAD_CONFIG);
        assertThat(f.retryable()).isFalse();
        assertThat(f.error()).contains("nope");
      });
      assertThat(server.requests()).isEmpty();
    }

    @Test
    void tooManyRequestsIsRetryableWithTheRetryAfterDelay() {
      server.enqueue("/hooks/ops", Reply.retryAfter(429, "7"));

      SendResult result = send(ChannelType.WEBHOOK, Pages.trigger("k", ChannelType.WEBHOOK, "ops-hook"), "ops-hook");

      assertThat(result).isInstanceOfSatisfying(SendResult.Failed.class, f -> {
        assertThat(f.reason()).isEqualTo(FailureReason.HTTP_429);
        assertThat(f.retryable()).isTrue();
        assertThat(f.status()).isEqualTo(429);
        assertThat(f.retryAfter()).isEqualTo(Duration.ofSeconds(7));
      });
    }

    @Test
    void aServerErrorIsRetryableAndAClientErrorIsNot() {
      server.enqueue("/hooks/ops", Reply.of(500, "boom"), Reply.of(400, "bad"));
      PageRequest page = Pages.trigger("k", ChannelType.WEBHOOK, "ops-hook");

      SendResult first = send(ChannelType.WEBHOOK, page, "ops-hook");
      SendResult second = send(ChannelType.WEBHOOK, page, "ops-hook");

      assertThat(first).isInstanceOfSatisfying(SendResult.Failed.class, f -> {
        assertThat(f.reason()).isEqualTo(FailureReason.HTTP_5XX);
        assertThat(f.retryable()).isTrue();
        assertThat(f.response()).isEqualTo("boom");
        assertThat(f.retryAfter()).isNull();
      });
      assertThat(second).isInstanceOfSatisfying(SendResult.Failed.class, f -> {
        assertThat(f.reason()).isEqualTo(FailureReason.HTTP_4XX);
        assertThat(f.retryable()).isFalse();
      });
    }

    @Test
    void aServiceUnavailableWithRetryAfterCarriesTheDelay() {
      server.enqueue("/hooks/ops", Reply.retryAfter(503, "3"));

      SendResult result = send(ChannelType.WEBHOOK, Pages.trigger("k", ChannelType.WEBHOOK, "ops-hook"), "ops-hook");

      assertThat(result).isInstanceOfSatisfying(SendResult.Failed.class, f -> {
        assertThat(f.reason()).isEqualTo(FailureReason.HTTP_5XX);
        assertThat(f.retryAfter()).isEqualTo(Duration.ofSeconds(3));
      });
    }

    @Test
    void noAnswerWithinTheRequestTimeoutIsARetryableTimeout() {
      server.enqueue("/hooks/ops", Reply.hang());

      SendResult result = send(ChannelType.WEBHOOK, Pages.trigger("k", ChannelType.WEBHOOK, "ops-hook"), "ops-hook");

      assertThat(result).isInstanceOfSatisfying(SendResult.Failed.class, f -> {
        assertThat(f.reason()).isEqualTo(FailureReason.TIMEOUT);
        assertThat(f.retryable()).isTrue();
      });
    }

    @Test
    void aRefusedConnectionIsARetryableConnectFailure() throws IOException {
      int closedPort;
      try (ServerSocket socket = new ServerSocket(0)) {
        closedPort = socket.getLocalPort();
      }
      ChannelSettings settings = new ChannelSettings(
          Map.of("gone", new WebhookTarget(URI.create("http://127.0.0.1:" + closedPort + "/x"), null, Map.of())),
          Map.of(), PagerDutySettings.defaults(), OpsgenieSettings.defaults(), null, false, Duration.ofSeconds(2),
          Duration.ofSeconds(2));
      Channels gone = Channels.create(settings, Channels.httpClient(settings), null, "unused");

      SendResult result = gone.get(ChannelType.WEBHOOK).orElseThrow()
          .send(Pages.trigger("k", ChannelType.WEBHOOK, "gone"), "gone", new SendContext(1, NOW, false));

      assertThat(result).isInstanceOfSatisfying(SendResult.Failed.class, f -> {
        assertThat(f.reason()).isEqualTo(FailureReason.CONNECT);
        assertThat(f.retryable()).isTrue();
        assertThat(f.error()).contains("127.0.0.1:" + closedPort).doesNotContain("/x");
      });
    }
  }

  @Nested
  class Slack {

    @Test
    void postsBlockKitWithATextFallbackInSlacksFormat() {
      SendResult result = send(ChannelType.SLACK, Pages.trigger("k", ChannelType.SLACK, "ops-chat"), "ops-chat");

      assertThat(result).isInstanceOf(SendResult.Delivered.class);
      JsonNode body = server.requests("/services/").get(0).json();
      JsonShape.Result shape = JsonShape.compare(body,
          JsonShape.fixture("slack.incoming-webhook.blocks.slack-github-action-example.json"), Set.of());
      assertThat(shape.errors()).isEmpty();
      // context and actions are Block Kit blocks the fixture has no example of
      assertThat(shape.uncheckedTypes()).isSubsetOf("context", "actions");
      assertThat(JsonShape.missing(body, List.of("text", "blocks"))).isEmpty();
      assertThat(body.get("text").asText()).isEqualTo(
          ":red_circle: CRITICAL: checkout: error rate 12% &lt;p99 4s&gt; (incident inc-42)");
      JsonNode section = body.get("blocks").get(0);
      assertThat(section.get("type").asText()).isEqualTo("section");
      assertThat(section.get("text").get("type").asText()).isEqualTo("mrkdwn");
      // mrkdwn control characters are escaped
      assertThat(section.get("text").get("text").asText()).contains("&lt;p99 4s&gt;");
      assertThat(section.get("accessory").get("url").asText()).isEqualTo("https://stormwatch.example/incidents/inc-42");
      JsonNode actions = body.get("blocks").get(2);
      assertThat(actions.get("type").asText()).isEqualTo("actions");
      assertThat(actions.get("elements").get(0).get("url").asText()).isEqualTo("https://runbooks.example/checkout");
    }

    @Test
    void aResendAfterARestartSaysItMayRepeat() {
      channels.get(ChannelType.SLACK).orElseThrow().send(Pages.trigger("k", ChannelType.SLACK, "ops-chat"),
          "ops-chat", new SendContext(2, NOW, true));

      assertThat(server.requests().get(0).text()).contains("This may repeat an earlier message");
    }

    @Test
    void aResolveSaysResolved() {
      PageRequest resolve = Pages.withAction(Pages.trigger("k", ChannelType.SLACK, "ops-chat"), PageAction.RESOLVE);

      send(ChannelType.SLACK, resolve, "ops-chat");

      assertThat(server.requests().get(0).json().get("text").asText()).startsWith(":white_check_mark: Resolved:");
    }

    @Test
    void slacksPlainTextErrorsArePermanentAndItsRateLimitIsRetryable() {
      server.enqueue("/services/", Reply.of(404, "channel_not_found"),
          new Reply(429, Map.of("Retry-After", "30"), "{\"ok\":false}", false));
      PageRequest page = Pages.trigger("k", ChannelType.SLACK, "ops-chat");

      SendResult notFound = send(ChannelType.SLACK, page, "ops-chat");
      SendResult limited = send(ChannelType.SLACK, page, "ops-chat");

      assertThat(notFound).isInstanceOfSatisfying(SendResult.Failed.class, f -> {
        assertThat(f.reason()).isEqualTo(FailureReason.HTTP_4XX);
        assertThat(f.retryable()).isFalse();
        assertThat(f.response()).isEqualTo("channel_not_found");
        // the webhook URL is a secret: errors name the host only
        assertThat(f.error()).doesNotContain("XXXX");
      });
      assertThat(limited).isInstanceOfSatisfying(SendResult.Failed.class, f -> {
        assertThat(f.reason()).isEqualTo(FailureReason.HTTP_429);
        assertThat(f.retryAfter()).isEqualTo(Duration.ofSeconds(30));
      });
    }
  }

  @Nested
  class PagerDuty {

    @Test
    void aTriggerFollowsTheEventsApiV2Format() {
      server.enqueue("/pd/v2/enqueue", Reply.json(202,
          JsonShape.fixture("pagerduty.events-v2.response-202.api-schema-example.json").toString()));

      SendResult result = send(ChannelType.PAGERDUTY, Pages.trigger("k", ChannelType.PAGERDUTY, "payments"),
          "payments");

      assertThat(result).isInstanceOfSatisfying(SendResult.Delivered.class, d -> {
        assertThat(d.status()).isEqualTo(202);
        assertThat(d.providerReference()).isEqualTo("srv01/HTTP");
      });
      RecordingServer.Request request = server.requests().get(0);
      assertThat(request.path()).isEqualTo("/pd/v2/enqueue");
      JsonNode body = request.json();
      for (String fixture : List.of("pagerduty.events-v2.trigger.developer-docs.json",
          "pagerduty.events-v2.trigger.api-schema-example.json")) {
        assertThat(JsonShape.compare(body, JsonShape.fixture(fixture), Set.of("payload.custom_details")).errors())
            .as(fixture).isEmpty();
      }
      assertThat(JsonShape.missing(body, List.of("routing_key", "event_action", "dedup_key", "payload.summary",
          "payload.source", "payload.severity", "payload.timestamp"))).isEmpty();
      assertThat(body.get("routing_key").asText()).isEqualTo("e93facc04764012d7bfb002500d5d1a6");
      assertThat(body.get("event_action").asText()).isEqualTo("trigger");
      assertThat(body.get("dedup_key").asText()).isEqualTo("inc-42");
      assertThat(body.get("payload").get("severity").asText()).isEqualTo("critical");
      assertThat(body.get("payload").get("source").asText()).isEqualTo("checkout");
      assertThat(body.get("payload").get("group").asText()).isEqualTo("payments");
      assertThat(body.get("client_url").asText()).isEqualTo("https://stormwatch.example/incidents/inc-42");
      assertThat(body.get("links").get(1).get("text").asText()).isEqualTo("runbook");
    }

    @Test
    void acknowledgeAndResolveCarryOnlyKeyAndAction() {
      PageRequest trigger = Pages.trigger("k", ChannelType.PAGERDUTY, "payments");

      send(ChannelType.PAGERDUTY, Pages.withAction(trigger, PageAction.ACKNOWLEDGE), "payments");
      send(ChannelType.PAGERDUTY, Pages.withAction(trigger, PageAction.RESOLVE), "payments");

      JsonNode ack = server.requests().get(0).json();
      JsonNode resolve = server.requests().get(1).json();
      JsonNode ackFixture = JsonShape.fixture("pagerduty.events-v2.acknowledge.developer-docs.json");
      JsonNode resolveFixture = JsonShape.fixture("pagerduty.events-v2.resolve.developer-docs.json");
      assertThat(fieldNames(ack)).isEqualTo(fieldNames(ackFixture));
      assertThat(fieldNames(resolve)).isEqualTo(fieldNames(resolveFixture));
      assertThat(JsonShape.compare(ack, ackFixture, Set.of()).errors()).isEmpty();
      assertThat(ack.get("event_action").asText()).isEqualTo("acknowledge");
      assertThat(resolve.get("event_action").asText()).isEqualTo("resolve");
      assertThat(resolve.get("dedup_key").asText()).isEqualTo("inc-42");
    }

    @Test
    void severityMapsToPagerDutysFourLevels() {
      for (Severity severity : Severity.values()) {
        send(ChannelType.PAGERDUTY, Pages.builder("k", ChannelType.PAGERDUTY, "payments").setSeverity(severity)
            .build(), "payments");
      }

      assertThat(server.requests().stream().map(r -> r.json().get("payload").get("severity").asText()).toList())
          .containsExactly("error", "info", "warning", "error", "critical");
    }

    @Test
    void aBadRequestIsPermanentAndRateLimitsAndServerErrorsAreRetryable() {
      server.enqueue("/pd/", Reply.json(400,
              JsonShape.fixture("pagerduty.events-v2.response-400-invalid-event.alertmanager-test.json").toString()),
          Reply.of(429, ""), Reply.of(502, "bad gateway"));
      PageRequest page = Pages.trigger("k", ChannelType.PAGERDUTY, "payments");

      List<SendResult> results = List.of(send(ChannelType.PAGERDUTY, page, "payments"),
          send(ChannelType.PAGERDUTY, page, "payments"), send(ChannelType.PAGERDUTY, page, "payments"));

      assertThat(results).allSatisfy(r -> assertThat(r).isInstanceOf(SendResult.Failed.class));
      assertThat(results.stream().map(r -> ((SendResult.Failed) r).reason()).toList())
          .containsExactly(FailureReason.HTTP_4XX, FailureReason.HTTP_429, FailureReason.HTTP_5XX);
      assertThat(results.stream().map(r -> ((SendResult.Failed) r).retryable()).toList())
          .containsExactly(false, true, true);
      assertThat(results.get(0).response()).contains("Event object is invalid");
    }

    @Test
    void anUnknownRoutingKeyNameIsAConfigErrorAndNothingIsSent() {
      SendResult result = send(ChannelType.PAGERDUTY, Pages.trigger("k", ChannelType.PAGERDUTY, "ghost"), "ghost");

      assertThat(result).isInstanceOfSatisfying(SendResult.Failed.class,
          f -> assertThat(f.reason()).isEqualTo(FailureReason.BAD_CONFIG));
      assertThat(server.requests()).isEmpty();
    }
  }

  @Nested
  class Opsgenie {

    @Test
    void aTriggerCreatesAnAlertAliasedByTheIncident() {
      server.enqueue("/og/v2/alerts", Reply.json(202,
          "{\"result\":\"Request will be processed\",\"took\":0.302,\"requestId\":\"43a29c5c-3dbf-4fa4-9c26-f4f71023e120\"}"));

      SendResult result = send(ChannelType.OPSGENIE, Pages.trigger("k", ChannelType.OPSGENIE, "payments"),
          "payments");

      assertThat(result).isInstanceOfSatisfying(SendResult.Delivered.class,
          d -> assertThat(d.providerReference()).isEqualTo("43a29c5c-3dbf-4fa4-9c26-f4f71023e120"));
      RecordingServer.Request request = server.requests().get(0);
      assertThat(request.path()).isEqualTo("/og/v2/alerts");
      assertThat(request.header("Authorization")).isEqualTo("GenieKey genie-key-1");
      JsonNode body = request.json();
      for (String fixture : List.of("opsgenie.alert-api.create.alertmanager-notifier-expected-body.json",
          "opsgenie.alert-api.create.docs-sample-via-kibana-docs.json")) {
        assertThat(JsonShape.compare(body, JsonShape.fixture(fixture), Set.of("details")).errors())
            .as(fixture).filteredOn(e -> !e.endsWith("not in the reference")).isEmpty();
      }
      // every field is in at least one of the two reference bodies
      JsonNode union = JsonShape.fixture("opsgenie.alert-api.create.alertmanager-notifier-expected-body.json")
          .deepCopy();
      ((com.fasterxml.jackson.databind.node.ObjectNode) union).setAll(
          (com.fasterxml.jackson.databind.node.ObjectNode) JsonShape.fixture(
              "opsgenie.alert-api.create.docs-sample-via-kibana-docs.json"));
      assertThat(JsonShape.compare(body, union, Set.of("details")).errors()).isEmpty();
      assertThat(body.get("alias").asText()).isEqualTo("inc-42");
      assertThat(body.get("priority").asText()).isEqualTo("P1");
      assertThat(body.get("message").asText().length()).isLessThanOrEqualTo(130);
      body.get("details").properties().forEach(e -> assertThat(e.getValue().isTextual()).as(e.getKey()).isTrue());
    }

    @Test
    void acknowledgeAndResolveActOnTheAliasAndCloseIt() {
      PageRequest trigger = Pages.trigger("k", ChannelType.OPSGENIE, "payments");

      send(ChannelType.OPSGENIE, Pages.withAction(trigger, PageAction.ACKNOWLEDGE), "payments");
      send(ChannelType.OPSGENIE, Pages.withAction(trigger, PageAction.RESOLVE), "payments");

      RecordingServer.Request ack = server.requests().get(0);
      RecordingServer.Request close = server.requests().get(1);
      assertThat(ack.path()).isEqualTo("/og/v2/alerts/inc-42/acknowledge");
      assertThat(ack.query()).isEqualTo("identifierType=alias");
      assertThat(close.path()).isEqualTo("/og/v2/alerts/inc-42/close");
      assertThat(close.query()).isEqualTo("identifierType=alias");
      assertThat(fieldNames(close.json())).containsExactlyInAnyOrder("user", "source", "note");
      assertThat(ack.header("Authorization")).isEqualTo("GenieKey genie-key-1");
    }

    @Test
    void aSemanticErrorIsPermanent() {
      server.enqueue("/og/", Reply.json(422, "{\"message\":\"Request body is not processable\",\"took\":0.1}"));

      SendResult result = send(ChannelType.OPSGENIE, Pages.trigger("k", ChannelType.OPSGENIE, "payments"),
          "payments");

      assertThat(result).isInstanceOfSatisfying(SendResult.Failed.class, f -> {
        assertThat(f.reason()).isEqualTo(FailureReason.HTTP_4XX);
        assertThat(f.retryable()).isFalse();
        assertThat(f.status()).isEqualTo(422);
      });
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names.stream().sorted().toList();
  }
}
