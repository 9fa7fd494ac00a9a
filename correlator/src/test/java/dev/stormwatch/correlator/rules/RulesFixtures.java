package dev.stormwatch.correlator.rules;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.AlertSource;
import dev.stormwatch.avro.AlertStatus;
import dev.stormwatch.avro.ChangeKind;
import dev.stormwatch.avro.ServiceKind;
import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.correlator.domain.AlertState;
import dev.stormwatch.correlator.domain.CorrelatorSettings;
import dev.stormwatch.correlator.domain.IncidentState;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Test data for the rules: alert states, incidents, topology nodes, changes. */
final class RulesFixtures {

  static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");
  static final CorrelatorSettings SETTINGS = CorrelatorSettings.defaults();

  private RulesFixtures() {}

  static Instant t(long seconds) {
    return T0.plusSeconds(seconds);
  }

  static AlertEvent event(String fp, String service, AlertStatus status, Instant startsAt, Instant endsAt) {
    return AlertEvent.newBuilder()
        .setFingerprint(fp)
        .setSource(AlertSource.PROMETHEUS)
        .setName("HighErrorRate")
        .setService(service)
        .setSeverity(Severity.CRITICAL)
        .setStatus(status)
        .setSummary("errors on " + service)
        .setLabels(Map.of("alertname", "HighErrorRate", "service", service))
        .setStartsAt(startsAt)
        .setEndsAt(endsAt)
        .setObservedAt(endsAt == null ? startsAt : endsAt)
        .build();
  }

  static AlertState firing(String fp, String service, Instant startsAt) {
    return AlertState.of(event(fp, service, AlertStatus.FIRING, startsAt, null));
  }

  static AlertState resolved(String fp, String service, Instant startsAt, Instant endsAt) {
    return AlertState.of(event(fp, service, AlertStatus.FIRING, startsAt, null))
        .observe(event(fp, service, AlertStatus.RESOLVED, startsAt, endsAt));
  }

  /** An incident opened by the first alert, with the others attached. */
  static IncidentState incident(AlertState first, AlertState... more) {
    IncidentState i = IncidentState.open("inc-1", "shop", first, SETTINGS);
    for (AlertState a : more) {
      i = i.attach(a, SETTINGS);
    }
    return i;
  }

  static ServiceNode node(String name, List<String> dependsOn) {
    return ServiceNode.newBuilder().setName(name).setKind(ServiceKind.SERVICE).setDependsOn(dependsOn)
        .setOwner("team-" + name).setUpdatedAt(T0).build();
  }

  static Change deploy(String id, String service, String version, String author, Instant time) {
    return new Change(id, service, ChangeKind.DEPLOY, null, version, author, "production", null, time);
  }
}
