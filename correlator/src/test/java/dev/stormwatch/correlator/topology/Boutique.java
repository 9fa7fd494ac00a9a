package dev.stormwatch.correlator.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.AlertSource;
import dev.stormwatch.avro.AlertStatus;
import dev.stormwatch.avro.CommandKind;
import dev.stormwatch.avro.IncidentCommand;
import dev.stormwatch.avro.ServiceKind;
import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.avro.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Test data for topology tests: the Online Boutique graph as ServiceNodes, alerts and commands. */
final class Boutique {

  static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

  private Boutique() {}

  static Instant t(long seconds) {
    return T0.plusSeconds(seconds);
  }

  /** The services of {@code src/test/resources/topologies/online-boutique.json} as ServiceNodes. */
  static List<ServiceNode> nodes() {
    try (InputStream in = Boutique.class.getResourceAsStream("/topologies/online-boutique.json")) {
      JsonNode doc = new ObjectMapper().readTree(in);
      List<ServiceNode> nodes = new ArrayList<>();
      for (JsonNode s : doc.get("services")) {
        List<String> deps = new ArrayList<>();
        s.get("dependsOn").forEach(d -> deps.add(d.asText()));
        nodes.add(ServiceNode.newBuilder()
            .setName(s.get("name").asText())
            .setKind(kind(s.path("kind").asText("other")))
            .setDependsOn(deps)
            .setOwner("team-" + s.get("name").asText())
            .setUpdatedAt(T0)
            .build());
      }
      return nodes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static AlertEvent firing(String fp, String service, Severity severity, Instant startsAt) {
    return event(fp, service, severity, AlertStatus.FIRING, startsAt, null);
  }

  static AlertEvent resolved(String fp, String service, Severity severity, Instant startsAt, Instant endsAt) {
    return event(fp, service, severity, AlertStatus.RESOLVED, startsAt, endsAt);
  }

  static AlertEvent event(String fp, String service, Severity severity, AlertStatus status, Instant startsAt,
                          Instant endsAt) {
    return AlertEvent.newBuilder()
        .setFingerprint(fp)
        .setSource(AlertSource.PROMETHEUS)
        .setName("HighErrorRate")
        .setService(service)
        .setSeverity(severity)
        .setStatus(status)
        .setSummary("errors on " + service)
        .setLabels(Map.of("alertname", "HighErrorRate", "service", service))
        .setStartsAt(startsAt)
        .setEndsAt(endsAt)
        .setObservedAt(endsAt == null ? startsAt : endsAt)
        .build();
  }

  static IncidentCommand command(String id, String incident, CommandKind kind, Instant at) {
    return IncidentCommand.newBuilder().setId(id).setIncidentId(incident).setKind(kind).setActor("alice")
        .setVia("cli").setAt(at).build();
  }

  private static ServiceKind kind(String text) {
    try {
      return ServiceKind.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return ServiceKind.OTHER;
    }
  }
}
