package dev.stormwatch.notifier.dispatch;

import dev.stormwatch.avro.PageOutcome;
import dev.stormwatch.avro.PageRequest;
import dev.stormwatch.avro.PageResult;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.serde.SpecificAvroSerde;
import dev.stormwatch.common.streams.DeadLetters;
import dev.stormwatch.notifier.channel.Channels;
import dev.stormwatch.notifier.channel.FailureReason;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The page dispatcher: consumes {@code PageRequest}s from {@code pages.outbox}, delivers each
 * through its channel (with retries, rate limit and fallback, see {@link DeliveryPipeline}) and
 * records every attempt and outcome as a {@code PageOutcome} in {@code pages.log}.
 *
 * <p><b>Idempotent toward providers, by dedup key.</b> Before a page goes to a provider, its
 * intent ({@code SENDING}) is written to {@code pages.log} and acknowledged; the answer follows
 * as RETRYING, DELIVERED or FAILED. Offsets are committed only up to the first page that has not
 * reached a final outcome. On every assignment, {@link Recovery} reads {@code pages.log} back for
 * the partitions' uncommitted records, and {@link DispatchDecision} then skips pages that already
 * have a final outcome, resends pages whose intent has no answer where the provider dedups
 * (PagerDuty {@code dedup_key}, Opsgenie alias, the webhook's {@code Idempotency-Key}, the pager
 * inbox), and applies {@link UnconfirmedPolicy} to those on Slack and e-mail. So a kill -9 between
 * a send and its commit never pages twice, except where the provider collapses the copy, and
 * never loses a page. {@code notifier/docs/dispatcher.md} has the whole design and its limits.
 *
 * <p>A record that is not a {@code PageRequest} goes to the dead-letter topic with the reason;
 * the dispatcher carries on. A Schema Registry that cannot be reached is waited out (the
 * partition is paused and the record read again), not dead-lettered.
 */
public final class Dispatcher implements AutoCloseable {

  /** Where the dispatcher is in its life. */
  public enum State {
    /** Started, not yet assigned and recovered. */
    STARTING,
    /** Consuming. */
    RUNNING,
    /** Stopped by a fatal error (logged); close it. */
    FAILED,
    /** Closed. */
    CLOSED
  }

  /** The {@code stormwatch.dlq.app} header value. */
  static final String APP = "notifier";

  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  private static final Duration POLL = Duration.ofMillis(100);
  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration REGISTRY_BACKOFF = Duration.ofSeconds(5);

  private final DispatcherConfig config;
  private final Topics topics;
  private final Clock clock;
  private final SchemaRegistryClient registry;
  private final SpecificAvroSerde<PageRequest> requestSerde;
  private final SpecificAvroSerde<PageOutcome> outcomeSerde;
  private final Producer<byte[], byte[]> producer;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final ScheduledThreadPoolExecutor scheduler;
  /** Per incident and destination, the last delivery started: the next one waits for it. */
  private final ConcurrentHashMap<String, CompletableFuture<Void>> lanes;
  private final HttpClient http;
  private final PageLedger ledger;
  private final DispatcherMetrics metrics;
  private final DeliveryPipeline pipeline;
  private final Recovery recovery;
  private final Channels channels;
  private final PageDecorator decorator;
  private final Thread thread;
  private final Map<TopicPartition, PartitionOffsets> partitions = new ConcurrentHashMap<>();
  private final Map<TopicPartition, Instant> registryRetryAt = new HashMap<>();
  private final CountDownLatch ready = new CountDownLatch(1);
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile boolean closing;
  private volatile State state = State.STARTING;
  private Instant nextCommit;

