package dev.stormwatch.cli;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * What a CLI command needs around the Kafka clients: a fast "is anything listening" probe,
 * client settings whose every wait is bounded by {@code --timeout}, deadlines, and one-line
 * failures that name the cluster. Stateless.
 */
final class KafkaCalls {

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

  /** The one-line failure of a cluster that did not answer in time. */
  static IllegalStateException unreachable(KafkaOptions options, Throwable e) {
    return new IllegalStateException("Kafka at " + options.bootstrapServers + " did not answer within "
        + options.timeoutText() + " (is Stormwatch running? try: stormwatch up)", e);
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
