package dev.stormwatch.common.registry;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Typed, validated configuration of a {@link SchemaRegistryClient}.
 *
 * <p>Keys are spelled as Confluent's serializers spell them, so an existing producer/consumer
 * or Streams configuration works unchanged:
 *
 * <table>
 *   <caption>Keys and defaults</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@value #URL}</td><td>(required)</td><td>comma-separated base URLs; the next one is
 *       tried when a connection fails. {@code user:password@} in a URL is used for basic auth when
 *       {@value #BASIC_AUTH_CREDENTIALS_SOURCE}{@code =URL}.</td></tr>
 *   <tr><td>{@value #BASIC_AUTH_CREDENTIALS_SOURCE}</td><td>{@code URL}</td><td>{@code URL} or
 *       {@code USER_INFO}</td></tr>
 *   <tr><td>{@value #BASIC_AUTH_USER_INFO} (alias {@value #LEGACY_BASIC_AUTH_USER_INFO})</td>
 *       <td>none</td><td>{@code user:password}; required when the source is {@code USER_INFO}</td></tr>
 *   <tr><td>{@value #BEARER_AUTH_CREDENTIALS_SOURCE}</td><td>none</td><td>{@code STATIC_TOKEN}
 *       (the only source supported)</td></tr>
 *   <tr><td>{@value #BEARER_AUTH_TOKEN}</td><td>none</td><td>the token; required with
 *       {@code STATIC_TOKEN}</td></tr>
 *   <tr><td>{@value #CONNECT_TIMEOUT_MS}</td><td>10000</td><td>TCP/TLS connect timeout</td></tr>
 *   <tr><td>{@value #REQUEST_TIMEOUT_MS}</td><td>30000</td><td>timeout of one HTTP attempt</td></tr>
 *   <tr><td>{@value #MAX_RETRIES}</td><td>3</td><td>retries after the first attempt, on
 *       connection errors, timeouts, 408, 429 and 5xx</td></tr>
 *   <tr><td>{@value #RETRY_BACKOFF_MS}</td><td>250</td><td>first backoff; doubles per retry, with
 *       full jitter</td></tr>
 *   <tr><td>{@value #RETRY_BACKOFF_MAX_MS}</td><td>10000</td><td>cap of one backoff (and of an
 *       honoured {@code Retry-After})</td></tr>
 *   <tr><td>{@value #RETRY_DEADLINE_MS}</td><td>60000</td><td>overall deadline of one operation,
 *       retries included</td></tr>
 *   <tr><td>{@value #CACHE_CAPACITY} (alias {@value #LEGACY_CACHE_CAPACITY})</td><td>1000</td>
 *       <td>bound of each client-side cache (ids, lookups)</td></tr>
 * </table>
 *
 * <p>TLS: {@code https://} URLs use the JVM's default {@code SSLContext}; configure it with the
 * standard system properties {@code javax.net.ssl.trustStore}, {@code
 * javax.net.ssl.trustStorePassword}, {@code javax.net.ssl.trustStoreType} and, for mutual TLS,
 * {@code javax.net.ssl.keyStore}, {@code javax.net.ssl.keyStorePassword}, {@code
 * javax.net.ssl.keyStoreType}. Host names are always verified.
 */
public final class SchemaRegistryConfig {

  public static final String URL = "schema.registry.url";
  public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
  public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
  /** Deprecated Confluent spelling of {@link #BASIC_AUTH_USER_INFO}, still accepted. */
  public static final String LEGACY_BASIC_AUTH_USER_INFO = "schema.registry.basic.auth.user.info";
  public static final String BEARER_AUTH_CREDENTIALS_SOURCE = "bearer.auth.credentials.source";
  public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";
  public static final String CONNECT_TIMEOUT_MS = "schema.registry.connect.timeout.ms";
  public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
  public static final String MAX_RETRIES = "schema.registry.max.retries";
  public static final String RETRY_BACKOFF_MS = "schema.registry.retry.backoff.ms";
  public static final String RETRY_BACKOFF_MAX_MS = "schema.registry.retry.backoff.max.ms";
  public static final String RETRY_DEADLINE_MS = "schema.registry.retry.deadline.ms";
  public static final String CACHE_CAPACITY = "schema.registry.cache.capacity";
  /** Confluent's name of the per-subject cache bound, accepted as an alias. */
  public static final String LEGACY_CACHE_CAPACITY = "max.schemas.per.subject";

  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
  public static final int DEFAULT_MAX_RETRIES = 3;
  public static final Duration DEFAULT_RETRY_BACKOFF = Duration.ofMillis(250);
  public static final Duration DEFAULT_RETRY_BACKOFF_MAX = Duration.ofSeconds(10);
  public static final Duration DEFAULT_RETRY_DEADLINE = Duration.ofSeconds(60);
  public static final int DEFAULT_CACHE_CAPACITY = 1000;

  /** Where basic-auth credentials come from. */
  public enum BasicAuthSource { URL, USER_INFO }

  private final List<URI> baseUrls;
  private final Optional<String> basicAuthUserInfo;
  private final Optional<String> bearerToken;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final int maxRetries;
  private final Duration retryBackoff;
  private final Duration retryBackoffMax;
  private final Duration retryDeadline;
  private final int cacheCapacity;

  private SchemaRegistryConfig(Builder b) {
    if (b.urls.isEmpty()) {
      throw new IllegalArgumentException(URL + " is required (comma-separated base URLs)");
    }
    List<URI> uris = new ArrayList<>();
    String urlUserInfo = null;
    for (String raw : b.urls) {
      URI uri = parseUrl(raw);
      if (uri.getRawUserInfo() != null) {
        urlUserInfo = URLDecoder.decode(uri.getRawUserInfo(), StandardCharsets.UTF_8);
        uri = withoutUserInfo(uri);
      }
      uris.add(uri);
    }
    this.baseUrls = List.copyOf(uris);

    String userInfo = switch (b.basicAuthSource) {
      case URL -> urlUserInfo;
      case USER_INFO -> {
        if (b.basicAuthUserInfo == null || b.basicAuthUserInfo.isBlank()) {
          throw new IllegalArgumentException(
              BASIC_AUTH_USER_INFO + " (user:password) is required when "
                  + BASIC_AUTH_CREDENTIALS_SOURCE + "=USER_INFO");
        }
        yield b.basicAuthUserInfo;
      }
    };
    if (userInfo != null && !userInfo.contains(":")) {
      throw new IllegalArgumentException("basic auth user info must be user:password");
    }
    this.basicAuthUserInfo = Optional.ofNullable(userInfo);

    if (b.bearerToken != null && b.bearerToken.isBlank()) {
      throw new IllegalArgumentException(BEARER_AUTH_TOKEN + " must not be blank");
    }
    this.bearerToken = Optional.ofNullable(b.bearerToken);
    if (basicAuthUserInfo.isPresent() && bearerToken.isPresent()) {
      throw new IllegalArgumentException("configure basic auth or a bearer token, not both");
    }

    this.connectTimeout = positive(CONNECT_TIMEOUT_MS, b.connectTimeout);
    this.requestTimeout = positive(REQUEST_TIMEOUT_MS, b.requestTimeout);
    if (b.maxRetries < 0) {
      throw new IllegalArgumentException(MAX_RETRIES + " must be >= 0, got " + b.maxRetries);
    }
    this.maxRetries = b.maxRetries;
    this.retryBackoff = positive(RETRY_BACKOFF_MS, b.retryBackoff);
    this.retryBackoffMax = positive(RETRY_BACKOFF_MAX_MS, b.retryBackoffMax);
    if (retryBackoffMax.compareTo(retryBackoff) < 0) {
      throw new IllegalArgumentException(RETRY_BACKOFF_MAX_MS + " must be >= " + RETRY_BACKOFF_MS);
    }
    this.retryDeadline = positive(RETRY_DEADLINE_MS, b.retryDeadline);
    if (b.cacheCapacity < 1) {
      throw new IllegalArgumentException(CACHE_CAPACITY + " must be >= 1, got " + b.cacheCapacity);
    }
    this.cacheCapacity = b.cacheCapacity;
  }

  /**
   * Reads the keys listed on this class from a Kafka-style config map (values may be strings or
   * numbers); unknown keys are ignored, so a whole producer/Streams config can be passed.
   *
   * @throws IllegalArgumentException naming the key when a value is missing or invalid
   */
  public static SchemaRegistryConfig fromMap(Map<String, ?> configs) {
    Builder b = builder();
    Object url = configs.get(URL);
    if (url instanceof List<?> list) {
      list.forEach(u -> b.urls.addAll(splitUrls(String.valueOf(u))));
    } else if (url != null) {
      b.urls.addAll(splitUrls(String.valueOf(url)));
    }
    String source = string(configs, BASIC_AUTH_CREDENTIALS_SOURCE);
    if (source != null) {
      try {
        b.basicAuthSource(BasicAuthSource.valueOf(source.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            BASIC_AUTH_CREDENTIALS_SOURCE + " must be URL or USER_INFO, got '" + source + "'", e);
      }
    }
    String userInfo = string(configs, BASIC_AUTH_USER_INFO);
    b.basicAuthUserInfo = userInfo != null ? userInfo : string(configs, LEGACY_BASIC_AUTH_USER_INFO);
    String bearerSource = string(configs, BEARER_AUTH_CREDENTIALS_SOURCE);
    String token = string(configs, BEARER_AUTH_TOKEN);
    if (bearerSource != null && !bearerSource.isBlank()) {
      if (!"STATIC_TOKEN".equalsIgnoreCase(bearerSource.trim())) {
        throw new IllegalArgumentException(BEARER_AUTH_CREDENTIALS_SOURCE
            + " must be STATIC_TOKEN (the only supported source), got '" + bearerSource + "'");
      }
      if (token == null || token.isBlank()) {
        throw new IllegalArgumentException(
            BEARER_AUTH_TOKEN + " is required when " + BEARER_AUTH_CREDENTIALS_SOURCE + "=STATIC_TOKEN");
      }
    }
    b.bearerToken = token;
    millis(configs, CONNECT_TIMEOUT_MS).ifPresent(b::connectTimeout);
    millis(configs, REQUEST_TIMEOUT_MS).ifPresent(b::requestTimeout);
    integer(configs, MAX_RETRIES).ifPresent(b::maxRetries);
    millis(configs, RETRY_BACKOFF_MS).ifPresent(b::retryBackoff);
    millis(configs, RETRY_BACKOFF_MAX_MS).ifPresent(b::retryBackoffMax);
    millis(configs, RETRY_DEADLINE_MS).ifPresent(b::retryDeadline);
    Optional<Integer> capacity = integer(configs, CACHE_CAPACITY);
    (capacity.isPresent() ? capacity : integer(configs, LEGACY_CACHE_CAPACITY))
        .ifPresent(b::cacheCapacity);
    return b.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Base URLs in the order they are tried, without user info. */
  public List<URI> baseUrls() {
    return baseUrls;
  }

  /** {@code user:password} for basic auth, from the URL or {@value #BASIC_AUTH_USER_INFO}. */
  public Optional<String> basicAuthUserInfo() {
    return basicAuthUserInfo;
  }

  public Optional<String> bearerToken() {
    return bearerToken;
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }

  public int maxRetries() {
    return maxRetries;
  }

  public Duration retryBackoff() {
    return retryBackoff;
  }

  public Duration retryBackoffMax() {
    return retryBackoffMax;
  }

  public Duration retryDeadline() {
    return retryDeadline;
  }

  public int cacheCapacity() {
    return cacheCapacity;
  }

  @Override
  public String toString() {
    // never print credentials
    return "SchemaRegistryConfig{urls=" + baseUrls
        + ", auth=" + (basicAuthUserInfo.isPresent() ? "basic" : bearerToken.isPresent() ? "bearer" : "none")
        + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout
        + ", maxRetries=" + maxRetries + ", retryBackoff=" + retryBackoff
        + ", retryBackoffMax=" + retryBackoffMax + ", retryDeadline=" + retryDeadline
        + ", cacheCapacity=" + cacheCapacity + '}';
  }

  /** Builder for code that wires the client directly; same validation as {@link #fromMap}. */
  public static final class Builder {
    private final List<String> urls = new ArrayList<>();
    private BasicAuthSource basicAuthSource = BasicAuthSource.URL;
    private String basicAuthUserInfo;
    private String bearerToken;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private int maxRetries = DEFAULT_MAX_RETRIES;
    private Duration retryBackoff = DEFAULT_RETRY_BACKOFF;
    private Duration retryBackoffMax = DEFAULT_RETRY_BACKOFF_MAX;
    private Duration retryDeadline = DEFAULT_RETRY_DEADLINE;
    private int cacheCapacity = DEFAULT_CACHE_CAPACITY;

    private Builder() {}

    /** One or more base URLs; each argument may itself be a comma-separated list. */
    public Builder urls(String... urls) {
      for (String u : urls) {
        this.urls.addAll(splitUrls(u));
      }
      return this;
    }

    public Builder basicAuthSource(BasicAuthSource source) {
      this.basicAuthSource = Objects.requireNonNull(source);
      return this;
    }

    /** Basic auth from {@code user:password}; sets the source to {@code USER_INFO}. */
    public Builder basicAuth(String userInfo) {
      this.basicAuthSource = BasicAuthSource.USER_INFO;
      this.basicAuthUserInfo = userInfo;
      return this;
    }

    public Builder bearerToken(String token) {
      this.bearerToken = token;
      return this;
    }

    public Builder connectTimeout(Duration d) {
      this.connectTimeout = d;
      return this;
    }

    public Builder requestTimeout(Duration d) {
      this.requestTimeout = d;
      return this;
    }

    public Builder maxRetries(int n) {
      this.maxRetries = n;
      return this;
    }

    public Builder retryBackoff(Duration d) {
      this.retryBackoff = d;
      return this;
    }

    public Builder retryBackoffMax(Duration d) {
      this.retryBackoffMax = d;
      return this;
    }

    public Builder retryDeadline(Duration d) {
      this.retryDeadline = d;
      return this;
    }

    public Builder cacheCapacity(int n) {
      this.cacheCapacity = n;
      return this;
    }

    public SchemaRegistryConfig build() {
      return new SchemaRegistryConfig(this);
    }
  }

  private static List<String> splitUrls(String value) {
    List<String> out = new ArrayList<>();
    for (String part : value.split(",")) {
      if (!part.isBlank()) {
        out.add(part.trim());
      }
    }
    return out;
  }

  private static URI parseUrl(String raw) {
    String trimmed = raw.endsWith("/") ? raw.substring(0, raw.length() - 1) : raw;
    try {
      URI uri = new URI(trimmed);
      String scheme = uri.getScheme();
      if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || uri.getHost() == null) {
        throw new IllegalArgumentException(URL + ": not an http(s) URL: '" + raw + "'");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(URL + ": invalid URL '" + raw + "'", e);
    }
  }

  private static URI withoutUserInfo(URI uri) {
    try {
      return new URI(uri.getScheme(), null, uri.getHost(), uri.getPort(), uri.getPath(),
          uri.getQuery(), uri.getFragment());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(URL + ": invalid URL " + uri, e);
    }
  }

  private static Duration positive(String key, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(key + " must be a positive duration, got " + d);
    }
    return d;
  }

  private static String string(Map<String, ?> configs, String key) {
    Object v = configs.get(key);
    if (v == null) {
      return null;
    }
    // Kafka's Password type keeps its value out of toString()
    if (v instanceof org.apache.kafka.common.config.types.Password p) {
      return p.value();
    }
    return String.valueOf(v);
  }

  private static Optional<Integer> integer(Map<String, ?> configs, String key) {
    Object v = configs.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (v instanceof Number n) {
      return Optional.of(n.intValue());
    }
    try {
      return Optional.of(Integer.parseInt(String.valueOf(v).trim()));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'", e);
    }
  }

  private static Optional<Duration> millis(Map<String, ?> configs, String key) {
    Object v = configs.get(key);
    if (v == null) {
      return Optional.empty();
    }
    if (v instanceof Duration d) {
      return Optional.of(d);
    }
    if (v instanceof Number n) {
      return Optional.of(Duration.ofMillis(n.longValue()));
    }
    try {
      return Optional.of(Duration.ofMillis(Long.parseLong(String.valueOf(v).trim())));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be milliseconds, got '" + v + "'", e);
    }
  }
}
