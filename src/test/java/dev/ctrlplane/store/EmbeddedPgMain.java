package dev.ctrlplane.store;

import java.nio.file.Path;

/** Runs an embedded PostgreSQL in a JVM of its own, so a test can SIGKILL that JVM like a crashed control plane. */
public final class EmbeddedPgMain {

  private EmbeddedPgMain() {}

  public static void main(String[] args) throws InterruptedException {
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(Path.of(args[0]), 0);
    System.out.println("ready " + server.url());
    System.out.flush();
    Thread.currentThread().join();
  }
}
