package dev.ctrlplane.network;

import dev.ctrlplane.support.Api;

/** {@link EdgeHttp} for tests of other packages (the cluster tests). */
public final class EdgeHttpAccess {

  private EdgeHttpAccess() {}

  public static Api.Response get(int edgePort, String host, String target) {
    return EdgeHttp.get(edgePort, host, target);
  }
}
