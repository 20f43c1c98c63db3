package dev.ctrlplane;

import dev.ctrlplane.cli.Cli;

/** Entry point of the {@code ctrlplane} jar. */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    int exit = Cli.run(args);
    if (exit != 0 || args.length == 0 || !args[0].equals("serve")) {
      System.exit(exit);
    }
  }
}
