package dev.stormwatch.ingest.changes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.stormwatch.ingest.normalize.support.JsonFields;
import dev.stormwatch.ingest.normalize.support.PayloadException;
import dev.stormwatch.ingest.normalize.support.Rfc3339;
import dev.stormwatch.ingest.raw.RawHeaders;
import dev.stormwatch.ingest.raw.RawRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Normalizes one line of a recorded change stream (JSON lines, each one change) as if it had been
 * received at its own time, through {@link ChangeNormalizers}: a line is Stormwatch's change JSON
 * (the body of one change for {@code POST /api/changes}) or a PagerDuty Change Events v2 body (an
 * object with {@code routing_key} and {@code payload}), told apart by that shape as
 * {@link ChangeNormalizers} does, and normalized with the matching format header.
 *
 * <p>A replay needs each change's event time, so unlike live ingest (where a change without a time
 * takes its receive time) a line is rejected when it has no time: {@code time} for Stormwatch's
 * JSON, {@code payload.timestamp} for PagerDuty (also when PagerDuty's timestamp cannot be read,
 * which live ingest would replace by the receive time). An array (a batch of Stormwatch's JSON) is
 * rejected too: one change per line, so every line has one number in a rejection. Never throws on
 * bad input: returns {@link ChangeNormalized} with the one-line reason.
 */
public final class RecordedChanges {

  /** Topic name the wrapped records claim to come from (for messages only). */
  public static final String SOURCE = "recorded-changes";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final ChangeNormalizers normalizer;

  /**
   * Lines normalized by {@code normalizer}.
   *
   * @param normalizer both change formats, with the normalize settings (aliases, routing keys)
   */
  public RecordedChanges(ChangeNormalizers normalizer) {
    this.normalizer = Objects.requireNonNull(normalizer, "normalizer");
  }

  /**
   * Normalizes one line (without its line break).
   *
   * @param line the line
   * @return one change, or the rejection with its reason
   */
  public ChangeNormalized decode(String line) {
    JsonNode change;
    try {
      change = JSON.readTree(line);
    } catch (Exception e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      return ChangeNormalized.rejected("not JSON: " + reason.lines().findFirst().orElse(""), null);
    }
    if (change == null || !change.isObject()) {
      return ChangeNormalized.rejected("not a JSON object (one change per line: Stormwatch's change JSON or a "
          + "PagerDuty change event), got " + JsonFields.kind(change), null);
    }
    boolean pagerDuty = change.has("routing_key") && change.has("payload");
    Instant at;
    try {
      at = pagerDuty ? pagerDutyTime(change) : stormwatchTime(change);
    } catch (PayloadException e) {
      return ChangeNormalized.rejected(e.getMessage(), null);
    }
    RawRecord raw = RawRecord.of(SOURCE, line.getBytes(StandardCharsets.UTF_8),
        Map.of(RawHeaders.FORMAT, pagerDuty ? RawHeaders.FORMAT_PAGERDUTY_CHANGE : RawHeaders.FORMAT_STORMWATCH_CHANGE),
        at.toEpochMilli());
    return normalizer.normalize(raw);
  }

  private static Instant stormwatchTime(JsonNode change) {
    String time = JsonFields.nonBlank(change, "time", "time");
    if (time == null) {
      throw new PayloadException("time: missing (a recorded change needs its time)");
    }
    return Rfc3339.parse("time", time);
  }

  private static Instant pagerDutyTime(JsonNode change) {
    JsonNode payload = change.get("payload");
    if (payload == null || !payload.isObject()) {
      throw new PayloadException("payload: expected an object, got " + JsonFields.kind(payload));
    }
    String timestamp = JsonFields.nonBlank(payload, "timestamp", "payload.timestamp");
    if (timestamp == null) {
      throw new PayloadException("payload.timestamp: missing (a recorded change needs its time)");
    }
    return Rfc3339.parseLenient("payload.timestamp", timestamp);
  }
}
