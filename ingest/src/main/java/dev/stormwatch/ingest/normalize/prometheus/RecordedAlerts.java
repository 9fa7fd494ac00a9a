package dev.stormwatch.ingest.normalize.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stormwatch.ingest.normalize.Normalized;
import dev.stormwatch.ingest.normalize.support.PayloadException;
import dev.stormwatch.ingest.normalize.support.Rfc3339;
import dev.stormwatch.ingest.raw.RawHeaders;
import dev.stormwatch.ingest.raw.RawRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Normalizes one line of a recorded alert stream (JSON lines, each one Alertmanager alert object
 * {@code {labels, annotations, startsAt, endsAt, generatorURL}}) as if it had been received at its
 * own event time, through {@link PrometheusNormalizer}: the line is wrapped as a one-element
 * {@code /api/v2/alerts} array with the {@link RawHeaders#FORMAT} header, and its receive time is
 * {@code endsAt} for a resolve, else {@code startsAt}. So the normalizer's status rule (ended when
 * {@code endsAt} is not after the receive time) works in event time, and every event's
 * {@code observedAt} is its event time.
 *
 * <p>A line is a resolve when it has an {@code endsAt} (not Go's zero time) and its {@code status},
 * if any, does not say it fires ({@code firing}, {@code active}, or an object whose {@code state}
 * is {@code active}, {@code suppressed} or {@code unprocessed}). A line without {@code startsAt} is
 * rejected: a replay needs the event time. Never throws on bad input: returns
 * {@link Normalized.Rejected} with a one-line reason.
 */
public final class RecordedAlerts {

  /** Topic name the wrapped records claim to come from (for messages only). */
  public static final String SOURCE = "recorded-alerts";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FIRING_STATES = Set.of("firing", "active", "suppressed", "unprocessed");

  private final PrometheusNormalizer normalizer;

  /** Lines normalized by {@code normalizer}. */
  public RecordedAlerts(PrometheusNormalizer normalizer) {
    this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
  }

  /** Normalizes one line (without its line break). */
  public Normalized decode(String line) {
    JsonNode alert;
    try {
      alert = JSON.readTree(line);
    } catch (Exception e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return Normalized.rejected("not JSON: " + reason.lines().findFirst().orElse(""));
    }
    if (alert == null || !alert.isObject()) {
      return Normalized.rejected("not a JSON object (an Alertmanager alert is expected)");
    }
    Instant eventTime;
    try {
      eventTime = eventTime(alert);
    } catch (PayloadException e) {
      return Normalized.rejected(e.getMessage());
    }
    String body = "[" + line + "]";
    RawRecord raw = RawRecord.of(SOURCE, body.getBytes(StandardCharsets.UTF_8),
        Map.of(RawHeaders.FORMAT, RawHeaders.FORMAT_PROMETHEUS_API), eventTime.toEpochMilli());
    return normalizer.normalize(raw);
  }

  /** {@code endsAt} for a resolve, else {@code startsAt}. */
  static Instant eventTime(JsonNode alert) {
    Instant startsAt = time(alert, "startsAt");
    if (startsAt == null) {
      throw new PayloadException("startsAt: missing (a recorded alert needs its event time)");
    }
    Instant endsAt = time(alert, "endsAt");
    return endsAt != null && !firing(alert.get("status")) ? endsAt : startsAt;
  }

  private static boolean firing(JsonNode status) {
    if (status == null || status.isNull()) {
      return false;
    }
    JsonNode state = status.isObject() ? status.get("state") : status;
    return state != null && state.isTextual() && FIRING_STATES.contains(state.asText().toLowerCase(Locale.ROOT));
  }

  private static Instant time(JsonNode alert, String field) {
    JsonNode node = alert.get(field);
    if (node == null || node.isNull() || (node.isTextual() && node.asText().isBlank())) {
      return null;
    }
    if (!node.isTextual()) {
      throw new PayloadException(field + ": not an RFC 3339 timestamp string");
    }
    Instant instant = Rfc3339.parse(field, node.asText().strip());
    return instant.equals(Rfc3339.GO_ZERO) ? null : instant;
  }
}
