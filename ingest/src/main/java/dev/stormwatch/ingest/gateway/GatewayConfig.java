package dev.stormwatch.ingest.gateway;

import dev.stormwatch.common.config.Durations;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import dev.stormwatch.common.kafka.Topics;

/**
 * The HTTP gateway's typed, validated configuration. Immutable.
 *
 * <table>
 *   <caption>Keys read by {@link #fromMap(Map)}, and defaults</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@value #HOST}</td><td>{@code 127.0.0.1}</td><td>bind address; {@code 0.0.0.0} for all
 *       interfaces (the default suits the single-machine devstack)</td></tr>
 *   <tr><td>{@value #PORT}</td><td>{@code 9095}</td><td>HTTP port; {@code 0} picks a free one</td></tr>
 *   <tr><td>{@value #MAX_BODY_BYTES}</td><td>{@code 5242880} (5 MiB)</td><td>largest accepted body;
 *       larger ones get 413. The raw topics' {@code max.message.bytes} should allow it (bodies are
 *       lz4-compressed by default, which usually divides JSON by 5 or more)</td></tr>
 *   <tr><td>{@value #PRODUCE_TIMEOUT}</td><td>{@code 10s}</td><td>the longest a request waits for
 *       Kafka's acknowledgement before it gets 503</td></tr>
 *   <tr><td>{@value #RETRY_AFTER}</td><td>{@code 5s}</td><td>{@code Retry-After} of a 503, whole
 *       seconds</td></tr>
 *   <tr><td>{@code gateway.auth.<endpoint>} with endpoint {@code prometheus}, {@code alertmanager},
 *       {@code sentry}, {@code logs}, {@code changes} or {@code pagerduty-changes}</td><td>{@code none}</td>
 *       <td>{@code none}, {@code bearer:<token>} or {@code basic:<user>:<password>}</td></tr>
 *   <tr><td>{@value #PAGERDUTY_ROUTING_KEYS}</td><td>empty (any)</td><td>comma-separated routing keys
 *       {@code POST /v2/change/enqueue} accepts; another gets 403. PagerDuty's clients send no
 *       {@code Authorization} header, so this is their credential</td></tr>
 *   <tr><td>{@value #SENTRY_CLIENT_SECRET}</td><td>none</td><td>when set, every Sentry webhook
 *       must carry a valid {@code Sentry-Hook-Signature}</td></tr>
 *   <tr><td>{@value #TOPIC_PREFIX}</td><td>empty</td><td>prefix of every topic name
 *       ({@link Topics})</td></tr>
 *   <tr><td>{@code kafka.<producer key>}</td><td>{@code kafka.bootstrap.servers} is required</td>
 *       <td>Kafka producer settings: bootstrap servers, {@code security.protocol},
 *       {@code sasl.*}, {@code ssl.*}, tuning such as {@code linger.ms}, {@code batch.size},
 *       {@code compression.type}. The keys in {@link #GATEWAY_OWNED_PRODUCER_KEYS} are set by
 *       the gateway and refused here.</td></tr>
 * </table>
 *
 * <p>Durations are written {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h} or in ISO-8601
 * ({@code PT10S}).
 *
 * @param host               the bind address
 * @param port               the HTTP port, 0 for a free one
 * @param maxBodyBytes       the largest accepted request body, in bytes
 * @param kafka              Kafka producer properties (at least {@code bootstrap.servers})
 * @param topics             the topic catalogue
 * @param produceTimeout     the longest a request waits for Kafka's acknowledgement
 * @param retryAfter         the {@code Retry-After} of a 503, whole seconds
 * @param auth               authentication per endpoint; missing endpoints need none
 * @param sentryClientSecret the Sentry integration's client secret, if signatures are checked
 * @param pagerDutyRoutingKeys the routing keys PagerDuty change events may carry; empty for any
 */
