package dev.stormwatch.notifier.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.CommandKind;
import dev.stormwatch.avro.IncidentCommand;
import dev.stormwatch.avro.PageAction;
import dev.stormwatch.avro.PageOutcome;
import dev.stormwatch.avro.PageRequest;
import dev.stormwatch.avro.PageResult;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.serde.SpecificAvroSerde;
import dev.stormwatch.notifier.api.AckLinks.Action;
import dev.stormwatch.notifier.channel.InboxPage;
import dev.stormwatch.notifier.channel.PagerInbox;
import dev.stormwatch.notifier.channel.Pages;
import dev.stormwatch.notifier.channel.Secret;
import dev.stormwatch.notifier.dispatch.Dispatcher;
import dev.stormwatch.notifier.dispatch.DispatcherConfig;
import dev.stormwatch.notifier.oncall.OnCallYaml;
import dev.stormwatch.testkit.KafkaIntegrationTest;
import dev.stormwatch.testkit.KafkaTestEnv;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The notifier API on the real broker and registry, over real HTTP: one-click links (a GET changes
 * nothing, a POST writes exactly one IncidentCommand; expired, forged and malformed links refused),
 * {@code POST /api/incidents/{id}/ack|resolve} with and without the bearer token, {@code /api/pages}
 * filters over PageOutcomes in {@code pages.log}, the workload meters, the pager inbox, and the
 * dispatcher end to end: a page it delivers carries links that act through this API.
 */
@KafkaIntegrationTest
class NotifierServerTest {

  private static final Path DEMO = Path.of("../deploy/config/oncall-demo.yaml");
  private static final Duration DEADLINE = Duration.ofSeconds(60);
  private static final String INCIDENT = "inc-0a1b2c3d-00000000000000ff";
  private static final String TOKEN = "s3cret-api-token";
  private static final String SECRET = "a-test-link-secret-0123456789";

