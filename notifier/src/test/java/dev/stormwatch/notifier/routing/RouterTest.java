package dev.stormwatch.notifier.routing;

import static dev.stormwatch.notifier.testing.Fixtures.T0;
import static dev.stormwatch.notifier.testing.Fixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.EscalationKind;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.avro.Urgency;
import dev.stormwatch.notifier.oncall.ContactMethod;
import dev.stormwatch.notifier.oncall.OnCallConfig;
import dev.stormwatch.notifier.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Issue 6, item 2: owner team, routing rules (first match wins), default route, urgency. */
class RouterTest {

  private final OnCallConfig config = Fixtures.config();

  private RouteDecision route(EscalationEvent e) {
    return Router.route(config, e, Fixtures.topology());
  }

  private static EscalationEvent incident(Severity severity, String rootCause, String... services) {
    return event("inc-1", EscalationKind.OPENED, 1, severity, rootCause, List.of(services), T0);
  }

  @Test
  void theOwnerOfTheTopRootCauseServiceIsTheTeam() {
    RouteDecision d = route(incident(Severity.CRITICAL, "checkoutservice", "frontend", "checkoutservice"));
    assertThat(d.team()).contains("platform");
    assertThat(d.policy()).contains("platform");
    assertThat(d.urgency()).isEqualTo(Urgency.HIGH);
    assertThat(d.reason()).isEqualTo("owner of root cause checkoutservice is team platform; policy platform (team"
        + " platform's); severity CRITICAL is HIGH urgency");
  }

  @Test
  void withoutARootCauseOwnerTheFirstServiceOwnerIsTheTeam() {
    RouteDecision d = route(incident(Severity.HIGH, null, "cartservice", "paymentservice"));
    assertThat(d.team()).contains("platform");
    assertThat(d.reason()).startsWith("owner of first service cartservice is team platform");
    // the root cause has no owner: the first service's owner counts
    d = route(incident(Severity.HIGH, "frontend", "checkoutservice"));
    assertThat(d.reason()).startsWith("owner of first service checkoutservice is team platform");
  }

  @Test
  void theEventsOwnTeamIsUsedWhenTheTopologyKnowsNoOwner() {
    EscalationEvent e = incident(Severity.HIGH, "unknown-service", "unknown-service");
    e.setTeam("payments");
    RouteDecision d = route(e);
    assertThat(d.team()).contains("payments");
    assertThat(d.reason()).startsWith("the incident's team is team payments");
  }

  @Test
  void anOwnerThatIsNoConfiguredTeamFallsToTheDefaultRoute() {
    RouteDecision d = route(incident(Severity.HIGH, "redis-cart", "redis-cart"));
    assertThat(d.team()).contains("platform");
    assertThat(d.reason()).contains("owner of root cause redis-cart is web-team, not a configured team",
        "default route: team platform");
  }

  @Test
  void theFirstMatchingRuleOverrides() {
    // paymentservice is owned by payments anyway; checkout with a payment* service as root cause goes to payments too
    RouteDecision d = route(incident(Severity.HIGH, "paymentservice-v2", "paymentservice-v2"));
    assertThat(d.team()).contains("payments");
    assertThat(d.policy()).contains("payments");
    assertThat(d.reason()).contains("rule payments matched");
    // a rule with only a policy keeps the owner team
    EscalationEvent batch = incident(Severity.HIGH, "checkoutservice", "checkoutservice");
    batch.getLabels().put("job", "batch");
    d = route(batch);
    assertThat(d.team()).contains("platform");
    assertThat(d.policy()).contains("nights");
    assertThat(d.reason()).contains("rule night-batch matched", "policy nights (the rule's)");
  }

  @Test
  void warningAndInfoAreLowUrgencyForTheTeamsChat() {
    RouteDecision d = route(incident(Severity.WARNING, "checkoutservice", "checkoutservice"));
    assertThat(d.urgency()).isEqualTo(Urgency.LOW);
    assertThat(d.chat()).contains(new ContactMethod(ChannelType.SLACK, "platform-alerts"));
    assertThat(route(incident(Severity.INFO, "checkoutservice")).urgency()).isEqualTo(Urgency.LOW);
    assertThat(route(incident(Severity.UNKNOWN, "checkoutservice")).urgency()).isEqualTo(Urgency.HIGH);
    // payments has no chat contact: the default team's is used
    assertThat(route(incident(Severity.WARNING, "paymentservice")).chat())
        .contains(new ContactMethod(ChannelType.SLACK, "platform-alerts"));
  }
}
