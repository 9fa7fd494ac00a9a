package dev.stormwatch.correlator.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.stormwatch.correlator.rules.Change;
import dev.stormwatch.correlator.rules.IncidentMilestones;
import dev.stormwatch.correlator.rules.IncidentStats;
import dev.stormwatch.correlator.topology.StatsCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyWindowStore;

/**
 * What {@code GET /api/stats} is computed from, as one instance holds it: the milestones of the
 * incidents opened in {@code [from, to + lookback)} and the changes that took effect in
 * {@code [from, to)}, read from the window stores {@code correlator-stats-incidents} and
 * {@code correlator-stats-changes} of the instance's active tasks. Every partition is active on
 * exactly one instance, so the records of all instances, {@link #combine combined} (a change by id,
 * since a change is routed to every domain it may be a suspect in, so several tasks keep it; an
 * incident by id, which only matters if two instances answered for one partition during a
 * rebalance), are every record exactly once, and {@link IncidentStats#compute} over them gives
 * the same numbers whichever instance is asked.
 *
 * @param incidents incident milestones
 * @param changes   changes
 */
public record StatsRecords(List<IncidentMilestones> incidents, List<Change> changes) {

  /** Copies. */
  public StatsRecords {
    incidents = List.copyOf(incidents);
    changes = List.copyOf(changes);
  }

  /**
   * The records of one instance's stores for a query.
   *
   * @param lookback {@code change-lookback}: incidents opened up to this long after {@code to} can
   *                 name a change of the window as a suspect
   */
  public static StatsRecords read(ReadOnlyWindowStore<String, byte[]> incidents,
                                  ReadOnlyWindowStore<String, byte[]> changes, IncidentStats.Query query,
                                  Duration lookback) {
    List<IncidentMilestones> milestones = new ArrayList<>();
    try (KeyValueIterator<Windowed<String>, byte[]> it = incidents.fetchAll(query.from(),
        query.to().plus(lookback).minusMillis(1))) {
      while (it.hasNext()) {
        byte[] value = it.next().value;
        if (value != null) {
          milestones.add(StatsCodec.milestones(StatsCodec.parse(value)));
        }
      }
    }
    List<Change> found = new ArrayList<>();
    try (KeyValueIterator<Windowed<String>, byte[]> it = changes.fetchAll(query.from(), query.to().minusMillis(1))) {
      while (it.hasNext()) {
        byte[] value = it.next().value;
        if (value != null) {
          found.add(StatsCodec.change(StatsCodec.parse(value)));
        }
      }
    }
    return new StatsRecords(milestones, found);
  }

  /** The records of several instances as one: each incident and change once. */
  public static StatsRecords combine(Collection<StatsRecords> parts) {
    Map<String, IncidentMilestones> incidents = new LinkedHashMap<>();
    Map<String, Change> changes = new LinkedHashMap<>();
    for (StatsRecords part : parts) {
      for (IncidentMilestones m : part.incidents()) {
        incidents.putIfAbsent(m.id(), m);
      }
      for (Change c : part.changes()) {
        changes.putIfAbsent(c.id(), c);
      }
    }
    return new StatsRecords(new ArrayList<>(incidents.values()), new ArrayList<>(changes.values()));
  }

  /** The statistics of these records. */
  public IncidentStats.Result compute(IncidentStats.Query query, Function<String, Optional<String>> ownerOf) {
    return IncidentStats.compute(query, incidents, changes, ownerOf);
  }

  /** The JSON peers send each other. */
  public ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    ArrayNode i = n.putArray("incidents");
    incidents.forEach(m -> i.add(StatsCodec.toJson(m)));
    ArrayNode c = n.putArray("changes");
    changes.forEach(ch -> c.add(StatsCodec.toJson(ch)));
    return n;
  }

  /** @throws IllegalArgumentException when {@code n} is not what {@link #toJson} writes */
  public static StatsRecords fromJson(JsonNode n) {
    List<IncidentMilestones> incidents = new ArrayList<>();
    n.path("incidents").forEach(i -> incidents.add(StatsCodec.milestones(i)));
    List<Change> changes = new ArrayList<>();
    n.path("changes").forEach(c -> changes.add(StatsCodec.change(c)));
    return new StatsRecords(incidents, changes);
  }
}
