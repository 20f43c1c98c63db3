package dev.ctrlplane.provider.docker;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits the engine's log stream into lines. Without a TTY the stream is multiplexed: frames of an 8-byte header
 * (stream type 1 = stdout, 2 = stderr; three zero bytes; the payload length, big-endian) and the payload. With
 * {@code timestamps=true} each line starts with its RFC 3339 time and a space. A stream that does not start with a
 * frame header is taken as raw stdout (a container with a TTY).
 */
final class LogDemux {

  /** One line, without its newline. */
  record Line(String stream, Instant timestamp, String text) {}

  private static final int HEADER = 8;

  private LogDemux() {}

  static List<Line> lines(Buffer stream) {
    StringBuilder stdout = new StringBuilder();
    StringBuilder stderr = new StringBuilder();
    List<Line> lines = new ArrayList<>();
    if (!isMultiplexed(stream)) {
      split("stdout", stream.toString(StandardCharsets.UTF_8), lines);
      return lines;
    }
    int at = 0;
    while (at + HEADER <= stream.length()) {
      int type = stream.getUnsignedByte(at);
      int size = stream.getInt(at + 4);
      int end = (int) Math.min((long) at + HEADER + size, stream.length());
      String payload = stream.getString(at + HEADER, end, "UTF-8");
      StringBuilder pending = type == 2 ? stderr : stdout;
      pending.append(payload);
      drain(type == 2 ? "stderr" : "stdout", pending, lines);
      at = end;
    }
    flush("stdout", stdout, lines);
    flush("stderr", stderr, lines);
    return lines;
  }

  /** The last non-blank stderr line, shortened, or "". */
  static String lastStderrLine(Buffer stream, int maxLength) {
    List<Line> lines = lines(stream);
    for (int i = lines.size() - 1; i >= 0; i--) {
      Line line = lines.get(i);
      if (line.stream().equals("stderr") && !line.text().isBlank()) {
        String text = line.text().strip();
        return text.length() > maxLength ? text.substring(0, maxLength) + "…" : text;
      }
    }
    return "";
  }

  private static boolean isMultiplexed(Buffer stream) {
    if (stream.length() < HEADER) {
      return false;
    }
    int type = stream.getUnsignedByte(0);
    return type <= 2 && stream.getByte(1) == 0 && stream.getByte(2) == 0 && stream.getByte(3) == 0;
  }

  private static void drain(String name, StringBuilder pending, List<Line> lines) {
    int newline;
    while ((newline = pending.indexOf("\n")) >= 0) {
      lines.add(line(name, pending.substring(0, newline)));
      pending.delete(0, newline + 1);
    }
  }

  private static void flush(String name, StringBuilder pending, List<Line> lines) {
    if (!pending.isEmpty()) {
      lines.add(line(name, pending.toString()));
    }
  }

  private static void split(String name, String text, List<Line> lines) {
    for (String raw : text.split("\r?\n")) {
      if (!raw.isEmpty()) {
        lines.add(line(name, raw));
      }
    }
  }

  private static Line line(String stream, String raw) {
    int space = raw.indexOf(' ');
    if (space > 0) {
      try {
        return new Line(stream, Instant.parse(raw.substring(0, space)), raw.substring(space + 1));
      } catch (DateTimeParseException noTimestamp) {
        // a line without a timestamp
      }
    }
    return new Line(stream, null, raw);
  }
}
