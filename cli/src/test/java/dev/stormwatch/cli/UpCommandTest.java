package dev.stormwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.avro.Incident;
import dev.stormwatch.avro.Severity;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.serde.SpecificAvroSerde;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code stormwatch up} for real: the broker and the registry start on free ports under a data
 * dir, answer, stop cleanly, and a second start on the same data dir finds everything again.
 */
class UpCommandTest {

  private static final Duration DEADLINE = RunningUp.DEADLINE;
  private static final String SCHEMA_BODY = "{\"schema\": \"{\\\"type\\\":\\\"string\\\"}\"}";

  @TempDir Path dataDir;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void upStartsBrokerAndRegistryAndARestartKeepsTopicsAndSchemas() throws Exception {
    try (RunningUp first = RunningUp.start(dataDir)) {
      assertThat(first.output()).contains("Stormwatch is up.", "Kafka bootstrap servers", "Schema Registry",
          first.command.stack.bootstrapServers(), first.command.stack.registryUrl(), "Gateway",
          first.command.stack.gatewayUrl());
      assertAnAlertPostedToTheGatewayIsNormalized(first);
      assertAChangePostedToTheGatewayIsListed(first);
      try (Admin admin = admin(first)) {
        admin.createTopics(java.util.List.of(new NewTopic("kept-across-restarts", 1, (short) 1))).all()
            .get(30, TimeUnit.SECONDS);
      }
      HttpResponse<String> registered = http.send(HttpRequest.newBuilder(
              URI.create(first.command.stack.registryUrl() + "/subjects/kept-value/versions"))
          .header("Content-Type", "application/vnd.schemaregistry.v1+json")
          .POST(HttpRequest.BodyPublishers.ofString(SCHEMA_BODY)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(registered.statusCode()).isEqualTo(200);
      assertThat(registered.body()).matches("\\{\"id\":\\s*\\d+}");
      first.stop();
      assertThat(first.exitCode()).isZero();
    }

    try (RunningUp second = RunningUp.start(dataDir)) {
      try (Admin admin = admin(second)) {
        assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("kept-across-restarts");
      }
      HttpResponse<String> subjects = http.send(HttpRequest.newBuilder(
          URI.create(second.command.stack.registryUrl() + "/subjects")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(subjects.body()).contains("kept-value");
      second.stop();
      assertThat(second.exitCode()).isZero();
    }
  }

  @Test
  void aBadPortIsOneClearLineAndANonZeroExit() {
    StringWriter err = new StringWriter();
    CommandLine cli = StormwatchCli.commandLine();
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));
    int exit = cli.execute("up", "--data-dir", dataDir.toString(), "--kafka-port", "70000");
    assertThat(exit).isNotZero();
    assertThat(err.toString().strip()).isEqualTo("stormwatch: kafka port must be between 0 and 65535, got 70000");
  }

  @Test
  void helpListsTheOptionsWithTheirEnvironmentVariablesAndExamples() {
    StringWriter out = new StringWriter();
    CommandLine cli = StormwatchCli.commandLine();
    cli.setOut(new PrintWriter(out));
    assertThat(cli.execute("up", "--help")).isZero();
    assertThat(out.toString()).contains("--data-dir", "STORMWATCH_DATA_DIR", "--kafka-port", "STORMWATCH_KAFKA_PORT",
        "--registry-port", "STORMWATCH_REGISTRY_PORT", "--gateway-port", "STORMWATCH_GATEWAY_PORT", "Examples:");
  }

  /** The gateway and ingest run: a Prometheus-style POST comes out of alerts.normalized as an AlertEvent. */
  private void assertAnAlertPostedToTheGatewayIsNormalized(RunningUp running) throws Exception {
    HttpResponse<String> posted = http.send(HttpRequest.newBuilder(
            URI.create(running.command.stack.gatewayUrl() + "/api/v2/alerts"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(
            "[{\"labels\":{\"alertname\":\"HighErrorRate\",\"service\":\"checkout\",\"severity\":\"critical\"}}]"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).isEqualTo(200);

    SchemaRegistryConfig registry = SchemaRegistryConfig.builder().urls(running.command.stack.registryUrl()).build();
    try (SchemaRegistryClient client = new RestSchemaRegistryClient(registry);
         KafkaConsumer<String, AlertEvent> consumer = new KafkaConsumer<>(Map.of(
             ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, running.command.stack.bootstrapServers(),
             ConsumerConfig.GROUP_ID_CONFIG, "up-command-test",
             ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
             ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
             new StringDeserializer(),
             SpecificAvroSerde.of(AlertEvent.class, client, AvroSerdeConfig.defaults(), false).deserializer())) {
      consumer.subscribe(java.util.List.of(running.command.stack.topics().normalized()));
      java.util.List<AlertEvent> events = new java.util.ArrayList<>();
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (events.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> events.add(r.value()));
      }
      assertThat(events).singleElement().satisfies(e -> {
        assertThat(e.getService()).isEqualTo("checkout");
        assertThat(e.getName()).isEqualTo("HighErrorRate");
        assertThat(e.getSeverity()).isEqualTo(Severity.CRITICAL);
      });
    }
    // ... and the correlator made an incident of it
    try (SchemaRegistryClient client = new RestSchemaRegistryClient(registry);
         KafkaConsumer<String, Incident> consumer = new KafkaConsumer<>(Map.of(
             ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, running.command.stack.bootstrapServers(),
             ConsumerConfig.GROUP_ID_CONFIG, "up-command-test-incidents",
             ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
             ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
             new StringDeserializer(),
             SpecificAvroSerde.of(Incident.class, client, AvroSerdeConfig.defaults(), false).deserializer())) {
      consumer.subscribe(java.util.List.of(running.command.stack.topics().incidents()));
      java.util.List<Incident> incidents = new java.util.ArrayList<>();
      long deadline = System.nanoTime() + DEADLINE.toNanos();
      while (incidents.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> incidents.add(r.value()));
      }
      assertThat(incidents).isNotEmpty().allSatisfy(i -> {
        assertThat(i.getServices()).containsExactly("checkout");
        assertThat(i.getSeverity()).isEqualTo(Severity.CRITICAL);
      });
      // ... which the query API serves
      String id = incidents.get(0).getId();
      org.awaitility.Awaitility.await().atMost(DEADLINE).untilAsserted(() -> {
        HttpResponse<String> one = http.send(HttpRequest.newBuilder(
            URI.create(running.command.stack.queryUrl() + "/api/incidents/" + id)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(one.statusCode()).isEqualTo(200);
        assertThat(one.body()).contains(id, "checkout");
      });

      // ... and the incidents commands: list, show, ack (which the correlator applies)
      String api = running.command.stack.queryUrl();
      assertThat(cli("incidents", "list", "--api", api)).contains(id, "checkout", "CRITICAL");
      assertThat(cli("incidents", "show", id, "--api", api)).contains(id, "root cause candidates:", "checkout");
      assertThat(cli("incidents", "ack", id, "--actor", "alice", "--api", api)).contains("ack of " + id + " accepted");
      org.awaitility.Awaitility.await().atMost(DEADLINE).untilAsserted(() ->
          assertThat(cli("incidents", "show", id, "--api", api)).contains("ACKNOWLEDGED"));
      assertThat(cliErr("incidents", "show", "inc-00000000-0000000000000000", "--api", api))
          .startsWith("stormwatch: the query API answered 404");

      // ... and the silence commands: add (once, weekly), list, expire
      String added = cli("silence", "add", "--matcher", "service=payments", "--duration", "2h", "--author", "alice",
          "--comment", "db upgrade", "--api", api);
      assertThat(added).startsWith("silence ").contains(" added: {service=\"payments\"} from ");
      String silenceId = added.split(" ")[1];
      assertThat(cli("silence", "add", "--matcher", "service=~\"db|cache\"", "--weekly", "MON,TUE", "--at", "02:00",
          "--for", "2h", "--zone", "Europe/Berlin", "--api", api)).contains("Mon, Tue at 02:00 Europe/Berlin for 2h");
      assertThat(cliErr("silence", "add", "--matcher", "service=~\"(x\"", "--duration", "1h", "--api", api))
          .startsWith("stormwatch: the query API answered 400: invalid regular expression");
      org.awaitility.Awaitility.await().atMost(DEADLINE).untilAsserted(() ->
          assertThat(cli("silence", "list", "--api", api)).containsPattern("(?m)^" + silenceId + " +active ")
              .contains("{service=\"payments\"}", "# db upgrade"));
      assertThat(cli("silence", "expire", silenceId, "--api", api)).startsWith("silence " + silenceId + " expired at ");
      org.awaitility.Awaitility.await().atMost(DEADLINE).untilAsserted(() -> {
        assertThat(cli("silence", "list", "--api", api)).doesNotContain(silenceId);
        assertThat(cli("silence", "list", "--all", "--api", api)).containsPattern("(?m)^" + silenceId + " +expired ");
      });
    }
  }

  /**
   * changes.raw exists, and a PagerDuty change event POSTed to the gateway goes through ingest to
   * changes.events, where {@code stormwatch changes list} finds it next to one recorded with {@code changes add}.
   */
  private void assertAChangePostedToTheGatewayIsListed(RunningUp running) throws Exception {
    try (Admin admin = admin(running)) {
      assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains("changes.raw", "changes.events");
    }
    HttpResponse<String> posted = http.send(HttpRequest.newBuilder(
            URI.create(running.command.stack.gatewayUrl() + "/v2/change/enqueue"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"routing_key\":\"0123456789abcdef0123456789abcdef\","
            + "\"payload\":{\"summary\":\"Deploy cart v3\",\"source\":\"ci\",\"custom_details\":"
            + "{\"service\":\"cart\",\"kind\":\"deploy\",\"version\":\"v3\"}}}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(posted.statusCode()).isEqualTo(202);
    String[] kafka = {"--bootstrap-servers", running.command.stack.bootstrapServers(),
        "--registry-url", running.command.stack.registryUrl()};
    assertThat(cli(concat(new String[] {"changes", "add", "--service", "checkout", "--version", "v9"}, kafka)))
        .startsWith("recorded deploy of checkout v9 at ");
    org.awaitility.Awaitility.await().atMost(DEADLINE).untilAsserted(() ->
        assertThat(cli(concat(new String[] {"changes", "list", "--since", "1h"}, kafka)))
            .containsPattern("(?m) cart +deploy +v3 +- +Deploy cart v3$")
            .containsPattern("(?m) checkout +deploy +v9 ")
            .contains("2 changes in changes.events"));
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  private static String cli(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = StormwatchCli.commandLine();
    cli.setOut(new PrintWriter(out));
    StringWriter err = new StringWriter();
    cli.setErr(new PrintWriter(err));
    int exit = cli.execute(args);
    assertThat(exit).as(String.join(" ", args) + ": " + err).isZero();
    return out.toString();
  }

  private static String cliErr(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cli = StormwatchCli.commandLine();
    cli.setOut(new PrintWriter(new StringWriter()));
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute(args)).isNotZero();
    return err.toString().strip();
  }

  private static Admin admin(RunningUp running) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, running.command.stack.bootstrapServers()));
  }

  /** One {@code up} run on free ports, in a background thread, as a user would start it. */
}
