package dev.stormwatch.correlator.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.AlertSource;
import dev.stormwatch.avro.AlertStatus;
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

/** Test data: alert events, topologies from {@code src/test/resources/topologies}, instants. */
final class Fixtures {

  static final Instant T0 = Instant.parse("2025-03-01T10:00:00Z");

  private Fixtures() {}

  /** T0 plus seconds. */
  static Instant t(long seconds) {
    return T0.plusSeconds(seconds);
  }

  /** A firing observation of alert {@code fp} on {@code service}, starting at {@code startsAt}. */
  static AlertEvent firing(String fp, String service, Severity severity, Instant startsAt) {
    return event(fp, service, severity, AlertStatus.FIRING, startsAt, null, startsAt);
  }

  /** A resolve of alert {@code fp}: started at {@code startsAt}, ended at {@code endsAt}. */
  static AlertEvent resolved(String fp, String service, Severity severity, Instant startsAt, Instant endsAt) {
    return event(fp, service, severity, AlertStatus.RESOLVED, startsAt, endsAt, endsAt);
  }

  static AlertEvent event(String fp, String service, Severity severity, AlertStatus status, Instant startsAt,
                          Instant endsAt, Instant observedAt) {
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
        .setObservedAt(observedAt)
        .build();
  }

  /** The state of one firing alert. */
  static AlertState fire(String fp, String service, Severity severity, Instant startsAt) {
    return AlertState.of(firing(fp, service, severity, startsAt));
  }

  /** Loads a topology of {@code src/test/resources/topologies} (the shared JSON form) as a graph. */
  static ServiceGraph topology(String name) {
    return ServiceGraph.of(nodes(name));
  }

  static List<ServiceNode> nodes(String name) {
    try (InputStream in = Fixtures.class.getResourceAsStream("/topologies/" + name + ".json")) {
      if (in == null) {
        throw new IllegalStateException("no topology " + name);
      }
      JsonNode doc = new ObjectMapper().readTree(in);
      List<ServiceNode> nodes = new ArrayList<>();
      for (JsonNode s : doc.get("services")) {
        List<String> deps = new ArrayList<>();
        s.get("dependsOn").forEach(d -> deps.add(d.asText()));
        nodes.add(node(s.get("name").asText(), kind(s.path("kind").asText("other")), deps, null));
      }
      return nodes;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ServiceNode node(String name, ServiceKind kind, List<String> dependsOn, String system) {
    return ServiceNode.newBuilder()
        .setName(name)
        .setKind(kind)
        .setDependsOn(dependsOn)
        .setSystem(system)
        .setOwner("team-" + name)
        .setUpdatedAt(T0)
        .build();
  }

  private static ServiceKind kind(String text) {
    try {
      return ServiceKind.valueOf(text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return ServiceKind.OTHER;
    }
  }
}
