package dev.stormwatch.notifier.channel;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * One page in the {@link PagerInbox}.
 *
 * @param dedupKey      the page's dedup key
 * @param incidentId    the incident
 * @param action        trigger, acknowledge or resolve
 * @param inbox         the inbox (the recipient's address)
 * @param recipientId   the recipient's id
 * @param recipientName the recipient's display name, or null
 * @param severity      critical, high, warning, info or unknown
 * @param urgency       high or low
 * @param title         the title
 * @param body          the body
 * @param team          the team, or null
 * @param rootCause     the top root-cause service, or null
 * @param links         the links
 * @param requestedAt   when the notifier decided to page, or null when the record had none
 * @param deliveredAt   when it reached the inbox (the record's timestamp)
 * @param copies        how many copies with this dedup key arrived (more than 1 after a resend)
 */
public record InboxPage(String dedupKey, String incidentId, String action, String inbox, String recipientId,
                        String recipientName, String severity, String urgency, String title, String body, String team,
                        String rootCause, List<InboxLink> links, Instant requestedAt, Instant deliveredAt,
                        int copies) {

  public InboxPage {
    links = List.copyOf(links);
  }

  /**
   * A link on a page.
   *
   * @param kind  incident, runbook, dashboard...
   * @param url   the URL
   * @param title its label, or null
   */
  public record InboxLink(String kind, String url, String title) {
  }

  /** Reads a {@link PageJson} document; throws IllegalArgumentException when it is not one. */
  static InboxPage fromJson(JsonNode node, Instant deliveredAt) {
    if (!node.isObject() || !node.path("dedupKey").isTextual() || !node.path("incidentId").isTextual()) {
      throw new IllegalArgumentException("not a Stormwatch page document (no dedupKey/incidentId)");
    }
    List<InboxLink> links = new ArrayList<>();
    for (JsonNode link : node.path("links")) {
      if (link.path("url").isTextual()) {
        links.add(new InboxLink(text(link, "kind"), link.get("url").asText(), text(link, "title")));
      }
    }
    JsonNode recipient = node.path("recipient");
    Instant requestedAt;
    try {
      requestedAt = node.path("requestedAt").isTextual() ? Instant.parse(node.get("requestedAt").asText()) : null;
    } catch (DateTimeParseException e) {
      requestedAt = null;
    }
    return new InboxPage(node.get("dedupKey").asText(), node.get("incidentId").asText(), text(node, "action"),
        text(recipient, "address"), text(recipient, "id"), text(recipient, "name"), text(node, "severity"),
        text(node, "urgency"), text(node, "title"), text(node, "body"), text(node, "team"), text(node, "rootCause"),
        links, requestedAt, deliveredAt, 1);
  }

  InboxPage withAnotherCopy() {
    return new InboxPage(dedupKey, incidentId, action, inbox, recipientId, recipientName, severity, urgency, title,
        body, team, rootCause, links, requestedAt, deliveredAt, copies + 1);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isTextual() ? value.asText() : null;
  }
}
