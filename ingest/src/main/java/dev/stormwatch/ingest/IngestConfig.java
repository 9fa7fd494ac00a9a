package dev.stormwatch.ingest;

import dev.stormwatch.ingest.logs.LogParser;
import dev.stormwatch.ingest.logs.LogRulesConfig;
import dev.stormwatch.ingest.normalize.NormalizeConfig;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The ingest app's configuration: where it runs and how it normalizes. Immutable and validated.
 *
 * @param applicationId    Kafka Streams application id (consumer group and internal-topic prefix)
 * @param stateDir         where its RocksDB state lives
 * @param normalize        service resolution, severity/status scales, Sentry project map
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
