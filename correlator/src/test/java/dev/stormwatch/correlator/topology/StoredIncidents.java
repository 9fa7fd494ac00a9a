package dev.stormwatch.correlator.topology;

import dev.stormwatch.avro.AlertSummary;
import dev.stormwatch.avro.Incident;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/** The incidents a test driver's correlator holds: each header with its members, as the query API assembles them. */
final class StoredIncidents {

  private StoredIncidents() {}

  /** Every incident in the stores, oldest first (then by id). */
  static List<Incident> of(TopologyTestDriver driver) {
    KeyValueStore<String, Incident> headers = driver.getKeyValueStore(CorrelatorStores.INCIDENTS);
    KeyValueStore<String, AlertSummary> members = driver.getKeyValueStore(CorrelatorStores.INCIDENT_ALERTS);
    List<Incident> out = new ArrayList<>();
    try (KeyValueIterator<String, Incident> it = headers.all()) {
      while (it.hasNext()) {
        Incident incident = Incident.newBuilder(it.next().value).build();
        List<AlertSummary> alerts = new ArrayList<>();
        try (KeyValueIterator<String, AlertSummary> m = members.prefixScan(incident.getId() + "|",
            new StringSerializer())) {
          m.forEachRemaining(kv -> alerts.add(kv.value));
        }
        incident.setAlerts(alerts);
        out.add(incident);
      }
    }
    out.sort(Comparator.comparing(Incident::getOpenedAt).thenComparing(Incident::getId));
    return out;
  }
}
