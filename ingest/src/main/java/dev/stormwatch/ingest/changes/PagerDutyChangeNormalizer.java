package dev.stormwatch.ingest.changes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stormwatch.avro.ChangeEvent;
import dev.stormwatch.avro.ChangeKind;
import dev.stormwatch.avro.Link;
import dev.stormwatch.ingest.normalize.NormalizeConfig;
import dev.stormwatch.ingest.normalize.ServiceResolver;
import dev.stormwatch.ingest.normalize.support.JsonBody;
import dev.stormwatch.ingest.normalize.support.JsonFields;
import dev.stormwatch.ingest.normalize.support.PayloadException;
import dev.stormwatch.ingest.normalize.support.Rfc3339;
import dev.stormwatch.ingest.raw.RawRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Normalizes PagerDuty Change Events API v2 bodies ({@code POST /v2/change/enqueue}):
 * {@code routing_key}, {@code payload.summary} (both required, as PagerDuty requires them),
 * {@code payload.timestamp}, {@code payload.source}, {@code payload.custom_details},
 * {@code links[]} ({@code images} are ignored). One body is one change.
 *
 * <ul>
 *   <li><b>service</b>: {@code custom_details.service}; else the service the routing key is mapped
 *       to ({@code normalize.pagerduty.routing-keys}: in PagerDuty a routing key is an
 *       integration of one service); else {@code payload.source}; else the record is rejected.
 *       The name goes through {@code normalize.service.aliases}.</li>
 *   <li><b>kind</b>: {@code custom_details.kind} when it names a kind, else OTHER.</li>
 *   <li><b>version</b>: {@code custom_details} {@code version}, {@code revision} or {@code commit};
 *       <b>author</b>: {@code author}, {@code user} or {@code actor}; <b>environment</b>: the
 *       environment keys ({@code normalize.environment.keys}) of {@code custom_details}.</li>
 *   <li><b>labels</b>: {@code custom_details} flattened to dotted keys (arrays as JSON text), and
 *       {@value #SOURCE_LABEL} = {@code payload.source}. The routing key is not kept.</li>
 *   <li><b>time</b>: {@code payload.timestamp}, RFC 3339 or PagerDuty's documented
 *       {@code 2015-07-17T08:42:58.315+0000}; absent → the receive time; unreadable → the
 *       receive time, and the label {@value #UNPARSED_TIMESTAMP} keeps the text.</li>
 *   <li><b>links</b>: {@code links[].href} (http(s) only; others are skipped) with {@code text} as title.</li>
 *   <li><b>id</b>: derived from the content ({@link ChangeIds}). Origin: {@value #ORIGIN}.</li>
 * </ul>
 */
public final class PagerDutyChangeNormalizer implements ChangeNormalizer {

  /** The {@code origin} of changes that came in this format. */
  public static final String ORIGIN = "pagerduty-change-events-v2";
  /** Label holding {@code payload.source}. */
  public static final String SOURCE_LABEL = "pagerduty_source";
  /** Label holding a {@code payload.timestamp} that could not be read. */
  public static final String UNPARSED_TIMESTAMP = "stormwatch_unparsed_timestamp";

  private static final List<String> VERSION_KEYS = List.of("version", "revision", "commit");
  private static final List<String> AUTHOR_KEYS = List.of("author", "user", "actor");

  private final NormalizeConfig config;
  private final ServiceResolver services;

  /**
   * A normalizer with the given settings.
   *
   * @param config service aliases, environment keys and the routing-key map
   */
  public PagerDutyChangeNormalizer(NormalizeConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.services = config.serviceResolver();
  }

  /**
   * A normalizer with {@link NormalizeConfig#defaults()}.
   *
   * @return the normalizer
   */
  public static PagerDutyChangeNormalizer withDefaults() {
    return new PagerDutyChangeNormalizer(NormalizeConfig.defaults());
  }

  @Override
  public ChangeNormalized normalize(RawRecord raw) {
    try {
      return new ChangeNormalized(List.of(change(JsonBody.parse(raw.body()), Instant.ofEpochMilli(raw.receivedAt()))),
          List.of());
    } catch (PayloadException e) {
      return ChangeNormalized.rejected(e.getMessage(), e.getCause());
    } catch (RuntimeException e) {
      // a bug, not bad input: still a per-record failure, so the record goes to the DLQ with it
      return ChangeNormalized.rejected("internal error in the PagerDuty change normalizer: " + e, e);
    }
  }

  private ChangeEvent change(JsonNode root, Instant received) {
    if (!root.isObject()) {
      throw new PayloadException("expected a PagerDuty change event object, got " + JsonFields.kind(root));
    }
    String routingKey = JsonFields.nonBlank(root, "routing_key", "routing_key");
    if (routingKey == null) {
      throw new PayloadException("routing_key: missing");
    }
    JsonNode payload = root.get("payload");
    if (payload == null || !payload.isObject()) {
      throw new PayloadException("payload: expected an object, got " + JsonFields.kind(payload));
    }
    String summary = ChangeFields.text(payload, "summary", "payload.summary");
    if (summary == null) {
      throw new PayloadException("payload.summary: missing");
    }
    String source = ChangeFields.text(payload, "source", "payload.source");

    Map<String, String> details = new LinkedHashMap<>();
    JsonNode custom = payload.get("custom_details");
    if (custom != null && custom.isObject()) {
      flatten("", custom, details);
    } else if (custom != null && !custom.isNull()) {
      ChangeFields.putLabel(details, "custom_details", custom.isTextual() ? custom.textValue() : custom.toString());
    }

    Map<String, String> labels = new LinkedHashMap<>(details);
    if (source != null) {
      ChangeFields.putLabel(labels, SOURCE_LABEL, source);
    }
    Instant time = received;
    String timestamp = JsonFields.nonBlank(payload, "timestamp", "payload.timestamp");
    boolean timeGiven = false;
    if (timestamp != null) {
      try {
        time = Rfc3339.parseLenient("payload.timestamp", timestamp);
        timeGiven = true;
      } catch (PayloadException unreadable) {
        // a late change with the receive time beats a lost one; the label says what was sent
        ChangeFields.putLabel(labels, UNPARSED_TIMESTAMP, timestamp);
      }
    }

    ChangeEvent change = ChangeEvent.newBuilder()
        .setId("")
        .setService(service(details, routingKey, source))
        .setKind(ChangeKinds.parse(details.get("kind")).orElse(ChangeKind.OTHER))
        .setSummary(summary)
        .setVersion(first(details, VERSION_KEYS))
        .setAuthor(first(details, AUTHOR_KEYS))
        .setEnvironment(ChangeFields.bounded(config.environmentOf(details)))
        .setLinks(links(root))
        .setOrigin(ORIGIN)
        .setLabels(labels)
        .setTime(Rfc3339.millis(time))
        .build();
    return ChangeEvent.newBuilder(change).setId(ChangeIds.derive(change, timeGiven)).build();
  }

  private String service(Map<String, String> details, String routingKey, String source) {
    String named = ChangeFields.bounded(details.get("service"));
    if (named == null) {
      named = config.pagerDutyRoutingKeys().get(routingKey.strip());
    }
    if (named == null) {
      named = source;
    }
    if (named == null) {
      String tail = routingKey.strip().length() <= 4 ? "" : " ending in '" + routingKey.strip()
          .substring(routingKey.strip().length() - 4) + "'";
      throw new PayloadException("no service: payload.custom_details has no \"service\", the routing key" + tail
          + " is not in normalize.pagerduty.routing-keys, and payload has no \"source\"");
    }
    return ChangeFields.clean(services.canonical(named));
  }

  /** {@code links[].href} with {@code text}; elements without an http(s) href are skipped. */
  private static List<Link> links(JsonNode root) {
    JsonNode links = root.get("links");
    List<Link> out = new ArrayList<>();
    if (links == null || links.isNull()) {
      return out;
    }
    if (!links.isArray()) {
      throw new PayloadException("links: expected an array, got " + JsonFields.kind(links));
    }
    for (JsonNode link : links) {
      if (link.isObject()) {
        JsonNode href = link.get("href");
        JsonNode text = link.get("text");
        if (href != null && href.isTextual() && JsonFields.isHttpUrl(href.textValue())) {
          ChangeFields.addLink(out, href.textValue(), text != null && text.isValueNode() ? text.asText() : null);
        }
      }
    }
    return out;
  }

  /** Objects flattened to dotted keys, arrays as compact JSON, nulls skipped; bounded by {@link ChangeFields#putLabel}. */
  private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      String key = prefix + e.getKey();
      JsonNode value = e.getValue();
      if (value.isObject()) {
        if (out.size() < ChangeFields.MAX_LABELS) {
          flatten(key + ".", value, out);
        } else {
          ChangeFields.putLabel(out, key, value.toString());
        }
      } else if (value.isArray()) {
        ChangeFields.putLabel(out, key, value.toString());
      } else if (!value.isNull()) {
        ChangeFields.putLabel(out, key, value.asText());
      }
    }
  }

  private static String first(Map<String, String> details, List<String> keys) {
    for (String key : keys) {
      String value = ChangeFields.bounded(details.get(key));
      if (value != null) {
        return value;
      }
    }
    return null;
  }
}
