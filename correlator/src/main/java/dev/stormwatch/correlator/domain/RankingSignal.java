package dev.stormwatch.correlator.domain;

import java.util.Optional;

/**
 * Extra evidence about a root-cause candidate, beyond the topology and the alerts: the extension
 * point through which a later issue adds recent changes (deploys, config, feature flags) to the
 * ranking. {@link RootCause#rank} asks every signal about every candidate; a signal's weight is
 * added to the candidate's score and orders candidates that the alert evidence leaves tied, and its
 * reason is listed with the candidate's reasons. The correlator passes no signals today.
 */
@FunctionalInterface
public interface RankingSignal {

  /**
   * What this signal knows about {@code service} as the cause of {@code incident}.
   *
   * @return evidence, or empty when the signal has nothing to say
   */
  Optional<Evidence> evidence(String service, IncidentState incident);

  /**
   * A piece of evidence.
   *
   * @param weight added to the score; higher is likelier, 1.0 is as strong as one ranking tier
   * @param reason human-readable, shown with the candidate
   */
  record Evidence(double weight, String reason) {}
}
