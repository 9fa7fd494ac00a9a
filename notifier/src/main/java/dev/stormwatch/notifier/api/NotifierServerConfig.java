package dev.stormwatch.notifier.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stormwatch.notifier.channel.Secret;
import dev.stormwatch.notifier.dispatch.ConfigNode;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Settings of the notifier's HTTP API ({@link NotifierServer}); {@code notifier/docs/api.md} documents
 * every key. Build it with {@link #defaults()} or from its section of the configuration file
 * ({@value #SECTION}) with {@link #fromTree(JsonNode)}.
 *
 * @param host             {@code host}: bind address (default {@code 0.0.0.0})
 * @param port             {@code port}: port (default {@value #DEFAULT_PORT}; 0 picks a free one)
 * @param bearerToken      {@code bearer-token}: when present, {@code POST /api/...} needs
 *                         {@code Authorization: Bearer <token>} (links carry their own signature)
 * @param publicUrl        {@code public-url}: where people reach this API, the base of ack/resolve links
 * @param linkSecret       {@code link-secret}: the HMAC key of the links (at least
 *                         {@value AckLinks#MIN_SECRET_LENGTH} characters); links are on when this and
 *                         {@code public-url} are both set
 * @param linkTtl          {@code link-ttl}: how long a link works after its page was requested (default 24h)
 * @param retryAfter       {@code retry-after}: the {@code Retry-After} of a 503 (default 1s, whole seconds)
 * @param commandTimeout   {@code command-timeout}: upper bound of writing one command to Kafka (default 5s)
 * @param pagesCapacity    {@code pages-log.capacity}: pages the page index keeps (default 10000)
 * @param pagesLookback    {@code pages-log.lookback}: how far back {@code pages.log} is read on start
 *                         (default 7d; {@code all}: from the beginning)
 * @param workloadPeople   {@code workload.max-people}: people with their own workload label (default 100)
 */
public record NotifierServerConfig(String host, int port, Optional<Secret> bearerToken, Optional<URI> publicUrl,
                                   Optional<Secret> linkSecret, Duration linkTtl, Duration retryAfter,
                                   Duration commandTimeout, int pagesCapacity, Optional<Duration> pagesLookback,
                                   int workloadPeople) {

  /** The configuration file's section. */
  public static final String SECTION = "notifier-api";
  /** The default port. */
  public static final int DEFAULT_PORT = 8090;
  /** The default link lifetime. */
  public static final Duration DEFAULT_LINK_TTL = Duration.ofHours(24);
  /** The default number of people with their own workload label. */
  public static final int DEFAULT_WORKLOAD_PEOPLE = 100;
  /** The keys of the section. */
  public static final Set<String> KEYS = Set.of("host", "port", "bearer-token", "public-url", "link-secret",
      "link-ttl", "retry-after", "command-timeout", "pages-log", "workload");

  /** Validates. */
  public NotifierServerConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(bearerToken, "bearerToken");
    Objects.requireNonNull(publicUrl, "publicUrl");
    Objects.requireNonNull(linkSecret, "linkSecret");
    Objects.requireNonNull(pagesLookback, "pagesLookback");
    if (host.isBlank()) {
      throw new IllegalArgumentException(SECTION + ".host must not be blank");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException(SECTION + ".port must be 0..65535, was " + port);
    }
    positive(linkTtl, "link-ttl");
    positive(retryAfter, "retry-after");
    positive(commandTimeout, "command-timeout");
    pagesLookback.ifPresent(d -> positive(d, "pages-log.lookback"));
    if (pagesCapacity < 1) {
      throw new IllegalArgumentException(SECTION + ".pages-log.capacity must be at least 1, was " + pagesCapacity);
    }
    if (workloadPeople < 1) {
      throw new IllegalArgumentException(SECTION + ".workload.max-people must be at least 1, was " + workloadPeople);
    }
    if (publicUrl.isPresent() != linkSecret.isPresent()) {
      throw new IllegalArgumentException(SECTION + ".public-url and " + SECTION
          + ".link-secret go together: set both for ack/resolve links, or neither");
    }
    linkSecret.ifPresent(s -> {
      if (s.value().length() < AckLinks.MIN_SECRET_LENGTH) {
        throw new IllegalArgumentException(SECTION + ".link-secret must have at least "
            + AckLinks.MIN_SECRET_LENGTH + " characters");
      }
    });
    publicUrl.ifPresent(u -> ConfigNode.parseUrl(SECTION + ".public-url", u.toString()));
  }

  /** The defaults: {@code 0.0.0.0:8090}, no auth, no links, 24h link TTL, 10000 pages from 7 days back. */
  public static NotifierServerConfig defaults() {
    return new NotifierServerConfig("0.0.0.0", DEFAULT_PORT, Optional.empty(), Optional.empty(), Optional.empty(),
        DEFAULT_LINK_TTL, Duration.ofSeconds(1), Duration.ofSeconds(5), PagesLog.DEFAULT_CAPACITY,
        Optional.of(PagesLog.DEFAULT_LOOKBACK), DEFAULT_WORKLOAD_PEOPLE);
  }

  /**
   * From the {@value #SECTION} section of a parsed YAML/JSON configuration, with {@code ${NAME}}
   * references resolved from the process environment. A missing or null section is {@link #defaults()}.
   *
   * @throws IllegalArgumentException naming the key, for an unknown key, a bad value or an unset variable
   */
  public static NotifierServerConfig fromTree(JsonNode section) {
    return fromTree(section, System::getenv);
  }

  /**
   * From the {@value #SECTION} section, resolving {@code ${NAME}} and {@code ${NAME:-default}} in any
   * string through {@code env}.
   *
   * @throws IllegalArgumentException naming the key, for an unknown key, a bad value or an unset variable
   */
  public static NotifierServerConfig fromTree(JsonNode section, Function<String, String> env) {
    ConfigNode root = ConfigNode.root(section, SECTION, env).allow(KEYS);
    NotifierServerConfig d = defaults();
    if (root.absent()) {
      return d;
    }
    ConfigNode pages = root.child("pages-log").allow(Set.of("capacity", "lookback"));
    ConfigNode workload = root.child("workload").allow(Set.of("max-people"));
    Optional<Duration> lookback = d.pagesLookback();
    String look = pages.string("lookback", null);
    if (look != null) {
      lookback = look.strip().toLowerCase(Locale.ROOT).equals("all") ? Optional.empty()
          : Optional.of(pages.duration("lookback", null));
    }
    return new NotifierServerConfig(
        root.string("host", d.host()),
        root.integer("port", d.port()),
        Optional.ofNullable(root.secret("bearer-token")),
        Optional.ofNullable(root.url("public-url", null)),
        Optional.ofNullable(root.secret("link-secret")),
        root.duration("link-ttl", d.linkTtl()),
        root.duration("retry-after", d.retryAfter()),
        root.duration("command-timeout", d.commandTimeout()),
        pages.integer("capacity", d.pagesCapacity()),
        lookback,
        workload.integer("max-people", d.workloadPeople()));
  }

  /** The ack/resolve link signer, when {@code public-url} and {@code link-secret} are set. */
  public Optional<AckLinks> links() {
    return publicUrl.isPresent() && linkSecret.isPresent()
        ? Optional.of(new AckLinks(publicUrl.get(), linkSecret.get(), linkTtl)) : Optional.empty();
  }

  /** This configuration with another bind address. */
  public NotifierServerConfig withAddress(String bindHost, int bindPort) {
    return new NotifierServerConfig(bindHost, bindPort, bearerToken, publicUrl, linkSecret, linkTtl, retryAfter,
        commandTimeout, pagesCapacity, pagesLookback, workloadPeople);
  }

  /** This configuration with {@code POST /api/...} requiring {@code token}. */
  public NotifierServerConfig withBearerToken(String token) {
    return new NotifierServerConfig(host, port, Optional.of(new Secret(token)), publicUrl, linkSecret, linkTtl,
        retryAfter, commandTimeout, pagesCapacity, pagesLookback, workloadPeople);
  }

  /** This configuration with ack/resolve links under {@code url}, signed with {@code secret}, valid for {@code ttl}. */
  public NotifierServerConfig withLinks(URI url, String secret, Duration ttl) {
    return new NotifierServerConfig(host, port, bearerToken, Optional.of(url), Optional.of(new Secret(secret)), ttl,
        retryAfter, commandTimeout, pagesCapacity, pagesLookback, workloadPeople);
  }

  /** This configuration with another page index size and lookback (empty: from the beginning). */
  public NotifierServerConfig withPagesLog(int capacity, Optional<Duration> lookback) {
    return new NotifierServerConfig(host, port, bearerToken, publicUrl, linkSecret, linkTtl, retryAfter,
        commandTimeout, capacity, lookback, workloadPeople);
  }

  private static void positive(Duration d, String key) {
    Objects.requireNonNull(d, key);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(SECTION + "." + key + " must be positive, was " + d);
    }
  }
}
