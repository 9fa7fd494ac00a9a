package dev.stormwatch.notifier.channel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.PageRequest;
import dev.stormwatch.testkit.KafkaIntegrationTest;
import dev.stormwatch.testkit.KafkaTestEnv;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The pager inbox channel and its reader on the real broker. */
@KafkaIntegrationTest
class PagerInboxIntegrationTest {

  private static final Duration DEADLINE = Duration.ofSeconds(30);

  @Test
  void showsEachPageOnceNewestFirstAndSkipsWhatIsNotAPage(KafkaTestEnv kafka) throws Exception {
    String topic = kafka.createTopic(kafka.uniqueName("pages-inbox"), 2);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProps());
         PagerInbox inbox = PagerInbox.start(kafka.bootstrapServers(), Map.of(), topic, 3)) {
      Channel channel = new InboxChannel(producer, topic, Duration.ofSeconds(10));
      PageRequest first = Pages.trigger("inc-42/0/0/alice", ChannelType.INBOX, "devstack");
      PageRequest second = Pages.builder("inc-43/0/0/bob", ChannelType.INBOX, "other").setIncidentId("inc-43")
          .build();

      SendResult delivered = channel.send(first, "devstack", new SendContext(1, Instant.now(), false));
      channel.send(first, "devstack", new SendContext(2, Instant.now(), true)); // a resend: shown once
      producer.send(new ProducerRecord<>(topic, "junk".getBytes(StandardCharsets.UTF_8),
          "{not json".getBytes(StandardCharsets.UTF_8))).get();
      channel.send(second, "other", new SendContext(1, Instant.now(), false));

      assertThat(delivered).isInstanceOfSatisfying(SendResult.Delivered.class,
          d -> assertThat(d.providerReference()).startsWith(topic + "/"));
      await("both pages shown").atMost(DEADLINE).until(() -> inbox.pages().size() == 2 && inbox.skipped() == 1
          && inbox.pages("devstack").get(0).copies() == 2);
      assertThat(inbox.pages("devstack")).singleElement().satisfies(p -> {
        assertThat(p.dedupKey()).isEqualTo("inc-42/0/0/alice");
        assertThat(p.recipientId()).isEqualTo("alice");
        assertThat(p.title()).isEqualTo(first.getTitle());
        assertThat(p.requestedAt()).isEqualTo(Pages.REQUESTED_AT);
      });
      assertThat(inbox.pages("other")).extracting(InboxPage::incidentId).containsExactly("inc-43");
      assertThat(inbox.json()).startsWith("{\"pages\":[").contains("\"copies\":2");
      assertThat(inbox.html("devstack")).contains("Pager inbox: devstack", "received 2 times, shown once")
          .doesNotContain("inc-43");
    }
  }

  @Test
  void keepsAtMostItsCapacityAndStartsNearTheEnd(KafkaTestEnv kafka) throws Exception {
    String topic = kafka.createTopic(kafka.uniqueName("pages-inbox"), 1);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(kafka.producerProps())) {
      Channel channel = new InboxChannel(producer, topic, Duration.ofSeconds(10));
      for (int i = 0; i < 10; i++) {
        channel.send(Pages.trigger("k" + i, ChannelType.INBOX, "devstack"), "devstack",
            new SendContext(1, Instant.now(), false));
      }
      try (PagerInbox inbox = PagerInbox.start(kafka.bootstrapServers(), Map.of(), topic, 4)) {
        assertThat(inbox.awaitCaughtUp(DEADLINE)).isTrue();
        assertThat(inbox.pages()).extracting(InboxPage::dedupKey).containsExactlyInAnyOrder("k6", "k7", "k8", "k9");
      }
    }
  }
}
