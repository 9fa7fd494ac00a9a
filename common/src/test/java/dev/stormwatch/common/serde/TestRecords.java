package dev.stormwatch.common.serde;

import dev.stormwatch.common.serde.evolution.ProbeResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;

/** The test schemas: v2 is the generated {@link ProbeResult}; v1 and v3 are resources. */
final class TestRecords {
  static final Schema V1 = load("/evolution/probe-result-v1.avsc");
  static final Schema V2 = ProbeResult.getClassSchema();
  static final Schema V3 = load("/evolution/probe-result-v3.avsc");

  private TestRecords() {}

  static ProbeResult v2(String service, long latencyMicros, String region) {
    return ProbeResult.newBuilder()
        .setService(service)
        .setLatencyMicros(latencyMicros)
        .setLabels(Map.of("env", "prod"))
        .setRegion(region)
        .build();
  }

  static GenericRecord v1(String service, long latencyMicros, String legacyZone) {
    GenericRecord r = new GenericData.Record(V1);
    r.put("service", service);
    r.put("latencyMicros", latencyMicros);
    r.put("labels", Map.of("env", "prod"));
    r.put("legacyZone", legacyZone);
    return r;
  }

  static GenericRecord v3(String service, long latencyMicros, String region, int attempt) {
    GenericRecord r = new GenericData.Record(V3);
    r.put("service", service);
    r.put("latencyMicros", latencyMicros);
    r.put("labels", Map.of("env", "prod"));
    r.put("region", region);
    r.put("attempt", attempt);
    return r;
  }

  private static Schema load(String resource) {
    try (InputStream in = TestRecords.class.getResourceAsStream(resource)) {
      return new Schema.Parser().parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
