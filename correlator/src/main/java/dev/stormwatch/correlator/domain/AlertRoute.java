package dev.stormwatch.correlator.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * The correlation domain an alert is routed to (the key of the repartition by domain), sticky for
 * one firing episode: once an episode was routed to a domain, its repeats and its resolve follow it
 * there even if the topology has since moved the service, so they reach the incident the episode
 * joined. A new episode (a new {@link AlertState#startsAt()}) is routed by the current graph.
 *
 * <p>A route is state with a lifetime: it may be forgotten {@code retention} after
 * {@link #lastSeenAt()} (the latest event time of the observations routed by it), the same lifetime
 * an alert that is in no incident has on the domain side. A forgotten route only matters when the
 * topology moved the service meanwhile: the next observation is then routed by the current graph.
 *
 * @param domain       the domain
 * @param episodeStart the onset of the episode routed there
 * @param lastSeenAt   the latest event time of the observations routed by it
 */
public record AlertRoute(String domain, Instant episodeStart, Instant lastSeenAt) {

  /** Validates. */
  public AlertRoute {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(episodeStart, "episodeStart");
    Objects.requireNonNull(lastSeenAt, "lastSeenAt");
  }

  /** A route last seen at the onset of its episode. */
  public AlertRoute(String domain, Instant episodeStart) {
    this(domain, episodeStart, episodeStart);
  }

  /** When this route may leave state: {@code retention} after it was last seen. */
  public Instant expiresAt(java.time.Duration retention) {
    return lastSeenAt.plus(retention);
  }

  /**
   * Where to send the alert now.
   *
   * @param alert    the alert, with the new observation merged in
   * @param previous where its earlier observations went, or null
   * @param graph    the current topology
   */
  public static AlertRoute of(AlertState alert, AlertRoute previous, ServiceGraph graph) {
    Instant seen = alert.lastSeenAt();
    if (previous != null && seen.isBefore(previous.lastSeenAt)) {
      seen = previous.lastSeenAt;
    }
    if (previous != null && previous.episodeStart.equals(alert.startsAt())) {
      return seen.equals(previous.lastSeenAt) ? previous : new AlertRoute(previous.domain, previous.episodeStart, seen);
    }
    return new AlertRoute(graph.domainOf(alert.service()), alert.startsAt(), seen);
  }
}
