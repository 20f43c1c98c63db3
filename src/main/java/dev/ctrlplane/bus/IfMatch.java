package dev.ctrlplane.bus;

import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The versions an {@code If-Match} header accepts (RFC 9110 §13.1.1: one ETag or a list; the change goes ahead when
 * the current version is any of them). Travels in the envelope as {@code "if_match": [n, ...]}.
 */
public record IfMatch(List<Integer> versions) {

  public IfMatch {
    versions = List.copyOf(versions);
  }

  /**
   * Parses the header: one ETag or a comma-separated list, each as this API returns it ({@code "3"}, also
   * {@code W/"3"} or {@code 3}); anything else is a 400 naming If-Match. The caller handles {@code *}.
   */
  public static IfMatch parse(String header) {
    List<Integer> versions = new ArrayList<>();
    for (String tag : header.split(",", -1)) {
      String value = tag.trim();
      if (value.startsWith("W/")) {
        value = value.substring(2);
      }
      value = value.replace("\"", "");
      try {
        versions.add(Integer.parseInt(value));
      } catch (NumberFormatException e) {
        throw ApiException.invalidField("If-Match", "must be ETags returned by this API, like \"3\" or \"3\", \"4\"");
      }
    }
    return new IfMatch(versions);
  }

  /** Reads the envelope's {@code if_match}: an array of versions, or (from older nodes) one number. */
  static IfMatch fromEnvelope(Object value) {
    if (value instanceof JsonArray array) {
      return new IfMatch(array.stream().map(v -> ((Number) v).intValue()).toList());
    }
    return new IfMatch(List.of(((Number) value).intValue()));
  }

  public JsonArray toJson() {
    return new JsonArray(List.copyOf(versions));
  }

  /** Fails with 412 unless {@code current} is one of the accepted versions. */
  public void require(String resource, String id, int current) {
    if (!versions.contains(current)) {
      throw new ApiException(ErrorCode.PRECONDITION_FAILED, resource + " " + id + " is at version " + current
          + ", not " + versions.stream().map(String::valueOf).collect(Collectors.joining(" or ")));
    }
  }
}
