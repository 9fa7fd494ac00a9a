package dev.stormwatch.correlator.rules;

import dev.stormwatch.avro.Incident;
import dev.stormwatch.avro.RootCauseCandidate;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.avro.SuspectChange;
import dev.stormwatch.correlator.domain.IncidentState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The milestones of one incident that its metrics come from, and the labels they are counted under.
 *
 * <p><b>Definitions</b> (see {@code correlator/docs/rules.md}):
 * <ul>
 *   <li><b>MTTD</b> (time to detect) = {@code escalatedAt - firstAlertAt}: from the onset (the first
 *       alert's {@code startsAt}, when monitoring saw the problem) until a human was told. Opening is
 *       not the end point: the correlator opens an incident at its first alert's event time, so
 *       {@code openedAt - firstAlertAt} is about zero by construction and would measure nothing;
 *       escalation includes the group wait and the pipeline's delay, which is what the responder
 *       experiences. An incident never escalated (transient, silenced) has none.</li>
 *   <li><b>MTTA</b> (time to acknowledge) = {@code acknowledgedAt - escalatedAt}: from the page to
 *       a human taking it; none without both.</li>
 *   <li><b>MTTR</b> (time to restore, as DORA's "time to restore service") =
 *       {@code resolvedAt - firstAlertAt}, from the onset to the (first) resolve; none while open,
 *       and none for an incident merged into another (the survivor carries the outage).</li>
 * </ul>
 * A negative span (clock skew between sources) counts as none.
 *
 * @param id               incident id
 * @param service          its main service: the top root-cause candidate, else its first service
 * @param team             owning team of the main service, or null
 * @param severity         its severity
 * @param services         its services
 * @param firstAlertAt     onset
 * @param openedAt         when it was opened
 * @param escalatedAt      when it was first escalated, or null
 * @param acknowledgedAt   when it was acknowledged, or null
 * @param resolvedAt       when it was (last) resolved, or null
 * @param merged           whether it was merged into another
 * @param suspectChangeIds ids of the changes named as its suspects
 */
public record IncidentMilestones(String id, String service, String team, Severity severity, List<String> services,
                                 Instant firstAlertAt, Instant openedAt, Instant escalatedAt, Instant acknowledgedAt,
                                 Instant resolvedAt, boolean merged, List<String> suspectChangeIds) {

  /** Copies the lists; a null severity is UNKNOWN. */
  public IncidentMilestones {
    Objects.requireNonNull(id, "id");
    severity = severity == null ? Severity.UNKNOWN : severity;
    services = List.copyOf(services == null ? List.of() : services);
    suspectChangeIds = List.copyOf(suspectChangeIds == null ? List.of() : suspectChangeIds);
  }

  /** The milestones of an Avro incident (from the {@code incidents} topic or a store). */
  public static IncidentMilestones of(Incident i) {
    List<String> services = i.getServices() == null ? List.of() : i.getServices();
    String main = i.getRootCauses() == null || i.getRootCauses().isEmpty() ? null
        : i.getRootCauses().stream().min((a, b) -> Integer.compare(a.getRank(), b.getRank()))
            .map(RootCauseCandidate::getService).orElse(null);
    if (main == null && !services.isEmpty()) {
      main = services.get(0);
    }
    List<String> suspects = i.getSuspectChanges() == null ? List.of()
        : i.getSuspectChanges().stream().map(SuspectChange::getChangeId).toList();
    return new IncidentMilestones(i.getId(), main, i.getTeam(), i.getSeverity(), services, i.getFirstAlertAt(),
        i.getOpenedAt(), i.getEscalatedAt(), i.getAcknowledgedAt(), i.getResolvedAt(), i.getMergedInto() != null,
        suspects);
  }

  /** The milestones of an incident state (as {@link #of(Incident)} of its Avro form, without building it). */
  public static IncidentMilestones of(IncidentState s) {
    String main = s.rootCauses().isEmpty() ? null : s.rootCauses().get(0).service();
    if (main == null && !s.services().isEmpty()) {
      main = s.services().get(0);
    }
    return new IncidentMilestones(s.id(), main, s.team(), s.severity(), s.services(), s.firstAlertAt(), s.openedAt(),
        s.escalatedAt(), s.acknowledgedAt(), s.resolvedAt(), s.isMerged(),
        s.suspectChanges().stream().map(SuspectChange::getChangeId).toList());
  }

  /** Time to detect: escalated minus first alert. */
  public Optional<Duration> mttd() {
    return span(firstAlertAt, escalatedAt);
  }

  /** Time to acknowledge: acknowledged minus escalated. */
  public Optional<Duration> mtta() {
    return span(escalatedAt, acknowledgedAt);
  }

  /** Time to restore: resolved minus first alert; none for a merged incident. */
  public Optional<Duration> mttr() {
    return merged ? Optional.empty() : span(firstAlertAt, resolvedAt);
  }

  private static Optional<Duration> span(Instant from, Instant to) {
    if (from == null || to == null || to.isBefore(from)) {
      return Optional.empty();
    }
    return Optional.of(Duration.between(from, to));
  }
}
