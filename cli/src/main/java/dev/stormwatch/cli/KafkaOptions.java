package dev.stormwatch.cli;

import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Where a client command finds Stormwatch: the Kafka cluster, the Schema Registry, the topic
 * prefix, and how long to wait for them. A picocli mixin, so every client command spells these
 * options the same way.
 */
final class KafkaOptions {

  /** Longest a Schema Registry connect may take, whatever {@link #timeout} says. */
  private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(10);

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
      defaultValue = "${env:STORMWATCH_BOOTSTRAP_SERVERS:-127.0.0.1:9092}",
      description = {"Kafka bootstrap servers.", "Env STORMWATCH_BOOTSTRAP_SERVERS; default: ${DEFAULT-VALUE}."})
  String bootstrapServers;

  @Option(names = "--registry-url", paramLabel = "URL", defaultValue = "${env:STORMWATCH_REGISTRY_URL:-http://127.0.0.1:8081}",
      description = {"Schema Registry URL.", "Env STORMWATCH_REGISTRY_URL; default: ${DEFAULT-VALUE}."})
  String registryUrl;

  @Option(names = "--topic-prefix", paramLabel = "PREFIX", defaultValue = "${env:STORMWATCH_TOPIC_PREFIX:-}",
      description = {"Prefix of every Stormwatch topic name.", "Env STORMWATCH_TOPIC_PREFIX; default: none."})
  String topicPrefix;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "15s", converter = DurationConverter.class,
      description = {"How long to wait for Kafka and the Schema Registry before giving up,",
          "e.g. 15s, 2m, PT30S; default: ${DEFAULT-VALUE}."})
  Duration timeout;

  /** The topic catalogue under the configured prefix. */
  Topics topics() {
    return new Topics(topicPrefix == null ? "" : topicPrefix.strip());
  }

  /** The timeout as a user writes it: {@code 15s}, {@code 500ms}, {@code 2m}. */
  String timeoutText() {
    if (timeout.toMillis() % 1000 != 0) {
      return timeout.toMillis() + "ms";
    }
    long seconds = timeout.toSeconds();
    return seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
  }

  /** The registry client's settings: every wait bounded by {@link #timeout}. */
  SchemaRegistryConfig registry() {
    Duration connect = timeout.compareTo(MAX_CONNECT_TIMEOUT) < 0 ? timeout : MAX_CONNECT_TIMEOUT;
    return SchemaRegistryConfig.builder()
        .urls(registryUrl)
        .connectTimeout(connect)
        .requestTimeout(timeout)
        .retryDeadline(timeout)
        .build();
  }

  /** Parses {@code 500ms}, {@code 15s}, {@code 2m}, {@code 1h} or an ISO-8601 duration ({@code PT15S}). */
  static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String v = value.strip().toLowerCase(Locale.ROOT);
      Duration duration;
      try {
        if (v.startsWith("p")) {
          duration = Duration.parse(v.toUpperCase(Locale.ROOT));
        } else if (v.endsWith("ms")) {
          duration = Duration.ofMillis(Long.parseLong(v.substring(0, v.length() - 2)));
        } else if (v.endsWith("s")) {
          duration = Duration.ofSeconds(Long.parseLong(v.substring(0, v.length() - 1)));
        } else if (v.endsWith("m")) {
          duration = Duration.ofMinutes(Long.parseLong(v.substring(0, v.length() - 1)));
        } else if (v.endsWith("h")) {
          duration = Duration.ofHours(Long.parseLong(v.substring(0, v.length() - 1)));
        } else {
          throw new CommandLine.TypeConversionException("expected a duration such as 15s, 2m or PT30S: " + value);
        }
      } catch (NumberFormatException | DateTimeParseException e) {
        throw new CommandLine.TypeConversionException("expected a duration such as 15s, 2m or PT30S: " + value);
      }
      if (duration.isNegative() || duration.isZero()) {
        throw new CommandLine.TypeConversionException("the duration must be positive: " + value);
      }
      return duration;
    }
  }
}
