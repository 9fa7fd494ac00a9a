package dev.stormwatch.correlator.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * The correlation domain an alert is routed to (the key of the repartition by domain), sticky for
 * one firing episode: once an episode was routed to a domain, its repeats and its resolve follow it
 * there even if the topology has since moved the service, so they reach the incident the episode
 * joined. A new episode (a new {@link AlertState#startsAt()}) is routed by the current graph.
 *
 * @param domain       the domain
 * @param episodeStart the onset of the episode routed there
 */
public record AlertRoute(String domain, Instant episodeStart) {

  /** Validates. */
  public AlertRoute {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(episodeStart, "episodeStart");
  }

  /**
   * Where to send the alert now.
   *
   * @param alert    the alert, with the new observation merged in
   * @param previous where its earlier observations went, or null
   * @param graph    the current topology
   */
  public static AlertRoute of(AlertState alert, AlertRoute previous, ServiceGraph graph) {
    if (previous != null && previous.episodeStart.equals(alert.startsAt())) {
      return previous;
    }
    return new AlertRoute(graph.domainOf(alert.service()), alert.startsAt());
  }
}
