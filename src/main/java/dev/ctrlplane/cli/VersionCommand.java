package dev.ctrlplane.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code ctrlplane version}. */
@Command(name = "version", description = "Print the version.")
final class VersionCommand implements Callable<Integer>, IVersionProvider {

  static String version() {
    return "ctrlplane " + dev.ctrlplane.ControlPlane.version();
  }

  @Override
  public Integer call() {
    System.out.println(version());
    return 0;
  }

  @Override
  public String[] getVersion() {
    return new String[] {version()};
  }
}
