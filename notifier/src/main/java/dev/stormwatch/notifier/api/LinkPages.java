package dev.stormwatch.notifier.api;

import dev.stormwatch.notifier.api.AckLinks.Claim;
import java.util.Locale;

/**
 * The small, self-contained HTML pages of the one-click links: the confirmation a GET shows (a form
 * that POSTs to the same URL), the "done" page, and one-line refusals. No scripts, no external
 * resources.
 */
final class LinkPages {

  private static final String STYLE = "body{font-family:sans-serif;margin:3em auto;max-width:36em;line-height:1.5}"
      + "button{font-size:1.1em;padding:.5em 1.5em;cursor:pointer}code{background:#f3f3f3;padding:0 .2em}"
      + ".ack{background:#1565c0;color:#fff;border:0}.resolve{background:#2e7d32;color:#fff;border:0}";

  private LinkPages() {}

  /** The confirmation: names the incident, the action and who acts; the button POSTs. */
  static String confirm(Claim claim) {
    String verb = claim.action().verb();
    return page(verb + " " + claim.incidentId() + "?",
        "<h1>" + verb + " incident <code>" + escape(claim.incidentId()) + "</code>?</h1>"
            + "<p>You act as <strong>" + escape(claim.recipientId()) + "</strong>. This link works until "
            + escape(claim.expiresAt().toString()) + ".</p>"
            + "<form method=\"post\"><button type=\"submit\" class=\"" + claim.action().path() + "\">" + verb
            + "</button></form>");
  }

  /** After the command was written. */
  static String done(Claim claim, String commandId) {
    String past = claim.action() == AckLinks.Action.ACK ? "Acknowledged" : "Resolved";
    return page(past + " " + claim.incidentId(),
        "<h1>" + past + ": incident <code>" + escape(claim.incidentId()) + "</code></h1>"
            + "<p>Stormwatch recorded it as " + escape(claim.recipientId()) + " (command <code>" + escape(commandId)
            + "</code>). " + (claim.action() == AckLinks.Action.ACK ? "Escalation stops." : "Everyone paged is told.")
            + " Clicking again changes nothing.</p>");
  }

  /** A refusal or failure, one line. */
  static String line(String title, String line) {
    return page(title, "<h1>" + escape(title) + "</h1><p>" + escape(line) + "</p>");
  }

  private static String page(String title, String body) {
    return "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        + "<meta name=\"robots\" content=\"noindex, nofollow\"><title>Stormwatch: " + escape(title) + "</title>"
        + "<style>" + STYLE + "</style></head><body>" + body + "</body></html>\n";
  }

  static String escape(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '&' -> b.append("&amp;");
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }

  /** "acknowledge" or "resolve". */
  static String lowerVerb(AckLinks.Action action) {
    return action.verb().toLowerCase(Locale.ROOT);
  }
}
