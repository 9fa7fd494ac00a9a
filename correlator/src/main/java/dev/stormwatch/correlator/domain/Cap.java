package dev.stormwatch.correlator.domain;

/** The bounds of {@link CorrelatorSettings} a decision can hit; the caller counts each and logs it. */
public enum Cap {
  /** {@code max-alerts-per-incident}: a new alert was counted but not kept. */
  ALERTS_PER_INCIDENT,
  /** {@code max-timeline-entries}: the oldest timeline entries were dropped. */
  TIMELINE_ENTRIES,
  /** {@code max-open-incidents-per-domain}: an alert that would open an incident was dropped. */
  OPEN_INCIDENTS_PER_DOMAIN,
  /** {@code max-tracked-alerts}: an observation of a new fingerprint was dropped, its state not kept. */
  TRACKED_ALERTS,
  /** {@code max-silences}: a current silence was not kept, so it mutes nothing. */
  SILENCES,
  /** {@code max-inhibit-sources}: a firing source alert was not indexed, so what it would inhibit pages. */
  INHIBIT_SOURCES,
  /** {@code max-changes-per-service} or {@code max-change-services}: a change or a service's changes were dropped. */
  CHANGES
}
