package dev.stormwatch.notifier.api;

import dev.stormwatch.avro.Link;
import dev.stormwatch.avro.PageAction;
import dev.stormwatch.avro.PageRequest;
import dev.stormwatch.notifier.api.AckLinks.Action;
import dev.stormwatch.notifier.dispatch.PageDecorator;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The dispatcher's hook that puts signed ack and resolve links on every TRIGGER page, first in its
 * link list (so Slack's five buttons show them), before the channels render it:
 * "Acknowledge" and "Resolve" ({@code Link} kind {@code OTHER}; the URL path {@code /ack/} or
 * {@code /resolve/} tells them apart). A bundled message (several incidents for one person, dedup
 * key {@code bundle:...}) gets a pair per listed incident, titled with the incident id, at most
 * {@value #MAX_INCIDENTS} pairs. Acknowledge and resolve notifications get none.
 *
 * <p>The token's actor is the page's recipient id, its expiry the page's {@code requestedAt} plus
 * the TTL, so the same page always gets the same links (a resend after a crash renders alike).
 */
public final class LinkDecorator implements PageDecorator {

  /** The most incidents of a bundled message that get links. */
  public static final int MAX_INCIDENTS = 10;

  /** The incident id on a line of a bundled message's body (see {@code Bundler}): "(id, level n". */
  private static final Pattern BUNDLED = Pattern.compile("^- \\[[A-Z_]+] .*\\((\\S+), level \\d+[,)]");

  private final AckLinks links;

  /** Decorates with links signed by {@code links}. */
  public LinkDecorator(AckLinks links) {
    this.links = Objects.requireNonNull(links, "links");
  }

  @Override
  public PageRequest decorate(PageRequest page) {
    if (page.getAction() != PageAction.TRIGGER) {
      return page;
    }
    String recipient = page.getRecipient().getId();
    boolean bundle = page.getDedupKey().startsWith("bundle:");
    List<String> incidents = bundle ? bundledIncidents(page) : List.of(page.getIncidentId());
    List<Link> out = new ArrayList<>();
    for (String incident : incidents) {
      for (Action action : Action.values()) {
        AckLinks.Claim claim;
        try {
          claim = links.claim(incident, action, recipient, page.getRequestedAt());
        } catch (IllegalArgumentException e) {
          return page; // an id a token cannot carry: no links rather than a broken one
        }
        out.add(links.link(claim, bundle ? action.verb() + " " + incident : action.verb()));
      }
    }
    out.addAll(page.getLinks());
    return PageRequest.newBuilder(page).setLinks(out).build();
  }

  /** The incidents a bundled message lists, its own incident first, at most {@value #MAX_INCIDENTS}. */
  static List<String> bundledIncidents(PageRequest page) {
    Set<String> ids = new LinkedHashSet<>();
    ids.add(page.getIncidentId());
    for (String line : page.getBody().split("\n")) {
      Matcher m = BUNDLED.matcher(line);
      if (m.find() && ids.size() < MAX_INCIDENTS) {
        ids.add(m.group(1));
      }
    }
    return List.copyOf(ids);
  }
}
