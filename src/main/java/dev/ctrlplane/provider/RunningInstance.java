package dev.ctrlplane.provider;

import java.util.List;

/** What a provider runs for one instance right now. */
public record RunningInstance(String providerRef, List<Replica> replicas, List<Endpoint> endpoints) {

  public RunningInstance {
    replicas = List.copyOf(replicas);
    endpoints = List.copyOf(endpoints);
  }

  public static RunningInstance none(String providerRef) {
    return new RunningInstance(providerRef, List.of(), List.of());
  }
}
