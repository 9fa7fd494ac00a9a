package dev.stormwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.stormwatch.avro.AlertEvent;
import dev.stormwatch.common.kafka.Topics;
import dev.stormwatch.common.registry.RestSchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryClient;
import dev.stormwatch.common.registry.SchemaRegistryConfig;
import dev.stormwatch.common.serde.AvroSerdeConfig;
import dev.stormwatch.common.serde.SpecificAvroSerde;
import dev.stormwatch.testkit.KafkaIntegrationTest;
import dev.stormwatch.testkit.KafkaTestEnv;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The gateway, ingest, the correlator and the notifier each run as their own "process" (their own command, sharing nothing but
 * Kafka and the registry), configured by one file plus flags: an alert posted to the gateway
 * comes out of ingest, and ingest's own /metrics and /healthz answer.
 */
@KafkaIntegrationTest
class StandaloneAppsTest {

  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private final HttpClient http = HttpClient.newHttpClient();

  @TempDir Path dir;

  @Test
  void everyAppRunsAloneAgainstAnyClusterAndRegistry(KafkaTestEnv kafka) throws Exception {
    String prefix = kafka.uniqueName("solo") + ".";
    Path config = Files.writeString(dir.resolve("stormwatch.yaml"), """
        kafka:
          bootstrap.servers: %s
        schema-registry:
          url: %s
        topics:
          prefix: %s
          partitions: 2
          replication-factor: 1
        ingest:
          application-id: %s
        """.formatted(kafka.bootstrapServers(), kafka.registryUrl(), prefix, kafka.uniqueName("ingest")));

    GatewayCommand gateway = new GatewayCommand();
    IngestCommand ingest = new IngestCommand();
    CompletableFuture<Integer> gatewayExit = run(gateway, gateway.foreground.started,
        "--config", config.toString(), "--port", "0");
    CompletableFuture<Integer> ingestExit = run(ingest, ingest.foreground.started,
        "--config", config.toString(), "--state-dir", dir.resolve("state").toString(), "--metrics-port", "0");
    CorrelatorCommand correlator = new CorrelatorCommand();
    CompletableFuture<Integer> correlatorExit = run(correlator, correlator.foreground.started,
        "--config", config.toString(), "--state-dir", dir.resolve("correlator").toString(), "--metrics-port", "0",
        "--query-host", "127.0.0.1", "--query-port", "0", "--advertised-host", "127.0.0.1",
        "--application-id", kafka.uniqueName("correlator"));
    NotifierCommand notifier = new NotifierCommand();
    CompletableFuture<Integer> notifierExit = run(notifier, notifier.foreground.started,
        "--config", config.toString(), "--state-dir", dir.resolve("notifier").toString(), "--metrics-port", "0",
        "--api-port", "0", "--inbox", "--application-id", kafka.uniqueName("notifier"));
    try {
      HttpResponse<String> posted = http.send(HttpRequest.newBuilder(URI.create(gateway.gateway.url() + "/api/v2/alerts"))
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(
              "[{\"labels\":{\"alertname\":\"DiskFull\",\"service\":\"storage\",\"severity\":\"warning\"}}]"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(posted.statusCode()).isEqualTo(200);

      Topics topics = new Topics(prefix);
      try (SchemaRegistryClient client = new RestSchemaRegistryClient(
              SchemaRegistryConfig.builder().urls(kafka.registryUrl()).build())) {
        AlertEvent event = kafka.consumeUntil(topics.normalized(), 1, DEADLINE, new StringDeserializer(),
            SpecificAvroSerde.of(AlertEvent.class, client, AvroSerdeConfig.defaults(), false).deserializer())
            .get(0).value();
        assertThat(event.getService()).isEqualTo("storage");
        assertThat(event.getName()).isEqualTo("DiskFull");
      }
      String metricsUrl = ingest.metrics.url();
      Awaitility.await().atMost(DEADLINE).untilAsserted(() -> assertThat(get(metricsUrl + "/metrics"))
          .contains("stormwatch_ingest_events_total{source=\"prometheus\"} 1.0"));
      assertThat(http.send(HttpRequest.newBuilder(URI.create(metricsUrl + "/healthz")).build(),
          HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
      // ... and the correlator, alone, made an incident of it that its query API serves
      String queryUrl = "http://" + correlator.query.applicationServer();
      Awaitility.await().atMost(DEADLINE).untilAsserted(() -> assertThat(get(queryUrl + "/api/incidents"))
          .contains("\"services\":[\"storage\"]"));
      // ... and the notifier, alone, answers on its API once it has read pages.log
      String notifierUrl = notifier.api.url().toString();
      Awaitility.await().atMost(DEADLINE).untilAsserted(() -> assertThat(http.send(HttpRequest.newBuilder(
          URI.create(notifierUrl + "/api/pages")).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
          .isEqualTo(200));
      assertThat(get(notifierUrl + "/api/inbox")).isEqualTo("{\"pages\":[]}");
    } finally {
      notifier.foreground.stop();
      gateway.foreground.stop();
      ingest.foreground.stop();
      correlator.foreground.stop();
    }
    assertThat(correlatorExit.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isZero();
    assertThat(notifierExit.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isZero();
    assertThat(gatewayExit.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isZero();
    assertThat(ingestExit.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).isZero();
  }

  private String get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  private static CompletableFuture<Integer> run(Object command, CountDownLatch started, String... args)
      throws InterruptedException {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setExecutionExceptionHandler((e, line, parsed) -> {
      err.write(e.toString());
      return 1;
    });
    CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute(args));
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!started.await(100, TimeUnit.MILLISECONDS)) {
      if (exit.isDone() || System.nanoTime() > deadline) {
        throw new AssertionError(command.getClass().getSimpleName() + " did not start: " + out + err);
      }
    }
    return exit;
  }
}
