package dev.stormwatch.common.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.config.TopicConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics of the {@link Topics} catalogue that do not exist yet, with the cleanup
 * policy each one needs; existing topics are left as they are (their partitions and settings are
 * the operator's). Used by the single-machine default and by apps started with topic creation on.
 */
public final class TopicProvisioner {

  private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

  /** Dead letters are kept a long time: someone has to look at them. */
  static final Duration DEAD_LETTER_RETENTION = Duration.ofDays(30);

  private TopicProvisioner() {
  }

  /**
   * Waits until every partition of {@code topics} answers a ListOffsets request, i.e. has a
   * leader that serves it. Writing to a topic in the moment after its creation can fail an
   * idempotent producer's first batches with NOT_LEADER_OR_FOLLOWER and then wedge its sequence
   * numbers (seen with Kafka 4.4); waiting here keeps the apps that start right after clear of it.
   */
  public static void awaitLeaders(Admin admin, List<String> topics, int partitionCount, Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<TopicPartition, OffsetSpec> partitions = new java.util.HashMap<>();
    for (String topic : topics) {
      for (int p = 0; p < partitionCount; p++) {
        partitions.put(new TopicPartition(topic, p), OffsetSpec.latest());
      }
    }
    while (true) {
      try {
        admin.listOffsets(partitions).all().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  /**
   * Ensures every topic of {@code topics} exists.
   *
   * @param admin             an admin client on the cluster
   * @param topics            the catalogue
   * @param partitions        partitions of each new topic
   * @param replicationFactor replication factor of each new topic; 0 or less: the broker's default
   * @param timeout           how long to wait for the cluster
   * @return the names of the topics it created
   */
  public static List<String> ensure(Admin admin, Topics topics, int partitions, short replicationFactor,
                                    Duration timeout) {
    try {
      Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (String name : topics.all()) {
        if (existing.contains(name)) {
          continue;
        }
        NewTopic topic = replicationFactor > 0 ? new NewTopic(name, partitions, replicationFactor)
            : new NewTopic(name, Optional.of(partitions), Optional.empty());
        if (topics.compacted().contains(name)) {
          topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        } else if (name.equals(topics.deadLetters())) {
          topic.configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, Long.toString(DEAD_LETTER_RETENTION.toMillis())));
        }
        missing.add(topic);
      }
      List<String> created = new ArrayList<>();
      for (Map.Entry<String, KafkaFuture<Void>> result : admin.createTopics(missing).values().entrySet()) {
        try {
          result.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
          created.add(result.getKey());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
          // created meanwhile by another instance: fine
        }
      }
      if (!created.isEmpty()) {
        awaitLeaders(admin, created, partitions, timeout);
        log.info("created topics {}", created);
      }
      return created;
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create Stormwatch's topics: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka did not answer within " + timeout + " while creating topics", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }
}
