package dev.stormwatch.ingest.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import dev.stormwatch.ingest.gateway.GatewayMetrics.Outcome;
import dev.stormwatch.ingest.gateway.PayloadValidator.InvalidPayload;
import dev.stormwatch.ingest.gateway.PayloadValidator.Result;
import dev.stormwatch.ingest.raw.RawHeaders;

import io.javalin.Javalin;
import io.javalin.compression.CompressionStrategy;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP gateway: the front door for systems that cannot produce to Kafka. Each data endpoint
 * checks authentication, content type, size and the body's top-level shape, then writes the raw
 * body bytes with {@link RawHeaders} to a raw topic, and answers 2xx only after Kafka acknowledged
 * the write ({@code acks=all}, idempotent producer). It never parses deeply.
 *
 * <table>
 *   <caption>Endpoints</caption>
 *   <tr><th>endpoint</th><th>body</th><th>topic, FORMAT</th></tr>
 *   <tr><td>{@code POST /api/v2/alerts}</td><td>Prometheus' JSON array of alerts, each with a
 *       {@code labels} object</td><td>raw Prometheus, {@code prometheus-api-v2}</td></tr>
 *   <tr><td>{@code POST /webhooks/alertmanager}</td><td>webhook v4 object with an {@code alerts}
 *       array</td><td>raw Prometheus, {@code alertmanager-webhook-v4}</td></tr>
 *   <tr><td>{@code POST /webhooks/sentry}</td><td>a JSON object, optionally signed</td>
 *       <td>raw Sentry, {@code sentry-webhook} (or {@code sentry-legacy-webhook} without
 *       {@code Sentry-Hook-Resource})</td></tr>
 *   <tr><td>{@code POST /logs}</td><td>NDJSON / JSON documents, Loki push JSON, or plain text</td>
 *       <td>raw logs, {@code logs-ndjson} or {@code loki-push}</td></tr>
 *   <tr><td>{@code POST /api/changes}</td><td>Stormwatch's change JSON: an object or array of
 *       objects, each with a {@code service}</td><td>raw changes, {@code stormwatch-change-v1}</td></tr>
 *   <tr><td>{@code POST /v2/change/enqueue}</td><td>PagerDuty Change Events v2 ({@code routing_key},
 *       {@code payload.summary})</td><td>raw changes, {@code pagerduty-change-events-v2}</td></tr>
 * </table>
 *
 * <p>Plus {@code GET /api/v2/status}, {@code /-/healthy}, {@code /-/ready}, {@code /healthz} and
 * {@code /metrics}. Alert and log endpoints answer 200 with no body; the change endpoints 202 with
 * JSON ({@code POST /v2/change/enqueue} as PagerDuty does). Errors are one line of
 * {@code text/plain} (on {@code /v2/change/enqueue}: one line of PagerDuty's error JSON): 400 bad
 * shape, 401 bad credentials or signature (with {@code WWW-Authenticate}), 403 a PagerDuty routing
 * key not accepted, 413 too large, 415 unsupported content type or encoding, 503 Kafka did not
 * acknowledge within the produce timeout (with {@code Retry-After}).
 *
 * <p>Threads: the request thread reads and validates the body and hands the record to the
 * producer; the response is written from the producer's acknowledgement, dispatched back to the
 * HTTP thread pool, so no thread waits for Kafka.
 *
 * <p>Thread-safe. {@link #close()} stops HTTP first, then flushes and closes the producer.
 */
public final class Gateway implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(Gateway.class);

  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String JSON = "application/json";
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String ASSUMED_LOGS_TYPE = "application/x-ndjson";
  private static final Set<String> NDJSON_TYPES = Set.of("application/x-ndjson", "application/ndjson",
      "application/jsonl", "application/x-jsonl", "application/jsonlines", "application/x-jsonlines");
  private static final Set<String> PROTOBUF_TYPES = Set.of("application/x-protobuf", "application/protobuf");

  private static final String SENTRY_RESOURCE_HEADER = "Sentry-Hook-Resource";
  private static final String SENTRY_SIGNATURE_HEADER = "Sentry-Hook-Signature";
  private static final String SIGNATURE_CHALLENGE = "HMAC-SHA256 realm=\"stormwatch\", header=\"Sentry-Hook-Signature\"";
  /** PagerDuty's answer to an accepted change event (as its Change Events API gives it). */
  private static final String PAGERDUTY_ACCEPTED = "{\"status\":\"success\",\"message\":\"Change event processed\"}";
  private static final ObjectMapper ERRORS = new ObjectMapper();

  private static final int HTTP_MAX_THREADS = 200;
  private static final int HTTP_MIN_THREADS = 8;
  /**
   * Default {@code linger.ms}: 0. Every HTTP client waits for its own acknowledgement, so lingering
   * adds its full value to every request's latency (measured: 5 ms cut a single client's rate to a
   * quarter). Records still batch under load, while earlier requests to the broker are in flight.
   */
  private static final String DEFAULT_LINGER_MS = "0";
  /** Default {@code batch.size}: a few 100-alert bodies per batch. */
  private static final String DEFAULT_BATCH_SIZE = String.valueOf(256 * 1024);
  /** Default {@code compression.type}: JSON shrinks several-fold at little CPU cost. */
  private static final String DEFAULT_COMPRESSION = "lz4";
  /** Room for headers and batch overhead on top of the body limit in {@code max.request.size}. */
  private static final int RECORD_OVERHEAD_BYTES = 64 * 1024;
  /** Upper bound of a readiness probe's Kafka round trip. */
  private static final Duration MAX_READY_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration ADMIN_CLOSE_TIMEOUT = Duration.ofSeconds(5);
  private static final AtomicInteger CLIENT_SEQUENCE = new AtomicInteger();

  private final GatewayConfig config;
  private final PrometheusMeterRegistry registry;
  private final GatewayMetrics metrics;
  private final PayloadValidator validator = new PayloadValidator();
  private final Optional<SentrySignature> sentrySignature;
  private final Producer<byte[], byte[]> producer;
  private final KafkaClientMetrics producerMetrics;
  private final Admin admin;
  private final QueuedThreadPool httpThreads;
  private final Javalin http;
  private final Clock clock = Clock.systemUTC();
  private final byte[] statusBody;
  private final Duration readyTimeout;
  /** The kind of the last produce failure, null after a success: failures are logged when it changes. */
  private final AtomicReference<String> lastProduceFailure = new AtomicReference<>();

  // guarded by this
  private boolean closed;

  private Gateway(GatewayConfig config, PrometheusMeterRegistry registry, Producer<byte[], byte[]> producer,
                  Admin admin) {
    this.config = config;
    this.registry = registry;
    this.producer = producer;
    this.admin = admin;
    this.metrics = new GatewayMetrics(registry, config.produceTimeout());
    this.sentrySignature = config.sentryClientSecret().map(SentrySignature::new);
    this.producerMetrics = new KafkaClientMetrics(producer);
    this.producerMetrics.bindTo(registry);
    this.readyTimeout = config.produceTimeout().compareTo(MAX_READY_TIMEOUT) < 0
        ? config.produceTimeout() : MAX_READY_TIMEOUT;
    this.statusBody = statusBody(Instant.now(clock));
    this.httpThreads = new QueuedThreadPool(HTTP_MAX_THREADS, HTTP_MIN_THREADS);
    this.httpThreads.setName("stormwatch-gateway-http");
    this.http = Javalin.create(this::configure);
  }

  /**
   * Creates the producer, binds the HTTP port and starts serving.
   *
   * @param config   the configuration
   * @param registry the registry the gateway's meters (and the producer's client metrics) are
   *                 registered in and {@code /metrics} serves; shared with other apps in one JVM
   * @return the running gateway; close it to stop
   * @throws IllegalStateException if the port cannot be bound
   * @throws org.apache.kafka.common.KafkaException if the producer settings are invalid
   */
  public static Gateway start(GatewayConfig config, PrometheusMeterRegistry registry) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(registry, "registry");
    int sequence = CLIENT_SEQUENCE.incrementAndGet();
    KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProps(config, sequence));
    Admin admin = null;
    Gateway gateway = null;
    try {
      admin = Admin.create(adminProps(config, sequence));
      gateway = new Gateway(config, registry, producer, admin);
      gateway.http.start();
      log.info("Stormwatch gateway listening on {} (Kafka {}, topics prefix '{}')", gateway.url(),
          config.kafka().get(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG), config.topics().prefix());
      return gateway;
    } catch (RuntimeException e) {
      if (gateway != null) {
        gateway.closeClients(e);
      } else {
        closeQuietly(producer, admin, e, config.produceTimeout());
      }
      throw e instanceof IllegalStateException ? e
          : new IllegalStateException("Could not start the gateway on " + config.host() + ":" + config.port(), e);
    }
  }

  /**
   * The base URL, e.g. {@code http://127.0.0.1:9095}; a wildcard bind address is shown as loopback.
   *
   * @return the URL without a trailing slash
   */
  public String url() {
    String host = config.host();
    if (host.equals("0.0.0.0")) {
      host = "127.0.0.1";
    } else if (host.equals("::") || host.equals("[::]")) {
      host = "::1";
    }
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return "http://" + host + ":" + port();
  }

  /**
   * The bound HTTP port (useful when the configuration asked for 0).
   *
   * @return the port
   */
  public int port() {
    return http.port();
  }

  /**
   * Stops HTTP (no new requests; requests still waiting for Kafka get no answer and their clients
   * retry), then flushes and closes the producer within the produce timeout. Idempotent.
   */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
    }
    String url = url();
    RuntimeException failure = null;
    try {
      http.stop();
    } catch (RuntimeException e) {
      failure = e;
    }
    closeClients(failure);
    log.info("Stormwatch gateway on {} stopped", url);
  }

  private void closeClients(RuntimeException earlier) {
    RuntimeException failure = earlier;
    try {
      producerMetrics.close();
    } catch (RuntimeException e) {
      failure = addTo(failure, e);
    }
    closeQuietly(producer, admin, failure, config.produceTimeout());
    if (earlier == null && failure != null) {
      throw failure;
    }
  }

  private static void closeQuietly(Producer<byte[], byte[]> producer, Admin admin, RuntimeException failure,
                                    Duration timeout) {
    try {
      producer.close(timeout);
    } catch (RuntimeException e) {
      if (failure != null) {
        failure.addSuppressed(e);
      } else {
        log.warn("Closing the gateway's Kafka producer failed", e);
      }
    }
    if (admin != null) {
      try {
        admin.close(ADMIN_CLOSE_TIMEOUT);
      } catch (RuntimeException e) {
        if (failure != null) {
          failure.addSuppressed(e);
        } else {
          log.warn("Closing the gateway's Kafka admin client failed", e);
        }
      }
    }
  }

  private static RuntimeException addTo(RuntimeException failure, RuntimeException e) {
    if (failure == null) {
      return e;
    }
    failure.addSuppressed(e);
    return failure;
  }

  // ---------------------------------------------------------------- set-up

  private void configure(JavalinConfig c) {
    c.startup.showJavalinBanner = false;
    c.startup.showOldJavalinVersionWarning = false;
    c.jetty.host = config.host();
    c.jetty.port = config.port();
    c.jetty.threadPool = httpThreads;
    c.http.maxRequestSize = config.maxBodyBytes();
    // a safety net only: every data request is answered within the produce timeout
    c.http.asyncTimeout = config.produceTimeout().plusSeconds(5).toMillis();
    c.http.compressionStrategy = CompressionStrategy.NONE;
    c.http.prefer405over404 = true;
    c.http.defaultContentType = TEXT;
    c.router.ignoreTrailingSlashes = true;

    var r = c.routes;
    for (Endpoint endpoint : Endpoint.values()) {
      r.post(endpoint.path(), ctx -> receive(ctx, endpoint));
    }
    r.get("/api/v2/status", ctx -> ctx.status(200).contentType(JSON).result(statusBody));
    r.get("/-/healthy", ctx -> ctx.status(200).contentType(TEXT).result("OK"));
    r.get("/-/ready", ctx -> ctx.future(() -> kafkaReachable().thenAccept(up -> {
      if (up) {
        ctx.status(200).contentType(TEXT).result("OK");
      } else {
        ctx.status(503).contentType(TEXT).header("Retry-After", retryAfterSeconds())
            .result("Kafka is not reachable\n");
      }
    })));
    r.get("/healthz", ctx -> ctx.future(() -> kafkaReachable().thenAccept(up -> {
      ctx.status(up ? 200 : 503).contentType(JSON)
          .result(up ? "{\"status\":\"ok\",\"kafka\":\"up\"}" : "{\"status\":\"unavailable\",\"kafka\":\"down\"}");
      if (!up) {
        ctx.header("Retry-After", retryAfterSeconds());
      }
    })));
    r.get("/metrics", ctx -> ctx.status(200).contentType(PROMETHEUS_TEXT).result(registry.scrape()));
    r.exception(Exception.class, (e, ctx) -> {
      log.error("Unexpected error serving {} {}", ctx.method(), ctx.path(), e);
      ctx.status(500).contentType(TEXT).result("internal error: " + e.getClass().getSimpleName() + "\n");
    });
  }

  private static Map<String, Object> producerProps(GatewayConfig config, int sequence) {
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "stormwatch-gateway-" + sequence);
    props.put(ProducerConfig.LINGER_MS_CONFIG, DEFAULT_LINGER_MS);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, DEFAULT_BATCH_SIZE);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, DEFAULT_COMPRESSION);
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG,
        String.valueOf(Math.max(1024 * 1024, config.maxBodyBytes() + RECORD_OVERHEAD_BYTES)));
    props.putAll(config.kafka());
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    long timeoutMs = config.produceTimeout().toMillis();
    long lingerMs;
    try {
      lingerMs = Long.parseLong(String.valueOf(props.get(ProducerConfig.LINGER_MS_CONFIG)).strip());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("kafka.linger.ms must be an integer", e);
    }
    if (lingerMs < 0 || lingerMs >= timeoutMs) {
      throw new IllegalArgumentException("kafka.linger.ms must be between 0 and the produce timeout ("
          + timeoutMs + " ms), got " + lingerMs);
    }
    // a request never waits longer than the produce timeout: neither for metadata or buffer space
    // (max.block.ms) nor for the acknowledgement (delivery.timeout.ms >= linger + request timeout)
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeoutMs);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1, timeoutMs - lingerMs));
    return props;
  }

  private static Map<String, Object> adminProps(GatewayConfig config, int sequence) {
    Map<String, Object> props = new HashMap<>();
    Set<String> adminKeys = AdminClientConfig.configNames();
    config.kafka().forEach((key, value) -> {
      if (adminKeys.contains(key) && !key.equals(AdminClientConfig.CLIENT_ID_CONFIG)) {
        props.put(key, value);
      }
    });
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "stormwatch-gateway-ready-" + sequence);
    return props;
  }

  private byte[] statusBody(Instant startedAt) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode body = mapper.createObjectNode();
    body.putObject("cluster").put("name", "stormwatch-gateway").put("status", "ready").putArray("peers");
    String version = Optional.ofNullable(Gateway.class.getPackage().getImplementationVersion()).orElse("dev");
    body.putObject("versionInfo")
        .put("version", "stormwatch-" + version)
        .put("revision", "")
        .put("branch", "")
        .put("buildUser", "")
        .put("buildDate", "")
        .put("goVersion", "java" + Runtime.version().feature());
    body.putObject("config").put("original", "");
    body.put("uptime", startedAt.toString());
    try {
      return mapper.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot render the status body", e);
    }
  }

  // ---------------------------------------------------------------- data endpoints

  /** The kind of body an endpoint received, decided by its content type. */
  private enum BodyKind { JSON, TEXT }

  private void receive(Context ctx, Endpoint endpoint) {
    long startNanos = System.nanoTime();
    long receivedAt = clock.millis();
    try {
      EndpointAuth auth = config.auth(endpoint);
      if (!auth.permits(ctx.header("Authorization"))) {
        throw Rejection.unauthorized("missing or wrong credentials", auth.challenge());
      }
      checkEncoding(ctx.header("Content-Encoding"));
      String contentType = ctx.header("Content-Type");
      BodyKind kind = bodyKind(endpoint, contentType);
      byte[] body = readBody(ctx);
      String sentryResource = null;
      Result result;
      switch (endpoint) {
        case PROMETHEUS -> result = validator.prometheusAlerts(body);
        case ALERTMANAGER -> result = validator.alertmanagerWebhook(body);
        case SENTRY -> {
          if (sentrySignature.isPresent() && !sentrySignature.get().verify(body, ctx.header(SENTRY_SIGNATURE_HEADER))) {
            throw Rejection.unauthorized("missing or wrong " + SENTRY_SIGNATURE_HEADER, SIGNATURE_CHALLENGE);
          }
          String resource = ctx.header(SENTRY_RESOURCE_HEADER);
          sentryResource = resource == null || resource.isBlank() ? null : resource.strip();
          result = validator.sentry(body,
              sentryResource == null ? RawHeaders.FORMAT_SENTRY_LEGACY : RawHeaders.FORMAT_SENTRY);
        }
        case LOGS -> result = kind == BodyKind.TEXT ? PayloadValidator.plainLines(body) : validator.logsJson(body);
        case CHANGES -> result = validator.changes(body);
        case PAGERDUTY_CHANGES -> {
          result = validator.pagerDutyChange(body);
          if (!routingKeyAccepted(result.routingKey())) {
            throw Rejection.forbidden("this gateway does not accept the routing_key (see "
                + GatewayConfig.PAGERDUTY_ROUTING_KEYS + ")");
          }
        }
        default -> throw new IllegalStateException("unknown endpoint " + endpoint);
      }
      String storedType = contentType != null && !contentType.isBlank() ? contentType.strip()
          : endpoint == Endpoint.LOGS ? ASSUMED_LOGS_TYPE : JSON;
      produce(ctx, endpoint, body, result, storedType, sentryResource, receivedAt, startNanos);
    } catch (Rejection rejection) {
      reject(ctx, endpoint, rejection);
    } catch (InvalidPayload invalid) {
      reject(ctx, endpoint, Rejection.badRequest(invalid.getMessage()));
    }
  }

  /** Whether {@code gateway.pagerduty.routing-keys} is empty or lists the key (compared in constant time). */
  private boolean routingKeyAccepted(String routingKey) {
    if (config.pagerDutyRoutingKeys().isEmpty()) {
      return true;
    }
    byte[] presented = utf8(routingKey);
    boolean accepted = false;
    for (String key : config.pagerDutyRoutingKeys()) {
      accepted |= MessageDigest.isEqual(presented, utf8(key));
    }
    return accepted;
  }

  private static void checkEncoding(String contentEncoding) throws Rejection {
    if (contentEncoding != null && !contentEncoding.isBlank() && !contentEncoding.strip().equalsIgnoreCase("identity")) {
      throw Rejection.unsupportedMediaType("Content-Encoding " + oneLine(contentEncoding)
          + " is not supported: send the body uncompressed");
    }
  }

  private static BodyKind bodyKind(Endpoint endpoint, String contentType) throws Rejection {
    String media = mediaType(contentType);
    boolean json = media == null || media.equals("application/json")
        || media.startsWith("application/") && media.endsWith("+json");
    if (endpoint != Endpoint.LOGS) {
      if (!json) {
        throw Rejection.unsupportedMediaType("Content-Type " + oneLine(contentType)
            + " is not supported: send application/json");
      }
      return BodyKind.JSON;
    }
    if (json || NDJSON_TYPES.contains(media)) {
      return BodyKind.JSON;
    }
    if (media.equals("text/plain")) {
      return BodyKind.TEXT;
    }
    if (PROTOBUF_TYPES.contains(media)) {
      throw Rejection.unsupportedMediaType("Loki protobuf (snappy) pushes are not supported: configure the client"
          + " to push JSON (Content-Type: application/json)");
    }
    throw Rejection.unsupportedMediaType("Content-Type " + oneLine(contentType)
        + " is not supported: send application/x-ndjson, application/json or text/plain");
  }

  /** The media type without parameters, lower case; null when absent. */
  private static String mediaType(String contentType) {
    if (contentType == null) {
      return null;
    }
    int semicolon = contentType.indexOf(';');
    String media = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
    return media.isEmpty() ? null : media;
  }

  private byte[] readBody(Context ctx) throws Rejection {
    int max = config.maxBodyBytes();
    long declared = ctx.req().getContentLengthLong();
    if (declared > max) {
      ctx.header("Connection", "close");
      throw Rejection.tooLarge("body of " + declared + " bytes is larger than the limit of " + max + " bytes");
    }
    try (InputStream in = ctx.req().getInputStream()) {
      if (declared >= 0) {
        byte[] body = new byte[(int) declared];
        int read = in.readNBytes(body, 0, body.length);
        if (read < body.length) {
          throw Rejection.badRequest("body ended after " + read + " of " + declared + " bytes");
        }
        return body;
      }
      byte[] body = in.readNBytes(max + 1);
      if (body.length > max) {
        ctx.header("Connection", "close");
        throw Rejection.tooLarge("body is larger than the limit of " + max + " bytes");
      }
      return body;
    } catch (IOException e) {
      throw Rejection.badRequest("could not read the request body: " + oneLine(e.getMessage()));
    }
  }

  private void produce(Context ctx, Endpoint endpoint, byte[] body, Result result, String contentType,
                       String sentryResource, long receivedAt, long startNanos) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(RawHeaders.FORMAT, utf8(result.format()));
    headers.add(RawHeaders.CONTENT_TYPE, utf8(contentType));
    headers.add(RawHeaders.RECEIVED_AT, utf8(Long.toString(receivedAt)));
    headers.add(RawHeaders.REMOTE, utf8(String.valueOf(ctx.req().getRemoteAddr())));
    if (sentryResource != null) {
      headers.add(RawHeaders.SENTRY_RESOURCE, utf8(sentryResource));
    }
    ProducerRecord<byte[], byte[]> record =
        new ProducerRecord<>(endpoint.topic(config.topics()), null, receivedAt, null, body, headers);
    CompletableFuture<Void> acked = new CompletableFuture<>();
    long sendNanos = System.nanoTime();
    try {
      producer.send(record, (metadata, error) -> {
        if (error == null) {
          acked.complete(null);
        } else {
          acked.completeExceptionally(error);
        }
      });
    } catch (RuntimeException e) {
      // a closed producer, or an error the producer throws rather than reports
      acked.completeExceptionally(e);
    }
    long remainingNanos = startNanos + config.produceTimeout().toNanos() - System.nanoTime();
    ctx.future(() -> acked
        .orTimeout(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remainingNanos)), TimeUnit.MILLISECONDS)
        .handleAsync((ignored, error) -> {
          answer(ctx, endpoint, body.length, result.items(), System.nanoTime() - sendNanos, error);
          return null;
        }, httpThreads));
  }

  private void answer(Context ctx, Endpoint endpoint, int bytes, int items, long produceNanos, Throwable error) {
    if (error == null) {
      metrics.produced(endpoint, true, produceNanos);
      metrics.accepted(endpoint, bytes, items);
      metrics.request(endpoint, Outcome.ACCEPTED);
      if (lastProduceFailure.getAndSet(null) != null) {
        log.info("Kafka acknowledges the gateway's writes again");
      }
      switch (endpoint) {
        case CHANGES -> ctx.status(202).contentType(JSON)
            .result("{\"status\":\"accepted\",\"changes\":" + items + "}");
        case PAGERDUTY_CHANGES -> ctx.status(202).contentType(JSON).result(PAGERDUTY_ACCEPTED);
        default -> ctx.status(200);
      }
      return;
    }
    metrics.produced(endpoint, false, produceNanos);
    Throwable cause = unwrap(error);
    if (cause instanceof RecordTooLargeException) {
      reject(ctx, endpoint, Rejection.tooLarge("body of " + bytes + " bytes is larger than Kafka accepts for topic "
          + endpoint.topic(config.topics()) + " (raise the topic's max.message.bytes)"));
      return;
    }
    String kind = cause.getClass().getName();
    if (!kind.equals(lastProduceFailure.getAndSet(kind))) {
      log.warn("Kafka did not acknowledge a write to {} within {}; answering 503 until it does",
          endpoint.topic(config.topics()), config.produceTimeout(), cause);
    }
    reject(ctx, endpoint, Rejection.unavailable("Kafka did not acknowledge the write within "
        + config.produceTimeout().toMillis() + " ms (" + cause.getClass().getSimpleName() + "); retry later"));
  }

  private void reject(Context ctx, Endpoint endpoint, Rejection rejection) {
    metrics.request(endpoint, rejection.outcome());
    ctx.status(rejection.status());
    if (rejection.challenge() != null) {
      ctx.header("WWW-Authenticate", rejection.challenge());
    }
    if (rejection.status() == 503) {
      ctx.header("Retry-After", retryAfterSeconds());
    }
    if (endpoint == Endpoint.PAGERDUTY_CHANGES) {
      ctx.contentType(JSON).result(pagerDutyError(rejection) + "\n");
    } else {
      ctx.contentType(TEXT).result(rejection.getMessage() + "\n");
    }
  }

  /**
   * An error as PagerDuty's Events API words it, on one line: a 400 is
   * {@code {"status":"invalid event","message":"Event object is invalid","errors":[reason]}}; other
   * statuses carry the reason as the message too.
   */
  private static String pagerDutyError(Rejection rejection) {
    ObjectNode body = ERRORS.createObjectNode();
    String reason = rejection.getMessage();
    switch (rejection.status()) {
      case 400 -> body.put("status", "invalid event").put("message", "Event object is invalid");
      case 401 -> body.put("status", "unauthorized").put("message", reason);
      case 403 -> body.put("status", "forbidden").put("message", reason);
      case 413 -> body.put("status", "request too large").put("message", reason);
      case 415 -> body.put("status", "unsupported media type").put("message", reason);
      default -> body.put("status", "unavailable").put("message", reason);
    }
    body.putArray("errors").add(reason);
    try {
      return ERRORS.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render an error body", e);
    }
  }

  // ---------------------------------------------------------------- health

  /** Whether the cluster answers a describeCluster within the ready timeout; completes on an HTTP thread. */
  private CompletableFuture<Boolean> kafkaReachable() {
    CompletableFuture<Boolean> reachable = new CompletableFuture<>();
    try {
      int timeoutMs = (int) readyTimeout.toMillis();
      admin.describeCluster(new DescribeClusterOptions().timeoutMs(timeoutMs)).nodes()
          .whenComplete((nodes, error) -> reachable.complete(error == null && !nodes.isEmpty()));
    } catch (RuntimeException e) {
      log.debug("Readiness probe of Kafka failed", e);
      reachable.complete(false);
    }
    return reachable
        .completeOnTimeout(false, readyTimeout.toMillis() + 500, TimeUnit.MILLISECONDS)
        .thenApplyAsync(up -> up, httpThreads);
  }

  private String retryAfterSeconds() {
    return Long.toString(config.retryAfter().toSeconds());
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  private static byte[] utf8(String value) {
    return value.getBytes(StandardCharsets.UTF_8);
  }

  private static String oneLine(String text) {
    if (text == null) {
      return "";
    }
    String line = text.replaceAll("[\\r\\n\\t]+", " ").strip();
    return line.length() <= 120 ? line : line.substring(0, 120) + "...";
  }
}