  private Dispatcher(DispatcherConfig config, String bootstrapServers, Map<String, ?> clientOverrides,
                     SchemaRegistryConfig registryConfig, Topics topics, MeterRegistry meters, Clock clock,
                     PageDecorator decorator) {
    this.config = config;
    this.decorator = decorator;
    this.topics = topics;
    this.clock = clock;
    this.registry = new RestSchemaRegistryClient(registryConfig);
    this.requestSerde = SpecificAvroSerde.of(PageRequest.class, registry, AvroSerdeConfig.defaults(), false);
    this.outcomeSerde = SpecificAvroSerde.of(PageOutcome.class, registry, AvroSerdeConfig.defaults(), false);
    this.producer = new KafkaProducer<>(producerProps(bootstrapServers, clientOverrides));
    this.consumer = new KafkaConsumer<>(consumerProps(bootstrapServers, clientOverrides));
    AtomicInteger threads = new AtomicInteger();
    this.lanes = new ConcurrentHashMap<>();
    this.scheduler = new ScheduledThreadPoolExecutor(config.workers(), r -> {
      Thread t = new Thread(r, "stormwatch-dispatch-" + threads.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    scheduler.setRemoveOnCancelPolicy(true);
    scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    this.http = Channels.httpClient(config.channels());
    this.channels = Channels.create(config.channels(), http, producer, topics.pagerInbox());
    this.ledger = new PageLedger(config.recovery().maxKeys(), config.recovery().dedupWindow());
    this.metrics = new DispatcherMetrics(meters, this::inFlight, ledger::size);
    OutcomeLog outcomeLog = this::appendOutcome;
    this.pipeline = new DeliveryPipeline(channels, config.retry(), new RateLimiter(config.rateLimit()), outcomeLog,
        metrics, scheduler, clock);
    this.recovery = new Recovery(() -> helperConsumer(bootstrapServers, clientOverrides), outcomeSerde.deserializer(),
        topics.pagesOutbox(), topics.pagesLog(), config.recovery().lookback(), RECOVERY_TIMEOUT, ledger,
        metrics::ledgerEviction, clock);
    this.thread = new Thread(this::run, "stormwatch-dispatcher");
  }

  /**
   * Starts a dispatcher; returns at once (see {@link #awaitReady}).
   *
   * @param config           the dispatcher's configuration
   * @param bootstrapServers the Kafka cluster
   * @param clientOverrides  Kafka client settings laid over the defaults (SASL/SSL,
   *                         {@code group.instance.id}, {@code session.timeout.ms}...); may be empty
   * @param registryConfig   the Schema Registry
   * @param topics           topic names
   * @param meters           where its metrics go
   */
  public static Dispatcher start(DispatcherConfig config, String bootstrapServers, Map<String, ?> clientOverrides,
                                 SchemaRegistryConfig registryConfig, Topics topics, MeterRegistry meters) {
    return start(config, bootstrapServers, clientOverrides, registryConfig, topics, meters, PageDecorator.none());
  }

  /**
   * Starts a dispatcher that renders every page through {@code decorator} first (e.g. to add signed
   * ack/resolve links); returns at once (see {@link #awaitReady}).
   *
   * @param config           the dispatcher's configuration
   * @param bootstrapServers the Kafka cluster
   * @param clientOverrides  Kafka client settings laid over the defaults; may be empty
   * @param registryConfig   the Schema Registry
   * @param topics           topic names
   * @param meters           where its metrics go
   * @param decorator        applied to each page before its channel renders it ({@link PageDecorator#none()}: none)
   */
  public static Dispatcher start(DispatcherConfig config, String bootstrapServers, Map<String, ?> clientOverrides,
                                 SchemaRegistryConfig registryConfig, Topics topics, MeterRegistry meters,
                                 PageDecorator decorator) {
    return start(config, bootstrapServers, clientOverrides, registryConfig, topics, meters, Clock.systemUTC(),
        decorator);
  }

  static Dispatcher start(DispatcherConfig config, String bootstrapServers, Map<String, ?> clientOverrides,
                          SchemaRegistryConfig registryConfig, Topics topics, MeterRegistry meters, Clock clock) {
    return start(config, bootstrapServers, clientOverrides, registryConfig, topics, meters, clock,
        PageDecorator.none());
  }

  static Dispatcher start(DispatcherConfig config, String bootstrapServers, Map<String, ?> clientOverrides,
                          SchemaRegistryConfig registryConfig, Topics topics, MeterRegistry meters, Clock clock,
                          PageDecorator decorator) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(decorator, "decorator");
    Dispatcher dispatcher = new Dispatcher(config, bootstrapServers, Map.copyOf(clientOverrides), registryConfig,
        topics, meters, clock, decorator);
    dispatcher.thread.start();
    return dispatcher;
  }

  /**
   * Waits until the dispatcher was first assigned its partitions and recovered them; false when
   * {@code timeout} passed first or it failed.
   */
  public boolean awaitReady(Duration timeout) throws InterruptedException {
    return ready.await(timeout.toMillis(), TimeUnit.MILLISECONDS) && state == State.RUNNING;
  }

  /** Its state. */
  public State state() {
    return state;
  }

  /** Waits until the dispatcher stopped (closed or failed); false when {@code timeout} passed first. */
  public boolean awaitStopped(Duration timeout) throws InterruptedException {
    return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Stops consuming, lets sends in progress finish (up to {@code close-timeout}; pages waiting
   * for a retry or their rate-limit slot stay uncommitted and are taken up again on the next
   * start), commits what is done and closes its clients.
   */
  @Override
  public void close() {
    closing = true;
    consumer.wakeup();
    if (Thread.currentThread() != thread) {
      try {
        if (!stopped.await(config.closeTimeout().plus(KAFKA_TIMEOUT).toMillis(), TimeUnit.MILLISECONDS)) {
          log.warn("dispatcher: did not stop within {}", config.closeTimeout().plus(KAFKA_TIMEOUT));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private void run() {
    try {
      nextCommit = clock.instant().plus(config.commitInterval());
      consumer.subscribe(List.of(topics.pagesOutbox()), new Rebalance());
      while (!closing) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
        for (TopicPartition tp : records.partitions()) {
          for (ConsumerRecord<byte[], byte[]> record : records.records(tp)) {
            if (!handle(record)) {
              break;
            }
          }
        }
        commit(false);
        updatePauses();
      }
    } catch (WakeupException e) {
      if (!closing) {
        fail(e);
      }
    } catch (RuntimeException | Error e) {
      fail(e);
    } finally {
      shutdown();
    }
  }

  private void fail(Throwable e) {
    state = State.FAILED;
    closing = true;
    log.error("dispatcher: stopping on a fatal error; uncommitted pages are taken up again on the next start", e);
  }

  /**
   * Handles one outbox record.
   *
   * @return false when the rest of its partition's batch must wait (registry unavailable)
   */
  private boolean handle(ConsumerRecord<byte[], byte[]> record) {
    TopicPartition tp = new TopicPartition(record.topic(), record.partition());
    PartitionOffsets offsets = partitions.computeIfAbsent(tp, PartitionOffsets::new);
    offsets.track(record.offset());
    if (record.value() == null) {
      deadLetter(record, "empty value: a tombstone is not a PageRequest", null);
      offsets.done(record.offset());
      return true;
    }
    PageRequest page;
    try {
      page = requestSerde.deserializer().deserialize(record.topic(), record.headers(), record.value());
    } catch (RuntimeException e) {
      if (Recovery.registryUnavailable(e)) {
        offsets.rewind(record.offset());
        consumer.seek(tp, record.offset());
        registryRetryAt.put(tp, clock.instant().plus(REGISTRY_BACKOFF));
        log.warn("dispatcher: the Schema Registry is unavailable; {} waits {} ({})", tp, REGISTRY_BACKOFF,
            e.getMessage());
        return false;
      }
      deadLetter(record, "not a PageRequest: " + DeadLetters.reasonOf(e), e);
      offsets.done(record.offset());
      return true;
    }
    if (page.getDedupKey().isBlank()) {
      deadLetter(record, "PageRequest without a dedup key: it cannot be delivered idempotently", null);
      offsets.done(record.offset());
      return true;
    }
    dispatch(page, offsets, record.offset());
    return true;
  }

  private void dispatch(PageRequest page, PartitionOffsets offsets, long offset) {
    String key = page.getDedupKey();
    List<Route> routes = routes(page);
    DispatchDecision decision = DispatchDecision.decide(ledger.get(key), ledger.inFlight(key), routes,
        channels::providerDedups, config.recovery());
    switch (decision.kind()) {
      case SKIP_FINAL, SKIP_IN_FLIGHT -> {
        metrics.skipped(decision.kind() == DispatchDecision.Kind.SKIP_FINAL
            ? DispatcherMetrics.Skip.ALREADY_FINAL : DispatcherMetrics.Skip.IN_FLIGHT);
        log.info("page {}: a second copy, not sent ({})", key,
            decision.kind() == DispatchDecision.Kind.SKIP_FINAL ? "it already has a final outcome" : "it is being sent");
        appendQuietly(Outcomes.builder(page, routes.get(0).channel(), Math.max(1, decision.firstAttempt() - 1),
            PageResult.DUPLICATE, clock.instant()).build());
        offsets.done(offset);
      }
      case GIVE_UP_UNCONFIRMED -> {
        metrics.unconfirmed(decision.unconfirmedOn(), UnconfirmedPolicy.GIVE_UP);
        metrics.failed(decision.unconfirmedOn(), FailureReason.UNCONFIRMED);
        String error = "the dispatcher stopped after handing the page to " + decision.unconfirmedOn()
            + " and before its answer; not sent again (" + decision.unconfirmedOn()
            + " does not dedup; recovery policy give-up)";
        log.warn("page {}: {}", key, error);
        appendQuietly(Outcomes.builder(page, decision.unconfirmedOn(), Math.max(1, decision.firstAttempt()),
                PageResult.FAILED, clock.instant())
            .setReason(FailureReason.UNCONFIRMED.label()).setError(error).build());
        offsets.done(offset);
      }
      case SEND, RESEND_UNCONFIRMED -> {
        if (decision.kind() == DispatchDecision.Kind.RESEND_UNCONFIRMED) {
          metrics.unconfirmed(decision.unconfirmedOn(), UnconfirmedPolicy.RESEND);
          log.info("page {}: handed to {} before the last stop without an answer; sending again{}", key,
              decision.unconfirmedOn(), channels.providerDedups(decision.unconfirmedOn())
                  ? " (the provider dedups it by key)" : " (marked as a possible repeat)");
        }
        ledger.claim(key);
        // one destination's pages of one incident go out in order: a RESOLVE never overtakes the
        // TRIGGER it ends (say the TRIGGER waits out a 429), which would leave the provider's alert open
        String lane = page.getIncidentId() + "|" + page.getRecipient().getChannel() + "|"
            + page.getRecipient().getAddress();
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<Void> previous = lanes.put(lane, done);
        (previous == null ? CompletableFuture.<Void>completedFuture(null) : previous)
            .thenCompose(ignored -> pipeline.deliver(decorated(page), routes, decision,
                () -> closing || offsets.revoked()))
            .whenComplete((handled, error) -> {
              lanes.remove(lane, done);
              done.complete(null);
              ledger.release(key);
              if (error != null) {
                appendQuietly(Outcomes.builder(page, routes.get(0).channel(), decision.firstAttempt(),
                        PageResult.FAILED, clock.instant())
                    .setReason(FailureReason.INTERNAL.label()).setError(DeadLetters.reasonOf(error)).build());
                metrics.failed(routes.get(0).channel(), FailureReason.INTERNAL);
                offsets.done(offset);
              } else if (Boolean.TRUE.equals(handled)) {
                offsets.done(offset);
              }
            });
      }
      default -> throw new IllegalStateException("unhandled decision " + decision);
    }
  }

  /** The page as its channels render it; the page itself when the decorator fails or changes its identity. */
  private PageRequest decorated(PageRequest page) {
    PageRequest out;
    try {
      out = decorator.decorate(PageRequest.newBuilder(page).build());
    } catch (RuntimeException e) {
      log.warn("page {}: the page decorator failed; sending it undecorated", page.getDedupKey(), e);
      return page;
    }
    if (out == null || !out.getDedupKey().equals(page.getDedupKey())
        || !out.getIncidentId().equals(page.getIncidentId()) || out.getAction() != page.getAction()
        || !out.getRecipient().equals(page.getRecipient())) {
      log.warn("page {}: the page decorator changed what the page is; sending it undecorated", page.getDedupKey());
      return page;
    }
    return out;
  }

  private List<Route> routes(PageRequest page) {
    List<Route> routes = new ArrayList<>(2);
    routes.add(new Route(page.getRecipient().getChannel(), page.getRecipient().getAddress()));
    config.fallbacks().forPage(page).ifPresent(routes::add);
    return routes;
  }

  private void appendOutcome(PageOutcome outcome) {
    byte[] value = outcomeSerde.serializer().serialize(topics.pagesLog(), outcome);
    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.pagesLog(),
        outcome.getDedupKey().getBytes(StandardCharsets.UTF_8), value);
    try {
      producer.send(record).get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw new OutcomeLog.OutcomeLogException("pages.log refused the record: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw new OutcomeLog.OutcomeLogException("pages.log did not acknowledge within " + KAFKA_TIMEOUT, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OutcomeLog.OutcomeLogException("interrupted while writing to pages.log", e);
    }
    if (ledger.observe(outcome, clock.instant())) {
      metrics.ledgerEviction();
    }
  }

  private void appendQuietly(PageOutcome outcome) {
    try {
      appendOutcome(outcome);
    } catch (OutcomeLog.OutcomeLogException e) {
      metrics.outcomeWriteFailed();
      log.error("page {}: cannot record {} in pages.log", outcome.getDedupKey(), outcome.getOutcome(), e);
    }
  }

  private void deadLetter(ConsumerRecord<byte[], byte[]> record, String reason, Throwable e) {
    ProducerRecord<byte[], byte[]> dead = DeadLetters.record(topics.deadLetters(), record.key(), record.value(),
        DeadLetters.headers(record.headers(), APP, reason, e, record.topic(), record.partition(), record.offset()));
    try {
      producer.send(dead).get(KAFKA_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException x) {
      throw new IllegalStateException("cannot write to the dead-letter topic " + topics.deadLetters(), x);
    } catch (InterruptedException x) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing to the dead-letter topic", x);
    }
    metrics.deadLetter();
    log.warn("{}-{}@{}: dead-lettered: {}", record.topic(), record.partition(), record.offset(), reason);
  }

  private void commit(boolean force) {
    Instant now = clock.instant();
    if (!force && now.isBefore(nextCommit)) {
      return;
    }
    nextCommit = now.plus(config.commitInterval());
    commit(partitions.values());
  }

  private void commit(Collection<PartitionOffsets> which) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    String metadata = Recovery.COMMITTED_AT + clock.millis();
    for (PartitionOffsets p : which) {
      OptionalLong committable = p.committable();
      if (committable.isPresent()) {
        offsets.put(p.partition(), new OffsetAndMetadata(committable.getAsLong(), metadata));
      }
    }
    if (offsets.isEmpty()) {
      return;
    }
    try {
      consumer.commitSync(offsets, KAFKA_TIMEOUT);
      for (PartitionOffsets p : which) {
        OffsetAndMetadata o = offsets.get(p.partition());
        if (o != null) {
          p.committed(o.offset());
        }
      }
    } catch (CommitFailedException | RebalanceInProgressException | org.apache.kafka.common.errors.TimeoutException e) {
      log.warn("dispatcher: commit of {} failed ({}); it is retried", offsets.keySet(), e.getMessage());
    }
  }

  private void updatePauses() {
    Set<TopicPartition> assigned = consumer.assignment();
    if (assigned.isEmpty()) {
      return;
    }
    Instant now = clock.instant();
    registryRetryAt.values().removeIf(at -> !at.isAfter(now));
    registryRetryAt.keySet().retainAll(assigned);
    Set<TopicPartition> pause = new HashSet<>();
    if (inFlight() >= config.maxInFlight()) {
      pause.addAll(assigned);
    } else {
      pause.addAll(registryRetryAt.keySet());
    }
    Set<TopicPartition> resume = new HashSet<>(consumer.paused());
    resume.removeAll(pause);
    if (!pause.isEmpty()) {
      consumer.pause(pause);
    }
    if (!resume.isEmpty()) {
      consumer.resume(resume);
    }
  }

  private int inFlight() {
    int n = 0;
    for (PartitionOffsets p : partitions.values()) {
      n += p.pending();
    }
    return n;
  }

  private void shutdown() {
    closing = true;
    try {
      scheduler.shutdown();
      if (!scheduler.awaitTermination(config.closeTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
        log.warn("dispatcher: sends still running after {}; interrupting them", config.closeTimeout());
        scheduler.shutdownNow();
      }
    } catch (InterruptedException e) {
      scheduler.shutdownNow();
      Thread.currentThread().interrupt();
    }
    try {
      if (state != State.FAILED) {
        commit(partitions.values());
      }
    } catch (RuntimeException e) {
      log.warn("dispatcher: final commit failed; the uncommitted pages are checked against pages.log on the next"
          + " start", e);
    }
    closeQuietly(() -> consumer.close(CloseOptions.timeout(KAFKA_TIMEOUT)), "consumer");
    closeQuietly(() -> producer.close(KAFKA_TIMEOUT), "producer");
    closeQuietly(registry::close, "registry client");
    if (state != State.FAILED) {
      state = State.CLOSED;
    }
    ready.countDown();
    stopped.countDown();
    log.info("dispatcher: stopped ({})", state);
  }

  private static void closeQuietly(Runnable close, String what) {
    try {
      close.run();
    } catch (RuntimeException e) {
      log.warn("dispatcher: error closing the {}", what, e);
    }
  }

  private Map<String, Object> producerProps(String bootstrapServers, Map<String, ?> overrides) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.CLIENT_ID_CONFIG, config.groupId() + "-producer");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    props.putAll(overrides);
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    return props;
  }

  private Map<String, Object> consumerProps(String bootstrapServers, Map<String, ?> overrides) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, config.groupId());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Math.min(500, config.maxInFlight()));
    props.putAll(overrides);
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return props;
  }

  private Consumer<byte[], byte[]> helperConsumer(String bootstrapServers, Map<String, ?> overrides) {
    Map<String, Object> props = consumerProps(bootstrapServers, overrides);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    props.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, config.groupId() + "-recovery");
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
    return new KafkaConsumer<>(props);
  }

