package dev.stormwatch.notifier.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.avro.Link;
import dev.stormwatch.avro.LinkKind;
import dev.stormwatch.avro.PageAction;
import dev.stormwatch.avro.PageRequest;
import dev.stormwatch.avro.Severity;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Slack incoming webhooks: a Block Kit message with a plain {@code text} fallback (shown in
 * notifications and by clients without blocks). Slack answers {@code 200 ok}; 429 carries
 * {@code Retry-After}; 4xx bodies are plain-text error codes ({@code invalid_payload},
 * {@code channel_not_found}, {@code channel_is_archived}...) and permanent. Slack does not
 * dedup, so {@link #providerDedups()} is false.
 *
 * <pre>{@code
 * {"text": ":red_circle: CRITICAL: checkout error rate 12% (incident inc-42)",
 *  "blocks": [
 *    {"type": "section", "text": {"type": "mrkdwn", "text": "*:red_circle: CRITICAL: checkout error rate 12%*\n..."},
 *     "accessory": {"type": "button", "text": {"type": "plain_text", "text": "Open incident", "emoji": true},
 *                   "url": "https://...", "action_id": "stormwatch-open-incident"}},
 *    {"type": "context", "elements": [{"type": "mrkdwn", "text": "Incident `inc-42` · team *payments* · level 1"}]},
 *    {"type": "actions", "elements": [{"type": "button", "text": {...}, "url": "...", "action_id": "stormwatch-link-1"}]}
 *  ]}
 * }</pre>
 */
public final class SlackChannel implements Channel {

  /** Block Kit limit of a section's text. */
  static final int MAX_SECTION_TEXT = 3_000;
  /** Block Kit limit of a button's text. */
  static final int MAX_BUTTON_TEXT = 75;
  /** Block Kit limit of a button's URL. */
  static final int MAX_URL = 3_000;
  /** Link buttons in the actions block. */
  static final int MAX_LINK_BUTTONS = 5;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, SlackTarget> targets;
  private final HttpDelivery http;

  SlackChannel(Map<String, SlackTarget> targets, HttpDelivery http) {
    this.targets = Map.copyOf(targets);
    this.http = http;
  }

  @Override
  public ChannelType type() {
    return ChannelType.SLACK;
  }

  @Override
  public boolean providerDedups() {
    return false;
  }

  @Override
  public SendResult send(PageRequest page, String address, SendContext context) {
    SlackTarget target = targets.get(address);
    if (target == null) {
      return SendResult.Failed.badConfig("no Slack webhook named '" + address + "' is configured");
    }
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(message(page, context.possibleDuplicate()));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    return http.postJson(target.url(), Map.of(), body, context.now(), response -> null);
  }

  /** The message body for {@code page}. */
  public static ObjectNode message(PageRequest page, boolean possibleDuplicate) {
    ObjectNode root = JSON.createObjectNode();
    String headline = headline(page);
    root.put("text", escape(headline + " (incident " + page.getIncidentId() + ")"));
    ArrayNode blocks = root.putArray("blocks");

    StringBuilder text = new StringBuilder("*").append(escape(headline)).append("*");
    if (!page.getBody().isBlank()) {
      text.append('\n').append(escape(page.getBody()));
    }
    ObjectNode section = blocks.addObject();
    section.put("type", "section");
    ObjectNode sectionText = section.putObject("text");
    sectionText.put("type", "mrkdwn");
    sectionText.put("text", truncate(text.toString(), MAX_SECTION_TEXT));

    List<Link> links = new ArrayList<>(page.getLinks());
    Link incident = links.stream().filter(l -> l.getKind() == LinkKind.INCIDENT).findFirst().orElse(null);
    if (incident != null && incident.getUrl().length() <= MAX_URL) {
      section.set("accessory", button("Open incident", incident.getUrl(), "stormwatch-open-incident"));
      links.remove(incident);
    }

    ObjectNode context = blocks.addObject();
    context.put("type", "context");
    ArrayNode elements = context.putArray("elements");
    elements.addObject().put("type", "mrkdwn").put("text", facts(page));
    if (possibleDuplicate) {
      elements.addObject().put("type", "mrkdwn")
          .put("text", "_This may repeat an earlier message: the dispatcher restarted while sending it._");
    }

    List<Link> buttons = links.stream().filter(l -> l.getUrl().length() <= MAX_URL).limit(MAX_LINK_BUTTONS).toList();
    if (!buttons.isEmpty()) {
      ObjectNode actions = blocks.addObject();
      actions.put("type", "actions");
      ArrayNode actionElements = actions.putArray("elements");
      int i = 1;
      for (Link link : buttons) {
        String label = link.getTitle() != null && !link.getTitle().isBlank() ? link.getTitle() : label(link.getKind());
        actionElements.add(button(label, link.getUrl(), "stormwatch-link-" + i++));
      }
    }
    return root;
  }

  private static ObjectNode button(String label, String url, String actionId) {
    ObjectNode button = JSON.createObjectNode();
    button.put("type", "button");
    ObjectNode text = button.putObject("text");
    text.put("type", "plain_text");
    text.put("text", truncate(label, MAX_BUTTON_TEXT));
    text.put("emoji", true);
    button.put("url", url);
    button.put("action_id", actionId);
    return button;
  }

  private static String headline(PageRequest page) {
    if (page.getAction() == PageAction.RESOLVE) {
      return ":white_check_mark: Resolved: " + page.getTitle();
    }
    if (page.getAction() == PageAction.ACKNOWLEDGE) {
      return ":eyes: Acknowledged: " + page.getTitle();
    }
    return emoji(page.getSeverity()) + " " + page.getSeverity().name() + ": " + page.getTitle();
  }

  private static String facts(PageRequest page) {
    StringBuilder facts = new StringBuilder("Incident `").append(escape(page.getIncidentId())).append('`');
    if (page.getTeam() != null) {
      facts.append(" · team *").append(escape(page.getTeam())).append('*');
    }
    if (page.getRootCause() != null) {
      facts.append(" · root cause *").append(escape(page.getRootCause())).append('*');
    }
    facts.append(" · level ").append(page.getLevel() + 1);
    if (page.getRepeat() > 0) {
      facts.append(" (repeat ").append(page.getRepeat()).append(')');
    }
    return facts.toString();
  }

  private static String emoji(Severity severity) {
    return switch (severity) {
      case CRITICAL -> ":red_circle:";
      case HIGH -> ":large_orange_circle:";
      case WARNING -> ":large_yellow_circle:";
      case INFO -> ":large_blue_circle:";
      default -> ":white_circle:";
    };
  }

  private static String label(LinkKind kind) {
    String name = kind.name().toLowerCase(Locale.ROOT);
    return Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }

  /** Slack's mrkdwn control characters: &amp;, &lt; and &gt; must be escaped. */
  static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  private static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