public record GatewayConfig(String host, int port, int maxBodyBytes, Map<String, String> kafka, Topics topics,
                            Duration produceTimeout, Duration retryAfter, Map<Endpoint, EndpointAuth> auth,
                            Optional<String> sentryClientSecret, Set<String> pagerDutyRoutingKeys) {

  /** Key of {@link #host()}. */
  public static final String HOST = "gateway.host";
  /** Key of {@link #port()}. */
  public static final String PORT = "gateway.port";
  /** Key of {@link #maxBodyBytes()}. */
  public static final String MAX_BODY_BYTES = "gateway.max-body-bytes";
  /** Key of {@link #produceTimeout()}. */
  public static final String PRODUCE_TIMEOUT = "gateway.produce-timeout";
  /** Key of {@link #retryAfter()}. */
  public static final String RETRY_AFTER = "gateway.retry-after";
  /** Prefix of the per-endpoint auth keys: {@code gateway.auth.prometheus} and so on. */
  public static final String AUTH_PREFIX = "gateway.auth.";
  /** Key of {@link #sentryClientSecret()}. */
  public static final String SENTRY_CLIENT_SECRET = "gateway.sentry.client-secret";
  /** Key of {@link #pagerDutyRoutingKeys()}: comma-separated. */
  public static final String PAGERDUTY_ROUTING_KEYS = "gateway.pagerduty.routing-keys";
  /** Key of the topic prefix. */
  public static final String TOPIC_PREFIX = "topics.prefix";
  /** Prefix of Kafka producer properties. */
  public static final String KAFKA_PREFIX = "kafka.";

  /** Default bind address: loopback, for the single-machine devstack. */
  public static final String DEFAULT_HOST = "127.0.0.1";
  /** Default HTTP port. */
  public static final int DEFAULT_PORT = 9095;
  /** Default body limit: 5 MiB. */
  public static final int DEFAULT_MAX_BODY_BYTES = 5 * 1024 * 1024;
  /** Default produce timeout. */
  public static final Duration DEFAULT_PRODUCE_TIMEOUT = Duration.ofSeconds(10);
  /** Default {@code Retry-After}. */
  public static final Duration DEFAULT_RETRY_AFTER = Duration.ofSeconds(5);
  /** Largest body limit accepted: a raw record must fit a Java array and a sane Kafka request. */
  public static final int MAX_MAX_BODY_BYTES = 256 * 1024 * 1024;

  /**
   * Producer settings the gateway derives itself (serializers, idempotence, {@code acks=all},
   * timeouts bounded by the produce timeout); configuring them is an error.
   */
  public static final Set<String> GATEWAY_OWNED_PRODUCER_KEYS = Set.of("key.serializer", "value.serializer",
      "enable.idempotence", "acks", "max.block.ms", "delivery.timeout.ms", "request.timeout.ms",
      "transactional.id");

  /** Validates every component and copies the maps. */
  public GatewayConfig {
    Objects.requireNonNull(host, "host");
    if (host.isBlank()) {
      throw new IllegalArgumentException(HOST + " must not be blank");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(PORT + " must be 0..65535, got " + port);
    }
    if (maxBodyBytes < 1 || maxBodyBytes > MAX_MAX_BODY_BYTES) {
      throw new IllegalArgumentException(MAX_BODY_BYTES + " must be 1.." + MAX_MAX_BODY_BYTES + ", got " + maxBodyBytes);
    }
    Objects.requireNonNull(kafka, "kafka");
    kafka = Map.copyOf(kafka);
    String bootstrap = kafka.get("bootstrap.servers");
    if (bootstrap == null || bootstrap.isBlank()) {
      throw new IllegalArgumentException(KAFKA_PREFIX + "bootstrap.servers is required");
    }
    for (String key : kafka.keySet()) {
      if (GATEWAY_OWNED_PRODUCER_KEYS.contains(key)) {
        throw new IllegalArgumentException(KAFKA_PREFIX + key + " is set by the gateway and cannot be configured");
      }
    }
    Objects.requireNonNull(topics, "topics");
    Objects.requireNonNull(produceTimeout, "produceTimeout");
    if (produceTimeout.compareTo(Duration.ofMillis(100)) < 0 || produceTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
      throw new IllegalArgumentException(PRODUCE_TIMEOUT + " must be between 100ms and 5m, got " + produceTimeout);
    }
    Objects.requireNonNull(retryAfter, "retryAfter");
    if (retryAfter.isNegative() || retryAfter.getNano() != 0 || retryAfter.toSeconds() > 3600) {
      throw new IllegalArgumentException(RETRY_AFTER + " must be whole seconds between 0s and 1h, got " + retryAfter);
    }
    Objects.requireNonNull(auth, "auth");
    EnumMap<Endpoint, EndpointAuth> complete = new EnumMap<>(Endpoint.class);
    for (Endpoint endpoint : Endpoint.values()) {
      complete.put(endpoint, Objects.requireNonNull(auth.getOrDefault(endpoint, EndpointAuth.none()), "auth"));
    }
    auth = Map.copyOf(complete);
    Objects.requireNonNull(sentryClientSecret, "sentryClientSecret");
    if (sentryClientSecret.isPresent() && sentryClientSecret.get().isEmpty()) {
      throw new IllegalArgumentException(SENTRY_CLIENT_SECRET + " must not be empty when set");
    }
    Objects.requireNonNull(pagerDutyRoutingKeys, "pagerDutyRoutingKeys");
    for (String key : pagerDutyRoutingKeys) {
      if (key == null || key.isBlank() || key.chars().anyMatch(c -> c <= ' ' || c > '~')) {
        throw new IllegalArgumentException(PAGERDUTY_ROUTING_KEYS + " must hold non-empty printable ASCII keys"
            + " without spaces");
      }
    }
    pagerDutyRoutingKeys = Set.copyOf(pagerDutyRoutingKeys);
  }

  /**
   * A builder with every default, for a broker at {@code bootstrapServers}.
   *
   * @param bootstrapServers Kafka's {@code bootstrap.servers}
   * @return the builder
   */
  public static Builder builder(String bootstrapServers) {
    return new Builder().kafka("bootstrap.servers", bootstrapServers);
  }

  /**
   * Reads the keys described on this class; unknown keys outside {@code gateway.}, {@code kafka.}
   * and {@code topics.} are ignored, so one flat application configuration can hold every app's.
   *
   * @param values the configuration, e.g. a properties file overlaid by the environment
   * @return the validated configuration
   * @throws IllegalArgumentException naming the key whose value is missing or malformed
   */
  public static GatewayConfig fromMap(Map<String, String> values) {
    Objects.requireNonNull(values, "values");
    Builder b = new Builder();
    for (Map.Entry<String, String> e : values.entrySet()) {
      String key = e.getKey();
      String value = e.getValue() == null ? "" : e.getValue().strip();
      if (key.startsWith(KAFKA_PREFIX)) {
        b.kafka(key.substring(KAFKA_PREFIX.length()), value);
      } else if (key.startsWith(AUTH_PREFIX)) {
        b.auth(endpointNamed(key, key.substring(AUTH_PREFIX.length())), EndpointAuth.parse(value));
      } else {
        switch (key) {
          case HOST -> b.host(value);
          case PORT -> b.port(parseInt(key, value));
          case MAX_BODY_BYTES -> b.maxBodyBytes(parseInt(key, value));
          case PRODUCE_TIMEOUT -> b.produceTimeout(parseDuration(key, value));
          case RETRY_AFTER -> b.retryAfter(parseDuration(key, value));
          case SENTRY_CLIENT_SECRET -> b.sentryClientSecret(value.isEmpty() ? null : value);
          case PAGERDUTY_ROUTING_KEYS -> b.pagerDutyRoutingKeys(Arrays.stream(value.split(","))
              .map(String::strip).filter(k -> !k.isEmpty()).collect(Collectors.toCollection(LinkedHashSet::new)));
          case TOPIC_PREFIX -> b.topics(new Topics(value));
          default -> {
            if (key.startsWith("gateway.")) {
              throw new IllegalArgumentException("unknown gateway configuration key " + key);
            }
          }
        }
      }
    }
    return b.build();
  }

  /**
   * The authentication of one endpoint.
   *
   * @param endpoint the endpoint
   * @return its auth, {@link EndpointAuth#none()} unless configured
   */
  public EndpointAuth auth(Endpoint endpoint) {
    return auth.get(endpoint);
  }

  /**
   * Parses {@code 500ms}, {@code 10s}, {@code 2m}, {@code 1h} or ISO-8601 ({@code PT10S}).
   *
   * @param key   the key, for the error message
   * @param value the text
   * @return the duration
   * @throws IllegalArgumentException if malformed
   */
  static Duration parseDuration(String key, String value) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + " must be a duration like 500ms, 10s, 2m or PT10S, got '" + value + "'", e);
    }
  }


  private static int parseInt(String key, String value) {
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, got '" + value + "'", e);
    }
  }

  private static Endpoint endpointNamed(String key, String label) {
    for (Endpoint endpoint : Endpoint.values()) {
      if (endpoint.label().equals(label)) {
        return endpoint;
      }
    }
    throw new IllegalArgumentException("unknown endpoint in " + key + ": use one of "
        + Arrays.stream(Endpoint.values()).map(Endpoint::label).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return "GatewayConfig[host=" + host + ", port=" + port + ", maxBodyBytes=" + maxBodyBytes
        + ", bootstrap.servers=" + kafka.get("bootstrap.servers") + ", topics=" + topics
        + ", produceTimeout=" + produceTimeout + ", retryAfter=" + retryAfter + ", auth=" + new EnumMap<>(auth)
        + ", sentryClientSecret=" + (sentryClientSecret.isPresent() ? "****" : "none")
        + ", pagerDutyRoutingKeys=" + (pagerDutyRoutingKeys.isEmpty() ? "any" : pagerDutyRoutingKeys.size() + " keys")
        + "]";
  }

  /** Builds a {@link GatewayConfig}, starting from the defaults. Not thread-safe. */
  public static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private final Map<String, String> kafka = new LinkedHashMap<>();
    private Topics topics = Topics.defaults();
    private Duration produceTimeout = DEFAULT_PRODUCE_TIMEOUT;
    private Duration retryAfter = DEFAULT_RETRY_AFTER;
    private final Map<Endpoint, EndpointAuth> auth = new EnumMap<>(Endpoint.class);
    private String sentryClientSecret;
    private Set<String> pagerDutyRoutingKeys = Set.of();

    private Builder() {
    }

    /**
     * Sets the bind address.
     *
     * @param value the bind address
     * @return this
     */
    public Builder host(String value) {
      this.host = value;
      return this;
    }

    /**
     * Sets the port, 0 for a free one.
     *
     * @param value the port, 0 for a free one
     * @return this
     */
    public Builder port(int value) {
      this.port = value;
      return this;
    }

    /**
     * Sets the body limit in bytes.
     *
     * @param value the body limit in bytes
     * @return this
     */
    public Builder maxBodyBytes(int value) {
      this.maxBodyBytes = value;
      return this;
    }

    /**
     * Sets one Kafka producer property.
     *
     * @param key a producer property
     * @param value its value
     * @return this
     */
    public Builder kafka(String key, String value) {
      this.kafka.put(key, value);
      return this;
    }

    /**
     * Sets the topic catalogue.
     *
     * @param value the topic catalogue
     * @return this
     */
    public Builder topics(Topics value) {
      this.topics = value;
      return this;
    }

    /**
     * Sets the produce timeout.
     *
     * @param value the produce timeout
     * @return this
     */
    public Builder produceTimeout(Duration value) {
      this.produceTimeout = value;
      return this;
    }

    /**
     * Sets the Retry-After of a 503.
     *
     * @param value the Retry-After of a 503
     * @return this
     */
    public Builder retryAfter(Duration value) {
      this.retryAfter = value;
      return this;
    }

    /**
     * Sets the authentication of one endpoint.
     *
     * @param endpoint the endpoint
     * @param value its authentication
     * @return this
     */
    public Builder auth(Endpoint endpoint, EndpointAuth value) {
      this.auth.put(endpoint, value);
      return this;
    }

    /**
     * Sets the Sentry client secret, or null for none.
     *
     * @param value the Sentry client secret, or null for none
     * @return this
     */
    public Builder sentryClientSecret(String value) {
      this.sentryClientSecret = value;
      return this;
    }

    /**
     * Sets the routing keys {@code POST /v2/change/enqueue} accepts; empty for any.
     *
     * @param value the accepted routing keys
     * @return this
     */
    public Builder pagerDutyRoutingKeys(Set<String> value) {
      this.pagerDutyRoutingKeys = value;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the configuration
     * @throws IllegalArgumentException if a value is invalid
     */
    public GatewayConfig build() {
      return new GatewayConfig(host, port, maxBodyBytes, kafka, topics, produceTimeout, retryAfter, auth,
          Optional.ofNullable(sentryClientSecret), pagerDutyRoutingKeys);
    }
  }
}
