package dev.ctrlplane.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ctrlplane secrets …}: maintenance of secret values; alone it prints its usage. */
@Command(name = "secrets", description = "Maintain secret values (see: secrets rotate).",
    subcommands = {SecretsRotateCommand.class})
final class SecretsCommand implements Callable<Integer> {

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(System.err);
    return 2;
  }
}
