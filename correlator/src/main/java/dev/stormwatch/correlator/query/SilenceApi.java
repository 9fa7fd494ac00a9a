package dev.stormwatch.correlator.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stormwatch.avro.Matcher;
import dev.stormwatch.avro.Silence;
import dev.stormwatch.avro.WeeklyRecurrence;
import dev.stormwatch.correlator.query.QueryServer.Unavailable;
import dev.stormwatch.correlator.rules.LabelMatcher;
import dev.stormwatch.correlator.rules.LabelMatchers;
import dev.stormwatch.correlator.rules.SilenceRule;
import dev.stormwatch.correlator.topology.CorrelatorStores;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Silences and maintenance windows over HTTP: {@code POST /api/silences} validates a silence and
 * writes it to the compacted {@code silences} topic (202; the correlator and every instance's global
 * store see it moments later), {@code GET /api/silences} lists the current and pending ones
 * ({@code ?all=true}: the expired ones still kept too), {@code GET /api/silences/{id}} shows one, and
 * {@code DELETE /api/silences/{id}} expires one: it ends now and is kept for the record (until
 * {@code silence-retention} later). Reads come from the global store {@value CorrelatorStores#SILENCES},
 * which every instance has in full, so nothing is forwarded. Writes need the bearer token when one
 * is configured. Bad input is 400 with one line naming what is wrong.
 *
 * <p>The request body of a POST is read by {@link SilenceRequest}.
 */
final class SilenceApi {

  private static final Logger log = LoggerFactory.getLogger(SilenceApi.class);
  private static final Pattern ID = SilenceRequest.ID;
  private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm");

  private final QueryServer server;
  private final SilenceSink sink;

  SilenceApi(QueryServer server, SilenceSink sink) {
    this.server = server;
    this.sink = sink;
  }

  // ---- endpoints -------------------------------------------------------------------------------

  void create(Context ctx) {
    if (!server.authorize(ctx)) {
      return;
    }
    Instant now = Instant.now(server.clock()).truncatedTo(ChronoUnit.MILLIS);
    Silence silence;
    try {
      silence = SilenceRequest.parse(ctx.body(), now);
      SilenceRule.of(silence);
    } catch (IllegalArgumentException e) {
      QueryServer.badRequest(ctx, e.getMessage().lines().findFirst().orElse("bad silence"));
      return;
    }
    if (silence.getEndsAt().isBefore(now) || silence.getEndsAt().equals(now)) {
      QueryServer.badRequest(ctx, "silence " + silence.getId() + " would end at " + silence.getEndsAt()
          + ", which is not in the future");
      return;
    }
    Optional<Silence> existing = stored(silence.getId());
    if (existing.isPresent()) {
      silence.setCreatedAt(existing.get().getCreatedAt());
    }
    write(silence);
    log.info("silence {} written by {}: {} from {} to {}{}", silence.getId(), silence.getAuthor(),
        LabelMatchers.fromAvro(silence.getMatchers()), silence.getStartsAt(), silence.getEndsAt(),
        existing.isPresent() ? " (replaces the earlier version)" : "");
    ctx.status(202).contentType("application/json").result(json(silence, now).toString());
  }

  void list(Context ctx) {
    String all = ctx.queryParam("all");
    if (all != null && !all.equals("true") && !all.equals("false")) {
      QueryServer.badRequest(ctx, "all must be true or false");
      return;
    }
    boolean everything = "true".equals(all);
    Instant now = Instant.now(server.clock());
    List<Silence> found = new ArrayList<>();
    try (KeyValueIterator<String, Silence> it = store().all()) {
      it.forEachRemaining(kv -> {
        if (kv.value != null && (everything || kv.value.getEndsAt().isAfter(now))) {
          found.add(kv.value);
        }
      });
    } catch (InvalidStateStoreException e) {
      throw new Unavailable("the silences store is not ready (starting or rebalancing)");
    }
    found.sort(Comparator.comparing(Silence::getStartsAt).reversed().thenComparing(Silence::getId));
    ArrayNode out = server.json().createArrayNode();
    found.forEach(s -> out.add(json(s, now)));
    server.ok(ctx, out);
  }

  void get(Context ctx) {
    String id = ctx.pathParam("id");
    if (!ID.matcher(id).matches()) {
      QueryServer.badRequest(ctx, "malformed silence id (1-128 characters of letters, digits and ._:-)");
      return;
    }
    Optional<Silence> silence = stored(id);
    if (silence.isEmpty()) {
      QueryServer.notFound(ctx, "no silence " + id);
    } else {
      server.ok(ctx, json(silence.get(), Instant.now(server.clock())));
    }
  }

  void expire(Context ctx) {
    if (!server.authorize(ctx)) {
      return;
    }
    String id = ctx.pathParam("id");
    if (!ID.matcher(id).matches()) {
      QueryServer.badRequest(ctx, "malformed silence id (1-128 characters of letters, digits and ._:-)");
      return;
    }
    Optional<Silence> silence = stored(id);
    if (silence.isEmpty()) {
      QueryServer.notFound(ctx, "no silence " + id);
      return;
    }
    Instant now = Instant.now(server.clock()).truncatedTo(ChronoUnit.MILLIS);
    Silence old = silence.get();
    if (!old.getEndsAt().isAfter(now)) {
      ctx.status(409).contentType("text/plain; charset=utf-8").result("silence " + id + " already ended at "
          + old.getEndsAt() + "\n");
      return;
    }
    Silence expired = Silence.newBuilder(old)
        .setStartsAt(old.getStartsAt().isAfter(now) ? now : old.getStartsAt())
        .setEndsAt(now)
        .setUpdatedAt(now)
        .build();
    write(expired);
    log.info("silence {} expired at {}", id, now);
    server.ok(ctx, json(expired, now));
  }

  // ---- store and sink --------------------------------------------------------------------------

  private ReadOnlyKeyValueStore<String, Silence> store() {
    KafkaStreams ks = server.runningStreams();
    return ks.store(StoreQueryParameters.fromNameAndType(CorrelatorStores.SILENCES,
        QueryableStoreTypes.<String, Silence>keyValueStore()));
  }

  private Optional<Silence> stored(String id) {
    try {
      return Optional.ofNullable(store().get(id));
    } catch (InvalidStateStoreException e) {
      throw new Unavailable("the silences store is not ready (starting or rebalancing)");
    }
  }

  private void write(Silence silence) {
    try {
      sink.send(silence).get(server.config().commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("Could not write silence {}: {}", silence.getId(), e.toString());
      throw new Unavailable("the silence could not be written to Kafka in time");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unavailable("interrupted");
    }
  }

  // ---- JSON ------------------------------------------------------------------------------------

  /** A silence as the API shows it, with its state at {@code now}: active, pending, expired or invalid. */
  ObjectNode json(Silence s, Instant now) {
    ObjectNode out = server.json().createObjectNode();
    out.put("id", s.getId());
    ArrayNode matchers = out.putArray("matchers");
    for (Matcher m : s.getMatchers()) {
      ObjectNode o = matchers.addObject();
      o.put("name", m.getName());
      o.put("op", LabelMatcher.Op.of(m.getOp()).symbol());
      o.put("value", m.getValue());
    }
    out.put("startsAt", s.getStartsAt().toString());
    out.put("endsAt", s.getEndsAt().toString());
    WeeklyRecurrence r = s.getRecurrence();
    if (r == null) {
      out.putNull("recurrence");
    } else {
      ObjectNode o = out.putObject("recurrence");
      ArrayNode days = o.putArray("days");
      r.getDays().forEach(d -> days.add(d.name()));
      o.put("startTime", HH_MM.format(r.getStartTime()));
      o.put("durationMillis", r.getDurationMillis());
      o.put("timeZone", r.getTimeZone());
    }
    out.put("author", s.getAuthor());
    out.put("comment", s.getComment());
    out.put("createdAt", s.getCreatedAt().toString());
    out.put("updatedAt", s.getUpdatedAt().toString());
    try {
      SilenceRule rule = SilenceRule.of(s);
      out.put("matchersText", rule.matchers().toString());
      out.put("state", rule.expiredAt(now) ? "expired" : rule.activeAt(now) ? "active" : "pending");
      if (rule.recurring()) {
        out.put("schedule", rule.schedule().describe());
      }
    } catch (IllegalArgumentException e) {
      out.put("state", "invalid");
      out.put("error", e.getMessage());
    }
    return out;
  }
}
