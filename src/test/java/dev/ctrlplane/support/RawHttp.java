package dev.ctrlplane.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * HTTP/1.1 written byte by byte over a socket, for what a well-behaved client refuses to send: a target with
 * malformed percent-encoding or raw non-ASCII bytes, a header with a control character, a broken chunk, a body
 * that stops half-way. Every request says {@code Connection: close} (unless written whole by the caller), and
 * every read has a deadline.
 */
public final class RawHttp {

  private static final int READ_TIMEOUT_MS = 15_000;

  private RawHttp() {}

  /**
   * A request with {@code Host}, {@code Connection: close}, the given headers and, when {@code body} is not null,
   * its {@code Content-Length}; the target is sent exactly as given.
   */
  public static Api.Response send(int port, String method, String target, Map<String, String> headers, byte[] body) {
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    write(request, method + " ");
    request.writeBytes(target.getBytes(StandardCharsets.ISO_8859_1)); // one char, one byte: raw bytes stay raw
    write(request, " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    headers.forEach((name, value) -> {
      write(request, name + ": ");
      request.writeBytes(value.getBytes(StandardCharsets.ISO_8859_1));
      write(request, "\r\n");
    });
    if (body != null) {
      write(request, "Content-Length: " + body.length + "\r\n");
    }
    write(request, "\r\n");
    if (body != null) {
      request.writeBytes(body);
    }
    return exchange(port, method + " " + target, request.toByteArray(), false);
  }

  /** Sends {@code raw} exactly and reads the answer until the server closes the connection. */
  public static Api.Response sendRaw(int port, String label, byte[] raw) {
    return exchange(port, label, raw, false);
  }

  /**
   * Sends {@code raw} (a request whose body is announced but cut short) and hangs up without reading; for
   * clients that go away mid-request.
   */
  public static void sendAndHangUp(int port, byte[] raw) {
    exchange(port, "hang-up", raw, true);
  }

  private static Api.Response exchange(int port, String label, byte[] raw, boolean hangUp) {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.setSoTimeout(READ_TIMEOUT_MS);
      OutputStream out = socket.getOutputStream();
      out.write(raw);
      out.flush();
      if (hangUp) {
        return null;
      }
      return parse(label, readAll(socket.getInputStream(), label));
    } catch (IOException e) {
      throw new IllegalStateException(label + ": " + e.getMessage(), e);
    }
  }

  private static byte[] readAll(InputStream in, String label) throws IOException {
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        data.write(buffer, 0, n);
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("timed out after " + READ_TIMEOUT_MS + " ms: the server to answer " + label
          + " and close the connection; read so far: " + data.toString(StandardCharsets.ISO_8859_1));
    } catch (IOException reset) {
      // a reset after the answer was sent: what was read is the answer
    }
    return data.toByteArray();
  }

  /** Status line, headers, and the body (de-chunked when sent chunked). Status -1: the server sent nothing. */
  private static Api.Response parse(String label, byte[] data) {
    String text = new String(data, StandardCharsets.UTF_8);
    int end = text.indexOf("\r\n\r\n");
    if (text.isEmpty() || end < 0) {
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
    return new Api.Response(label, status, chunked ? dechunk(body) : body, headers);
  }

  private static String dechunk(String body) {
    StringBuilder out = new StringBuilder();
    int at = 0;
    while (true) {
      int lineEnd = body.indexOf("\r\n", at);
      int size = Integer.parseInt(body.substring(at, lineEnd).trim(), 16);
      if (size == 0) {
        return out.toString();
      }
      out.append(body, lineEnd + 2, lineEnd + 2 + size);
      at = lineEnd + 2 + size + 2;
    }
  }

  private static void write(ByteArrayOutputStream out, String ascii) {
    out.writeBytes(ascii.getBytes(StandardCharsets.US_ASCII));
  }
}
