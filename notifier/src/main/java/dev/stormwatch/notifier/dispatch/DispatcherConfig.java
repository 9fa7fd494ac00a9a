package dev.stormwatch.notifier.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stormwatch.avro.ChannelType;
import dev.stormwatch.notifier.channel.ChannelSettings;
import dev.stormwatch.notifier.channel.OpsgenieSettings;
import dev.stormwatch.notifier.channel.PagerDutySettings;
import dev.stormwatch.notifier.channel.Secret;
import dev.stormwatch.notifier.channel.SlackTarget;
import dev.stormwatch.notifier.channel.SmtpSettings;
import dev.stormwatch.notifier.channel.WebhookTarget;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * The dispatcher's configuration: the Kafka consumer group and its pace, retries, the
 * per-recipient rate limit, crash recovery, fallbacks and the channel integrations with their
 * secrets. Immutable and validated; build it with {@link #defaults()} or from the
 * {@code dispatcher} section of the configuration file with {@link #fromTree(JsonNode)}.
 * Kafka connection settings, the Schema Registry and topic names are not here: they are the
 * file's {@code kafka}, {@code schema-registry} and {@code topics} sections, passed to
 * {@link Dispatcher#start}. {@code notifier/docs/dispatcher.md} documents every key.
 *
 * @param groupId        {@code group-id}: the consumer group on {@code pages.outbox}
 *                       (default {@value #DEFAULT_GROUP_ID})
 * @param workers        {@code workers}: threads that send pages (default 4)
 * @param maxInFlight    {@code max-in-flight}: pages being delivered (or waiting for a retry or
 *                       their rate-limit slot) at once; the consumer pauses beyond it (default 256)
 * @param commitInterval {@code commit-interval}: how often handled offsets are committed (default 1s)
 * @param closeTimeout   {@code close-timeout}: how long close (and a partition revocation) waits
 *                       for sends in progress (default 10s)
 * @param retry          {@code retry.*}
 * @param rateLimit      {@code rate-limit.*}
 * @param recovery       {@code recovery.*}
 * @param fallbacks      {@code fallback.*}
 * @param channels       {@code http.*}, {@code webhooks}, {@code slack}, {@code pagerduty},
 *                       {@code opsgenie}, {@code email}, {@code inbox}
 */
public record DispatcherConfig(String groupId, int workers, int maxInFlight, Duration commitInterval,
                               Duration closeTimeout, RetryPolicy retry, RateLimit rateLimit,
                               RecoverySettings recovery, Fallbacks fallbacks, ChannelSettings channels) {

  /** Default {@code group-id}. */
  public static final String DEFAULT_GROUP_ID = "stormwatch-dispatcher";
  /** Default {@code workers}. */
  public static final int DEFAULT_WORKERS = 4;
  /** Default {@code max-in-flight}. */
  public static final int DEFAULT_MAX_IN_FLIGHT = 256;
  /** Default {@code commit-interval}. */
  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofSeconds(1);
  /** Default {@code close-timeout}. */
  public static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(10);

  /** The keys of the {@code dispatcher} section. */
  public static final Set<String> KEYS = Set.of("group-id", "workers", "max-in-flight", "commit-interval",
      "close-timeout", "retry", "rate-limit", "recovery", "fallback", "http", "webhooks", "slack", "pagerduty",
      "opsgenie", "email", "inbox");

  public DispatcherConfig {
    Objects.requireNonNull(groupId, "group-id");
    if (groupId.isBlank()) {
      throw new IllegalArgumentException("dispatcher.group-id must not be blank");
    }
    if (workers < 1 || workers > 256) {
      throw new IllegalArgumentException("dispatcher.workers must be between 1 and 256, was " + workers);
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("dispatcher.max-in-flight must be at least 1, was " + maxInFlight);
    }
    positive(commitInterval, "dispatcher.commit-interval");
    positive(closeTimeout, "dispatcher.close-timeout");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(rateLimit, "rateLimit");
    Objects.requireNonNull(recovery, "recovery");
    Objects.requireNonNull(fallbacks, "fallbacks");
    Objects.requireNonNull(channels, "channels");
  }

  /** Every default; the pager inbox is the only channel configured. */
  public static DispatcherConfig defaults() {
    return new DispatcherConfig(DEFAULT_GROUP_ID, DEFAULT_WORKERS, DEFAULT_MAX_IN_FLIGHT, DEFAULT_COMMIT_INTERVAL,
        DEFAULT_CLOSE_TIMEOUT, RetryPolicy.defaults(), RateLimit.defaults(), RecoverySettings.defaults(),
        Fallbacks.none(), ChannelSettings.defaults());
  }

  /**
   * From the {@code dispatcher} section of a parsed YAML/JSON configuration, with
   * {@code ${NAME}} references resolved from the process environment.
   *
   * @throws IllegalArgumentException naming the key, for an unknown key, a bad value or an unset
   *                                  environment variable
   */
  public static DispatcherConfig fromTree(JsonNode section) {
    return fromTree(section, System::getenv);
  }

  /**
   * From the {@code dispatcher} section, resolving {@code ${NAME}} and {@code ${NAME:-default}}
   * in any string through {@code env}. Absent keys keep their defaults; a missing or null
   * section is {@link #defaults()}.
   *
   * @throws IllegalArgumentException naming the key, for an unknown key, a bad value or an unset
   *                                  environment variable
   */
  public static DispatcherConfig fromTree(JsonNode section, Function<String, String> env) {
    ConfigNode root = ConfigNode.root(section, "dispatcher", env).allow(KEYS);
    DispatcherConfig d = defaults();
    if (root.absent()) {
      return d;
    }
    return new DispatcherConfig(
        root.string("group-id", d.groupId()),
        root.integer("workers", d.workers()),
        root.integer("max-in-flight", d.maxInFlight()),
        root.duration("commit-interval", d.commitInterval()),
        root.duration("close-timeout", d.closeTimeout()),
        retry(root.child("retry")),
        rateLimit(root.child("rate-limit")),
        recovery(root.child("recovery")),
        fallbacks(root.child("fallback")),
        channels(root));
  }

  private static RetryPolicy retry(ConfigNode node) {
    node.allow(Set.of("max-attempts", "initial-backoff", "max-backoff", "deadline"));
    RetryPolicy d = RetryPolicy.defaults();
    return new RetryPolicy(node.integer("max-attempts", d.maxAttempts()),
        node.duration("initial-backoff", d.initialBackoff()), node.duration("max-backoff", d.maxBackoff()),
        node.duration("deadline", d.deadline()));
  }

  private static RateLimit rateLimit(ConfigNode node) {
    node.allow(Set.of("enabled", "burst", "refill", "max-recipients"));
    RateLimit d = RateLimit.defaults();
    return new RateLimit(node.bool("enabled", d.enabled()), node.integer("burst", d.burst()),
        node.duration("refill", d.refill()), node.integer("max-recipients", d.maxRecipients()));
  }

  private static RecoverySettings recovery(ConfigNode node) {
    node.allow(Set.of("lookback", "dedup-window", "max-keys", "unconfirmed"));
    RecoverySettings d = RecoverySettings.defaults();
    Map<ChannelType, UnconfirmedPolicy> policies = new EnumMap<>(ChannelType.class);
    ConfigNode unconfirmed = node.child("unconfirmed");
    unconfirmed.strings().forEach((channel, policy) -> policies.put(channel(unconfirmed.key(channel), channel),
        policy(unconfirmed.key(channel), policy)));
    return new RecoverySettings(node.duration("lookback", d.lookback()),
        node.duration("dedup-window", d.dedupWindow()), node.integer("max-keys", d.maxKeys()), policies);
  }

  private static Fallbacks fallbacks(ConfigNode node) {
    node.allow(Set.of("recipients", "channels"));
    Map<String, Route> recipients = new LinkedHashMap<>();
    node.child("recipients").children().forEach((id, route) -> recipients.put(id, route(route)));
    Map<ChannelType, Route> channels = new EnumMap<>(ChannelType.class);
    node.child("channels").children().forEach((channel, route) ->
        channels.put(channel(route.path(), channel), route(route)));
    return new Fallbacks(recipients, channels);
  }

  private static Route route(ConfigNode node) {
    node.allow(Set.of("channel", "address"));
    return new Route(channel(node.key("channel"), node.requiredString("channel")), node.requiredString("address"));
  }

  private static ChannelSettings channels(ConfigNode root) {
    ConfigNode http = root.child("http").allow(Set.of("connect-timeout", "request-timeout"));
    Map<String, WebhookTarget> webhooks = new LinkedHashMap<>();
    root.child("webhooks").children().forEach((name, node) -> {
      node.allow(Set.of("url", "secret", "headers"));
      webhooks.put(name, new WebhookTarget(ConfigNode.parseUrl(node.key("url"), node.requiredString("url")),
          node.secret("secret"), node.child("headers").strings()));
    });
    Map<String, SlackTarget> slack = new LinkedHashMap<>();
    root.child("slack").children().forEach((name, node) -> {
      node.allow(Set.of("url"));
      slack.put(name, new SlackTarget(ConfigNode.parseUrl(node.key("url"), node.requiredString("url"))));
    });
    ConfigNode pd = root.child("pagerduty").allow(Set.of("url", "routing-keys"));
    PagerDutySettings pagerDuty = new PagerDutySettings(pd.url("url", PagerDutySettings.DEFAULT_BASE_URL),
        secrets(pd.child("routing-keys")));
    ConfigNode og = root.child("opsgenie").allow(Set.of("url", "api-keys"));
    OpsgenieSettings opsgenie = new OpsgenieSettings(og.url("url", OpsgenieSettings.DEFAULT_BASE_URL),
        secrets(og.child("api-keys")));
    ConfigNode mail = root.child("email").allow(Set.of("host", "port", "from", "username", "password", "starttls",
        "ssl", "timeout", "message-id-domain"));
    SmtpSettings email = null;
    if (!mail.absent()) {
      boolean ssl = mail.bool("ssl", false);
      boolean startTls = mail.bool("starttls", false);
      email = new SmtpSettings(mail.requiredString("host"), mail.integer("port", ssl ? 465 : startTls ? 587 : 25),
          mail.requiredString("from"), mail.string("username", null), mail.secret("password"), startTls, ssl,
          mail.duration("timeout", SmtpSettings.DEFAULT_TIMEOUT), mail.string("message-id-domain", null));
    }
    ConfigNode inbox = root.child("inbox").allow(Set.of("enabled"));
    return new ChannelSettings(webhooks, slack, pagerDuty, opsgenie, email, inbox.bool("enabled", true),
        http.duration("connect-timeout", ChannelSettings.DEFAULT_CONNECT_TIMEOUT),
        http.duration("request-timeout", ChannelSettings.DEFAULT_REQUEST_TIMEOUT));
  }

  private static Map<String, Secret> secrets(ConfigNode node) {
    Map<String, Secret> out = new LinkedHashMap<>();
    node.strings().forEach((name, value) -> {
      if (value.isBlank()) {
        throw new IllegalArgumentException(node.key(name) + ": must not be blank");
      }
      out.put(name, new Secret(value));
    });
    return out;
  }

  private static ChannelType channel(String key, String text) {
    try {
      ChannelType type = ChannelType.valueOf(text.strip().toUpperCase(Locale.ROOT));
      if (type == ChannelType.UNKNOWN) {
        throw new IllegalArgumentException("UNKNOWN");
      }
      return type;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(key + ": not a channel: '" + text
          + "' (webhook, slack, pagerduty, opsgenie, email, inbox)", e);
    }
  }

  private static UnconfirmedPolicy policy(String key, String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "resend" -> UnconfirmedPolicy.RESEND;
      case "give-up" -> UnconfirmedPolicy.GIVE_UP;
      default -> throw new IllegalArgumentException(key + ": must be resend or give-up, was '" + text + "'");
    };
  }

  private static void positive(Duration d, String key) {
    Objects.requireNonNull(d, key);
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException(key + " must be positive, was " + d);
    }
  }
}
