package dev.stormwatch.correlator.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.stormwatch.avro.ServiceNode;
import dev.stormwatch.correlator.query.QueryMetrics.Endpoint;
import dev.stormwatch.correlator.query.QueryServer.Unavailable;
import dev.stormwatch.correlator.rules.IncidentStats;
import dev.stormwatch.correlator.topology.CorrelatorStores;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * {@code GET /api/stats?from=&to=&service=&team=}: incident statistics ({@link IncidentStats}) over a
 * window, exact across instances. The instance asked reads its own records ({@link StatsRecords})
 * and asks every other instance for theirs at {@value #RECORDS_PATH} (marked forwarded), combines
 * them and computes once; if any instance cannot answer, the answer is 503 with {@code Retry-After}
 * rather than a partial number.
 */
final class StatsApi {

  /** Where an instance hands its raw records to a peer (internal, not forwarded further). */
  static final String RECORDS_PATH = "/api/internal/stats-records";

  private final QueryServer server;

  StatsApi(QueryServer server) {
    this.server = server;
  }

  void get(Context ctx) {
    Optional<IncidentStats.Query> query = query(ctx);
    if (query.isEmpty()) {
      return;
    }
    KafkaStreams ks = server.runningStreams();
    List<StatsRecords> parts = new ArrayList<>();
    parts.add(local(ks, query.get()));
    List<CompletableFuture<Optional<HttpResponse<byte[]>>>> calls = new ArrayList<>();
    for (StreamsMetadata m : ks.metadataForAllStreamsClients()) {
      if (!server.isSelf(m.hostInfo())) {
        calls.add(server.forwardAsync(m.hostInfo(), RECORDS_PATH + "?" + window(query.get()), Endpoint.STATS));
      }
    }
    for (var call : calls) {
      Optional<HttpResponse<byte[]>> answer = call.join();
      if (answer.isEmpty() || answer.get().statusCode() != 200) {
        throw new Unavailable("not every instance answered (rebalancing or unreachable)");
      }
      try {
        parts.add(StatsRecords.fromJson(server.json().readTree(answer.get().body())));
      } catch (IOException | IllegalArgumentException e) {
        throw new Unavailable("a peer answered with malformed statistics records");
      }
    }
    ReadOnlyKeyValueStore<String, ServiceNode> topology = ks.store(StoreQueryParameters.fromNameAndType(
        CorrelatorStores.TOPOLOGY, QueryableStoreTypes.<String, ServiceNode>keyValueStore()));
    IncidentStats.Result result = StatsRecords.combine(parts).compute(query.get(),
        service -> Optional.ofNullable(topology.get(service)).map(ServiceNode::getOwner));
    server.ok(ctx, server.json().valueToTree(result));
  }

  /** A peer's raw records for a window (service and team are applied by the instance asked). */
  void records(Context ctx) {
    Optional<IncidentStats.Query> query = query(ctx);
    if (query.isPresent()) {
      server.ok(ctx, local(server.runningStreams(), query.get()).toJson());
    }
  }

  private Optional<IncidentStats.Query> query(Context ctx) {
    try {
      return Optional.of(IncidentStats.Query.parse(ctx.queryParam("from"), ctx.queryParam("to"),
          ctx.queryParam("service"), ctx.queryParam("team"), Instant.now(server.clock())));
    } catch (IllegalArgumentException e) {
      QueryServer.badRequest(ctx, e.getMessage());
      return Optional.empty();
    }
  }

  private StatsRecords local(KafkaStreams ks, IncidentStats.Query query) {
    try {
      ReadOnlyWindowStore<String, byte[]> incidents = ks.store(StoreQueryParameters.fromNameAndType(
          CorrelatorStores.STATS_INCIDENTS, QueryableStoreTypes.<String, byte[]>windowStore()));
      ReadOnlyWindowStore<String, byte[]> changes = ks.store(StoreQueryParameters.fromNameAndType(
          CorrelatorStores.STATS_CHANGES, QueryableStoreTypes.<String, byte[]>windowStore()));
      return StatsRecords.read(incidents, changes, query, server.config().statsLookback());
    } catch (InvalidStateStoreException e) {
      throw new Unavailable("the statistics stores are migrating (rebalancing)");
    }
  }

  private static String window(IncidentStats.Query q) {
    return "from=" + URLEncoder.encode(q.from().toString(), StandardCharsets.UTF_8) + "&to="
        + URLEncoder.encode(q.to().toString(), StandardCharsets.UTF_8);
  }
}
