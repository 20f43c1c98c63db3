package dev.ctrlplane.provider.process;

import dev.ctrlplane.provider.ProviderException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Hands out free ports on 127.0.0.1, never one that a replica of this provider still holds. Thread-safe. */
final class PortAllocator {

  private static final int ATTEMPTS = 100;

  private final InetAddress host;
  private final Set<Integer> reserved = ConcurrentHashMap.newKeySet();

  /** {@code host} is an IP literal such as 127.0.0.1, the address replicas bind. */
  PortAllocator(String host) {
    try {
      this.host = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP address: " + host, e);
    }
  }

  /** A free port, now reserved. Blocking (binds a socket). */
  int allocate() {
    for (int i = 0; i < ATTEMPTS; i++) {
      int port = freePort();
      if (reserved.add(port)) {
        return port;
      }
    }
    throw new ProviderException("no free port on " + host.getHostAddress() + " after " + ATTEMPTS + " attempts");
  }

  /** Keeps a reserved port for a restarted replica while it is free; otherwise swaps it for a new one. Blocking. */
  int renew(int port) {
    if (isFree(port)) {
      reserved.add(port);
      return port;
    }
    release(port);
    return allocate();
  }

  void reserve(int port) {
    reserved.add(port);
  }

  void release(int port) {
    reserved.remove(port);
  }

  private int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, host)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new ProviderException("cannot find a free port: " + e.getMessage(), false, e);
    }
  }

  private boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket(port, 1, host)) {
      return socket.isBound();
    } catch (IOException e) {
      return false;
    }
  }
}
