package dev.stormwatch.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;

/** {@code stormwatch up} running in this JVM on free ports under a data dir, for tests. */
final class RunningUp implements AutoCloseable {

  static final Duration DEADLINE = Duration.ofSeconds(90);

  final UpCommand command = new UpCommand();
  private final StringWriter out = new StringWriter();
  private final CompletableFuture<Integer> exit;

  private RunningUp(Path dataDir, String... extraArgs) throws InterruptedException {
    CommandLine cli = new CommandLine(command);
    cli.setOut(new PrintWriter(out, true));
    List<String> args = new ArrayList<>(List.of("--data-dir", dataDir.toString(), "--kafka-port", "0",
        "--controller-port", "0", "--registry-port", "0", "--gateway-port", "0", "--query-port", "0", "--notifier-port", "0"));
    args.addAll(List.of(extraArgs));
    exit = CompletableFuture.supplyAsync(() -> cli.execute(args.toArray(String[]::new)));
    boolean started = command.foreground.started.await(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    if (!started) {
      throw new AssertionError("stormwatch up did not start within " + DEADLINE + "; output: " + out
          + (exit.isDone() ? " exit=" + exit.join() : ""));
    }
  }

  /** Starts {@code up} with every port free and these further arguments. */
  static RunningUp start(Path dataDir, String... extraArgs) throws InterruptedException {
    return new RunningUp(dataDir, extraArgs);
  }

  LocalStormwatch stack() {
    return command.stack;
  }

  String output() {
    return out.toString();
  }

  void stop() {
    command.foreground.stop();
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
