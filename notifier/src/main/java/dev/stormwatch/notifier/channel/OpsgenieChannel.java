package dev.stormwatch.notifier.channel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
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
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * Opsgenie Alert API, authenticated with {@code Authorization: GenieKey <key>}.
 *
 * <ul>
 *   <li>TRIGGER: {@code POST <base>/v2/alerts} with {@code message} (≤ 130 characters),
 *       {@code alias} = the incident id (its SHA-256 hex when longer than 512), {@code description},
 *       {@code tags}, {@code details} (strings), {@code entity}, {@code source}, {@code priority}
 *       and {@code note}. Opsgenie keeps one open alert per alias, so a re-sent create only adds
 *       to the existing alert's count.</li>
 *   <li>ACKNOWLEDGE: {@code POST <base>/v2/alerts/{alias}/acknowledge?identifierType=alias}</li>
 *   <li>RESOLVE: {@code POST <base>/v2/alerts/{alias}/close?identifierType=alias}</li>
 * </ul>
 * Ack and close carry {@code {user, source, note}}. Priority: CRITICAL P1, HIGH P2, WARNING P3,
 * INFO P5, UNKNOWN P3. Opsgenie answers 202 (processed asynchronously); its {@code requestId}
 * is the provider reference. 429 and 5xx are retried, other 4xx (400 bad JSON, 401 bad key,
 * 422 semantic error...) are permanent.
 */
public final class OpsgenieChannel implements Channel {

  /** Opsgenie's longest {@code message}. */
  static final int MAX_MESSAGE = 130;
  /** Opsgenie's longest {@code alias}. */
  static final int MAX_ALIAS = 512;
  /** Opsgenie's longest {@code description}. */
  static final int MAX_DESCRIPTION = 15_000;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final OpsgenieSettings settings;
  private final HttpDelivery http;

  OpsgenieChannel(OpsgenieSettings settings, HttpDelivery http) {
    this.settings = settings;
    this.http = http;
  }

  @Override
  public ChannelType type() {
    return ChannelType.OPSGENIE;
  }

  @Override
  public boolean providerDedups() {
    return true;
  }

  @Override
  public SendResult send(PageRequest page, String address, SendContext context) {
    Secret key = settings.apiKeys().get(address);
    if (key == null) {
      return SendResult.Failed.badConfig("no Opsgenie API key named '" + address + "' is configured");
    }
    String alias = alias(page.getIncidentId());
    String path = switch (page.getAction()) {
      case TRIGGER -> "/v2/alerts";
      case ACKNOWLEDGE -> "/v2/alerts/" + encodePathSegment(alias) + "/acknowledge?identifierType=alias";
      case RESOLVE -> "/v2/alerts/" + encodePathSegment(alias) + "/close?identifierType=alias";
      default -> null;
    };
    if (path == null) {
      return SendResult.Failed.badConfig("page action " + page.getAction() + " has no Opsgenie request");
    }
    ObjectNode body = page.getAction() == PageAction.TRIGGER ? createAlert(page) : action(page);
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    URI uri = PagerDutyChannel.endpoint(settings.baseUrl(), path);
    return http.postJson(uri, Map.of("Authorization", "GenieKey " + key.value()), bytes, context.now(),
        OpsgenieChannel::requestIdOf);
  }

  /** The create-alert body for a TRIGGER page. */
  public static ObjectNode createAlert(PageRequest page) {
    ObjectNode root = JSON.createObjectNode();
    root.put("message", truncate(page.getTitle(), MAX_MESSAGE));
    root.put("alias", alias(page.getIncidentId()));
    root.put("description", truncate(page.getBody().isBlank() ? page.getTitle() : page.getBody(),
        MAX_DESCRIPTION));
    ArrayNode tags = root.putArray("tags");
    tags.add("stormwatch");
    tags.add("severity:" + PageJson.lower(page.getSeverity().name()));
    if (page.getTeam() != null) {
      tags.add("team:" + page.getTeam());
    }
    ObjectNode details = root.putObject("details");
    details.put("incidentId", page.getIncidentId());
    details.put("pageDedupKey", page.getDedupKey());
    details.put("level", Integer.toString(page.getLevel() + 1));
    details.put("repeat", Integer.toString(page.getRepeat()));
    details.put("recipient", page.getRecipient().getId());
    details.put("severity", page.getSeverity().name());
    if (page.getTeam() != null) {
      details.put("team", page.getTeam());
    }
    if (page.getPolicy() != null) {
      details.put("policy", page.getPolicy());
    }
    for (Link link : page.getLinks()) {
      String key = "link:" + linkName(link);
      for (int n = 2; details.has(key); n++) {
        key = "link:" + linkName(link) + "-" + n;
      }
      details.put(key, link.getUrl());
    }
    if (page.getRootCause() != null) {
      root.put("entity", page.getRootCause());
    }
    root.put("source", "Stormwatch");
    root.put("priority", priority(page.getSeverity()));
    root.put("note", "Paged by Stormwatch (escalation level " + (page.getLevel() + 1) + ")");
    return root;
  }

  /**
   * A link's name in {@code details}: its kind ({@code incident}, {@code runbook}...), or, for kind
   * OTHER with a title, the title as a slug ({@code acknowledge}, {@code resolve}), so several links
   * never overwrite each other (a repeated name gets {@code -2}, {@code -3}...).
   */
  static String linkName(Link link) {
    if (link.getKind() == LinkKind.OTHER && link.getTitle() != null) {
      String slug = link.getTitle().toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
          .replaceAll("^-+|-+$", "");
      if (!slug.isEmpty()) {
        return slug.length() <= 60 ? slug : slug.substring(0, 60);
      }
    }
    return PageJson.lower(link.getKind().name());
  }

  /** The acknowledge/close body. */
  static ObjectNode action(PageRequest page) {
    ObjectNode root = JSON.createObjectNode();
    root.put("user", "Stormwatch");
    root.put("source", "Stormwatch");
    root.put("note", (page.getAction() == PageAction.RESOLVE ? "Resolved" : "Acknowledged") + " in Stormwatch");
    return root;
  }

  /** Opsgenie's priority for a severity. */
  public static String priority(Severity severity) {
    return switch (severity) {
      case CRITICAL -> "P1";
      case HIGH -> "P2";
      case INFO -> "P5";
      default -> "P3";
    };
  }

  /** The incident id, or its SHA-256 hex when too long for an alias. */
  static String alias(String incidentId) {
    if (incidentId.length() <= MAX_ALIAS) {
      return incidentId;
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(incidentId.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }

  private static String encodePathSegment(String segment) {
    return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String requestIdOf(HttpResponse<String> response) {
    try {
      JsonNode node = JSON.readTree(response.body());
      return node.path("requestId").isTextual() ? node.get("requestId").asText() : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
