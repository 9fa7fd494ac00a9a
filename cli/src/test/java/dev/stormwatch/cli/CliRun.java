package dev.stormwatch.cli;

import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.serde.SpecificAvroSerde;
import dev.stormwatch.testkit.KafkaTestEnv;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine;

/**
 * One run of {@code stormwatch ARGS...} in this JVM: its exit code and what it printed; and the
 * helpers the command tests share around it.
 *
 * @param exit the exit code
 * @param out  what it printed on standard out
 * @param err  what it printed on standard error
 */
record CliRun(int exit, String out, String err) {

  /** Runs the CLI with these arguments. */
  static CliRun run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = StormwatchCli.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    int exit = cli.execute(args);
    return new CliRun(exit, out.toString(), err.toString());
  }

  /**
   * Runs {@code stormwatch COMMAND ARGS...} against the test's broker and registry, with its
   * topics under {@code prefix}.
   */
  static CliRun run(KafkaTestEnv kafka, String prefix, String command, String... args) {
    List<String> all = new ArrayList<>(List.of(command));
    all.addAll(List.of(args));
    all.addAll(List.of("--bootstrap-servers", kafka.bootstrapServers(), "--registry-url", kafka.registryUrl(),
        "--topic-prefix", prefix));
    return run(all.toArray(String[]::new));
  }

  /** Every record of the topic, tombstones included, its values read as {@code type}. */
  static <V extends SpecificRecord> List<ConsumerRecord<String, V>> readAll(KafkaTestEnv kafka, String topic,
      Class<V> type, Duration deadline) {
    SchemaRegistryConfig registry = SchemaRegistryConfig.builder().urls(kafka.registryUrl()).build();
    try (SchemaRegistryClient client = new RestSchemaRegistryClient(registry)) {
      return new ArrayList<>(kafka.consumeAll(topic, deadline, new StringDeserializer(),
          SpecificAvroSerde.of(type, client, AvroSerdeConfig.defaults(), false).deserializer()));
    }
  }
}
