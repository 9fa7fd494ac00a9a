package dev.stormwatch.notifier.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stormwatch.avro.Link;
import dev.stormwatch.avro.PageAction;
import dev.stormwatch.avro.PageRequest;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Locale;

/**
 * Stormwatch's own JSON form of a page: the body of the generic webhook and the value of the
 * pager inbox topic. Deterministic: the same page always gives the same bytes, so a re-sent page
 * is byte-identical to the first copy (and its signature differs only by the timestamp).
 *
 * <pre>{@code
 * {
 *   "version": 1,
 *   "type": "page.trigger",              // page.trigger | page.acknowledge | page.resolve
 *   "dedupKey": "inc-42/0/0/alice",      // also the Idempotency-Key header
 *   "incidentId": "inc-42",
 *   "action": "trigger",                 // trigger | acknowledge | resolve
 *   "level": 0, "repeat": 0,
 *   "urgency": "high",                   // high | low
 *   "severity": "critical",              // critical | high | warning | info | unknown
 *   "title": "checkout: error rate 12%",
 *   "body": "Root cause: checkout ...",
 *   "rootCause": "checkout",             // or null
 *   "team": "payments",                  // or null
 *   "policy": "payments-default",        // or null
 *   "recipient": {"id": "alice", "name": "Alice", "channel": "webhook", "address": "ops-hook",
 *                 "timeZone": "Europe/Berlin"},
 *   "links": [{"kind": "incident", "url": "https://...", "title": "Incident"}],
 *   "requestedAt": "2026-03-01T12:00:00Z"
 * }
 * }</pre>
 */
public final class PageJson {

  /** The format version in {@code "version"}; bumped only for an incompatible change. */
  public static final int VERSION = 1;

  private static final ObjectMapper JSON = new ObjectMapper();

  private PageJson() {
  }

  /** The page as a JSON tree. */
  public static ObjectNode tree(PageRequest page) {
    ObjectNode root = JSON.createObjectNode();
    root.put("version", VERSION);
    root.put("type", "page." + action(page.getAction()));
    root.put("dedupKey", page.getDedupKey());
    root.put("incidentId", page.getIncidentId());
    root.put("action", action(page.getAction()));
    root.put("level", page.getLevel());
    root.put("repeat", page.getRepeat());
    root.put("urgency", lower(page.getUrgency().name()));
    root.put("severity", lower(page.getSeverity().name()));
    root.put("title", page.getTitle());
    root.put("body", page.getBody());
    root.put("rootCause", page.getRootCause());
    root.put("team", page.getTeam());
    root.put("policy", page.getPolicy());
    ObjectNode recipient = root.putObject("recipient");
    recipient.put("id", page.getRecipient().getId());
    recipient.put("name", page.getRecipient().getName());
    recipient.put("channel", lower(page.getRecipient().getChannel().name()));
    recipient.put("address", page.getRecipient().getAddress());
    recipient.put("timeZone", page.getRecipient().getTimeZone());
    ArrayNode links = root.putArray("links");
    for (Link link : page.getLinks()) {
      ObjectNode l = links.addObject();
      l.put("kind", lower(link.getKind().name()));
      l.put("url", link.getUrl());
      l.put("title", link.getTitle());
    }
    root.put("requestedAt", page.getRequestedAt().toString());
    return root;
  }

  /** The page as UTF-8 JSON bytes. */
  public static byte[] bytes(PageRequest page) {
    try {
      return JSON.writeValueAsBytes(tree(page));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** {@code trigger}, {@code acknowledge} or {@code resolve} ({@code unknown} for UNKNOWN). */
  public static String action(PageAction action) {
    return lower(action.name());
  }

  static String lower(String s) {
    return s.toLowerCase(Locale.ROOT);
  }

  static String iso(Instant instant) {
    return instant.toString();
  }
}
