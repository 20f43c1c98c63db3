package dev.ctrlplane.network.domain;

import dev.ctrlplane.bus.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a custom domain's hostname may be: a DNS name of letters, digits and inner hyphens (IDNs as their {@code xn--}
 * A-labels), lower-cased, at most 253 bytes, labels of at most 63, at least two labels, no trailing dot, no IP
 * literal (a last label of digits only), no wildcard ({@code *.example.com}: a TXT record proves one name, and a
 * wildcard would take every name under it from whoever else verifies them), and not under the edge's base domain
 * (those are the instances' default hosts). Every refusal is a 400 naming {@code hostname}.
 */
public final class Hostnames {

  public static final int MAX_LENGTH = 253;
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

  private Hostnames() {}

  /** The hostname, lower-cased; 400 naming {@code field} when it is not one a domain may have. */
  public static String check(String field, String raw, String baseDomain) {
    String host = raw.trim().toLowerCase(Locale.ROOT);
    if (host.isEmpty()) {
      throw ApiException.invalidField(field, "is required");
    }
    if (host.getBytes(StandardCharsets.UTF_8).length > MAX_LENGTH) {
      throw ApiException.invalidField(field, "must be at most " + MAX_LENGTH + " bytes");
    }
    if (host.endsWith(".")) {
      throw ApiException.invalidField(field, "must not end with a dot");
    }
    if (host.startsWith("*")) {
      throw ApiException.invalidField(field, "wildcards are not supported: add each name as its own domain");
    }
    if (host.startsWith("[") || host.contains(":")) {
      throw ApiException.invalidField(field, "must be a DNS name, not an IP address");
    }
    if (!host.chars().allMatch(c -> c < 128)) {
      throw ApiException.invalidField(field, "must be ASCII: write an internationalised name as its xn-- form");
    }
    String[] labels = host.split("\\.", -1);
    if (labels.length < 2) {
      throw ApiException.invalidField(field, "must have at least two labels (like example.com)");
    }
    for (String label : labels) {
      if (label.isEmpty()) {
        throw ApiException.invalidField(field, "must not have an empty label");
      }
      if (label.length() > 63) {
        throw ApiException.invalidField(field, "labels must be at most 63 characters");
      }
      if (!LABEL.matcher(label).matches()) {
        throw ApiException.invalidField(field, "labels must be letters, digits and '-' (not first or last)");
      }
    }
    if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
      throw ApiException.invalidField(field, "must be a DNS name, not an IP address");
    }
    if (host.equals(baseDomain) || host.endsWith("." + baseDomain)) {
      throw ApiException.invalidField(field, "names under " + baseDomain + " are the instances' default hosts; "
          + "a custom domain must be outside it");
    }
    return host;
  }
}
