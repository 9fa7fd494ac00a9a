package dev.stormwatch.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code stormwatch} command. Each subcommand is its own class. */
@Command(
    name = "stormwatch",
    mixinStandardHelpOptions = true,
    versionProvider = StormwatchCli.Version.class,
    description = "Alert correlation on Apache Kafka Streams: fewer, better pages.",
    subcommands = {UpCommand.class, GatewayCommand.class, IngestCommand.class, TopologyCommand.class,
        CorrelatorCommand.class, NotifierCommand.class, ChangesCommand.class, IncidentsCommand.class, SilenceCommand.class,
        StatsCommand.class,
        OncallCommand.class, AlertCommand.class, BacktestCommand.class, CommandLine.HelpCommand.class})
public final class StormwatchCli implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line: one-line errors, no stack traces for user mistakes. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new StormwatchCli());
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("stormwatch: " + oneLine(e));
      return 1;
    });
    return cli;
  }

  static String oneLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    if (root != e && root.getMessage() != null && !message.contains(root.getMessage())) {
      message += ": " + root.getMessage();
    }
    return message.replace('\n', ' ');
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is needed; try: stormwatch up");
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = StormwatchCli.class.getPackage().getImplementationVersion();
      return new String[] {"stormwatch " + (version != null ? version : "development build")};
    }
  }
}
