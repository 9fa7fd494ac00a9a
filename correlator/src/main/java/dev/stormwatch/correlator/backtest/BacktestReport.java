package dev.stormwatch.correlator.backtest;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * The result of a backtest, written as JSON: the settings used, a summary, and every incident in
 * its final state. Times are ISO-8601 instants of event time; absent times are null.
 *
 * @param settings  the correlator settings, by their configuration keys
 * @param summary   counts
 * @param incidents every incident still in state at the end, by first alert then id
 */
public record BacktestReport(Map<String, Object> settings, Summary summary, List<IncidentReport> incidents) {

  /**
   * Counts of a run.
   *
   * @param lines              non-blank lines read
   * @param alertsRead         alert observations replayed
   * @param alertsRejected     lines rejected
   * @param rejected           each rejected line with its number and reason
   * @param incidents          incidents in the report
   * @param mergedIncidents    of which merged into another
   * @param escalationsByKind  escalation events by kind
   * @param firstEventAt       event time of the first replayed alert
   * @param lastEventAt        event time of the last replayed alert
   */
  public record Summary(long lines, long alertsRead, long alertsRejected, List<Rejection> rejected, int incidents,
                        int mergedIncidents, Map<String, Long> escalationsByKind, String firstEventAt,
                        String lastEventAt) {}

  /**
   * A rejected line.
   *
   * @param line   1-based line number in the alerts file
   * @param reason why
   */
  public record Rejection(long line, String reason) {}

  /**
   * One incident.
   *
   * @param id           incident id
   * @param status       final status
   * @param severity     final severity
   * @param domain       correlation domain
   * @param title        title
   * @param services     services involved
   * @param alerts       member alerts
   * @param rootCauses   ranked root-cause candidates
   * @param firstAlertAt onset of its first alert
   * @param openedAt     when it opened
   * @param escalatedAt  time of its first escalation (OPENED), null if it never escalated
   * @param resolvedAt   when it resolved, null if it did not
   * @param mergedInto   the incident it was merged into, if any
   * @param escalations  every escalation event of it, in order
   */
  @JsonInclude(JsonInclude.Include.ALWAYS)
  public record IncidentReport(String id, String status, String severity, String domain, String title,
                               List<String> services, List<Member> alerts, List<Candidate> rootCauses,
                               String firstAlertAt, String openedAt, String escalatedAt, String resolvedAt,
                               String mergedInto, List<EscalationRecord> escalations) {}

  /**
   * A member alert.
   *
   * @param fingerprint its fingerprint
   * @param name        alert name
   * @param service     canonical service
   * @param severity    severity
   * @param status      latest status
   * @param startsAt    onset
   * @param endsAt      end, once resolved
   * @param labels      its labels as recorded (sorted)
   */
  public record Member(String fingerprint, String name, String service, String severity, String status,
                       String startsAt, String endsAt, Map<String, String> labels) {}

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
   * An escalation event.
   *
   * @param kind      OPENED, SEVERITY_RAISED, REOPENED, RESOLVED...
   * @param at        event time
   * @param severity  severity then
   * @param rootCause top root cause then
   */
  public record EscalationRecord(String kind, String at, String severity, String rootCause) {}
}
