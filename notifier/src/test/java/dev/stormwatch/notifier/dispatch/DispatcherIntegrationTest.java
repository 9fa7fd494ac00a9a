package dev.stormwatch.notifier.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.PageAction;
import dev.stormwatch.avro.PageOutcome;
import dev.stormwatch.avro.PageRequest;
import dev.stormwatch.avro.PageResult;
import dev.stormwatch.common.kafka.DeadLetterHeaders;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.notifier.channel.ChannelSettings;
import dev.stormwatch.notifier.channel.InboxPage;
import dev.stormwatch.notifier.channel.OpsgenieSettings;
import dev.stormwatch.notifier.channel.PagerDutySettings;
import dev.stormwatch.notifier.channel.PagerInbox;
import dev.stormwatch.notifier.channel.Pages;
import dev.stormwatch.notifier.channel.RecordingServer;
import dev.stormwatch.notifier.channel.RecordingServer.Reply;
import dev.stormwatch.notifier.channel.Secret;
import dev.stormwatch.notifier.channel.SlackTarget;
import dev.stormwatch.notifier.channel.SmtpSettings;
import dev.stormwatch.notifier.channel.WebhookTarget;
import dev.stormwatch.testkit.KafkaIntegrationTest;
import dev.stormwatch.testkit.KafkaTestEnv;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dispatcher end to end on the real in-process broker and registry: PageRequests in
 * {@code pages.outbox} are delivered to local provider servers, a real SMTP server and the pager
 * inbox, every attempt lands in {@code pages.log}, a bad record goes to the DLQ and the
 * dispatcher carries on, and a second copy of a page is not sent.
 */
@KafkaIntegrationTest
class DispatcherIntegrationTest {

  @RegisterExtension
  static final GreenMailExtension SMTP = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

  private static final Duration DEADLINE = Duration.ofSeconds(60);

  static DispatcherConfig config(KafkaTestEnv kafka, RecordingServer server, int smtpPort) {
    ChannelSettings channels = new ChannelSettings(
        Map.of("ops-hook", new WebhookTarget(server.url("/hook"), new Secret("whsec"), Map.of())),
        Map.of("ops-chat", new SlackTarget(server.url("/slack"))),
        new PagerDutySettings(server.url("/pd"), Map.of("payments", new Secret("e93facc04764012d7bfb002500d5d1a6"))),
        new OpsgenieSettings(server.url("/og"), Map.of("payments", new Secret("genie"))),
        new SmtpSettings("127.0.0.1", smtpPort, "stormwatch@example.org", null, null, false, false,
            Duration.ofSeconds(5), null),
        true, Duration.ofSeconds(2), Duration.ofSeconds(2));
    return new DispatcherConfig(kafka.uniqueName("dispatcher"), 2, 64, Duration.ofMillis(200), Duration.ofSeconds(5),
        new RetryPolicy(4, Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(10)),
        RateLimit.defaults(), RecoverySettings.defaults(), Fallbacks.none(), channels);
  }

