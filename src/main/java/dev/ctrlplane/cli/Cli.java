package dev.ctrlplane.cli;

import dev.ctrlplane.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The command line: serve, token, migrate, secrets rotate, version. Configuration errors print one line and exit 2. */
@Command(name = "ctrlplane", mixinStandardHelpOptions = true, versionProvider = VersionCommand.class,
    description = "An event-driven control plane for SaaS instances.",
    subcommands = {ServeCommand.class, TokenCommand.class, MigrateCommand.class, SecretsCommand.class,
        VersionCommand.class})
public final class Cli {

  private Cli() {}

  public static int run(String... args) {
    CommandLine cli = new CommandLine(new Cli());
    cli.setExecutionExceptionHandler((e, commandLine, parsed) -> {
      Throwable root = rootCause(e);
      if (root instanceof ConfigException) {
        commandLine.getErr().println("ctrlplane: " + root.getMessage());
        return 2;
      }
      commandLine.getErr().println("ctrlplane: " + root.getMessage());
      return 1;
    });
    if (args.length == 0) {
      cli.usage(System.out);
      return 0;
    }
    return cli.execute(args);
  }

  private static Throwable rootCause(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      if (cause instanceof ConfigException) {
        return cause;
      }
      cause = cause.getCause();
    }
    return cause;
  }
}
