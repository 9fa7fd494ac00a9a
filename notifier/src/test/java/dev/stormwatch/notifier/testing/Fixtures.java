package dev.stormwatch.notifier.testing;

import dev.stormwatch.avro.CommandKind;
import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.EscalationKind;
import dev.stormwatch.avro.IncidentCommand;
import dev.stormwatch.avro.Link;
import dev.stormwatch.avro.LinkKind;
import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.notifier.oncall.OnCallConfig;
import dev.stormwatch.notifier.oncall.OnCallYaml;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Shared test data: an on-call configuration (team platform with a weekly Berlin rotation that hands
 * over from alice to bob two minutes after {@link #T0}, team payments), a small topology with owners,
 * and builders for escalation events and commands.
 */
public final class Fixtures {

  /** Monday 13 January 2025, 08:58 in Berlin: alice is on call until 09:00, then bob. */
  public static final Instant T0 = Instant.parse("2025-01-13T07:58:00Z");
  /** The handoff from alice to bob. */
  public static final Instant HANDOFF = Instant.parse("2025-01-13T08:00:00Z");

  public static final String YAML = """
      people:
        - {id: alice, name: Alice, time-zone: Europe/Berlin, contacts: [{inbox: alice}]}
        - {id: bob, name: Bob, time-zone: America/New_York, contacts: [{inbox: bob}]}
        - {id: carol, name: Carol, contacts: [{inbox: carol}, {pagerduty: carol-service}]}
        - {id: dave, name: Dave, contacts: [{email: dave@example.com}]}
      teams:
        - id: platform
          name: Platform
          members: [alice, bob]
          escalation-policy: platform
          chat: {slack: platform-alerts}
        - id: payments
          name: Payments
          members: [dave]
          escalation-policy: payments
      escalation-policies:
        - id: platform
          repeats: 1
          levels:
            - {wait: 5m, targets: [{schedule: primary}]}
            - {wait: 5m, targets: [{person: carol}]}
        - id: payments
          levels:
            - {wait: 10m, targets: [{team: payments}]}
        - id: nights
          levels:
            - {wait: 5m, targets: [{schedule: nights}]}
            - {wait: 5m, targets: [{person: dave}]}
      schedules:
        - id: primary
          name: Primary
          time-zone: Europe/Berlin
          layers:
            - {start: 2025-01-06, handoff: "09:00", rotation: weekly, participants: [alice, bob]}
        - id: nights
          time-zone: Europe/Berlin
          layers:
            - start: 2025-01-06
              rotation: daily
              participants: [bob]
              restrictions: [{from: "22:00", to: "06:00"}]
      routing:
        rules:
          - name: payments
            matchers: ['service=~"payment.*"']
            team: payments
          - name: night-batch
            matchers: ['job="batch"']
            escalation-policy: nights
        default: {team: platform}
      """;

  private Fixtures() {}

  /** The parsed configuration. */
  public static OnCallConfig config() {
    return OnCallYaml.parse(YAML);
  }

  /** {@link #T0} plus {@code minutes}. */
  public static Instant t(double minutes) {
    return T0.plusMillis((long) (minutes * 60_000));
  }

  /** The topology: checkoutservice and cartservice owned by platform, paymentservice by payments, redis-cart by an unknown team. */
  public static List<ServiceNode> services() {
    return List.of(node("checkoutservice", "platform"), node("cartservice", "platform"),
        node("paymentservice", "payments"), node("redis-cart", "web-team"), node("frontend", null));
  }

  /** The topology as a lookup. */
  public static Function<String, Optional<ServiceNode>> topology() {
    Map<String, ServiceNode> byName = new HashMap<>();
    services().forEach(n -> byName.put(n.getName(), n));
    return name -> Optional.ofNullable(byName.get(name));
  }

  public static ServiceNode node(String name, String owner) {
    return ServiceNode.newBuilder().setName(name).setOwner(owner).setUpdatedAt(T0).build();
  }

  /** An escalation event of {@code incident}, its id derived from kind and revision as the correlator does. */
  public static EscalationEvent event(String incident, EscalationKind kind, int revision, Severity severity,
                                      String rootCause, List<String> services, Instant at) {
    return EscalationEvent.newBuilder()
        .setId(incident + ":" + kind + ":" + revision)
        .setIncidentId(incident)
        .setKind(kind)
        .setSeverity(severity)
        .setTitle("Incident " + incident + " on " + String.join(", ", services))
        .setSummary("Likely root cause: " + rootCause + ".\n3 alerts.")
        .setDomain("system:shop")
        .setServices(services)
        .setRootCause(rootCause)
        .setRootCauseReasons(List.of("its dependencies are healthy"))
        .setAlertCount(3)
        .setLabels(new HashMap<>())
        .setLinks(List.of(Link.newBuilder().setKind(LinkKind.INCIDENT).setUrl("http://127.0.0.1:8080/incidents/"
            + incident).setTitle("Incident").build()))
        .setFirstAlertAt(at.minus(Duration.ofSeconds(30)))
        .setAt(at)
        .build();
  }

  /** OPENED, CRITICAL, rooted at checkoutservice (team platform). */
  public static EscalationEvent opened(String incident, Instant at) {
    return event(incident, EscalationKind.OPENED, 1, Severity.CRITICAL, "checkoutservice",
        List.of("checkoutservice", "frontend"), at);
  }

  /** A human's command. */
  public static IncidentCommand command(String id, String incident, CommandKind kind, String actor, Instant at) {
    return IncidentCommand.newBuilder().setId(id).setIncidentId(incident).setKind(kind).setActor(actor).setVia("api")
        .setAt(at).build();
  }
}
