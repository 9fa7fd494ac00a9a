package dev.stormwatch.notifier.channel;

import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.PageRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RetriableException;

/**
 * The devstack's pager inbox: a page is "delivered" when it is in the inbox topic
 * ({@code Topics.pagerInbox()}, {@code pages.inbox}), keyed by its dedup key, its value the
 * {@link PageJson} document (UTF-8 JSON, no Schema Registry needed to read it). The recipient's
 * address names the inbox; {@link PagerInbox} reads the topic back and shows it. The reader keeps
 * one entry per dedup key, so a re-sent page shows once: the inbox dedups by key.
 */
public final class InboxChannel implements Channel {

  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final Duration timeout;

  /**
   * @param producer an idempotent producer the caller owns
   * @param topic    the inbox topic
   * @param timeout  how long to wait for Kafka's acknowledgement
   */
  InboxChannel(Producer<byte[], byte[]> producer, String topic, Duration timeout) {
    this.producer = producer;
    this.topic = topic;
    this.timeout = timeout;
  }

  @Override
  public ChannelType type() {
    return ChannelType.INBOX;
  }

  @Override
  public boolean providerDedups() {
    return true;
  }

  @Override
  public SendResult send(PageRequest page, String address, SendContext context) {
    if (address == null || address.isBlank()) {
      return SendResult.Failed.badConfig("an inbox page needs an inbox name as its address");
    }
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic,
        page.getDedupKey().getBytes(StandardCharsets.UTF_8), PageJson.bytes(page));
    try {
      RecordMetadata meta = producer.send(record).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return new SendResult.Delivered(null, meta.topic() + "/" + meta.partition() + "/" + meta.offset(), "");
    } catch (TimeoutException e) {
      return SendResult.Failed.of(FailureReason.KAFKA, true, "the inbox topic did not acknowledge within " + timeout);
    } catch (ExecutionException e) {
      boolean retryable = e.getCause() instanceof RetriableException;
      return SendResult.Failed.of(FailureReason.KAFKA, retryable,
          "cannot write to the inbox topic: " + e.getCause().getClass().getSimpleName() + ": "
              + e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return SendResult.Failed.of(FailureReason.INTERRUPTED, true, "interrupted while writing to the inbox");
    }
  }
}
