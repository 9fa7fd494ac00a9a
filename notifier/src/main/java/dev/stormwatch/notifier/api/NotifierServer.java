package dev.stormwatch.notifier.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stormwatch.avro.IncidentCommand;
import dev.stormwatch.avro.PageOutcome;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.serde.SpecificAvroSerde;
import dev.stormwatch.notifier.api.AckLinks.Action;
import dev.stormwatch.notifier.api.AckLinks.Claim;
import dev.stormwatch.notifier.api.AckLinks.Rejected;
import dev.stormwatch.notifier.api.AckLinks.Valid;
import dev.stormwatch.notifier.api.AckLinks.Verdict;
import dev.stormwatch.notifier.api.ApiMetrics.Endpoint;
import dev.stormwatch.notifier.api.ApiMetrics.Via;
import dev.stormwatch.notifier.api.ApiMetrics.Written;
import dev.stormwatch.notifier.api.PagesLog.PageRecord;
import dev.stormwatch.notifier.api.PagesLog.Result;
import dev.stormwatch.notifier.channel.PagerInbox;
import dev.stormwatch.notifier.channel.Secret;
import dev.stormwatch.notifier.oncall.OnCall;
import dev.stormwatch.notifier.oncall.OnCallConfig;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.UnknownStateStoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notifier's HTTP API (Javalin; default port {@value NotifierServerConfig#DEFAULT_PORT}):
 *
 * <table>
 *   <caption>Endpoints (see {@code openapi/notifier-api.yaml}, served at {@code /api/openapi.yaml},
 *   and {@code notifier/docs/api.md})</caption>
 *   <tr><td>{@code GET /api/oncall?team=&at=}</td><td>who is on call now or at an instant, per team or
 *       for all teams, with each schedule's person and the end of their shift</td></tr>
 *   <tr><td>{@code GET /api/oncall/{schedule}.ics?from=&to=}</td><td>the schedule's shifts as iCalendar</td></tr>
 *   <tr><td>{@code GET /ack/{token}}, {@code GET /resolve/{token}}</td><td>a confirmation page; changes
 *       nothing (mail scanners that fetch links do no harm)</td></tr>
 *   <tr><td>{@code POST /ack/{token}}, {@code POST /resolve/{token}}</td><td>writes the IncidentCommand
 *       (via {@code link}, actor the page's recipient, id derived from the token)</td></tr>
 *   <tr><td>{@code POST /api/incidents/{id}/ack|resolve}</td><td>writes an IncidentCommand (via
 *       {@code api}); bearer auth when configured; 202</td></tr>
 *   <tr><td>{@code GET /api/pages?incident=&person=&since=&result=&limit=}</td><td>delivered and failed
 *       pages, newest first, from this instance's {@link PagesLog}</td></tr>
 *   <tr><td>{@code GET /inbox}, {@code GET /api/inbox?inbox=}</td><td>the devstack's pager inbox, when
 *       one is given</td></tr>
 * </table>
 *
 * <p>Errors of {@code /api/...} are one line of JSON, {@code {"error": "..."}}: 400 bad parameters, 401
 * missing or wrong bearer token, 404 unknown, 503 with {@code Retry-After} while the on-call store is
 * not queryable, the page index has not caught up, or Kafka did not take a command in time. The link
 * pages answer HTML: 400 for a malformed link, 403 for a forged or expired one.
 */
public final class NotifierServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(NotifierServer.class);
  private static final String JSON = "application/json";
  private static final String HTML = "text/html; charset=utf-8";
  private static final String CALENDAR = "text/calendar; charset=utf-8";
  /** As the correlator names incidents: {@code inc-<8 hex>-<16 hex>[-n]}. */
  private static final Pattern INCIDENT_ID = Pattern.compile("inc-[0-9a-f]{8}-[0-9a-f]{16}(-[1-9][0-9]{0,8})?");
  private static final Pattern ENTITY_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
  private static final int MAX_FIELD = 1024;
  private static final int MAX_FILTER = 256;
  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 1000;
  private static final Duration DEFAULT_EXPORT = Duration.ofDays(28);

  private final NotifierServerConfig config;
  private final Supplier<OnCallConfig> onCall;
  private final CommandSink commands;
  private final PagesLog pages;
  private final PagerInbox inbox;
  private final Optional<AckLinks> links;
  private final ApiMetrics metrics;
  private final Clock clock;
  private final List<AutoCloseable> owned;
  private final ObjectMapper json = new ObjectMapper();
  private final byte[] openApi;
  private final Javalin http;

  private NotifierServer(NotifierServerConfig config, Supplier<OnCallConfig> onCall, CommandSink commands,
                         PagesLog pages, PagerInbox inbox, MeterRegistry meters, Clock clock,
                         List<AutoCloseable> owned) {
    this.config = config;
    this.onCall = onCall;
    this.commands = commands;
    this.pages = pages;
    this.inbox = inbox;
    this.links = config.links();
    this.metrics = new ApiMetrics(meters);
    this.clock = clock;
    this.owned = owned;
    this.openApi = resource("/openapi/notifier-api.yaml");
    this.http = Javalin.create(this::configure);
  }

  /**
   * Starts the API with its own Kafka clients: a {@link PagesLog} on {@code pages.log} (which feeds the
   * {@link Workload} metrics) and a {@link KafkaCommandSink} on {@code incident.commands}. Both, and the
   * registry client, are closed by {@link #close()}.
   *
   * @param config           settings
   * @param bootstrapServers the Kafka cluster
   * @param clientOverrides  Kafka client settings laid over the defaults (security...); may be empty
   * @param registry         the Schema Registry
   * @param topics           topic names ({@code pages.log}, {@code incident.commands})
   * @param onCall           the on-call configuration now ({@code NotifierApp::onCallConfig}); may throw
   *                         {@code InvalidStateStoreException} while not queryable (answered with 503)
   * @param inboxOrNull      the pager inbox to serve at {@code /inbox}, or null
   * @param meters           where the API's meters go
   * @param clock            "now" of queries, commands and link expiry
   */
  public static NotifierServer start(NotifierServerConfig config, String bootstrapServers,
                                     Map<String, ?> clientOverrides, SchemaRegistryConfig registry, Topics topics,
                                     Supplier<OnCallConfig> onCall, PagerInbox inboxOrNull, MeterRegistry meters,
                                     Clock clock) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    List<AutoCloseable> owned = new ArrayList<>();
    try {
      RestSchemaRegistryClient client = new RestSchemaRegistryClient(registry);
      owned.add(client);
      SpecificAvroSerde<IncidentCommand> commandSerde = SpecificAvroSerde.of(IncidentCommand.class, client,
          AvroSerdeConfig.defaults(), false);
      SpecificAvroSerde<PageOutcome> outcomeSerde = SpecificAvroSerde.of(PageOutcome.class, client,
          AvroSerdeConfig.defaults(), false);
      Map<String, Object> producer = new HashMap<>(clientOverrides);
      producer.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      KafkaCommandSink sink = new KafkaCommandSink(producer, topics.incidentCommands(), commandSerde.serializer(),
          config.commandTimeout());
      owned.add(0, sink);
      Workload workload = new Workload(meters, onCall, config.workloadPeople(), clock.instant());
      PagesLog pagesLog = PagesLog.start(bootstrapServers, clientOverrides, outcomeSerde.deserializer(),
          topics.pagesLog(), config.pagesCapacity(), config.pagesLookback(), meters, clock, workload::observe);
      owned.add(0, pagesLog);
      return start(config, onCall, sink, pagesLog, inboxOrNull, meters, clock, owned);
    } catch (RuntimeException e) {
      closeAll(owned);
      throw e;
    }
  }

  /**
   * Starts the API over pieces the caller owns (and closes): binds the port and serves at once.
   *
   * @param config      settings
   * @param onCall      the on-call configuration now; may throw {@code InvalidStateStoreException}
   * @param commands    where ack and resolve commands go
   * @param pagesOrNull the page index for {@code /api/pages}, or null (404)
   * @param inboxOrNull the pager inbox for {@code /inbox}, or null (404)
   * @param meters      where the API's meters go
   * @param clock       "now" of queries, commands and link expiry
   */
  public static NotifierServer start(NotifierServerConfig config, Supplier<OnCallConfig> onCall,
                                     CommandSink commands, PagesLog pagesOrNull, PagerInbox inboxOrNull,
                                     MeterRegistry meters, Clock clock) {
    return start(config, onCall, commands, pagesOrNull, inboxOrNull, meters, clock, List.of());
  }

  private static NotifierServer start(NotifierServerConfig config, Supplier<OnCallConfig> onCall,
                                      CommandSink commands, PagesLog pages, PagerInbox inbox, MeterRegistry meters,
                                      Clock clock, List<AutoCloseable> owned) {
    NotifierServer server = new NotifierServer(Objects.requireNonNull(config, "config"),
        Objects.requireNonNull(onCall, "onCall"), Objects.requireNonNull(commands, "commands"), pages, inbox,
        Objects.requireNonNull(meters, "meters"), Objects.requireNonNull(clock, "clock"), List.copyOf(owned));
    server.http.start();
    log.info("Notifier API listening on {}:{} (links {}, auth {}, page index {}, inbox {})", config.host(),
        server.port(), server.links.map(l -> "under " + l.publicUrl()).orElse("off"),
        config.bearerToken().isPresent() ? "bearer" : "none", pages == null ? "off" : "on",
        inbox == null ? "off" : "on");
    return server;
  }

  /** The bound port. */
  public int port() {
    return http.port();
  }

  /** Where to reach it from this host: {@code http://<host>:<port>} ({@code localhost} for a wildcard bind). */
  public URI url() {
    String host = config.host();
    if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = "localhost";
    } else if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return URI.create("http://" + host + ":" + port());
  }

  /** The link signer in use, when links are configured (the dispatcher's {@link LinkDecorator} takes it). */
  public Optional<AckLinks> links() {
    return links;
  }

  /** Stops HTTP, then closes what {@link #start(NotifierServerConfig, String, Map, SchemaRegistryConfig, Topics,
   * Supplier, PagerInbox, MeterRegistry, Clock)} created (never the inbox or the on-call supplier). */
  @Override
  public void close() {
    http.stop();
    closeAll(owned);
  }

  private static void closeAll(List<AutoCloseable> resources) {
    for (AutoCloseable c : resources) {
      try {
        c.close();
      } catch (Exception e) {
        log.warn("Notifier API: error closing {}", c.getClass().getSimpleName(), e);
      }
    }
  }

  // ---------------------------------------------------------------- set-up

  private void configure(JavalinConfig c) {
    c.startup.showJavalinBanner = false;
    c.startup.showOldJavalinVersionWarning = false;
    c.jetty.host = config.host();
    c.jetty.port = config.port();
    c.http.defaultContentType = JSON;
    c.http.maxRequestSize = 64 * 1024;
    c.router.ignoreTrailingSlashes = true;
    var r = c.routes;
    r.get("/api/oncall", ctx -> timed(ctx, Endpoint.ONCALL, () -> onCall(ctx)));
    r.get("/api/oncall/{file}", ctx -> timed(ctx, Endpoint.ONCALL_ICS, () -> icalendar(ctx)));
    for (Action action : Action.values()) {
      r.get("/" + action.path() + "/{token}", ctx -> timed(ctx, Endpoint.LINK_CONFIRM, () -> confirm(ctx, action)));
      r.post("/" + action.path() + "/{token}", ctx -> timed(ctx, Endpoint.LINK_ACT, () -> act(ctx, action)));
      r.post("/api/incidents/{id}/" + action.path(), ctx -> timed(ctx, Endpoint.COMMAND, () -> command(ctx, action)));
    }
    r.get("/api/pages", ctx -> timed(ctx, Endpoint.PAGES, () -> pages(ctx)));
    r.get("/inbox", ctx -> timed(ctx, Endpoint.INBOX_HTML, () -> inboxHtml(ctx)));
    r.get("/api/inbox", ctx -> timed(ctx, Endpoint.INBOX_JSON, () -> inboxJson(ctx)));
    r.get("/api/openapi.yaml", ctx -> timed(ctx, Endpoint.OPENAPI,
        () -> ctx.status(200).contentType("application/yaml").result(openApi)));
    r.exception(Exception.class, (e, ctx) -> {
      log.error("Unexpected error serving {} {}", ctx.method(), ctx.path(), e);
      error(ctx, 500, "internal error: " + e.getClass().getSimpleName());
    });
  }

  private void timed(Context ctx, Endpoint endpoint, Runnable handler) {
    long start = System.nanoTime();
    boolean html = endpoint == Endpoint.LINK_CONFIRM || endpoint == Endpoint.LINK_ACT
        || endpoint == Endpoint.INBOX_HTML;
    try {
      handler.run();
    } catch (BadRequest e) {
      if (html) {
        htmlPage(ctx, 400, LinkPages.line("Bad request", e.getMessage()));
      } else {
        error(ctx, 400, e.getMessage());
      }
    } catch (Unavailable e) {
      ctx.header("Retry-After", String.valueOf(Math.max(1, config.retryAfter().toSeconds())));
      if (html) {
        htmlPage(ctx, 503, LinkPages.line("Try again in a moment", e.getMessage()));
      } else {
        error(ctx, 503, e.getMessage());
      }
    } catch (RuntimeException e) {
      log.error("Unexpected error serving {} {}", ctx.method(), ctx.path(), e);
      String line = "internal error: " + e.getClass().getSimpleName();
      if (html) {
        htmlPage(ctx, 500, LinkPages.line("Something went wrong", line));
      } else {
        error(ctx, 500, line);
      }
    } finally {
      metrics.request(endpoint, ctx.statusCode(), Duration.ofNanos(System.nanoTime() - start));
    }
  }

  // ---------------------------------------------------------------- on-call

  private void onCall(Context ctx) {
    Map<String, String> params = params(ctx, Set.of("team", "at"));
    Instant at = instant(params, "at").orElseGet(clock::instant);
    String team = params.get("team");
    OnCallConfig oncall = onCallConfig();
    try {
      if (team == null || team.isBlank()) {
        ok(ctx, OnCallJson.all(oncall, at));
        return;
      }
      if (!ENTITY_ID.matcher(team).matches()) {
        throw new BadRequest("team must be 1-128 characters of letters, digits, '.', '_' and '-'");
      }
      Optional<OnCall.TeamOnCall> found = OnCall.team(oncall, team, at);
      if (found.isEmpty()) {
        error(ctx, 404, "no team " + team);
        return;
      }
      ok(ctx, OnCallJson.team(oncall, found.get(), at));
    } catch (IllegalArgumentException | ArithmeticException | DateTimeException e) {
      throw new BadRequest(e.getMessage());
    }
  }

  private void icalendar(Context ctx) {
    String file = ctx.pathParam("file");
    if (!file.endsWith(".ics")) {
      error(ctx, 404, "no such resource: the calendar of a schedule is /api/oncall/<schedule>.ics");
      return;
    }
    String schedule = file.substring(0, file.length() - ".ics".length());
    if (!ENTITY_ID.matcher(schedule).matches()) {
      throw new BadRequest("schedule must be 1-128 characters of letters, digits, '.', '_' and '-'");
    }
    Map<String, String> params = params(ctx, Set.of("from", "to"));
    Instant now = clock.instant();
    Instant from = instant(params, "from").orElse(now);
    Instant to = instant(params, "to").orElseGet(() -> from.plus(DEFAULT_EXPORT));
    OnCallConfig oncall = onCallConfig();
    Optional<String> calendar;
    try {
      calendar = OnCall.icalendar(oncall, schedule, from, to, now);
    } catch (IllegalArgumentException | ArithmeticException | DateTimeException e) {
      throw new BadRequest(e.getMessage());
    }
    if (calendar.isEmpty()) {
      error(ctx, 404, "no schedule " + schedule);
      return;
    }
    ctx.status(200).contentType(CALENDAR)
        .header("Content-Disposition", "inline; filename=\"" + schedule + ".ics\"")
        .result(calendar.get().getBytes(StandardCharsets.UTF_8));
  }

  /** The on-call configuration, or Unavailable while the store is not queryable. */
  private OnCallConfig onCallConfig() {
    try {
      return onCall.get();
    } catch (UnknownStateStoreException e) {
      throw e;
    } catch (InvalidStateStoreException e) {
      throw new Unavailable("the on-call configuration is not queryable yet (starting or rebalancing)");
    } catch (IllegalStateException e) {
      throw new Unavailable("the on-call configuration is not queryable: " + oneLine(e.getMessage()));
    }
  }

  // ---------------------------------------------------------------- links

  private void confirm(Context ctx, Action action) {
    Optional<Claim> claim = claim(ctx, action);
    if (claim.isEmpty()) {
      return;
    }
    htmlPage(ctx, 200, LinkPages.confirm(claim.get()));
  }

  private void act(Context ctx, Action action) {
    Optional<Claim> claim = claim(ctx, action);
    if (claim.isEmpty()) {
      return;
    }
    String token = ctx.pathParam("token");
    IncidentCommand command = IncidentCommand.newBuilder()
        .setId(AckLinks.commandId(token))
        .setIncidentId(claim.get().incidentId())
        .setKind(action.kind())
        .setActor(claim.get().recipientId())
        .setVia("link")
        .setAt(clock.instant())
        .build();
    write(command, action, Via.LINK);
    htmlPage(ctx, 200, LinkPages.done(claim.get(), command.getId()));
  }

  /** The token's claim, or empty after answering with the refusal. */
  private Optional<Claim> claim(Context ctx, Action action) {
    if (links.isEmpty()) {
      htmlPage(ctx, 404, LinkPages.line("Links are off", "ack and resolve links are not configured on this "
          + "Stormwatch (notifier-api.public-url and link-secret)"));
      return Optional.empty();
    }
    Verdict verdict = links.get().verify(ctx.pathParam("token"), clock.instant());
    if (verdict instanceof Rejected rejected) {
      metrics.rejected(rejected.why());
      int status = rejected.why() == AckLinks.Why.MALFORMED ? 400 : 403;
      htmlPage(ctx, status, LinkPages.line(rejected.why() == AckLinks.Why.EXPIRED ? "Link expired"
          : "Link refused", rejected.reason()));
      return Optional.empty();
    }
    Claim claim = ((Valid) verdict).claim();
    if (claim.action() != action) {
      throw new BadRequest("this link is to " + LinkPages.lowerVerb(claim.action()) + ", not to "
          + LinkPages.lowerVerb(action) + ": open /" + claim.action().path() + "/... instead");
    }
    return Optional.of(claim);
  }

  // ---------------------------------------------------------------- API commands

  private void command(Context ctx, Action action) {
    Optional<Secret> token = config.bearerToken();
    if (token.isPresent() && !authorized(ctx.header("Authorization"), token.get().value())) {
      ctx.header("WWW-Authenticate", "Bearer realm=\"stormwatch\"");
      error(ctx, 401, "missing or wrong bearer token");
      return;
    }
    String id = ctx.pathParam("id");
    if (!INCIDENT_ID.matcher(id).matches()) {
      throw new BadRequest("malformed incident id (expected inc-<8 hex>-<16 hex>)");
    }
    String actor = "api";
    String comment = null;
    String body = ctx.body();
    if (!body.isBlank()) {
      JsonNode node;
      try {
        node = json.readTree(body);
      } catch (JsonProcessingException e) {
        throw new BadRequest("body must be a JSON object {\"actor\": ..., \"comment\": ...}");
      }
      if (node == null || !node.isObject() || !textOrAbsent(node, "actor") || !textOrAbsent(node, "comment")) {
        throw new BadRequest("body must be a JSON object whose actor and comment are strings of at most "
            + MAX_FIELD + " characters");
      }
      if (node.hasNonNull("actor") && !node.get("actor").asText().isBlank()) {
        actor = node.get("actor").asText().strip();
      }
      comment = node.hasNonNull("comment") ? node.get("comment").asText() : null;
    }
    String key = ctx.header("Idempotency-Key");
    if (key != null && (key.isBlank() || key.length() > 255)) {
      throw new BadRequest("Idempotency-Key must be 1-255 characters");
    }
    IncidentCommand command = IncidentCommand.newBuilder()
        .setId(key == null ? UUID.randomUUID().toString() : "api-" + sha256(key + "\n" + id + "\n" + action.path()))
        .setIncidentId(id)
        .setKind(action.kind())
        .setActor(actor)
        .setVia("api")
        .setComment(comment)
        .setAt(clock.instant())
        .build();
    write(command, action, Via.API);
    ObjectNode accepted = json.createObjectNode();
    accepted.put("commandId", command.getId());
    accepted.put("incidentId", id);
    accepted.put("kind", command.getKind().name());
    accepted.put("actor", actor);
    accepted.put("via", "api");
    ctx.status(202).contentType(JSON).result(accepted.toString());
  }

  private void write(IncidentCommand command, Action action, Via via) {
    try {
      commands.send(command).get(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      metrics.command(action, via, Written.FAILED);
      log.warn("Could not write {} command {} for {}: {}", action.path(), command.getId(), command.getIncidentId(),
          e.toString());
      throw new Unavailable("the command could not be written to Kafka in time; nothing changed, try again");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      metrics.command(action, via, Written.FAILED);
      throw new Unavailable("interrupted");
    }
    metrics.command(action, via, Written.WRITTEN);
    log.info("{} of {} by {} via {} written (command {})", action.path(), command.getIncidentId(),
        command.getActor(), command.getVia(), command.getId());
  }

  // ---------------------------------------------------------------- pages and inbox

  private void pages(Context ctx) {
    if (pages == null) {
      error(ctx, 404, "this notifier API does not read pages.log");
      return;
    }
    Map<String, String> params = params(ctx, Set.of("incident", "person", "since", "result", "limit"));
    Optional<String> incident = filter(params, "incident");
    Optional<String> person = filter(params, "person");
    Optional<Instant> since = instant(params, "since");
    Set<Result> results = EnumSet.of(Result.DELIVERED, Result.FAILED);
    if (params.containsKey("result")) {
      results = EnumSet.noneOf(Result.class);
      for (String r : params.get("result").split(",")) {
        try {
          results.add(Result.valueOf(r.strip().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw new BadRequest("result must be a comma-separated list of delivered, failed, pending; was '"
              + oneLine(params.get("result")) + "'");
        }
      }
    }
    int limit = DEFAULT_LIMIT;
    if (params.containsKey("limit")) {
      try {
        limit = Integer.parseInt(params.get("limit").strip());
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new BadRequest("limit must be an integer from 1 to " + MAX_LIMIT);
      }
    }
    if (!pages.caughtUp()) {
      throw new Unavailable("still reading pages.log; the list would be incomplete");
    }
    List<PageRecord> found = pages.query(new PagesLog.Query(incident, person, since, results, limit));
    ObjectNode root = json.createObjectNode();
    ArrayNode list = root.putArray("pages");
    for (PageRecord p : found) {
      ObjectNode n = list.addObject();
      n.put("dedupKey", p.dedupKey());
      n.put("incidentId", p.incidentId());
      n.put("action", lower(p.action().name()));
      n.put("recipientId", p.recipientId());
      n.put("channel", lower(p.channel().name()));
      n.put("result", lower(p.result().name()));
      n.put("attempts", p.attempts());
      n.put("reason", p.reason());
      if (p.httpStatus() == null) {
        n.putNull("httpStatus");
      } else {
        n.put("httpStatus", p.httpStatus());
      }
      n.put("providerReference", p.providerReference());
      n.put("error", p.error());
      n.put("latencyMillis", p.latencyMillis());
      n.put("firstAt", p.firstAt().toString());
      n.put("at", p.at().toString());
    }
    root.put("held", pages.size());
    root.put("capacity", pages.capacity());
    ok(ctx, root);
  }

  private void inboxHtml(Context ctx) {
    if (inbox == null) {
      htmlPage(ctx, 404, LinkPages.line("No pager inbox", "this Stormwatch has no pager inbox"));
      return;
    }
    htmlPage(ctx, 200, inbox.html(ctx.queryParam("inbox")));
  }

  private void inboxJson(Context ctx) {
    if (inbox == null) {
      error(ctx, 404, "this Stormwatch has no pager inbox");
      return;
    }
    ctx.status(200).contentType(JSON).result(inbox.json(ctx.queryParam("inbox")));
  }

  // ---------------------------------------------------------------- parameters and responses

  /** The first value of each query parameter; 400 for a parameter not in {@code known}. */
  private static Map<String, String> params(Context ctx, Set<String> known) {
    Map<String, String> first = new HashMap<>();
    for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
      if (!known.contains(e.getKey())) {
        throw new BadRequest("unknown parameter '" + oneLine(e.getKey()) + "' (known: "
            + String.join(", ", new TreeSet<>(known)) + ")");
      }
      if (!e.getValue().isEmpty()) {
        first.put(e.getKey(), e.getValue().get(0));
      }
    }
    return first;
  }

  private static Optional<String> filter(Map<String, String> params, String name) {
    String v = params.get(name);
    if (v == null || v.isBlank()) {
      return Optional.empty();
    }
    if (v.length() > MAX_FILTER) {
      throw new BadRequest(name + " must be at most " + MAX_FILTER + " characters");
    }
    return Optional.of(v.strip());
  }

  /** An ISO-8601 instant ({@code 2025-03-10T12:00:00Z}) or date-time with offset. */
  static Optional<Instant> instant(Map<String, String> params, String name) {
    String v = params.get(name);
    if (v == null || v.isBlank()) {
      return Optional.empty();
    }
    String text = v.strip();
    Instant t;
    try {
      t = Instant.parse(text);
    } catch (DateTimeParseException e) {
      try {
        t = OffsetDateTime.parse(text).toInstant();
      } catch (DateTimeParseException e2) {
        throw new BadRequest(name + " must be an ISO-8601 instant such as 2025-03-10T12:00:00Z, was '"
            + oneLine(text.length() > 64 ? text.substring(0, 64) + "…" : text) + "'");
      }
    }
    if (t.isBefore(OnCall.EARLIEST) || !t.isBefore(OnCall.LATEST)) {
      throw new BadRequest(name + " must be between " + OnCall.EARLIEST + " and " + OnCall.LATEST + ", was " + t);
    }
    return Optional.of(t);
  }

  private void ok(Context ctx, JsonNode body) {
    ctx.status(200).contentType(JSON).result(body.toString());
  }

  private void error(Context ctx, int status, String message) {
    ObjectNode body = json.createObjectNode();
    body.put("error", oneLine(message));
    ctx.status(status).contentType(JSON).result(body.toString() + "\n");
  }

  private static void htmlPage(Context ctx, int status, String html) {
    ctx.status(status).contentType(HTML)
        .header("Cache-Control", "no-store")
        .header("Referrer-Policy", "no-referrer")
        .header("X-Robots-Tag", "noindex, nofollow")
        .header("X-Content-Type-Options", "nosniff")
        .header("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
        .result(html);
  }

  private static boolean textOrAbsent(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() || v.isTextual() && v.asText().length() <= MAX_FIELD;
  }

  static boolean authorized(String header, String token) {
    if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(header.substring(7).strip().getBytes(StandardCharsets.UTF_8),
        token.getBytes(StandardCharsets.UTF_8));
  }

  private static String sha256(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private static String lower(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  private static String oneLine(String text) {
    return text == null ? "" : text.replaceAll("[\\r\\n]+", " ").strip();
  }

  private static byte[] resource(String name) {
    try (InputStream in = NotifierServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** 400 with one line. */
  private static final class BadRequest extends RuntimeException {
    BadRequest(String reason) {
      super(reason, null, false, false);
    }
  }

  /** 503 with Retry-After and one line. */
  private static final class Unavailable extends RuntimeException {
    Unavailable(String reason) {
      super(reason, null, false, false);
    }
  }
}
