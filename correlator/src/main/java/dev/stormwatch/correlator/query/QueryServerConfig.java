package dev.stormwatch.correlator.query;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Settings of the correlator's query API.
 *
 * @param host            bind address (default {@code 0.0.0.0})
 * @param port            port (default 8080; 0 picks a free one)
 * @param advertisedHost  the host peers reach this instance at; with the bound port it is this
 *                        instance's {@code application.server} (default {@code localhost})
 * @param peerTimeout     upper bound of one call to a peer instance (default 2 s)
 * @param retryAfter      the {@code Retry-After} of a 503 (default 1 s, whole seconds)
 * @param commandTimeout  upper bound of writing one command to Kafka (default 5 s)
 * @param bearerToken     when present, {@code POST}s need {@code Authorization: Bearer <token>}
 * @param incidentsStore  the incidents store ({@value #INCIDENTS_STORE})
 * @param alertsStore     the per-fingerprint alert store ({@value #ALERTS_STORE})
 * @param membersStore    an incident's member alerts, keyed {@code <incident id>|<fingerprint>} ({@value #MEMBERS_STORE})
 * @param topologyStore   the global service graph store, name → {@code ServiceNode} ({@value #TOPOLOGY_STORE})
 * @param notifierUrl     the notifier API's base URL (e.g. {@code http://localhost:8090}), which the web console
 *                        asks "who was paged" through {@code GET /api/notifier/pages}; empty: not configured
 * @param statsLookback   the correlator's {@code change-lookback}: {@code GET /api/stats} judges the
 *                        changes of its window by the incidents opened up to this long after it (default 30m)
 */
public record QueryServerConfig(String host, int port, String advertisedHost, Duration peerTimeout,
                                Duration retryAfter, Duration commandTimeout, Optional<String> bearerToken,
                                String incidentsStore, String alertsStore, String membersStore,
                                String topologyStore, Optional<URI> notifierUrl, Duration statsLookback) {

  /** The correlator topology's incident store. */
  public static final String INCIDENTS_STORE = "correlator-incidents";
  /** The correlator topology's per-fingerprint alert store. */
  public static final String ALERTS_STORE = "correlator-alerts";
  /** The correlator topology's store of incident members. */
  public static final String MEMBERS_STORE = "correlator-incident-alerts";
  /** The correlator topology's global store of the service graph. */
  public static final String TOPOLOGY_STORE = "correlator-topology";

  public QueryServerConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(advertisedHost, "advertisedHost");
    Objects.requireNonNull(bearerToken, "bearerToken");
    Objects.requireNonNull(incidentsStore, "incidentsStore");
    Objects.requireNonNull(alertsStore, "alertsStore");
    Objects.requireNonNull(membersStore, "membersStore");
    Objects.requireNonNull(topologyStore, "topologyStore");
    Objects.requireNonNull(notifierUrl, "notifierUrl");
    Objects.requireNonNull(statsLookback, "statsLookback");
    if (statsLookback.isNegative()) {
      throw new IllegalArgumentException("statsLookback must not be negative");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be 0..65535, was " + port);
    }
    for (Duration d : new Duration[] {peerTimeout, retryAfter, commandTimeout}) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("timeouts must be positive");
      }
    }
    if (bearerToken.isPresent() && bearerToken.get().isBlank()) {
      throw new IllegalArgumentException("bearer token must not be blank");
    }
    notifierUrl.ifPresent(QueryServerConfig::checkNotifierUrl);
  }

  /** The defaults: {@code 0.0.0.0:8080}, advertised as {@code localhost}, no auth. */
  public static QueryServerConfig defaults() {
    return new QueryServerConfig("0.0.0.0", 8080, "localhost", Duration.ofSeconds(2), Duration.ofSeconds(1),
        Duration.ofSeconds(5), Optional.empty(), INCIDENTS_STORE, ALERTS_STORE, MEMBERS_STORE, TOPOLOGY_STORE,
        Optional.empty(), Duration.ofMinutes(30));
  }

  public QueryServerConfig withAddress(String bindHost, int bindPort, String advertised) {
    return new QueryServerConfig(bindHost, bindPort, advertised, peerTimeout, retryAfter, commandTimeout,
        bearerToken, incidentsStore, alertsStore, membersStore, topologyStore, notifierUrl, statsLookback);
  }

  public QueryServerConfig withBearerToken(String token) {
    return new QueryServerConfig(host, port, advertisedHost, peerTimeout, retryAfter, commandTimeout,
        Optional.of(token), incidentsStore, alertsStore, membersStore, topologyStore, notifierUrl, statsLookback);
  }

  public QueryServerConfig withStores(String incidents, String alerts, String members) {
    return new QueryServerConfig(host, port, advertisedHost, peerTimeout, retryAfter, commandTimeout,
        bearerToken, incidents, alerts, members, topologyStore, notifierUrl, statsLookback);
  }

  /** With the notifier API at {@code url} ({@code http} or {@code https}, no query), for the console's pages. */
  public QueryServerConfig withNotifierUrl(URI url) {
    return new QueryServerConfig(host, port, advertisedHost, peerTimeout, retryAfter, commandTimeout,
        bearerToken, incidentsStore, alertsStore, membersStore, topologyStore, Optional.of(url), statsLookback);
  }

  /** A copy with the correlator's {@code change-lookback}, for the statistics. */
  public QueryServerConfig withStatsLookback(Duration lookback) {
    return new QueryServerConfig(host, port, advertisedHost, peerTimeout, retryAfter, commandTimeout,
        bearerToken, incidentsStore, alertsStore, membersStore, topologyStore, notifierUrl, lookback);
  }

  private static void checkNotifierUrl(URI url) {
    String scheme = url.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
        || url.getHost() == null || url.getRawQuery() != null || url.getRawFragment() != null) {
      throw new IllegalArgumentException("notifier URL must be http(s)://host[:port][/path] without query, was "
          + url);
    }
  }
}
