package dev.ctrlplane.provider.process;

import dev.ctrlplane.provider.InstanceSpec;
import dev.ctrlplane.provider.ProviderException;
import dev.ctrlplane.provider.ProviderHealth;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** Maps image {@code name:tag} to its executable {@code <imagesDir>/<name>/<tag>/run}, refusing path traversal. */
final class ImageResolver {

  private static final Pattern SAFE_SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}");
  private static final String DEFAULT_TAG = "latest";
  private static final String EXECUTABLE = "run";

  private final Path imagesDir;

  ImageResolver(Path imagesDir) {
    this.imagesDir = imagesDir;
  }

  /** Healthy when the images dir is a readable directory. Blocking. */
  ProviderHealth health() {
    return Files.isDirectory(imagesDir) && Files.isReadable(imagesDir)
        ? ProviderHealth.ok()
        : new ProviderHealth(false, "images dir " + imagesDir.toAbsolutePath() + " is not a readable directory");
  }

  /** Checks what the provider needs of a spec: a safe instance id and an executable image for every set. Blocking. */
  void check(InstanceSpec spec) {
    if (spec.instanceId() != null) {
      checkInstanceId(spec.instanceId());
    }
    spec.sets().forEach(set -> resolve(set.image()));
  }

  /** The image's executable. Blocking (file system). */
  Path resolve(String image) {
    Path run = path(image);
    if (!Files.isRegularFile(run) || !Files.isExecutable(run)) {
      throw ProviderException.badRequest("image " + image + " not found: " + run + " is not an executable file");
    }
    return run;
  }

  /** Where the image's executable would be; fails for a name or tag that could leave the images dir. */
  Path path(String image) {
    if (image == null || image.isBlank()) {
      throw ProviderException.badRequest("image is required");
    }
    int colon = image.indexOf(':');
    String name = colon < 0 ? image : image.substring(0, colon);
    String tag = colon < 0 ? DEFAULT_TAG : image.substring(colon + 1);
    if (!isSafe(name) || !isSafe(tag)) {
      throw ProviderException.badRequest("invalid image \"" + image
          + "\": name and tag may contain only letters, digits, '.', '_' and '-', must not start with '.' or contain '..'");
    }
    return imagesDir.resolve(name).resolve(tag).resolve(EXECUTABLE);
  }

  /** Instance ids name directories under the run dir, so they obey the same rule as image names. */
  static String checkInstanceId(String instanceId) {
    if (instanceId == null || !isSafe(instanceId)) {
      throw ProviderException.badRequest("invalid instance id \"" + instanceId + "\" for the process provider");
    }
    return instanceId;
  }

  static boolean isSafe(String segment) {
    return SAFE_SEGMENT.matcher(segment).matches() && !segment.contains("..");
  }
}
