package dev.ctrlplane.network;

import dev.ctrlplane.support.Api;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Requests through the edge router with the Host header a test chooses (Java's HTTP clients will not send one of
 * their own choosing): HTTP/1.1 over a socket, {@code Connection: close}, every read with a deadline.
 */
final class EdgeHttp {

  private static final int READ_TIMEOUT_MS = 20_000;

  private EdgeHttp() {}

  static Api.Response get(int port, String host, String target) {
    return send(port, "GET", host, target, Map.of(), null);
  }

  static Api.Response send(int port, String method, String host, String target, Map<String, String> headers,
      byte[] body) {
    StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: " + host
        + "\r\nConnection: close\r\n");
    headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
    if (body != null) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    String label = method + " " + host + target;
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(READ_TIMEOUT_MS);
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      if (body != null) {
        out.write(body);
      }
      out.flush();
      return parse(label, readAll(socket.getInputStream()));
    } catch (IOException e) {
      throw new IllegalStateException(label + ": " + e.getMessage(), e);
    }
  }

  static JsonObject headersSeen(int port, String host, String target, Map<String, String> headers) {
    return send(port, "GET", host, target, headers, null).expect(200).json();
  }

  static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        data.write(buffer, 0, n);
      }
    } catch (java.net.SocketException reset) {
      // a reset after the answer: what was read is the answer
    }
    return data.toByteArray();
  }

  static Api.Response parse(String label, byte[] data) {
    String text = new String(data, StandardCharsets.ISO_8859_1);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) {
      return new Api.Response(label, -1, text, Map.of());
    }
    String[] head = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(head[0].split(" ")[1]);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    for (int i = 1; i < head.length; i++) {
      int colon = head[i].indexOf(':');
      headers.put(head[i].substring(0, colon).trim(), List.of(head[i].substring(colon + 1).trim()));
    }
    String body = text.substring(end + 4);
    boolean chunked = headers.entrySet().stream()
        .anyMatch(h -> h.getKey().equalsIgnoreCase("Transfer-Encoding") && h.getValue().get(0).contains("chunked"));
    return new Api.Response(label, status, new String((chunked ? dechunk(body) : body)
        .getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8), headers);
  }

  private static String dechunk(String body) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (true) {
      int lineEnd = body.indexOf("\r\n", at);
      int size = Integer.parseInt(body.substring(at, lineEnd).trim().split(";")[0], 16);
      if (size == 0) {
        return out.toString();
      }
      out.append(body, lineEnd + 2, lineEnd + 2 + size);
      at = lineEnd + 2 + size + 2;
    }
  }
}