  /** Commits, waits for and recovers partitions as the group moves them. Runs on the poll thread. */
  private final class Rebalance implements ConsumerRebalanceListener {

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
      List<PartitionOffsets> leaving = new ArrayList<>();
      for (TopicPartition tp : revoked) {
        PartitionOffsets p = partitions.get(tp);
        if (p != null) {
          leaving.add(p);
        }
      }
      if (leaving.isEmpty()) {
        return;
      }
      long deadline = System.nanoTime() + config.closeTimeout().toNanos();
      try {
        for (PartitionOffsets p : leaving) {
          p.awaitIdle(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      leaving.forEach(PartitionOffsets::revoke);
      commit(leaving);
      leaving.forEach(p -> partitions.remove(p.partition()));
      log.info("dispatcher: partitions revoked: {}", revoked);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> lost) {
      for (TopicPartition tp : lost) {
        PartitionOffsets p = partitions.remove(tp);
        if (p != null) {
          p.revoke();
        }
      }
      log.warn("dispatcher: partitions lost: {}", lost);
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
      for (TopicPartition tp : assigned) {
        partitions.put(tp, new PartitionOffsets(tp));
      }
      if (!assigned.isEmpty()) {
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(new HashSet<>(assigned), KAFKA_TIMEOUT);
        recovery.recover(assigned, committed);
        log.info("dispatcher: partitions assigned and recovered: {}", assigned);
      }
      if (state == State.STARTING) {
        state = State.RUNNING;
        ready.countDown();
      }
    }
  }
}
