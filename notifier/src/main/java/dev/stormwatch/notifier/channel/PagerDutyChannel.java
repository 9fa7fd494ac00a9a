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
import dev.stormwatch.avro.Urgency;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * PagerDuty Events API v2 ({@code POST <base>/v2/enqueue}). A TRIGGER page sends
 * {@code event_action: trigger} with {@code payload{summary, timestamp, source, severity,
 * component, group, class, custom_details}}, {@code client}, {@code client_url} and
 * {@code links}; ACKNOWLEDGE and RESOLVE send just {@code routing_key}, {@code dedup_key} and
 * {@code event_action}. {@code dedup_key} is the incident id (its SHA-256 hex when longer than
 * PagerDuty's 255 characters), so every page of one incident to one PagerDuty service is one
 * PagerDuty incident, a re-sent trigger is merged into it, and ack/resolve reach it.
 *
 * <p>Severity: CRITICAL → critical, HIGH → error, WARNING → warning, INFO → info, UNKNOWN →
 * error for a HIGH-urgency page, else warning. 202 (any 2xx) is success and its
 * {@code dedup_key} the provider reference; 400 is permanent; 429 and 5xx are retried.
 */
public final class PagerDutyChannel implements Channel {

  /** PagerDuty's longest {@code payload.summary}. */
  static final int MAX_SUMMARY = 1_024;
  /** PagerDuty's longest {@code dedup_key}. */
  static final int MAX_DEDUP_KEY = 255;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final PagerDutySettings settings;
  private final HttpDelivery http;

  PagerDutyChannel(PagerDutySettings settings, HttpDelivery http) {
    this.settings = settings;
    this.http = http;
  }

  @Override
  public ChannelType type() {
    return ChannelType.PAGERDUTY;
  }

  @Override
  public boolean providerDedups() {
    return true;
  }

  @Override
  public SendResult send(PageRequest page, String address, SendContext context) {
    Secret routingKey = settings.routingKeys().get(address);
    if (routingKey == null) {
      return SendResult.Failed.badConfig("no PagerDuty routing key named '" + address + "' is configured");
    }
    if (page.getAction() == PageAction.UNKNOWN) {
      return SendResult.Failed.badConfig("page action UNKNOWN has no PagerDuty event action");
    }
    byte[] body;
    try {
      body = JSON.writeValueAsBytes(event(page, routingKey.value()));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    return http.postJson(endpoint(settings.baseUrl(), "/v2/enqueue"), Map.of(), body, context.now(),
        PagerDutyChannel::dedupKeyOf);
  }

  /** The Events API v2 body for {@code page}. */
  public static ObjectNode event(PageRequest page, String routingKey) {
    ObjectNode root = JSON.createObjectNode();
    root.put("routing_key", routingKey);
    root.put("dedup_key", dedupKey(page.getIncidentId()));
    root.put("event_action", PageJson.action(page.getAction()));
    if (page.getAction() != PageAction.TRIGGER) {
      return root;
    }
    ObjectNode payload = root.putObject("payload");
    payload.put("summary", truncate(page.getTitle(), MAX_SUMMARY));
    payload.put("timestamp", PageJson.iso(page.getRequestedAt()));
    payload.put("source", source(page));
    payload.put("severity", severity(page.getSeverity(), page.getUrgency()));
    if (page.getRootCause() != null) {
      payload.put("component", page.getRootCause());
    }
    if (page.getTeam() != null) {
      payload.put("group", page.getTeam());
    }
    payload.put("class", "incident");
    ObjectNode details = payload.putObject("custom_details");
    details.put("incident_id", page.getIncidentId());
    details.put("page_dedup_key", page.getDedupKey());
    details.put("level", page.getLevel() + 1);
    details.put("repeat", page.getRepeat());
    details.put("recipient", page.getRecipient().getId());
    if (page.getPolicy() != null) {
      details.put("policy", page.getPolicy());
    }
    if (!page.getBody().isBlank()) {
      details.put("details", page.getBody());
    }
    root.put("client", "Stormwatch");
    page.getLinks().stream().filter(l -> l.getKind() == LinkKind.INCIDENT).findFirst()
        .ifPresent(l -> root.put("client_url", l.getUrl()));
    ArrayNode links = root.putArray("links");
    for (Link link : page.getLinks()) {
      ObjectNode l = links.addObject();
      l.put("href", link.getUrl());
      l.put("text", link.getTitle() != null ? link.getTitle() : PageJson.lower(link.getKind().name()));
    }
    return root;
  }

  /** PagerDuty's severity for a page. */
  public static String severity(Severity severity, Urgency urgency) {
    return switch (severity) {
      case CRITICAL -> "critical";
      case HIGH -> "error";
      case WARNING -> "warning";
      case INFO -> "info";
      default -> urgency == Urgency.HIGH ? "error" : "warning";
    };
  }

  /** The incident id, or its SHA-256 hex when too long for PagerDuty. */
  static String dedupKey(String incidentId) {
    if (incidentId.length() <= MAX_DEDUP_KEY) {
      return incidentId;
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
          .digest(incidentId.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JRE", e);
    }
  }

  private static String source(PageRequest page) {
    if (page.getRootCause() != null) {
      return page.getRootCause();
    }
    return page.getTeam() != null ? page.getTeam() : "stormwatch";
  }

  private static String dedupKeyOf(HttpResponse<String> response) {
    try {
      JsonNode node = JSON.readTree(response.body());
      return node.path("dedup_key").isTextual() ? node.get("dedup_key").asText() : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  static URI endpoint(URI base, String path) {
    String b = base.toString();
    return URI.create((b.endsWith("/") ? b.substring(0, b.length() - 1) : b) + path);
  }

  private static String truncate(String text, int max) {
    return text.length() <= max ? text : text.substring(0, max - 1) + "…";
  }
}
