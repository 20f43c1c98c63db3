package dev.ctrlplane.network.edge;

import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The W3C trace context of one forwarded request (https://www.w3.org/TR/trace-context/): the caller's trace when its
 * {@code traceparent} is valid (its span becomes the parent of the edge's), else a new trace. The replica gets a
 * {@code traceparent} naming the edge's span.
 */
record Trace(String traceId, String spanId, String parentId, String flags) {

  private static final Pattern TRACEPARENT = Pattern.compile("([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?");
  private static final String ZERO_TRACE = "0".repeat(32);
  private static final String ZERO_SPAN = "0".repeat(16);

  static Trace continuing(String traceparent) {
    if (traceparent != null) {
      var m = TRACEPARENT.matcher(traceparent.trim());
      if (m.matches() && !m.group(1).equals("ff") && !m.group(2).equals(ZERO_TRACE) && !m.group(3).equals(ZERO_SPAN)
          && (m.group(1).equals("00") ? m.group(5) == null : true)) {
        return new Trace(m.group(2), newId(16), m.group(3), m.group(4));
      }
    }
    return new Trace(newId(32), newId(16), null, "01");
  }

  String header() {
    return "00-" + traceId + "-" + spanId + "-" + flags;
  }

  private static String newId(int hexDigits) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    StringBuilder id = new StringBuilder(hexDigits);
    while (id.length() < hexDigits) {
      String part = Long.toHexString(random.nextLong() | Long.MIN_VALUE);
      id.append(part, 0, Math.min(part.length(), hexDigits - id.length()));
    }
    return id.toString();
  }
}
