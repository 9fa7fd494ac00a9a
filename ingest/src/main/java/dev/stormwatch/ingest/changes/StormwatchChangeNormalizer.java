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
 * Normalizes Stormwatch's own change JSON ({@code POST /api/changes}): one change object, or an
 * array of them. Fields ({@code service} is the only required one; others are ignored):
 *
 * <pre>
 * {"id": "deploy-4711",                       // optional; else derived from the content ({@link ChangeIds})
 *  "service": "checkout",                     // required; canonical name via normalize.service.aliases
 *  "kind": "deploy",                          // deploy (default), rollback, config, feature-flag, other
 *  "version": "v1.4.2", "author": "alice", "summary": "Raise pool size", "environment": "production",
 *  "links": ["https://ci/run/42", {"url": "https://github.com/o/r/pull/7", "title": "PR #7"}],
 *  "labels": {"pipeline": "main"},            // strings (numbers and booleans taken as text)
 *  "time": "2026-11-27T15:04:05Z"}            // RFC 3339; default: the receive time
 * </pre>
 *
 * <p>An invalid element of an array is rejected on its own (its JSON is the dead letter's value);
 * the others go through. {@code environment} falls back to the labels' environment keys
 * ({@code normalize.environment.keys}). Origin: {@value #ORIGIN}.
 */
public final class StormwatchChangeNormalizer implements ChangeNormalizer {

  /** The {@code origin} of changes that came in this format. */
  public static final String ORIGIN = "api";

  private final NormalizeConfig config;
  private final ServiceResolver services;

  /**
   * A normalizer with the given settings.
   *
   * @param config service aliases and environment keys
   */
  public StormwatchChangeNormalizer(NormalizeConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.services = config.serviceResolver();
  }

  /**
   * A normalizer with {@link NormalizeConfig#defaults()}.
   *
   * @return the normalizer
   */
  public static StormwatchChangeNormalizer withDefaults() {
    return new StormwatchChangeNormalizer(NormalizeConfig.defaults());
  }

  @Override
  public ChangeNormalized normalize(RawRecord raw) {
    try {
      JsonNode root = JsonBody.parse(raw.body());
      Instant received = Instant.ofEpochMilli(raw.receivedAt());
      if (root.isObject()) {
        return new ChangeNormalized(List.of(change(root, "", received)), List.of());
      }
      if (!root.isArray()) {
        throw new PayloadException("expected a change object or an array of them, got " + JsonFields.kind(root));
      }
      if (root.isEmpty()) {
        throw new PayloadException("empty array: expected at least one change");
      }
      List<ChangeEvent> changes = new ArrayList<>();
      List<ChangeNormalized.Rejected> rejected = new ArrayList<>();
      for (int i = 0; i < root.size(); i++) {
        try {
          changes.add(change(root.get(i), "[" + i + "]", received));
        } catch (PayloadException e) {
          rejected.add(new ChangeNormalized.Rejected(e.getMessage(), e.getCause(), ChangeFields.bytes(root.get(i))));
        }
      }
      return new ChangeNormalized(changes, rejected);
    } catch (PayloadException e) {
      return ChangeNormalized.rejected(e.getMessage(), e.getCause());
    } catch (RuntimeException e) {
      // a bug, not bad input: still a per-record failure, so the record goes to the DLQ with it
      return ChangeNormalized.rejected("internal error in the change normalizer: " + e, e);
    }
  }

  /** One change object; {@code at} is its place for reasons ("" for a lone object, "[2]" in an array). */
  private ChangeEvent change(JsonNode node, String at, Instant received) {
    if (!node.isObject()) {
      throw new PayloadException((at.isEmpty() ? "body" : at) + ": expected a change object, got "
          + JsonFields.kind(node));
    }
    String service = JsonFields.nonBlank(node, "service", ChangeFields.path(at, "service"));
    if (service == null) {
      throw new PayloadException(ChangeFields.path(at, "service") + ": missing");
    }
    String kindText = JsonFields.nonBlank(node, "kind", ChangeFields.path(at, "kind"));
    ChangeKind kind = kindText == null ? ChangeKind.DEPLOY : ChangeKinds.parse(kindText).orElseThrow(() ->
        new PayloadException(ChangeFields.path(at, "kind") + ": '" + abbreviate(kindText) + "' is not one of "
            + ChangeKinds.accepted()));
    String timeText = JsonFields.nonBlank(node, "time", ChangeFields.path(at, "time"));
    Instant time = timeText == null ? received : Rfc3339.parse(ChangeFields.path(at, "time"), timeText);
    Map<String, String> labels = labels(node, ChangeFields.path(at, "labels"));
    String environment = ChangeFields.text(node, "environment", ChangeFields.path(at, "environment"));
    if (environment == null) {
      environment = ChangeFields.bounded(config.environmentOf(labels));
    }
    String id = JsonFields.nonBlank(node, "id", ChangeFields.path(at, "id"));
    if (id != null && id.strip().length() > ChangeFields.MAX_ID) {
      throw new PayloadException(ChangeFields.path(at, "id") + ": longer than " + ChangeFields.MAX_ID + " characters");
    }
    ChangeEvent change = ChangeEvent.newBuilder()
        .setId("")
        .setService(ChangeFields.clean(services.canonical(service)))
        .setKind(kind)
        .setSummary(ChangeFields.text(node, "summary", ChangeFields.path(at, "summary")))
        .setVersion(ChangeFields.text(node, "version", ChangeFields.path(at, "version")))
        .setAuthor(ChangeFields.text(node, "author", ChangeFields.path(at, "author")))
        .setEnvironment(environment)
        .setLinks(links(node, ChangeFields.path(at, "links")))
        .setOrigin(ORIGIN)
        .setLabels(labels)
        .setTime(Rfc3339.millis(time))
        .build();
    return ChangeEvent.newBuilder(change)
        .setId(id != null ? ChangeFields.clean(id.strip()) : ChangeIds.derive(change, timeText != null))
        .build();
  }

  /** {@code links}: an array of URLs, or of objects with {@code url} (or {@code href}) and {@code title} (or {@code text}). */
  private static List<Link> links(JsonNode node, String path) {
    JsonNode links = node.get("links");
    List<Link> out = new ArrayList<>();
    if (links == null || links.isNull()) {
      return out;
    }
    if (!links.isArray()) {
      throw new PayloadException(path + ": expected an array of links, got " + JsonFields.kind(links));
    }
    for (int i = 0; i < links.size(); i++) {
      JsonNode link = links.get(i);
      String at = path + "[" + i + "]";
      String url;
      String title = null;
      if (link.isTextual()) {
        url = link.textValue();
      } else if (link.isObject()) {
        url = JsonFields.nonBlank(link, "url", at + ".url");
        if (url == null) {
          url = JsonFields.nonBlank(link, "href", at + ".href");
        }
        title = JsonFields.nonBlank(link, "title", at + ".title");
        if (title == null) {
          title = JsonFields.nonBlank(link, "text", at + ".text");
        }
      } else {
        throw new PayloadException(at + ": expected a URL or an object with \"url\", got " + JsonFields.kind(link));
      }
      if (!JsonFields.isHttpUrl(url)) {
        throw new PayloadException(at + ": not an absolute http(s) URL: '" + abbreviate(String.valueOf(url)) + "'");
      }
      ChangeFields.addLink(out, url, title);
    }
    return out;
  }

  /** {@code labels}: an object of strings; numbers and booleans are taken as their text, nulls skipped. */
  private static Map<String, String> labels(JsonNode node, String path) {
    JsonNode labels = node.get("labels");
    Map<String, String> out = new LinkedHashMap<>();
    if (labels == null || labels.isNull()) {
      return out;
    }
    if (!labels.isObject()) {
      throw new PayloadException(path + ": expected an object of strings, got " + JsonFields.kind(labels));
    }
    for (Map.Entry<String, JsonNode> e : labels.properties()) {
      JsonNode value = e.getValue();
      if (value.isNull()) {
        continue;
      }
      if (value.isContainerNode()) {
        throw new PayloadException(path + "." + e.getKey() + ": expected a string, got " + JsonFields.kind(value));
      }
      ChangeFields.putLabel(out, e.getKey(), value.asText());
    }
    return out;
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 60) + "...";
  }
}
