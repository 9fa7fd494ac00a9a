package dev.stormwatch.notifier.routing;

import dev.stormwatch.avro.EscalationEvent;
import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.avro.Urgency;
import dev.stormwatch.notifier.oncall.ContactMethod;
import dev.stormwatch.notifier.oncall.OnCallConfig;
import dev.stormwatch.notifier.oncall.Routing;
import dev.stormwatch.notifier.oncall.Team;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Routes an escalation to a team, an escalation policy and an urgency: a pure function of the
 * event, the on-call configuration and the service topology.
 *
 * <ol>
 *   <li><b>Owner.</b> The {@code owner} of the incident's top root-cause service in the topology, else
 *       of its first service, else the event's own {@code team} (the correlator's view of the same).
 *       An owner that is not a configured team does not count.</li>
 *   <li><b>Rules.</b> The first routing rule whose matchers all match overrides: matchers see the
 *       incident's labels plus {@code severity}, {@code service} (the root-cause service, else the
 *       first service) and {@code team} (the owner, or empty). A rule's team replaces the owner; its
 *       policy replaces the team's.</li>
 *   <li><b>Default route.</b> No rule and no configured owner: the default team.</li>
 *   <li><b>Policy.</b> The rule's, else the team's, else the default policy.</li>
 *   <li><b>Urgency</b> from the severity ({@link Routing#urgencyOf}); LOW goes to the team's chat
 *       contact (else the default team's).</li>
 * </ol>
 */
public final class Router {

  private Router() {}

  /**
   * Routes {@code event}.
   *
   * @param services the topology: a service's node by name, if known
   */
  public static RouteDecision route(OnCallConfig config, EscalationEvent event,
                                    Function<String, Optional<ServiceNode>> services) {
    Routing routing = config.routing();
    String service = event.getRootCause() != null ? event.getRootCause()
        : event.getServices().isEmpty() ? null : event.getServices().get(0);
    StringBuilder reason = new StringBuilder();
    Optional<String> owner = owner(config, event, services, reason);

    Map<String, String> labels = new HashMap<>(event.getLabels());
    labels.put("severity", event.getSeverity().name());
    labels.put("service", service == null ? "" : service);
    labels.put("team", owner.orElse(""));

    Optional<String> team = owner;
    Optional<String> policy = Optional.empty();
    Optional<Routing.Rule> rule = routing.rules().stream().filter(r -> r.matches(labels)).findFirst();
    if (rule.isPresent()) {
      reason.append("; rule ").append(rule.get().label()).append(" matched");
      if (rule.get().team().isPresent()) {
        team = rule.get().team().filter(t -> config.team(t).isPresent());
        if (team.isEmpty()) {
          reason.append(" but its team ").append(rule.get().team().get()).append(" is not configured");
        }
      }
      policy = rule.get().policy().filter(p -> config.policy(p).isPresent());
      rule.get().policy().filter(p -> config.policy(p).isEmpty()).ifPresent(p ->
          reason.append("; its policy ").append(p).append(" is not configured"));
    }
    if (team.isEmpty()) {
      team = routing.defaultTeam().filter(t -> config.team(t).isPresent());
      reason.append(team.isPresent() ? "; default route: team " + team.get() : "; no team (no default route)");
    }
    Optional<Team> teamConfig = team.flatMap(config::team);
    if (policy.isEmpty()) {
      Optional<String> teams = teamConfig.flatMap(Team::policy).filter(p -> config.policy(p).isPresent());
      if (teams.isPresent()) {
        policy = teams;
        reason.append("; policy ").append(policy.get()).append(" (team ").append(team.get()).append("'s)");
      } else {
        policy = routing.defaultPolicy().filter(p -> config.policy(p).isPresent());
        reason.append(policy.isPresent() ? "; default policy " + policy.get() : "; no escalation policy");
      }
    } else {
      reason.append("; policy ").append(policy.get()).append(" (the rule's)");
    }
    Severity severity = event.getSeverity();
    Urgency urgency = routing.urgencyOf(severity);
    reason.append("; severity ").append(severity).append(" is ").append(urgency).append(" urgency");
    Optional<ContactMethod> chat = teamConfig.flatMap(Team::chat)
        .or(() -> routing.defaultTeam().flatMap(config::team).flatMap(Team::chat));
    return new RouteDecision(team, policy, urgency, chat, reason.toString());
  }

  private static Optional<String> owner(OnCallConfig config, EscalationEvent event,
                                        Function<String, Optional<ServiceNode>> services, StringBuilder reason) {
    if (event.getRootCause() != null) {
      Optional<String> owner = services.apply(event.getRootCause()).map(ServiceNode::getOwner);
      if (owner.isPresent()) {
        return configured(config, owner.get(), "owner of root cause " + event.getRootCause(), reason);
      }
    }
    if (!event.getServices().isEmpty()) {
      String first = event.getServices().get(0);
      Optional<String> owner = services.apply(first).map(ServiceNode::getOwner);
      if (owner.isPresent()) {
        return configured(config, owner.get(), "owner of first service " + first, reason);
      }
    }
    if (event.getTeam() != null && !event.getTeam().isBlank()) {
      return configured(config, event.getTeam(), "the incident's team", reason);
    }
    reason.append("no owner in the topology");
    return Optional.empty();
  }

  private static Optional<String> configured(OnCallConfig config, String team, String what, StringBuilder reason) {
    if (config.team(team).isPresent()) {
      reason.append(what).append(" is team ").append(team);
      return Optional.of(team);
    }
    reason.append(what).append(" is ").append(team).append(", not a configured team");
    return Optional.empty();
  }
}
