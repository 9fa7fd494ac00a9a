package dev.stormwatch.correlator.backtest;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The result of a backtest, written as JSON: the settings used, a summary, and every incident in
 * its final state. Times are ISO-8601 instants of event time; absent times are null.
 *
 * @param settings  the correlator settings, by their configuration keys (the rules' settings that matter
 *                  to a replay under {@code rules})
 * @param summary   counts
 * @param incidents every incident still in state at the end, by first alert then id
 */
public record BacktestReport(Map<String, Object> settings, Summary summary, List<IncidentReport> incidents) {

  /**
   * Counts of a run.
   *
   * @param lines              non-blank lines of the alerts file
   * @param alertsRead         alert observations replayed
   * @param alertsRejected     alert lines rejected
   * @param rejected           each rejected alert line with its number and reason
   * @param changeLines        non-blank lines of the changes file (0 without one)
   * @param changesRead        changes replayed
   * @param changesRejected    change lines rejected
   * @param rejectedChanges    each rejected change line with its number and reason
   * @param changesSuspected   distinct changes named as a suspect by an incident of the report
   * @param silences           silences loaded from the silences file (0 without one)
   * @param incidents          incidents in the report
   * @param mergedIncidents    of which merged into another
   * @param unpagedIncidents   of the others, those that never paged (see {@link IncidentReport#notPagedBecause})
   * @param escalationsByKind  escalation events by kind
   * @param firstEventAt       event time of the first replayed alert or change
   * @param lastEventAt        event time of the last replayed alert or change
   */
  public record Summary(long lines, long alertsRead, long alertsRejected, List<Rejection> rejected, long changeLines,
                        long changesRead, long changesRejected, List<Rejection> rejectedChanges,
                        long changesSuspected, int silences, int incidents, int mergedIncidents,
                        int unpagedIncidents, Map<String, Long> escalationsByKind, String firstEventAt,
                        String lastEventAt) {}

  /**
   * A rejected line.
   *
   * @param line   1-based line number in its file
   * @param reason why
   */
  public record Rejection(long line, String reason) {}

  /**
   * One incident.
   *
   * @param id              incident id
   * @param status          final status
   * @param severity        final severity
   * @param domain          correlation domain
   * @param title           title
   * @param services        services involved
   * @param alerts          member alerts
   * @param rootCauses      ranked root-cause candidates
   * @param suspectChanges  recent changes that may have caused it, most likely first
   * @param firstAlertAt    onset of its first alert
   * @param openedAt        when it opened
   * @param escalatedAt     time of its first escalation (OPENED), null if it never escalated
   * @param resolvedAt      when it resolved, null if it did not
   * @param mergedInto      the incident it was merged into, if any
   * @param suppressed      its final state is muted: every firing member (every member, when none
   *                        fires) is silenced, in a maintenance window or inhibited
   * @param paged           it escalated (OPENED) at some point
   * @param notPagedBecause null when paged; else {@code silenced}, {@code inhibited},
   *                        {@code transient} (all alerts resolved within group-wait), {@code merged}
   *                        or {@code pending} (still waiting when the replay ended)
   * @param escalations     every escalation event of it, in order
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record IncidentReport(String id, String status, String severity, String domain, String title,
                               List<String> services, List<Member> alerts, List<Candidate> rootCauses,
                               List<Suspect> suspectChanges, String firstAlertAt, String openedAt,
                               String escalatedAt, String resolvedAt, String mergedInto, boolean suppressed,
                               boolean paged, String notPagedBecause, List<EscalationRecord> escalations) {}

  /**
   * A member alert.
   *
   * @param fingerprint  its fingerprint
   * @param name         alert name
   * @param service      canonical service
   * @param severity     severity
   * @param status       latest status
   * @param startsAt     onset
   * @param endsAt       end, once resolved
   * @param suppressed   muted (by a silence, a maintenance window or inhibition)
   * @param suppressedBy what mutes it: {@code silence:<id>} or {@code inhibit:<rule>}; null when not muted
   * @param labels       its labels as recorded (sorted)
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Member(String fingerprint, String name, String service, String severity, String status,
                       String startsAt, String endsAt, boolean suppressed, String suppressedBy,
                       Map<String, String> labels) {}

  /**
   * A root-cause candidate.
   *
   * @param rank     1 for the most likely
   * @param service  the service
   * @param score    ranking score
   * @param inferred true when the service does not alert itself
   * @param reasons  why
   */
  public record Candidate(int rank, String service, double score, boolean inferred, List<String> reasons) {}

  /**
   * A suspect change of an incident.
   *
   * @param changeId     the change's id
   * @param service      the changed service
   * @param kind         DEPLOY, ROLLBACK, CONFIG, FEATURE_FLAG or OTHER
   * @param version      the version deployed, if known
   * @param author       who made it, if known
   * @param summary      its summary, if any
   * @param link         a link to it, if any
   * @param time         when it took effect
   * @param beforeOnset  how long before the incident's first alert (ISO-8601 duration)
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record Suspect(String changeId, String service, String kind, String version, String author, String summary,
                        String link, String time, String beforeOnset) {}

  /**
   * An escalation event.
   *
   * @param kind      OPENED, SEVERITY_RAISED, REOPENED, RESOLVED...
   * @param at        event time
   * @param severity  severity then
   * @param rootCause top root cause then
   */
  public record EscalationRecord(String kind, String at, String severity, String rootCause) {}
}
