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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code stormwatch up} for real: the broker and the registry start on free ports under a data
 * dir, answer, stop cleanly, and a second start on the same data dir finds everything again.
 */
class UpCommandTest {

  private static final Duration DEADLINE = Duration.ofSeconds(90);
  private static final String SCHEMA_BODY = "{\"schema\": \"{\\\"type\\\":\\\"string\\\"}\"}";

  @TempDir Path dataDir;

  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void upStartsBrokerAndRegistryAndARestartKeepsTopicsAndSchemas() throws Exception {
    try (Running first = Running.up(dataDir)) {
      assertThat(first.output()).contains("Stormwatch is up.", "Kafka bootstrap servers", "Schema Registry",
          first.command.stack.bootstrapServers(), first.command.stack.registryUrl());
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

    try (Running second = Running.up(dataDir)) {
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
        "--registry-port", "STORMWATCH_REGISTRY_PORT", "Examples:");
  }

  private static Admin admin(Running running) {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, running.command.stack.bootstrapServers()));
  }

  /** One {@code up} run on free ports, in a background thread, as a user would start it. */
  private static final class Running implements AutoCloseable {
    final UpCommand command = new UpCommand();
    final StringWriter out = new StringWriter();
    final CompletableFuture<Integer> exit;

    private Running(Path dataDir) throws InterruptedException {
      CommandLine cli = new CommandLine(command);
      cli.setOut(new PrintWriter(out, true));
      exit = CompletableFuture.supplyAsync(() -> cli.execute("--data-dir", dataDir.toString(),
          "--kafka-port", "0", "--controller-port", "0", "--registry-port", "0"));
      boolean started = command.started.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      if (!started) {
        throw new AssertionError("stormwatch up did not start within " + DEADLINE + "; output: " + out
            + (exit.isDone() ? " exit=" + exit.join() : ""));
      }
    }

    static Running up(Path dataDir) throws InterruptedException {
      return new Running(dataDir);
    }

    String output() {
      return out.toString();
    }

    void stop() {
      command.stop.countDown();
    }

    int exitCode() throws Exception {
      return exit.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    @Override
    public void close() throws Exception {
      stop();
      exitCode();
    }
  }
}
