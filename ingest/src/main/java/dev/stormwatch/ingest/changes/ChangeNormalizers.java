package dev.stormwatch.ingest.changes;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stormwatch.ingest.normalize.NormalizeConfig;
import dev.stormwatch.ingest.normalize.support.JsonBody;
import dev.stormwatch.ingest.normalize.support.PayloadException;
import dev.stormwatch.ingest.raw.RawHeaders;
import dev.stormwatch.ingest.raw.RawRecord;
import java.util.Locale;

/**
 * Normalizes any record of {@code changes.raw}: by its {@link RawHeaders#FORMAT} header
 * ({@value RawHeaders#FORMAT_STORMWATCH_CHANGE} or {@value RawHeaders#FORMAT_PAGERDUTY_CHANGE},
 * as the gateway writes them), or, for producers that write to the topic directly without it, by
 * shape: an object with {@code routing_key} and {@code payload} is a PagerDuty change event,
 * anything else Stormwatch's JSON. Another format header is rejected.
 */
public final class ChangeNormalizers implements ChangeNormalizer {

  private final StormwatchChangeNormalizer stormwatch;
  private final PagerDutyChangeNormalizer pagerDuty;

  /**
   * Both formats with the given settings.
   *
   * @param config service aliases, environment keys and the PagerDuty routing-key map
   */
  public ChangeNormalizers(NormalizeConfig config) {
    this.stormwatch = new StormwatchChangeNormalizer(config);
    this.pagerDuty = new PagerDutyChangeNormalizer(config);
  }

  /**
   * Both formats with {@link NormalizeConfig#defaults()}.
   *
   * @return the normalizer
   */
  public static ChangeNormalizers withDefaults() {
    return new ChangeNormalizers(NormalizeConfig.defaults());
  }

  @Override
  public ChangeNormalized normalize(RawRecord raw) {
    String format = raw.header(RawHeaders.FORMAT).map(f -> f.strip().toLowerCase(Locale.ROOT)).orElse(null);
    if (RawHeaders.FORMAT_STORMWATCH_CHANGE.equals(format)) {
      return stormwatch.normalize(raw);
    }
    if (RawHeaders.FORMAT_PAGERDUTY_CHANGE.equals(format)) {
      return pagerDuty.normalize(raw);
    }
    if (format != null && !format.isEmpty()) {
      return ChangeNormalized.rejected("format header '" + abbreviate(format) + "' is not "
          + RawHeaders.FORMAT_STORMWATCH_CHANGE + " or " + RawHeaders.FORMAT_PAGERDUTY_CHANGE, null);
    }
    JsonNode root;
    try {
      root = JsonBody.parse(raw.body());
    } catch (PayloadException e) {
      return ChangeNormalized.rejected(e.getMessage(), e.getCause());
    }
    boolean pagerDutyShape = root.isObject() && root.has("routing_key") && root.has("payload");
    return pagerDutyShape ? pagerDuty.normalize(raw) : stormwatch.normalize(raw);
  }

  private static String abbreviate(String text) {
    return text.length() <= 60 ? text : text.substring(0, 60) + "...";
  }
}
