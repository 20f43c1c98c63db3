package dev.ctrlplane.events.webhooks;

import dev.ctrlplane.bus.ApiException;
import dev.ctrlplane.events.EventCatalogue;
import dev.ctrlplane.validation.Fields;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/** A create request, validated: an absolute http(s) URL, event types or patterns, a description. */
public record WebhookInput(URI url, List<String> events, String description, String tenantId) {

  private static final int MAX_URL = 2048;

  public static WebhookInput from(JsonObject body) {
    String text = Fields.requiredString(body, "url", "url", 1, MAX_URL);
    URI url = parseUrl(text);
    JsonArray raw = Fields.optionalArray(body, "events", "events", 64)
        .orElseThrow(() -> ApiException.invalidField("events", "is required (event types or patterns, e.g. instance.*)"));
    if (raw.isEmpty()) {
      throw ApiException.invalidField("events", "must name at least one event type or pattern");
    }
    List<String> events = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      if (!(raw.getValue(i) instanceof String pattern) || !EventCatalogue.isValidPattern(pattern)) {
        throw ApiException.invalidField("events[" + i + "]", "must be an event type or pattern (see docs/EVENTS.md)");
      }
      if (!events.contains(pattern)) {
        events.add(pattern);
      }
    }
    String description = Fields.optionalString(body, "description", "description", 0, 500).orElse("");
    return new WebhookInput(url, events, description, Fields.optionalString(body, "tenant_id", "tenant_id", 1, 64)
        .orElse(null));
  }

  /** An absolute http or https URL with a host, no user info; anything else is a 400 naming {@code url}. */
  static URI parseUrl(String text) {
    URI url;
    try {
      url = new URI(text.trim());
    } catch (URISyntaxException e) {
      throw ApiException.invalidField("url", "is not a valid URL");
    }
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase();
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw ApiException.invalidField("url", "must be an http or https URL");
    }
    if (url.getHost() == null || url.getHost().isEmpty()) {
      throw ApiException.invalidField("url", "must name a host");
    }
    if (url.getRawUserInfo() != null) {
      throw ApiException.invalidField("url", "must not carry credentials");
    }
    if (url.getRawFragment() != null) {
      throw ApiException.invalidField("url", "must not have a fragment");
    }
    return url;
  }
}