  @Test
  void deliversEveryChannelRecordsOutcomesAndDeadLettersABadRecord(KafkaTestEnv kafka) throws Exception {
    Topics topics = new Topics(kafka.uniqueName("t") + ".");
    KafkaPages.createTopics(kafka, topics, 2);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (RecordingServer server = RecordingServer.start();
         KafkaPages pages = new KafkaPages(kafka, topics)) {
      server.otherwise("/pd", Reply.json(202, "{\"status\":\"success\",\"message\":\"Event processed\","
          + "\"dedup_key\":\"inc-42\"}"));
      server.otherwise("/og", Reply.json(202, "{\"result\":\"Request will be processed\",\"took\":0.1,"
          + "\"requestId\":\"req-1\"}"));
      server.enqueue("/hook", Reply.of(500, "warming up"));
      DispatcherConfig config = config(kafka, server, SMTP.getSmtp().getPort());

      PageRequest webhook = Pages.trigger("inc-42/0/0/alice/webhook", ChannelType.WEBHOOK, "ops-hook");
      PageRequest slack = Pages.trigger("inc-42/0/0/ops/slack", ChannelType.SLACK, "ops-chat");
      PageRequest pagerDuty = Pages.trigger("inc-42/0/0/alice/pd", ChannelType.PAGERDUTY, "payments");
      PageRequest pagerDutyResolve = Pages.withAction(pagerDuty, PageAction.RESOLVE);
      PageRequest opsgenie = Pages.trigger("inc-42/0/0/alice/og", ChannelType.OPSGENIE, "payments");
      PageRequest email = Pages.trigger("inc-42/0/0/alice/email", ChannelType.EMAIL, "alice@example.org");
      PageRequest inbox = Pages.trigger("inc-42/0/0/alice/inbox", ChannelType.INBOX, "devstack");
      PageRequest afterTheBadRecord = Pages.trigger("inc-42/1/0/bob/inbox", ChannelType.INBOX, "devstack");
      for (PageRequest page : List.of(webhook, slack, pagerDuty, pagerDutyResolve, opsgenie, email, inbox)) {
        pages.send(page);
      }
      pages.sendRaw("garbage", "this is not avro".getBytes(StandardCharsets.UTF_8));
      pages.send(afterTheBadRecord);
      pages.send(webhook); // a second copy of a page: never sent twice

      try (Dispatcher dispatcher = Dispatcher.start(config, kafka.bootstrapServers(), Map.of(),
               KafkaPages.registryConfig(kafka), topics, meters);
           PagerInbox pagerInbox = PagerInbox.start(kafka.bootstrapServers(), Map.of(), topics.pagerInbox(), 50)) {
        assertThat(dispatcher.awaitReady(DEADLINE)).isTrue();
        List<PageRequest> all = List.of(webhook, slack, pagerDuty, pagerDutyResolve, opsgenie, email, inbox,
            afterTheBadRecord);

        await("every page has a final outcome").atMost(DEADLINE)
            .until(() -> pages.finals().keySet().containsAll(all.stream().map(PageRequest::getDedupKey).toList()));
        Map<String, PageOutcome> finals = pages.finals();
        assertThat(finals.values()).allSatisfy(o -> assertThat(o.getOutcome()).isEqualTo(PageResult.DELIVERED));

        // providers got exactly what they should
        await("the duplicate is skipped").atMost(DEADLINE)
            .until(() -> pages.results(webhook.getDedupKey()).contains(PageResult.DUPLICATE));
        assertThat(server.requests("/hook")).hasSize(2); // the 500, then the delivery; not the second copy
        assertThat(server.requests("/hook")).extracting(r -> r.header("Idempotency-Key"))
            .containsOnly(webhook.getDedupKey());
        // the copy is skipped while the first is in flight or after it was delivered, whichever it meets
        assertThat(pages.results(webhook.getDedupKey())).filteredOn(r -> r != PageResult.DUPLICATE)
            .containsExactly(PageResult.SENDING, PageResult.RETRYING, PageResult.SENDING, PageResult.DELIVERED);
        assertThat(pages.results(webhook.getDedupKey())).filteredOn(r -> r == PageResult.DUPLICATE).hasSize(1);
        assertThat(server.requests("/slack")).hasSize(1);
        assertThat(server.requests("/pd")).extracting(r -> r.json().get("event_action").asText())
            .containsExactly("trigger", "resolve");
        assertThat(finals.get(pagerDuty.getDedupKey()).getProviderReference()).isEqualTo("inc-42");
        assertThat(server.requests("/og")).hasSize(1);
        assertThat(finals.get(opsgenie.getDedupKey()).getProviderReference()).isEqualTo("req-1");
        assertThat(SMTP.waitForIncomingEmail(10_000, 1)).isTrue();
        assertThat(SMTP.getReceivedMessages()[0].getHeader("X-Stormwatch-Dedup-Key")[0])
            .isEqualTo(email.getDedupKey());

        // the bad record went to the DLQ with its reason, and the page after it was delivered
        List<ConsumerRecord<byte[], byte[]>> dead = kafka.consumeUntil(topics.deadLetters(), 1, DEADLINE);
        assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8)).isEqualTo("this is not avro");
        assertThat(header(dead.get(0), DeadLetterHeaders.REASON)).startsWith("not a PageRequest");
        assertThat(header(dead.get(0), DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(topics.pagesOutbox());
        assertThat(header(dead.get(0), DeadLetterHeaders.APP)).isEqualTo("notifier");
        assertThat(finals).containsKey(afterTheBadRecord.getDedupKey());

        // the pager inbox shows its two pages
        await("the inbox shows both pages").atMost(DEADLINE).until(() -> pagerInbox.pages("devstack").size() == 2);
        InboxPage shown = pagerInbox.pages("devstack").stream()
            .filter(p -> p.dedupKey().equals(inbox.getDedupKey())).findFirst().orElseThrow();
        assertThat(shown.incidentId()).isEqualTo("inc-42");
        assertThat(shown.severity()).isEqualTo("critical");
        assertThat(shown.links()).hasSize(2);
        assertThat(pagerInbox.json("devstack")).contains("\"dedupKey\":\"inc-42/1/0/bob/inbox\"");
        assertThat(pagerInbox.html(null)).contains("<h1>Pager inbox</h1>", "2 pages",
            "checkout: error rate 12% &lt;p99 4s&gt;");

        // offsets are committed once everything is handled
        kafka.awaitCommitted(config.groupId(), topics.pagesOutbox(), DEADLINE);

        // metrics
        assertThat(meters.get("stormwatch.dispatcher.pages.sent").tags("channel", "pagerduty").counter().count())
            .isEqualTo(2);
        assertThat(meters.get("stormwatch.dispatcher.pages.sent").tags("channel", "inbox").counter().count())
            .isEqualTo(2);
        assertThat(meters.get("stormwatch.dispatcher.dead.letters").counter().count()).isEqualTo(1);
        assertThat(meters.get("stormwatch.dispatcher.skipped").tags("why", "already_final").counter().count()
            + meters.get("stormwatch.dispatcher.skipped").tags("why", "in_flight").counter().count()).isEqualTo(1);
        assertThat(meters.get("stormwatch.dispatcher.retries").tags("channel", "webhook").counter().count())
            .isEqualTo(1);
      }
    }
  }

  private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
    return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
