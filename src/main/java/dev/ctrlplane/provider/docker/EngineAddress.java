package dev.ctrlplane.provider.docker;

import io.vertx.core.net.SocketAddress;

/** Where the engine's API listens: a unix socket path or a TCP host and port. */
record EngineAddress(String text, String socketPath, String host, int port) {

  static EngineAddress parse(String text) {
    if (text.startsWith("unix://")) {
      String path = text.substring("unix://".length());
      if (!path.startsWith("/")) {
        throw new IllegalArgumentException("expected unix:///absolute/path, got " + text);
      }
      return new EngineAddress(text, path, null, 0);
    }
    String rest = text.startsWith("tcp://") ? text.substring(6) : text.startsWith("http://") ? text.substring(7) : null;
    if (rest != null) {
      int colon = rest.lastIndexOf(':');
      if (colon > 0) {
        try {
          int port = Integer.parseInt(rest.substring(colon + 1).replace("/", ""));
          if (port > 0 && port < 65536) {
            return new EngineAddress(text, null, rest.substring(0, colon), port);
          }
        } catch (NumberFormatException bad) {
          // falls through
        }
      }
    }
    throw new IllegalArgumentException("expected unix:///path/to/docker.sock or tcp://host:port, got " + text);
  }

  boolean isTcp() {
    return socketPath == null;
  }

  SocketAddress socketAddress() {
    return isTcp() ? SocketAddress.inetSocketAddress(port, host) : SocketAddress.domainSocketAddress(socketPath);
  }
}
