package dev.stormwatch.common.serde;

import dev.stormwatch.common.registry.FakeSchemaRegistry;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.evolution.ProbeResult;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Measures single-thread serde throughput against the in-process fake registry. A benchmark, not
 * a test: it reports and never fails. Run from the common module after {@code test-compile}:
 * {@code java -cp target/classes:target/test-classes:$(deps) dev.stormwatch.common.serde.SerdeThroughputBenchmark}.
 */
public final class SerdeThroughputBenchmark {

  private SerdeThroughputBenchmark() {}

  public static void main(String[] args) {
    int records = args.length > 0 ? Integer.parseInt(args[0]) : 2_000_000;
    try (FakeSchemaRegistry registry = FakeSchemaRegistry.start();
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(
            SchemaRegistryConfig.builder().urls(registry.url()).build())) {
      SpecificAvroSerde<ProbeResult> serde =
          SpecificAvroSerde.of(ProbeResult.class, client, AvroSerdeConfig.defaults(), false);
      Serializer<ProbeResult> ser = serde.serializer();
      Deserializer<ProbeResult> de = serde.deserializer();
      ProbeResult[] inputs = new ProbeResult[1024];
      for (int i = 0; i < inputs.length; i++) {
        inputs[i] = TestRecords.v2("service-" + i, i * 31L, "eu-west-" + (i % 3));
      }
      byte[][] encoded = new byte[inputs.length][];
      for (int i = 0; i < inputs.length; i++) {
        encoded[i] = ser.serialize("bench", inputs[i]);
      }
      byte[][] olderWriter = new byte[inputs.length][];
      Serializer<org.apache.avro.generic.GenericRecord> v1 =
          GenericAvroSerde.of(client, AvroSerdeConfig.defaults(), false).serializer();
      for (int i = 0; i < inputs.length; i++) {
        olderWriter[i] = v1.serialize("bench", TestRecords.v1("service-" + i, i, "z"));
      }
      for (int round = 0; round < 3; round++) {
        long bytes = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < records; i++) {
          bytes += ser.serialize("bench", inputs[i & 1023]).length;
        }
        long t1 = System.nanoTime();
        long sink = 0;
        for (int i = 0; i < records; i++) {
          sink += de.deserialize("bench", encoded[i & 1023]).getLatencyMicros();
        }
        long t2 = System.nanoTime();
        for (int i = 0; i < records; i++) {
          sink += de.deserialize("bench", olderWriter[i & 1023]).getLatencyMicros();
        }
        long t3 = System.nanoTime();
        System.out.printf("round %d: serialize %,.0f rec/s (avg %d B), deserialize %,.0f rec/s, "
                + "deserialize v1->v2 %,.0f rec/s (sink %d); registry requests so far: %d%n",
            round, rate(records, t1 - t0), bytes / records, rate(records, t2 - t1),
            rate(records, t3 - t2), sink, registry.requests().size());
      }
    }
  }

  private static double rate(int n, long nanos) {
    return n / (nanos / 1e9);
  }
}
