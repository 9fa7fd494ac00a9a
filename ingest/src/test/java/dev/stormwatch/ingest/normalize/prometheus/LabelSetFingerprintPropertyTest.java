package dev.stormwatch.ingest.normalize.prometheus;

import static dev.stormwatch.ingest.normalize.Fixtures.events;
import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.ingest.normalize.Fixtures;
import dev.stormwatch.ingest.raw.RawRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

/**
 * {@link LabelSetFingerprint} is Prometheus' {@code LabelSet.Fingerprint()}: independent of label
 * order, 16 hex digits, and equal to the fingerprints Alertmanager 0.25.0 sent for the captured
 * alerts.
 */
class LabelSetFingerprintPropertyTest {

  /** Label sets of the captured alerts and the fingerprint Alertmanager gave each. */
  static final Map<Map<String, String>, String> ALERTMANAGER = Map.of(
      Map.of("alertname", "ProbeAlwaysFiring", "cluster", "probe-cluster", "service", "checkout", "severity", "critical"),
      "584730f35ab98b6e",
      Map.of("alertname", "ProbeMultiInstance", "cluster", "probe-cluster", "instance", "db-1:9100",
          "service", "database", "severity", "warning"), "d34b4e1048276985",
      Map.of("alertname", "ProbeMultiInstance", "cluster", "probe-cluster", "instance", "db-2:9100",
          "service", "database", "severity", "warning"), "be442a564e02b0a8",
      Map.of("alertname", "ProbeMultiInstance", "cluster", "probe-cluster", "instance", "db-3:9100",
          "service", "database", "severity", "warning"), "964ba2dc8d4b20db",
      Map.of("alertname", "CurlProbe", "service", "x"), "e38555bb860f2b7b",
      Map.of("alertname", "DiskFull", "instance", "node-1:9100", "service", "storage", "severity", "critical"),
      "a82389cd1af7ec2b",
      Map.of("alertname", "DiskFull", "instance", "node-2:9100", "service", "storage", "severity", "critical"),
      "a01785ced1dcf0ba");

  @Property(tries = 500, seed = "20261130")
  void fingerprintDoesNotDependOnLabelOrder(@ForAll @Size(max = 12) Map<@StringLength(max = 8) String, String> labels,
                                            @ForAll long shuffleSeed) {
    List<String> names = new ArrayList<>(labels.keySet());
    Collections.shuffle(names, new Random(shuffleSeed));
    Map<String, String> shuffled = new LinkedHashMap<>();
    names.forEach(name -> shuffled.put(name, labels.get(name)));

    assertThat(LabelSetFingerprint.of(shuffled)).isEqualTo(LabelSetFingerprint.of(new TreeMap<>(labels)))
        .matches("[0-9a-f]{16}");
  }

  @Property(tries = 200, seed = "20261131")
  void fixtureLabelSetsInAnyOrderGiveAlertmanagersFingerprint(@ForAll long shuffleSeed) {
    ALERTMANAGER.forEach((labels, expected) -> {
      List<String> names = new ArrayList<>(labels.keySet());
      Collections.shuffle(names, new Random(shuffleSeed));
      Map<String, String> shuffled = new LinkedHashMap<>();
      names.forEach(name -> shuffled.put(name, labels.get(name)));
      assertThat(LabelSetFingerprint.of(shuffled)).as(names.toString()).isEqualTo(expected);
    });
  }

  @Property(tries = 300, seed = "20261132")
  void prometheusApiAlertsGetTheLabelSetFingerprint(@ForAll @Size(min = 1, max = 6) Map<@StringLength(min = 1, max = 8) String,
      @StringLength(min = 1, max = 8) String> labels) {
    Map<String, Object> alert = Map.of("labels", labels);
    byte[] body = Fixtures.write(Fixtures.JSON.valueToTree(List.of(alert)));
    List<AlertEvent> events = events(PrometheusNormalizer.withDefaults().normalize(
        RawRecord.of("alerts.raw.prometheus", body, Map.of(), Instant.parse("2026-11-27T15:00:00Z").toEpochMilli())));

    assertThat(events).singleElement().extracting(AlertEvent::getFingerprint).isEqualTo(LabelSetFingerprint.of(labels));
  }

  @Example
  void emptyLabelSetIsTheFnvOffsetBasisAndNamesSortByUtf8Bytes() {
    assertThat(LabelSetFingerprint.of(Map.of())).isEqualTo("cbf29ce484222325");
    // U+FF21 sorts before U+1F600 in UTF-8 bytes (EF.. < F0..) but after it in UTF-16 (FF21 > D83D).
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("\uD83D\uDE00", "a");
    labels.put("\uFF21", "b");
    Map<String, String> reversed = new LinkedHashMap<>();
    reversed.put("\uFF21", "b");
    reversed.put("\uD83D\uDE00", "a");
    assertThat(LabelSetFingerprint.of(labels)).isEqualTo(LabelSetFingerprint.of(reversed));
    assertThat(LabelSetFingerprint.hash(labels)).isEqualTo(manualFnv("\uFF21", "b", "\uD83D\uDE00", "a"));
  }

  /** FNV-1a over the given strings in the given order, each followed by 0xff. */
  static long manualFnv(String... parts) {
    long h = 0xcbf29ce484222325L;
    for (String part : parts) {
      for (byte b : part.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
        h = (h ^ (b & 0xff)) * 0x100000001b3L;
      }
      h = (h ^ 0xff) * 0x100000001b3L;
    }
    return h;
  }
}
