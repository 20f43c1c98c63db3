package dev.ctrlplane.provider;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;

/**
 * An instance's decrypted secrets for one replica start: environment variables, and files by relative path. Lives
 * only for the spawn it is fetched for. {@link #toString} names the keys, never the values.
 */
public record SecretMaterial(Map<String, String> env, Map<String, byte[]> files) {

  public static final SecretMaterial NONE = new SecretMaterial(Map.of(), Map.of());

  public SecretMaterial {
    env = Map.copyOf(env);
    files = Map.copyOf(files);
  }

  /** Overwrites the file contents this object holds (best effort: the strings of {@link #env} cannot be). */
  public void wipe() {
    files.values().forEach(bytes -> Arrays.fill(bytes, (byte) 0));
  }

  @Override
  public String toString() {
    return "SecretMaterial[env=" + new TreeMap<>(env).keySet() + ", files=" + new TreeMap<>(files).keySet() + "]";
  }
}
