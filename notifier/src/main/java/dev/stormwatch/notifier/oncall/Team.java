package dev.stormwatch.notifier.oncall;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A team: it owns services ({@code ServiceNode.owner} names it), has an escalation policy for
 * HIGH-urgency pages and a chat contact for LOW-urgency notifications.
 *
 * @param id      unique team id
 * @param name    display name
 * @param members person ids; a TEAM target of a policy pages every member
 * @param policy  id of its escalation policy, if any
 * @param chat    where LOW-urgency notifications go, if anywhere
 */
public record Team(String id, String name, List<String> members, Optional<String> policy,
                   Optional<ContactMethod> chat) {

  /** Validates and copies. */
  public Team {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    members = List.copyOf(members);
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(chat, "chat");
  }
}
