package dev.stormwatch.common.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every partition of one topic on a daemon thread, without a consumer group, from where
 * {@link Start} positions it, handing each record to a {@link Handler}: the in-memory views of a
 * topic (the pager inbox, the notifier API's page index) are this plus what they keep. It waits for
 * a topic that does not exist yet, says when it has read what the topic held at the start
 * ({@link #awaitCaughtUp}), reads a record again after a back-off when the handler asks (a
 * registry that is down), and stops on {@link #close()}. A failure stops the reading, logged.
 */
public final class TopicTail implements AutoCloseable {

  /** Positions the consumer on the assigned partitions before the first poll. */
  @FunctionalInterface
  public interface Start {
    void position(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions);
  }

  /** Takes one record in; false: read it again after the back-off. */
  @FunctionalInterface
  public interface Handler {
    boolean accept(ConsumerRecord<byte[], byte[]> record);
  }

  private static final Logger log = LoggerFactory.getLogger(TopicTail.class);
  private static final Duration POLL = Duration.ofMillis(200);

  private final String name;
  private final String topic;
  private final Start start;
  private final Handler handler;
  private final Duration backOff;
  private final Runnable onCaughtUp;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private volatile boolean closed;

  private TopicTail(String name, String topic, Start start, Handler handler, Duration backOff, Runnable onCaughtUp,
                    KafkaConsumer<byte[], byte[]> consumer) {
    this.name = name;
    this.topic = topic;
    this.start = start;
    this.handler = handler;
    this.backOff = backOff;
    this.onCaughtUp = onCaughtUp;
    this.consumer = consumer;
    this.thread = new Thread(this::run, "stormwatch-" + name.replace(' ', '-'));
    this.thread.setDaemon(true);
  }

  /**
   * Starts reading.
   *
   * @param name             for the thread and the log lines, e.g. {@code "pager inbox"}
   * @param bootstrapServers the Kafka cluster
   * @param clientOverrides  client settings (security...) laid over the defaults; may be empty
   * @param clientId         the consumer's client id
   * @param topic            the topic
   * @param start            where to begin
   * @param handler          every record, on the reading thread
   * @param backOff          how long to wait before a record the handler refused is read again
   * @param onCaughtUp       run once, when it has read what the topic held at the start
   */
  public static TopicTail start(String name, String bootstrapServers, Map<String, ?> clientOverrides, String clientId,
                                String topic, Start start, Handler handler, Duration backOff, Runnable onCaughtUp) {
    Objects.requireNonNull(topic, "topic");
    Map<String, Object> props = new HashMap<>(clientOverrides);
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    props.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
    TopicTail tail = new TopicTail(name, topic, start, handler, backOff, onCaughtUp, new KafkaConsumer<>(props));
    tail.thread.start();
    return tail;
  }

  /** Waits until it has read what the topic held when it started; false on timeout. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Whether it has read what the topic held when it started. */
  public boolean caughtUp() {
    return caughtUp.getCount() == 0;
  }

  /** Stops reading and closes the consumer. */
  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    try {
      thread.join(Duration.ofSeconds(10).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      List<TopicPartition> partitions = awaitPartitions();
      if (partitions == null) {
        return;
      }
      consumer.assign(partitions);
      start.position(consumer, partitions);
      Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
      while (!closed) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        boolean again = false;
        for (TopicPartition tp : records.partitions()) {
          for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
            if (!handler.accept(record)) {
              consumer.seek(tp, record.offset());
              again = true;
              break;
            }
          }
        }
        if (again) {
          pause(backOff);
        }
        if (caughtUp.getCount() > 0 && partitions.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp))) {
          caughtUp.countDown();
          onCaughtUp.run();
        }
      }
    } catch (WakeupException e) {
      if (!closed) {
        log.error("{}: unexpected wakeup; it stops reading {}", name, topic, e);
      }
    } catch (RuntimeException e) {
      log.error("{}: reading {} failed; it stops reading", name, topic, e);
    } finally {
      consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
    }
  }

  private List<TopicPartition> awaitPartitions() {
    while (!closed) {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
      if (infos != null && !infos.isEmpty()) {
        return infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      }
      log.info("{}: waiting for topic {}", name, topic);
    }
    return null;
  }

  private void pause(Duration d) {
    long until = System.nanoTime() + d.toNanos();
    while (!closed && System.nanoTime() < until) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
