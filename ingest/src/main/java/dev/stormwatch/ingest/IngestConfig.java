package dev.stormwatch.ingest;

import dev.stormwatch.ingest.logs.LogParser;
import dev.stormwatch.ingest.logs.LogRulesConfig;
import dev.stormwatch.ingest.normalize.NormalizeConfig;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The ingest app's configuration: where it runs and how it normalizes. Immutable and validated.
 *
 * @param applicationId    Kafka Streams application id (consumer group and internal-topic prefix)
 * @param stateDir         where its RocksDB state lives
 * @param normalize        service resolution, severity/status scales, Sentry project map, PagerDuty
 *                         routing-key map
 * @param plainLogPattern  the pattern for plain-text log lines (named groups timestamp, level,
 *                         service, message, logger, host)
 * @param logRules         the log-to-alert rules
 * @param streamsOverrides Kafka Streams and client settings laid over Stormwatch's defaults
 *                         (e.g. {@code num.stream.threads}, {@code num.standby.replicas}, SASL/SSL)
 */
public record IngestConfig(String applicationId, Path stateDir, NormalizeConfig normalize, Pattern plainLogPattern,
                           LogRulesConfig logRules, Map<String, Object> streamsOverrides) {

  /** The default application id. */
  public static final String DEFAULT_APPLICATION_ID = "stormwatch-ingest";

  public IngestConfig {
    Objects.requireNonNull(applicationId, "applicationId");
    if (applicationId.isBlank()) {
      throw new IllegalArgumentException("ingest application id must not be blank");
    }
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(normalize, "normalize");
    Objects.requireNonNull(plainLogPattern, "plainLogPattern");
    Objects.requireNonNull(logRules, "logRules");
    streamsOverrides = Map.copyOf(streamsOverrides);
  }

  /** Defaults everywhere, state under {@code stateDir}. */
  public static IngestConfig defaults(Path stateDir) {
    return new IngestConfig(DEFAULT_APPLICATION_ID, stateDir, NormalizeConfig.defaults(),
        Pattern.compile(LogParser.DEFAULT_PLAIN_PATTERN), LogRulesConfig.defaults(), Map.of());
  }

  /**
   * From the sections of a parsed configuration file (YAML or JSON), defaults for whatever is
   * absent:
   * <pre>
   * ingest:    { application-id: stormwatch-ingest, streams: { num.stream.threads: 2, ... } }
   * normalize: { ... }   # {@link NormalizeConfig#fromTree}
   * logs:      { plain-pattern: '...', rules: { ... } }   # rules: {@link LogRulesConfig#fromTree}
   * </pre>
   *
   * @throws IllegalArgumentException naming the key, for an unknown key or a bad value
   */
  public static IngestConfig fromTree(JsonNode root, Path stateDir) {
    IngestConfig config = defaults(stateDir);
    if (root == null || root.isMissingNode() || root.isNull()) {
      return config;
    }
    JsonNode ingest = section(root, "ingest", Set.of("application-id", "streams"));
    if (ingest.has("application-id")) {
      config = config.withApplicationId(ingest.get("application-id").asText());
    }
    if (ingest.has("streams")) {
      Map<String, Object> overrides = new HashMap<>();
      ingest.get("streams").fields().forEachRemaining(e -> overrides.put(e.getKey(), e.getValue().asText()));
      config = config.withStreamsOverrides(overrides);
    }
    NormalizeConfig normalize = NormalizeConfig.fromTree(root.path("normalize"));
    config = config.withNormalize(normalize);
    JsonNode logs = section(root, "logs", Set.of("plain-pattern", "rules"));
    Pattern plain = config.plainLogPattern();
    if (logs.has("plain-pattern")) {
      try {
        plain = Pattern.compile(logs.get("plain-pattern").asText());
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException("logs.plain-pattern: not a valid regular expression: "
            + e.getDescription(), e);
      }
    }
    return new IngestConfig(config.applicationId(), stateDir, normalize, plain,
        LogRulesConfig.fromTree(logs.path("rules"), normalize.scales()), config.streamsOverrides());
  }

  private static JsonNode section(JsonNode root, String name, Set<String> keys) {
    JsonNode section = root.path(name);
    if (section.isMissingNode() || section.isNull()) {
      return section;
    }
    if (!section.isObject()) {
      throw new IllegalArgumentException(name + ": must be a mapping");
    }
    section.fieldNames().forEachRemaining(key -> {
      if (!keys.contains(key)) {
        throw new IllegalArgumentException(name + "." + key + ": unknown key (known: " + new TreeSet<>(keys) + ")");
      }
    });
    return section;
  }

  public IngestConfig withApplicationId(String id) {
    return new IngestConfig(id, stateDir, normalize, plainLogPattern, logRules, streamsOverrides);
  }

  public IngestConfig withNormalize(NormalizeConfig config) {
    return new IngestConfig(applicationId, stateDir, config, plainLogPattern, logRules, streamsOverrides);
  }

  public IngestConfig withLogRules(LogRulesConfig rules) {
    return new IngestConfig(applicationId, stateDir, normalize, plainLogPattern, rules, streamsOverrides);
  }

  public IngestConfig withStreamsOverrides(Map<String, Object> overrides) {
    return new IngestConfig(applicationId, stateDir, normalize, plainLogPattern, logRules, overrides);
  }
}
