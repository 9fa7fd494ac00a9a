package dev.stormwatch.correlator.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stormwatch.avro.CommandKind;
import dev.stormwatch.avro.AlertSummary;
import dev.stormwatch.avro.Incident;
import dev.stormwatch.avro.IncidentCommand;
import dev.stormwatch.common.metrics.HttpOutcome;
import dev.stormwatch.correlator.domain.AlertState;
import dev.stormwatch.correlator.query.QueryMetrics.Endpoint;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.UnknownStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The correlator's interactive-query HTTP API over a running {@link KafkaStreams} instance; every
 * instance runs one, and {@code application.server} must be {@link #applicationServer()}.
 *
 * <table>
 *   <caption>Endpoints (see {@code openapi/correlator-query.yaml}, served at {@code /api/openapi.yaml})</caption>
 *   <tr><td>{@code GET /api/incidents?status=&service=&severity=&limit=}</td><td>fans out to every
 *       instance, each answering from its active partitions; newest first by {@code openedAt}</td></tr>
 *   <tr><td>{@code GET /api/incidents/{id}}</td><td>routed to the owner of the id's partition (the
 *       partition of its domain, see {@link IncidentRouting}); standby fallback</td></tr>
 *   <tr><td>{@code GET /api/alerts/{fingerprint}}</td><td>fans out, first hit wins</td></tr>
 *   <tr><td>{@code GET /api/services/{name}}</td><td>open incidents containing the service and
 *       their alerts on it</td></tr>
 *   <tr><td>{@code POST /api/incidents/{id}/ack|resolve}</td><td>writes an {@link IncidentCommand};
 *       202 with its id</td></tr>
 *   <tr><td>{@code GET /api/topology}</td><td>the service graph, from the local copy of the global
 *       store ({@link TopologyApi})</td></tr>
 *   <tr><td>{@code GET /}, {@code /console/*}, {@code GET /api/notifier/pages}</td><td>the web console
 *       and its relay to the notifier ({@link ConsoleRoutes})</td></tr>
 *   <tr><td>{@code POST|GET /api/silences}, {@code GET|DELETE /api/silences/{id}}</td><td>silences and
 *       maintenance windows ({@link SilenceApi}): written to the {@code silences} topic, read from the
 *       global store every instance has</td></tr>
 *   <tr><td>{@code GET /api/stats?from=&to=&service=&team=}</td><td>incident statistics
 *       ({@link StatsApi}): every instance's records, combined</td></tr>
 * </table>
 *
 * <p>Errors are one line of text: 400 bad parameters or malformed id, 401 missing or wrong bearer
 * token (when configured), 404 unknown, 503 with {@code Retry-After} while no instance can answer
 * for certain (rebalancing, no owner, a peer unreachable within the peer timeout). A request to a
 * peer carries {@value #FORWARDED}; such a request is answered locally or with 503, never
 * forwarded again.
 *
 * <p>Lifecycle: {@link #start} binds the port (so the address is known before Kafka Streams is
 * built), {@link #attach} hands over the Streams instance; until then queries answer 503.
 */
public final class QueryServer implements AutoCloseable {

  /** Marks a request sent by a peer instance. */
  public static final String FORWARDED = "X-Stormwatch-Forwarded";

  private static final Logger log = LoggerFactory.getLogger(QueryServer.class);
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String JSON = "application/json";
  private static final Pattern FINGERPRINT = Pattern.compile("[A-Za-z0-9._:-]{1,256}");
  private static final int MAX_FIELD = 1024;

  private final QueryServerConfig config;
  private final QueryMetrics metrics;
  private final CommandSink commands;
  private final SilenceApi silences;
  private final StatsApi stats;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();
  private final HttpClient peers;
  private final byte[] openApi;
  private final TopologyApi topology;
  private final ConsoleRoutes console;
  private final AtomicReference<KafkaStreams> streams = new AtomicReference<>();
  private final Javalin http;
  private volatile HostInfo self;

  private QueryServer(QueryServerConfig config, MeterRegistry registry, CommandSink commands, SilenceSink silences,
                      Clock clock) {
    this.config = config;
    this.metrics = new QueryMetrics(registry);
    this.commands = commands;
    this.clock = clock;
    this.silences = new SilenceApi(this, silences);
    this.stats = new StatsApi(this);
    this.peers = HttpClient.newBuilder().connectTimeout(config.peerTimeout()).version(HttpClient.Version.HTTP_1_1)
        .build();
    this.openApi = resource("/openapi/correlator-query.yaml");
    this.topology = new TopologyApi(config.topologyStore());
    this.console = new ConsoleRoutes(config.notifierUrl(), config.peerTimeout(), peers, metrics);
    this.http = Javalin.create(this::configure);
  }

  /**
   * Binds the port and starts serving (503 until {@link #attach}).
   *
   * @param config   settings
   * @param registry where the API's meters go
   * @param commands where ack and resolve commands are written
   * @param clock    the time of commands
   */
  public static QueryServer start(QueryServerConfig config, MeterRegistry registry, CommandSink commands,
                                  Clock clock) {
    return start(config, registry, commands, SilenceSink.NONE, clock);
  }

  /**
   * Binds the port and starts serving (503 until {@link #attach}).
   *
   * @param config   settings
   * @param registry where the API's meters go
   * @param commands where ack and resolve commands are written
   * @param silences where silences are written
   * @param clock    the time of commands and silences
   */
  public static QueryServer start(QueryServerConfig config, MeterRegistry registry, CommandSink commands,
                                  SilenceSink silences, Clock clock) {
    QueryServer server = new QueryServer(Objects.requireNonNull(config, "config"),
        Objects.requireNonNull(registry, "registry"), Objects.requireNonNull(commands, "commands"),
        Objects.requireNonNull(silences, "silences"), Objects.requireNonNull(clock, "clock"));
    server.http.start();
    server.self = new HostInfo(config.advertisedHost(), server.http.port());
    log.info("Correlator query API listening on {}:{}, advertised as {}", config.host(), server.http.port(),
        server.applicationServer());
    return server;
  }

  /** The value for this instance's {@code application.server}: advertised host and bound port. */
  public String applicationServer() {
    return self.host() + ":" + self.port();
  }

  /** The bound port. */
  public int port() {
    return http.port();
  }

  /** Starts answering from {@code kafkaStreams}, whose {@code application.server} is {@link #applicationServer()}. */
  public void attach(KafkaStreams kafkaStreams) {
    streams.set(Objects.requireNonNull(kafkaStreams, "kafkaStreams"));
  }

  /** Stops HTTP; the Streams instance and the command sink stay the caller's. */
  @Override
  public void close() {
    http.stop();
  }

  // ---------------------------------------------------------------- set-up

  private void configure(JavalinConfig c) {
    c.startup.showJavalinBanner = false;
    c.startup.showOldJavalinVersionWarning = false;
    c.jetty.host = config.host();
    c.jetty.port = config.port();
    c.http.defaultContentType = TEXT;
    c.router.ignoreTrailingSlashes = true;
    var r = c.routes;
    r.get("/api/incidents", ctx -> timed(ctx, Endpoint.LIST_INCIDENTS, () -> listIncidents(ctx)));
    r.get("/api/incidents/{id}", ctx -> timed(ctx, Endpoint.GET_INCIDENT, () -> getIncident(ctx)));
    r.post("/api/incidents/{id}/ack", ctx -> timed(ctx, Endpoint.COMMAND, () -> command(ctx, CommandKind.ACK)));
    r.post("/api/incidents/{id}/resolve",
        ctx -> timed(ctx, Endpoint.COMMAND, () -> command(ctx, CommandKind.RESOLVE)));
    r.get("/api/alerts/{fingerprint}", ctx -> timed(ctx, Endpoint.GET_ALERT, () -> getAlert(ctx)));
    r.get("/api/services/{name}", ctx -> timed(ctx, Endpoint.GET_SERVICE, () -> getService(ctx)));
    r.get("/api/topology", ctx -> timed(ctx, Endpoint.TOPOLOGY, () -> getTopology(ctx)));
    console.register(r);
    r.post("/api/silences", ctx -> timed(ctx, Endpoint.SILENCES, () -> silences.create(ctx)));
    r.get("/api/silences", ctx -> timed(ctx, Endpoint.SILENCES, () -> silences.list(ctx)));
    r.get("/api/silences/{id}", ctx -> timed(ctx, Endpoint.SILENCES, () -> silences.get(ctx)));
    r.delete("/api/silences/{id}", ctx -> timed(ctx, Endpoint.SILENCES, () -> silences.expire(ctx)));
    r.get("/api/stats", ctx -> timed(ctx, Endpoint.STATS, () -> stats.get(ctx)));
    r.get(StatsApi.RECORDS_PATH, ctx -> timed(ctx, Endpoint.STATS, () -> stats.records(ctx)));
    r.get("/api/openapi.yaml", ctx -> timed(ctx, Endpoint.OPENAPI,
        () -> ctx.status(200).contentType("application/yaml").result(openApi)));
    r.exception(Exception.class, (e, ctx) -> {
      log.error("Unexpected error serving {} {}", ctx.method(), ctx.path(), e);
      ctx.status(500).contentType(TEXT).result("internal error: " + e.getClass().getSimpleName() + "\n");
    });
  }

  private void timed(Context ctx, Endpoint endpoint, Runnable handler) {
    long start = System.nanoTime();
    try {
      handler.run();
    } catch (Unavailable e) {
      unavailable(ctx, e.getMessage());
    } catch (UnknownStateStoreException e) {
      throw e;
    } catch (InvalidStateStoreException e) {
      // retriable by Kafka Streams' taxonomy: the store is migrating or not yet open
      unavailable(ctx, "state store unavailable: " + e.getClass().getSimpleName());
    } finally {
      metrics.request(endpoint, ctx.statusCode(), Duration.ofNanos(System.nanoTime() - start));
    }
  }

  // ---------------------------------------------------------------- endpoints

  private void listIncidents(Context ctx) {
    IncidentFilter.Parsed parsed = IncidentFilter.parse(firstValues(ctx));
    if (parsed.filter().isEmpty()) {
      badRequest(ctx, parsed.error());
      return;
    }
    List<JsonNode> incidents = incidents(ctx, parsed.filter().get(), Endpoint.LIST_INCIDENTS);
    ok(ctx, json.createArrayNode().addAll(incidents));
  }

  private void getService(Context ctx) {
    String name = ctx.pathParam("name");
    if (!IncidentFilter.validService(name)) {
      badRequest(ctx, "service must be 1-253 characters of letters, digits and ._:/-");
      return;
    }
    List<JsonNode> open = incidents(ctx, IncidentFilter.openWith(name), Endpoint.GET_SERVICE);
    ArrayNode alerts = json.createArrayNode();
    for (JsonNode incident : open) {
      for (JsonNode alert : incident.path("alerts")) {
        if (name.equals(alert.path("service").asText())) {
          ObjectNode a = alert.deepCopy();
          a.put("incidentId", incident.path("id").asText());
          alerts.add(a);
        }
      }
    }
    ObjectNode body = json.createObjectNode();
    body.put("service", name);
    body.setAll(topology.describe(runningStreams(), name));
    body.set("openIncidents", json.createArrayNode().addAll(open));
    body.set("alerts", alerts);
    ok(ctx, body);
  }

  private void getTopology(Context ctx) {
    TopologyApi.Limit limit = TopologyApi.parseLimit(ctx.queryParam("limit"));
    if (limit.error() != null) {
      badRequest(ctx, limit.error());
      return;
    }
    ok(ctx, topology.graph(runningStreams(), limit.value()));
  }

  private void getIncident(Context ctx) {
    String id = ctx.pathParam("id");
    if (!IncidentRouting.isIncidentId(id)) {
      badRequest(ctx, "malformed incident id (expected inc-<8 hex>-<16 hex>)");
      return;
    }
    KafkaStreams ks = runningStreams();
    KeyQueryMetadata meta = ks.queryMetadataForKey(config.incidentsStore(), id, IncidentRouting.PARTITIONER);
    if (meta == null || KeyQueryMetadata.NOT_AVAILABLE.equals(meta) || meta.activeHost() == null) {
      throw new Unavailable("no instance owns partition of " + id + " yet (rebalancing)");
    }
    int partition = meta.partition();
    boolean forwarded = ctx.header(FORWARDED) != null;
    if (isSelf(meta.activeHost())) {
      try {
        localIncident(ctx, ks, id, partition, false);
        return;
      } catch (InvalidStateStoreException e) {
        if (!meta.standbyHosts().stream().anyMatch(this::isSelf)) {
          throw new Unavailable("partition " + partition + " is migrating");
        }
      }
      localIncident(ctx, ks, id, partition, true);
      return;
    }
    if (forwarded) {
      // a peer thought we own it; answer from a local standby or not at all
      if (meta.standbyHosts().stream().anyMatch(this::isSelf)) {
        localIncident(ctx, ks, id, partition, true);
        return;
      }
      throw new Unavailable("partition " + partition + " moved (rebalancing)");
    }
    Optional<HttpResponse<byte[]>> answer = forward(meta.activeHost(), "/api/incidents/" + id,
        Endpoint.GET_INCIDENT);
    if (answer.isEmpty()) {
      if (meta.standbyHosts().stream().anyMatch(this::isSelf)) {
        localIncident(ctx, ks, id, partition, true);
        return;
      }
      for (HostInfo standby : meta.standbyHosts()) {
        answer = forward(standby, "/api/incidents/" + id, Endpoint.GET_INCIDENT);
        if (answer.isPresent()) {
          break;
        }
      }
    }
    if (answer.isEmpty()) {
      throw new Unavailable("the owner of partition " + partition + " and its standbys are unreachable");
    }
    relay(ctx, answer.get());
  }

  private void localIncident(Context ctx, KafkaStreams ks, String id, int partition, boolean stale) {
    StoreQueryParameters<ReadOnlyKeyValueStore<String, Incident>> params = StoreQueryParameters
        .fromNameAndType(config.incidentsStore(), QueryableStoreTypes.<String, Incident>keyValueStore())
        .withPartition(partition);
    Incident incident = ks.store(stale ? params.enableStaleStores() : params).get(id);
    if (incident == null) {
      notFound(ctx, "no incident " + id);
    } else {
      ok(ctx, RecordJson.of(withMembers(ks, incident, partition, stale)));
    }
  }

  /** The incident header from the incidents store with its member alerts from the members store. */
  private Incident withMembers(KafkaStreams ks, Incident header, Integer partition, boolean stale) {
    StoreQueryParameters<ReadOnlyKeyValueStore<String, AlertSummary>> params = StoreQueryParameters
        .fromNameAndType(config.membersStore(), QueryableStoreTypes.<String, AlertSummary>keyValueStore());
    if (partition != null) {
      params = params.withPartition(partition);
    }
    if (stale) {
      params = params.enableStaleStores();
    }
    List<AlertSummary> members = new ArrayList<>();
    try (KeyValueIterator<String, AlertSummary> it = ks.store(params).prefixScan(header.getId() + "|",
        new StringSerializer())) {
      it.forEachRemaining(kv -> members.add(kv.value));
    }
    Incident full = Incident.newBuilder(header).build();
    full.setAlerts(members);
    return full;
  }

  private void getAlert(Context ctx) {
    String fingerprint = ctx.pathParam("fingerprint");
    if (!FINGERPRINT.matcher(fingerprint).matches()) {
      badRequest(ctx, "malformed fingerprint (1-256 characters of letters, digits and ._:-)");
      return;
    }
    KafkaStreams ks = runningStreams();
    Optional<AlertState> local = localAlert(ks, fingerprint);
    if (local.isPresent()) {
      ok(ctx, RecordJson.of(local.get()));
      return;
    }
    if (ctx.header(FORWARDED) != null) {
      notFound(ctx, "no alert " + fingerprint);
      return;
    }
    Map<HostInfo, CompletableFuture<Optional<HttpResponse<byte[]>>>> calls = new LinkedHashMap<>();
    for (StreamsMetadata m : ks.streamsMetadataForStore(config.alertsStore())) {
      if (!isSelf(m.hostInfo())) {
        calls.put(m.hostInfo(), forwardAsync(m.hostInfo(), "/api/alerts/" + fingerprint, Endpoint.GET_ALERT));
      }
    }
    boolean complete = true;
    for (var call : calls.values()) {
      Optional<HttpResponse<byte[]>> answer = call.join();
      if (answer.isPresent() && answer.get().statusCode() == 200) {
        relay(ctx, answer.get());
        return;
      }
      complete &= answer.isPresent() && answer.get().statusCode() == 404;
    }
    if (!complete) {
      throw new Unavailable("not every instance could be asked for alert " + fingerprint);
    }
    notFound(ctx, "no alert " + fingerprint);
  }

  private Optional<AlertState> localAlert(KafkaStreams ks, String fingerprint) {
    try {
      return Optional.ofNullable(ks.store(StoreQueryParameters.fromNameAndType(config.alertsStore(),
          QueryableStoreTypes.<String, AlertState>keyValueStore())).get(fingerprint));
    } catch (UnknownStateStoreException e) {
      throw new IllegalStateException("this topology has no store " + config.alertsStore(), e);
    } catch (InvalidStateStoreException e) {
      throw new Unavailable("the alert store is migrating (rebalancing)");
    }
  }

  /** Whether a write may go ahead: no bearer token configured, or the right one given; else answers 401. */
  boolean authorize(Context ctx) {
    Optional<String> token = config.bearerToken();
    if (token.isPresent() && !authorized(ctx.header("Authorization"), token.get())) {
      ctx.status(401).contentType(TEXT).header("WWW-Authenticate", "Bearer realm=\"stormwatch\"")
          .result("missing or wrong bearer token\n");
      return false;
    }
    return true;
  }

  private void command(Context ctx, CommandKind kind) {
    if (!authorize(ctx)) {
      return;
    }
    String id = ctx.pathParam("id");
    if (!IncidentRouting.isIncidentId(id)) {
      badRequest(ctx, "malformed incident id (expected inc-<8 hex>-<16 hex>)");
      return;
    }
    String actor = "anonymous";
    String comment = null;
    String body = ctx.body();
    if (!body.isBlank()) {
      JsonNode node;
      try {
        node = json.readTree(body);
      } catch (JsonProcessingException e) {
        badRequest(ctx, "body must be a JSON object {\"actor\": ..., \"comment\": ...}");
        return;
      }
      if (!node.isObject() || !textOrAbsent(node, "actor") || !textOrAbsent(node, "comment")) {
        badRequest(ctx, "body must be a JSON object whose actor and comment are strings of at most "
            + MAX_FIELD + " characters");
        return;
      }
      if (node.hasNonNull("actor") && !node.get("actor").asText().isBlank()) {
        actor = node.get("actor").asText();
      }
      comment = node.hasNonNull("comment") ? node.get("comment").asText() : null;
    }
    IncidentCommand cmd = IncidentCommand.newBuilder()
        .setId(UUID.randomUUID().toString())
        .setIncidentId(id)
        .setKind(kind)
        .setActor(actor)
        .setVia("api")
        .setComment(comment)
        .setAt(Instant.now(clock))
        .build();
    try {
      commands.send(cmd).get(config.commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("Could not write {} command for {}: {}", kind, id, e.toString());
      throw new Unavailable("the command could not be written to Kafka in time");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted");
    }
    ObjectNode accepted = json.createObjectNode();
    accepted.put("commandId", cmd.getId());
    accepted.put("incidentId", id);
    accepted.put("kind", kind.name());
    ctx.status(202).contentType(JSON).result(accepted.toString());
  }

  // ---------------------------------------------------------------- fan-out and forwarding

  /** Every instance's matching incidents, merged, newest first, limited; or Unavailable. */
  private List<JsonNode> incidents(Context ctx, IncidentFilter filter, Endpoint endpoint) {
    KafkaStreams ks = runningStreams();
    List<JsonNode> all = new ArrayList<>(localIncidents(ks, filter));
    if (ctx.header(FORWARDED) == null) {
      List<CompletableFuture<Optional<HttpResponse<byte[]>>>> calls = new ArrayList<>();
      for (StreamsMetadata m : ks.metadataForAllStreamsClients()) {
        if (!isSelf(m.hostInfo())) {
          calls.add(forwardAsync(m.hostInfo(), "/api/incidents?" + filter.toQuery(), endpoint));
        }
      }
      for (var call : calls) {
        Optional<HttpResponse<byte[]>> answer = call.join();
        if (answer.isEmpty() || answer.get().statusCode() != 200) {
          throw new Unavailable("not every instance answered (rebalancing or unreachable)");
        }
        try {
          json.readTree(answer.get().body()).forEach(all::add);
        } catch (IOException e) {
          throw new Unavailable("a peer answered with malformed JSON");
        }
      }
    }
    Map<String, JsonNode> byId = new HashMap<>();
    for (JsonNode incident : all) {
      byId.merge(incident.path("id").asText(), incident,
          (a, b) -> a.path("revision").asLong() >= b.path("revision").asLong() ? a : b);
    }
    return byId.values().stream()
        .sorted(Comparator.comparing((JsonNode i) -> Instant.parse(i.path("openedAt").asText())).reversed()
            .thenComparing(i -> i.path("id").asText()))
        .limit(filter.limit())
        .toList();
  }

  private List<JsonNode> localIncidents(KafkaStreams ks, IncidentFilter filter) {
    List<Incident> found = new ArrayList<>();
    try {
      ReadOnlyKeyValueStore<String, Incident> store = ks.store(StoreQueryParameters.fromNameAndType(
          config.incidentsStore(), QueryableStoreTypes.<String, Incident>keyValueStore()));
      try (KeyValueIterator<String, Incident> it = store.all()) {
        it.forEachRemaining(kv -> {
          if (kv.value != null && filter.matches(kv.value)) {
            found.add(kv.value);
          }
        });
      }
    } catch (InvalidStateStoreException e) {
      throw new Unavailable("the incident store is migrating (rebalancing)");
    }
    try {
      return found.stream()
          .sorted(Comparator.comparing(Incident::getOpenedAt).reversed().thenComparing(Incident::getId))
          .limit(filter.limit())
          .map(i -> (JsonNode) RecordJson.of(withMembers(ks, i, null, false)))
          .toList();
    } catch (InvalidStateStoreException e) {
      throw new Unavailable("the incident store is migrating (rebalancing)");
    }
  }

  private Optional<HttpResponse<byte[]>> forward(HostInfo host, String pathAndQuery, Endpoint endpoint) {
    return forwardAsync(host, pathAndQuery, endpoint).join();
  }

  /** A GET to a peer, marked forwarded; empty when it failed, timed out or answered 503/5xx. */
  CompletableFuture<Optional<HttpResponse<byte[]>>> forwardAsync(HostInfo host, String pathAndQuery,
                                                                         Endpoint endpoint) {
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(URI.create(url(host) + pathAndQuery))
          .timeout(config.peerTimeout()).header(FORWARDED, "1").GET().build();
    } catch (IllegalArgumentException e) {
      metrics.forward(endpoint, HttpOutcome.ERROR);
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return peers.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .orTimeout(config.peerTimeout().toMillis() * 2, TimeUnit.MILLISECONDS)
        .handle((response, e) -> {
          if (e != null) {
            metrics.forward(endpoint, HttpOutcome.UNAVAILABLE);
            log.debug("Peer {} did not answer {}: {}", host, pathAndQuery, e.toString());
            return Optional.empty();
          }
          metrics.forward(endpoint, metrics.outcome(response.statusCode()));
          return response.statusCode() >= 500 ? Optional.empty() : Optional.of(response);
        });
  }

  private static String url(HostInfo host) {
    String h = host.host();
    if (h.indexOf(':') >= 0 && !h.startsWith("[")) {
      h = "[" + h + "]";
    }
    return "http://" + h + ":" + host.port();
  }

  boolean isSelf(HostInfo host) {
    HostInfo me = self;
    return host != null && me != null && host.port() == me.port() && host.host().equalsIgnoreCase(me.host());
  }

  KafkaStreams runningStreams() {
    KafkaStreams ks = streams.get();
    if (ks == null) {
      throw new Unavailable("starting");
    }
    KafkaStreams.State state = ks.state();
    if (state != KafkaStreams.State.RUNNING) {
      throw new Unavailable("Kafka Streams is " + state);
    }
    return ks;
  }

  // ---------------------------------------------------------------- for the endpoint classes

  QueryServerConfig config() {
    return config;
  }

  Clock clock() {
    return clock;
  }

  ObjectMapper json() {
    return json;
  }

  // ---------------------------------------------------------------- responses

  void ok(Context ctx, JsonNode body) {
    ctx.status(200).contentType(JSON).result(body.toString());
  }

  private static void relay(Context ctx, HttpResponse<byte[]> answer) {
    ctx.status(answer.statusCode())
        .contentType(answer.headers().firstValue("Content-Type").orElse(TEXT))
        .result(answer.body());
  }

  static void badRequest(Context ctx, String reason) {
    ctx.status(400).contentType(TEXT).result(reason + "\n");
  }

  static void notFound(Context ctx, String reason) {
    ctx.status(404).contentType(TEXT).result(reason + "\n");
  }

  private void unavailable(Context ctx, String reason) {
    long seconds = Math.max(1, config.retryAfter().toSeconds());
    ctx.status(503).contentType(TEXT).header("Retry-After", String.valueOf(seconds)).result(reason + "\n");
  }

  private static Map<String, String> firstValues(Context ctx) {
    Map<String, String> first = new HashMap<>();
    ctx.queryParamMap().forEach((k, v) -> {
      if (!v.isEmpty()) {
        first.put(k, v.get(0));
      }
    });
    return first;
  }

  private static boolean textOrAbsent(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null || v.isNull() || v.isTextual() && v.asText().length() <= MAX_FIELD;
  }

  static boolean authorized(String header, String token) {
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(header.substring(7).trim().getBytes(StandardCharsets.UTF_8),
        token.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] resource(String name) {
    try (InputStream in = QueryServer.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** No instance can answer for certain now: 503 with Retry-After. */
  static final class Unavailable extends RuntimeException {
    Unavailable(String reason) {
      super(reason, null, false, false);
    }
  }
}