  private final List<AutoCloseable> closeLast = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (int i = closeLast.size() - 1; i >= 0; i--) {
      closeLast.get(i).close();
    }
  }

  private <T extends AutoCloseable> T closeLater(T resource) {
    closeLast.add(resource);
    return resource;
  }

  private static Topics topics(KafkaTestEnv kafka) {
    Topics topics = new Topics(kafka.uniqueName("api") + ".");
    kafka.createTopic(topics.incidentCommands(), 1);
    kafka.createTopic(topics.pagesLog(), 2);
    kafka.createTopic(topics.pagesOutbox(), 1);
    kafka.createTopic(topics.pagerInbox(), 1);
    kafka.createTopic(topics.deadLetters(), 1);
    return topics;
  }

  private NotifierServer server(KafkaTestEnv kafka, Topics topics, PagerInbox inbox, SimpleMeterRegistry meters) {
    NotifierServerConfig config = NotifierServerConfig.defaults().withAddress("127.0.0.1", 0)
        .withBearerToken(TOKEN).withLinks(URI.create("https://stormwatch.example.org"), SECRET, Duration.ofHours(24));
    return closeLater(NotifierServer.start(config, kafka.bootstrapServers(), Map.of(), registry(kafka), topics,
        () -> OnCallYaml.read(DEMO), inbox, meters, Clock.systemUTC()));
  }

  private static SchemaRegistryConfig registry(KafkaTestEnv kafka) {
    return SchemaRegistryConfig.builder().urls(kafka.registryUrl()).build();
  }

  private List<IncidentCommand> commands(KafkaTestEnv kafka, Topics topics) {
    RestSchemaRegistryClient client = closeLater(new RestSchemaRegistryClient(registry(kafka)));
    SpecificAvroSerde<IncidentCommand> serde = SpecificAvroSerde.of(IncidentCommand.class, client,
        AvroSerdeConfig.defaults(), false);
    List<ConsumerRecord<String, IncidentCommand>> records = kafka.consumeAll(topics.incidentCommands(), DEADLINE,
        new StringDeserializer(), serde.deserializer());
    records.forEach(r -> assertThat(r.key()).as("keyed by incident id").isEqualTo(r.value().getIncidentId()));
    return records.stream().map(ConsumerRecord::value).toList();
  }

  @Test
  void linksConfirmOnGetActOnPostAndTheApiWritesCommandsBehindItsToken(KafkaTestEnv kafka) {
    Topics topics = topics(kafka);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    PagerInbox inbox = closeLater(PagerInbox.start(kafka.bootstrapServers(), Map.of(), topics.pagerInbox(), 10));
    NotifierServer server = server(kafka, topics, inbox, meters);
    URI api = server.url();
    AckLinks links = server.links().orElseThrow();
    Instant now = Instant.now();
    String ack = links.token(links.claim(INCIDENT, Action.ACK, "alice", now));

    // GET: a confirmation page naming the incident, the action and the actor; nothing written
    HttpResponse<String> confirm = Http.get(api, "/ack/" + ack);
    assertThat(confirm.statusCode()).isEqualTo(200);
    assertThat(Http.contentType(confirm)).startsWith("text/html");
    assertThat(confirm.body()).contains(INCIDENT).contains("Acknowledge incident").contains("alice")
        .contains("<form method=\"post\">");
    assertThat(confirm.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(confirm.headers().firstValue("Referrer-Policy")).contains("no-referrer");
    assertThat(Http.get(api, "/ack/" + ack).statusCode()).as("a scanner fetching it again").isEqualTo(200);
    assertThat(commands(kafka, topics)).as("a GET changes nothing").isEmpty();

    // POST: exactly one command, ACK via link by the paged person, its id from the token
    HttpResponse<String> done = Http.post(api, "/ack/" + ack, null, Map.of());
    assertThat(done.statusCode()).isEqualTo(200);
    assertThat(done.body()).contains("Acknowledged").contains(INCIDENT);
    List<IncidentCommand> written = commands(kafka, topics);
    assertThat(written).hasSize(1);
    IncidentCommand command = written.get(0);
    assertThat(command.getId()).isEqualTo(AckLinks.commandId(ack));
    assertThat(command.getIncidentId()).isEqualTo(INCIDENT);
    assertThat(command.getKind()).isEqualTo(CommandKind.ACK);
    assertThat(command.getActor()).isEqualTo("alice");
    assertThat(command.getVia()).isEqualTo("link");
    assertThat(command.getAt()).isBetween(now.minusSeconds(1), Instant.now());
    // a double click writes the same command id again, which is applied once
    assertThat(Http.post(api, "/ack/" + ack, null, Map.of()).statusCode()).isEqualTo(200);
    assertThat(commands(kafka, topics)).extracting(IncidentCommand::getId).containsExactly(command.getId(),
        command.getId());

    // resolve link
    String resolve = links.token(links.claim(INCIDENT, Action.RESOLVE, "bob", now));
    assertThat(Http.get(api, "/resolve/" + resolve).body()).contains("Resolve incident");
    assertThat(Http.post(api, "/resolve/" + resolve, "", Map.of()).statusCode()).isEqualTo(200);

    // refused: the other action's path, expired, forged, garbage; none writes anything
    HttpResponse<String> wrongPath = Http.post(api, "/ack/" + resolve, null, Map.of());
    assertThat(wrongPath.statusCode()).isEqualTo(400);
    assertThat(wrongPath.body()).contains("this link is to resolve, not to acknowledge");
    String old = links.token(links.claim(INCIDENT, Action.ACK, "alice", now.minus(Duration.ofHours(25))));
    HttpResponse<String> expired = Http.post(api, "/ack/" + old, null, Map.of());
    assertThat(expired.statusCode()).isEqualTo(403);
    assertThat(expired.body()).contains("Link expired").contains("this link expired at");
    assertThat(Http.get(api, "/ack/" + old).statusCode()).isEqualTo(403);
    AckLinks mallory = new AckLinks(URI.create("https://evil.example"), new Secret("not-the-real-secret-at-all"),
        Duration.ofHours(24));
    String forged = mallory.token(mallory.claim(INCIDENT, Action.RESOLVE, "mallory", now));
    HttpResponse<String> refused = Http.post(api, "/resolve/" + forged, null, Map.of());
    assertThat(refused.statusCode()).isEqualTo(403);
    assertThat(refused.body()).contains("not signed by this Stormwatch");
    assertThat(Http.post(api, "/ack/not-a-token", null, Map.of()).statusCode()).isEqualTo(400);

    List<IncidentCommand> afterLinks = commands(kafka, topics);
    assertThat(afterLinks).extracting(IncidentCommand::getKind).containsExactly(CommandKind.ACK, CommandKind.ACK,
        CommandKind.RESOLVE);
    assertThat(afterLinks.get(2).getActor()).isEqualTo("bob");

    // the JSON API: bearer token required
    HttpResponse<String> anonymous = Http.post(api, "/api/incidents/" + INCIDENT + "/ack", null, Map.of());
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"stormwatch\"");
    assertThat(Http.error(anonymous)).isEqualTo("missing or wrong bearer token");
    assertThat(Http.post(api, "/api/incidents/" + INCIDENT + "/ack", null,
        Map.of("Authorization", "Bearer wrong")).statusCode()).isEqualTo(401);
    Map<String, String> auth = Map.of("Authorization", "Bearer " + TOKEN, "Content-Type", "application/json");
    HttpResponse<String> accepted = Http.post(api, "/api/incidents/" + INCIDENT + "/ack",
        "{\"actor\": \"carol\", \"comment\": \"on it\"}", auth);
    assertThat(accepted.statusCode()).isEqualTo(202);
    JsonNode body = Http.json(accepted);
    assertThat(body.get("incidentId").asText()).isEqualTo(INCIDENT);
    assertThat(body.get("kind").asText()).isEqualTo("ACK");
    HttpResponse<String> resolved = Http.post(api, "/api/incidents/" + INCIDENT + "/resolve", null,
        Map.of("Authorization", "bearer " + TOKEN));
    assertThat(resolved.statusCode()).isEqualTo(202);
    // Idempotency-Key: a retried request writes the same command id
    Map<String, String> keyed = Map.of("Authorization", "Bearer " + TOKEN, "Idempotency-Key", "retry-1");
    String first = Http.json(Http.post(api, "/api/incidents/" + INCIDENT + "/ack", null, keyed))
        .get("commandId").asText();
    String again = Http.json(Http.post(api, "/api/incidents/" + INCIDENT + "/ack", null, keyed))
        .get("commandId").asText();
    assertThat(again).isEqualTo(first);

    List<IncidentCommand> all = commands(kafka, topics);
    assertThat(all).hasSize(7);
    IncidentCommand byCarol = all.get(3);
    assertThat(byCarol.getId()).isEqualTo(body.get("commandId").asText());
    assertThat(byCarol.getKind()).isEqualTo(CommandKind.ACK);
    assertThat(byCarol.getActor()).isEqualTo("carol");
    assertThat(byCarol.getVia()).isEqualTo("api");
    assertThat(byCarol.getComment()).isEqualTo("on it");
    assertThat(all.get(4).getKind()).isEqualTo(CommandKind.RESOLVE);
    assertThat(all.get(4).getActor()).isEqualTo("api");

    // bad input: one-line JSON errors, nothing written
    HttpResponse<String> badId = Http.post(api, "/api/incidents/not-an-incident/ack", null, auth);
    assertThat(badId.statusCode()).isEqualTo(400);
    assertThat(Http.error(badId)).startsWith("malformed incident id");
    HttpResponse<String> badBody = Http.post(api, "/api/incidents/" + INCIDENT + "/ack", "{\"actor\": 42}", auth);
    assertThat(badBody.statusCode()).isEqualTo(400);
    assertThat(Http.post(api, "/api/incidents/" + INCIDENT + "/ack", "not json", auth).statusCode()).isEqualTo(400);
    assertThat(commands(kafka, topics)).hasSize(7);

    // the pager inbox (empty here) and this document
    HttpResponse<String> inboxJson = Http.get(api, "/api/inbox");
    assertThat(inboxJson.statusCode()).isEqualTo(200);
    assertThat(Http.json(inboxJson).get("pages").isArray()).isTrue();
    assertThat(Http.get(api, "/inbox").body()).contains("Pager inbox");
    HttpResponse<String> openApi = Http.get(api, "/api/openapi.yaml");
    assertThat(openApi.statusCode()).isEqualTo(200);
    assertThat(openApi.body()).startsWith("openapi: 3").contains("/api/oncall/{schedule}.ics").contains("/ack/{token}");

    // meters
    assertThat(meters.get("stormwatch.notifier.api.commands").tag("kind", "ack").tag("via", "link")
        .tag("outcome", "written").counter().count()).isEqualTo(2);
    assertThat(meters.get("stormwatch.notifier.api.commands").tag("kind", "ack").tag("via", "api")
        .tag("outcome", "written").counter().count()).isEqualTo(3);
    assertThat(meters.get("stormwatch.notifier.api.links.rejected").tag("why", "expired").counter().count())
        .isEqualTo(2);
    assertThat(meters.get("stormwatch.notifier.api.links.rejected").tag("why", "forged").counter().count())
        .isEqualTo(1);
    assertThat(meters.get("stormwatch.notifier.api.requests").tag("endpoint", "command").tag("outcome", "unauthorized")
        .counter().count()).isEqualTo(2);
    assertThat(meters.get("stormwatch.notifier.api.latency").tag("endpoint", "link_act").timer().count())
        .isGreaterThanOrEqualTo(3);
  }

  @Test
  void pagesListsDeliveredAndFailedPagesWithFiltersAndCountsWorkload(KafkaTestEnv kafka) throws Exception {
    Topics topics = topics(kafka);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    NotifierServer server = server(kafka, topics, null, meters);
    URI api = server.url();
    Instant t0 = Instant.now().plusSeconds(1).truncatedTo(ChronoUnit.MILLIS);

    String alice = "incA:c0:l0:r0:alice:inbox:alice";
    String bob = "incB:c0:l0:r0:bob:inbox:bob";
    String carol = "incA:c0:l1:r0:carol:inbox:carol";
    List<PageOutcome> outcomes = List.of(
        outcome(alice, "incA", "alice", 1, PageResult.SENDING, t0),
        outcome(alice, "incA", "alice", 1, PageResult.DELIVERED, t0.plusSeconds(1)),
        outcome(bob, "incB", "bob", 1, PageResult.SENDING, t0.plusSeconds(2)),
        PageOutcome.newBuilder(outcome(bob, "incB", "bob", 1, PageResult.RETRYING, t0.plusSeconds(3)))
            .setReason("http_5xx").setHttpStatus(500).setRetryable(true).build(),
        outcome(bob, "incB", "bob", 2, PageResult.SENDING, t0.plusSeconds(4)),
        PageOutcome.newBuilder(outcome(bob, "incB", "bob", 2, PageResult.FAILED, t0.plusSeconds(5)))
            .setReason("http_5xx").setHttpStatus(503).setError("503 Service Unavailable").build(),
        outcome(carol, "incA", "carol", 1, PageResult.SENDING, t0.plusSeconds(6)),
        outcome(alice, "incA", "alice", 1, PageResult.DUPLICATE, t0.plusSeconds(7)));
    try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry(kafka));
         KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProps())) {
      SpecificAvroSerde<PageOutcome> serde = SpecificAvroSerde.of(PageOutcome.class, client,
          AvroSerdeConfig.defaults(), false);
      for (PageOutcome o : outcomes) {
        producer.send(new ProducerRecord<>(topics.pagesLog(), o.getDedupKey().getBytes(StandardCharsets.UTF_8),
            serde.serializer().serialize(topics.pagesLog(), o))).get(30, TimeUnit.SECONDS);
      }
      producer.send(new ProducerRecord<>(topics.pagesLog(), "junk".getBytes(StandardCharsets.UTF_8),
          "not avro".getBytes(StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
    }

    await("the index read them").atMost(DEADLINE).until(() -> {
      HttpResponse<String> r = Http.get(api, "/api/pages?result=delivered,failed,pending");
      return r.statusCode() == 200 && Http.json(r).get("pages").size() == 3;
    });
    JsonNode list = Http.json(Http.get(api, "/api/pages")).get("pages");
    assertThat(list.findValuesAsText("dedupKey")).as("delivered and failed, newest first").containsExactly(bob, alice);
    JsonNode failed = list.get(0);
    assertThat(failed.get("result").asText()).isEqualTo("failed");
    assertThat(failed.get("attempts").asInt()).isEqualTo(2);
    assertThat(failed.get("reason").asText()).isEqualTo("http_5xx");
    assertThat(failed.get("httpStatus").asInt()).isEqualTo(503);
    assertThat(failed.get("error").asText()).isEqualTo("503 Service Unavailable");
    assertThat(failed.get("recipientId").asText()).isEqualTo("bob");
    assertThat(failed.get("action").asText()).isEqualTo("trigger");
    assertThat(failed.get("channel").asText()).isEqualTo("inbox");
    assertThat(failed.get("firstAt").asText()).isEqualTo(t0.plusSeconds(2).toString());
    assertThat(failed.get("at").asText()).isEqualTo(t0.plusSeconds(5).toString());
    JsonNode delivered = list.get(1);
    assertThat(delivered.get("result").asText()).isEqualTo("delivered");
    assertThat(delivered.get("providerReference").asText()).isEqualTo("inbox/0/1");
    assertThat(delivered.get("at").asText()).as("the DUPLICATE after it changes nothing")
        .isEqualTo(t0.plusSeconds(1).toString());

    assertThat(keys(api, "/api/pages?incident=incA")).containsExactly(alice);
    assertThat(keys(api, "/api/pages?person=bob")).containsExactly(bob);
    assertThat(keys(api, "/api/pages?since=" + t0.plusSeconds(2))).containsExactly(bob);
    assertThat(keys(api, "/api/pages?result=pending")).containsExactly(carol);
    assertThat(keys(api, "/api/pages?incident=incA&result=delivered,pending")).containsExactly(carol, alice);
    assertThat(keys(api, "/api/pages?limit=1")).containsExactly(bob);
    assertThat(keys(api, "/api/pages?person=nobody")).isEmpty();
    for (String bad : List.of("limit=0", "limit=lots", "since=yesterday", "result=maybe", "persn=bob")) {
      HttpResponse<String> r = Http.get(api, "/api/pages?" + bad);
      assertThat(r.statusCode()).as(bad).isEqualTo(400);
      assertThat(Http.error(r)).as(bad).isNotBlank();
    }
    assertThat(Http.json(Http.get(api, "/api/pages")).get("held").asInt()).isEqualTo(3);

    // workload: alice's delivered page at t0+1s, in Berlin time; the junk record skipped
    assertThat(meters.get("stormwatch.oncall.pages").tag("person", "alice").counter().count()).isEqualTo(1);
    boolean off = Workload.offHours(t0.plusSeconds(1).atZone(java.time.ZoneId.of("Europe/Berlin")));
    assertThat(meters.get("stormwatch.oncall.pages.off.hours").tag("person", "alice").counter().count())
        .isEqualTo(off ? 1 : 0);
    assertThat(meters.find("stormwatch.oncall.pages").tag("person", "bob").counter()).as("failed: not counted")
        .isNull();
    await().atMost(DEADLINE).until(() ->
        meters.get("stormwatch.notifier.pages.log.skipped").counter().count() == 1);
    assertThat(meters.get("stormwatch.notifier.pages.log.pages").gauge().value()).isEqualTo(3);
  }

  @Test
  void aPageTheDispatcherDeliversCarriesLinksThatActThroughTheApi(KafkaTestEnv kafka) throws Exception {
    Topics topics = topics(kafka);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    PagerInbox inbox = closeLater(PagerInbox.start(kafka.bootstrapServers(), Map.of(), topics.pagerInbox(), 10));
    NotifierServer server = server(kafka, topics, inbox, meters);
    DispatcherConfig d = DispatcherConfig.defaults();
    DispatcherConfig config = new DispatcherConfig(kafka.uniqueName("dispatcher"), 1, d.maxInFlight(),
        Duration.ofMillis(200), d.closeTimeout(), d.retry(), d.rateLimit(), d.recovery(), d.fallbacks(), d.channels());
    Dispatcher dispatcher = closeLater(Dispatcher.start(config, kafka.bootstrapServers(), Map.of(), registry(kafka),
        topics, meters, new LinkDecorator(server.links().orElseThrow())));
    assertThat(dispatcher.awaitReady(DEADLINE)).isTrue();

    PageRequest page = Pages.builder(INCIDENT + ":c0:l0:r0:alice:inbox:alice", ChannelType.INBOX, "alice")
        .setIncidentId(INCIDENT).setRequestedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS)).build();
    try (RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry(kafka));
         KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProps())) {
      SpecificAvroSerde<PageRequest> serde = SpecificAvroSerde.of(PageRequest.class, client,
          AvroSerdeConfig.defaults(), false);
      producer.send(new ProducerRecord<>(topics.pagesOutbox(), page.getDedupKey().getBytes(StandardCharsets.UTF_8),
          serde.serializer().serialize(topics.pagesOutbox(), page))).get(30, TimeUnit.SECONDS);
    }

    await("the inbox shows the page").atMost(DEADLINE).until(() -> !inbox.pages("alice").isEmpty());
    InboxPage shown = inbox.pages("alice").get(0);
    assertThat(shown.links()).extracting(InboxPage.InboxLink::title)
        .startsWith("Acknowledge", "Resolve");
    String ackUrl = shown.links().get(0).url();
    assertThat(ackUrl).startsWith("https://stormwatch.example.org/ack/");
    String token = ackUrl.substring(ackUrl.lastIndexOf('/') + 1);
    // the inbox page served by the API shows the links too
    assertThat(Http.get(server.url(), "/inbox?inbox=alice").body()).contains(ackUrl);

    assertThat(Http.get(server.url(), "/ack/" + token).body()).contains(INCIDENT).contains("alice");
    assertThat(Http.post(server.url(), "/ack/" + token, null, Map.of()).statusCode()).isEqualTo(200);
    List<IncidentCommand> written = commands(kafka, topics);
    assertThat(written).hasSize(1);
    assertThat(written.get(0).getKind()).isEqualTo(CommandKind.ACK);
    assertThat(written.get(0).getActor()).isEqualTo("alice");
    assertThat(written.get(0).getVia()).isEqualTo("link");
    assertThat(written.get(0).getIncidentId()).isEqualTo(INCIDENT);

    // and /api/pages lists it as delivered, from the dispatcher's pages.log
    await("the page is listed").atMost(DEADLINE).until(() ->
        keys(server.url(), "/api/pages?person=alice").contains(page.getDedupKey()));
    JsonNode listed = Http.json(Http.get(server.url(), "/api/pages?incident=" + INCIDENT)).get("pages").get(0);
    assertThat(listed.get("result").asText()).isEqualTo("delivered");
    assertThat(listed.get("channel").asText()).isEqualTo("inbox");
    assertThat(listed.get("action").asText()).isEqualTo(PageAction.TRIGGER.name().toLowerCase(java.util.Locale.ROOT));
  }

  private static List<String> keys(URI api, String pathAndQuery) {
    HttpResponse<String> r = Http.get(api, pathAndQuery);
    assertThat(r.statusCode()).as(pathAndQuery + ": " + r.body()).isEqualTo(200);
    return Http.json(r).get("pages").findValuesAsText("dedupKey");
  }

  private static PageOutcome outcome(String key, String incident, String recipient, int attempt, PageResult result,
                                     Instant at) {
    PageOutcome.Builder b = PageOutcome.newBuilder().setDedupKey(key).setIncidentId(incident)
        .setAction(PageAction.TRIGGER).setChannel(ChannelType.INBOX).setRecipientId(recipient).setAttempt(attempt)
        .setOutcome(result).setAt(at);
    if (result == PageResult.DELIVERED) {
      b.setProviderReference("inbox/0/1").setLatencyMillis(12);
    }
    return b.build();
  }
}
