package dev.stormwatch.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * What a CLI command needs around the Kafka clients: a fast "is anything listening" probe,
 * client settings whose every wait is bounded by {@code --timeout}, deadlines, and one-line
 * failures that name the cluster. Stateless.
 */
final class KafkaCalls {

  private static final Duration MAX_POLL = Duration.ofMillis(200);

  private KafkaCalls() {
  }

  /**
   * Fails at once, with the reason, when no bootstrap server accepts a TCP connection (nothing is
   * listening), instead of letting the Kafka clients retry until the timeout. A server that
   * accepts but does not answer is left to the clients' own timeouts.
   */
  static void probe(KafkaOptions options) {
    long deadline = System.nanoTime() + options.timeout.toNanos();
    IOException last = null;
    for (String address : options.bootstrapServers.split(",")) {
      String hostPort = address.strip();
      String host = Utils.getHost(hostPort);
      Integer port = Utils.getPort(hostPort);
      if (host == null || port == null) {
        throw new IllegalArgumentException("--bootstrap-servers: expected HOST:PORT[,HOST:PORT...], got '"
            + options.bootstrapServers + "'");
      }
      int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, remaining(deadline).toMillis()));
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(host, port), millis);
        return;
      } catch (IOException e) {
        last = e;
      }
    }
    throw new IllegalStateException("cannot connect to Kafka at " + options.bootstrapServers + ": "
        + (last.getMessage() == null ? last.getClass().getSimpleName() : last.getMessage())
        + " (is Stormwatch running? try: stormwatch up)", last);
  }

  /** Bootstrap servers, client id, and request and API timeouts of {@code --timeout}. */
  static Map<String, Object> clientProps(KafkaOptions options, String clientIdKey, String clientId) {
    Map<String, Object> props = new TreeMap<>();
    props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, options.bootstrapServers);
    props.put(clientIdKey, clientId);
    int millis = (int) Math.min(Integer.MAX_VALUE, options.timeout.toMillis());
    props.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, millis);
    props.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
    return props;
  }

  /** A reader's settings: committed records only, from the earliest, no auto-commit, no auto-create. */
  static Map<String, Object> readerProps(KafkaOptions options) {
    Map<String, Object> props = clientProps(options, ConsumerConfig.CLIENT_ID_CONFIG, "stormwatch-cli-reader");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return props;
  }

  /**
   * A writer's settings: idempotent, {@code acks=all}, no linger, blocking and delivery bounded by
   * {@code --timeout}.
   */
  static Map<String, Object> writerProps(KafkaOptions options) {
    Map<String, Object> props = clientProps(options, ProducerConfig.CLIENT_ID_CONFIG, "stormwatch-cli-writer");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, options.timeout.toMillis());
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, options.timeout.toMillis()));
    return props;
  }

  /** A consumer of raw keyed records with {@link #readerProps}; close it. */
  static KafkaConsumer<String, byte[]> reader(KafkaOptions options) {
    return new KafkaConsumer<>(readerProps(options), new StringDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Assigns every partition of the topic to the consumer; none (and nothing assigned) when the
   * topic does not exist.
   */
  static List<TopicPartition> assignAll(KafkaConsumer<?, ?> consumer, String topic, KafkaOptions options) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, options.timeout);
    if (infos == null || infos.isEmpty()) {
      return List.of();
    }
    List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    consumer.assign(partitions);
    return partitions;
  }

  /**
   * Polls the assigned consumer until its position reaches every end offset, handing each record
   * to {@code each}; past the deadline, a one-line failure naming the topic and the cluster.
   */
  static void readToEnd(KafkaConsumer<String, byte[]> consumer, Map<TopicPartition, Long> ends, long deadline,
      KafkaOptions options, String topic, Consumer<ConsumerRecord<String, byte[]>> each) {
    while (!reachedEnd(consumer, ends, deadline)) {
      Duration left = remaining(deadline);
      if (left.isZero()) {
        throw new IllegalStateException("could not read " + topic + " to its end within " + options.timeoutText()
            + " (Kafka at " + options.bootstrapServers + ")");
      }
      consumer.poll(left.compareTo(MAX_POLL) < 0 ? left : MAX_POLL).forEach(each);
    }
  }

  /** The one-line failure of a cluster that did not answer in time. */
  static IllegalStateException unreachable(KafkaOptions options, Throwable e) {
    return new IllegalStateException("Kafka at " + options.bootstrapServers + " did not answer within "
        + options.timeoutText() + " (is Stormwatch running? try: stormwatch up)", e);
  }

  /**
   * The one-line failure of a write to {@code topic} that threw {@code e}: the cluster's answer,
   * no answer in time, the Schema Registry refusing (serialization), or an interrupt (the flag is
   * set again).
   */
  static IllegalStateException writeFailed(KafkaOptions options, String topic, Exception e) {
    if (e instanceof ExecutionException) {
      return new IllegalStateException("could not write to " + topic + " on Kafka at " + options.bootstrapServers
          + ": " + e.getCause().getMessage(), e.getCause());
    }
    if (e instanceof org.apache.kafka.common.errors.TimeoutException) {
      return unreachable(options, e);
    }
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
      return new IllegalStateException("interrupted while writing to " + topic, e);
    }
    // serialization: the Schema Registry refused or did not answer; its own message says which
    return new IllegalStateException("could not write to " + topic + ": Schema Registry at " + options.registryUrl
        + ": " + rootMessage(e), e);
  }

  /** The innermost message of a failure. */
  static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
  }

  /** Whether the consumer's position has reached every end offset. */
  static boolean reachedEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> ends, long deadline) {
    return ends.entrySet().stream().allMatch(end ->
        consumer.position(end.getKey(), atLeastOneMilli(remaining(deadline))) >= end.getValue());
  }

  /** Time left until a {@link System#nanoTime()} deadline, zero once passed. */
  static Duration remaining(long deadline) {
    long nanos = deadline - System.nanoTime();
    return nanos <= 0 ? Duration.ZERO : Duration.ofNanos(nanos);
  }

  static Duration atLeastOneMilli(Duration duration) {
    return duration.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : duration;
  }
}
