package dev.stormwatch.notifier.routing;

import dev.stormwatch.avro.Urgency;
import dev.stormwatch.notifier.oncall.ContactMethod;
import java.util.Objects;
import java.util.Optional;

/**
 * Where an incident's pages go, and why.
 *
 * @param team    the configured team routed to, if any
 * @param policy  the configured escalation policy for HIGH urgency, if any
 * @param urgency HIGH runs the policy; LOW notifies the chat contact only
 * @param chat    the chat contact for LOW urgency (the team's, else the default team's), if any
 * @param reason  how the route was chosen, one line
 */
public record RouteDecision(Optional<String> team, Optional<String> policy, Urgency urgency,
                            Optional<ContactMethod> chat, String reason) {

  /** Validates. */
  public RouteDecision {
    Objects.requireNonNull(team, "team");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(urgency, "urgency");
    Objects.requireNonNull(chat, "chat");
    Objects.requireNonNull(reason, "reason");
  }
}
