package dev.ctrlplane.provider.docker;

import dev.ctrlplane.provider.ProviderException;
import java.util.regex.Pattern;

/** An image reference, {@code [registry/]name[:tag][@digest]}, checked the way the engine parses it. */
record ImageRef(String repository, String tag) {

  private static final Pattern REFERENCE = Pattern.compile(
      "[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*"
          + "(?::[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(?:@sha256:[a-f0-9]{64})?");
  private static final int MAX_LENGTH = 255;

  /** Fails with a bad request for a reference the engine would refuse. */
  static ImageRef parse(String image) {
    if (image == null || image.isBlank()) {
      throw ProviderException.badRequest("image is required");
    }
    if (image.length() > MAX_LENGTH || !REFERENCE.matcher(image).matches()) {
      throw ProviderException.badRequest("invalid image \"" + image
          + "\": expected [registry/]name[:tag][@sha256:digest] in lower case");
    }
    if (image.contains("@")) {
      return new ImageRef(image, null);
    }
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    return colon > slash
        ? new ImageRef(image.substring(0, colon), image.substring(colon + 1))
        : new ImageRef(image, "latest");
  }
}
