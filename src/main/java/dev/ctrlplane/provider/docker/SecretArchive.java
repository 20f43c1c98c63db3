package dev.ctrlplane.provider.docker;

import dev.ctrlplane.provider.ProviderException;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A replica's secret files as a tar archive for the engine's archive API ({@code PUT /containers/{id}/archive?path=/},
 * before the container starts), for engines that do not share this node's file system (a {@code tcp://} engine on
 * another host): {@value ContainerSpec#SECRETS_DIR} (0700, as its subdirectories) holding one 0600 file per secret,
 * owned by root. Plain POSIX ustar, written here: the format is small and the archive never touches a disk.
 */
final class SecretArchive {

  private static final int BLOCK = 512;
  private static final String ROOT = ContainerSpec.SECRETS_DIR.substring(1); // run/secrets/ctrlplane

  private SecretArchive() {}

  static Buffer of(Map<String, byte[]> files) {
    Set<String> dirs = new LinkedHashSet<>();
    String path = "";
    for (String segment : ROOT.split("/")) {
      path = path.isEmpty() ? segment : path + "/" + segment;
      dirs.add(path);
    }
    Map<String, byte[]> sorted = new TreeMap<>(files);
    List<String> names = new ArrayList<>();
    for (String key : sorted.keySet()) {
      String name = ROOT + "/" + check(key);
      names.add(name);
      int slash = name.lastIndexOf('/');
      String parent = name.substring(0, slash);
      List<String> parents = new ArrayList<>();
      while (parent.length() > ROOT.length()) {
        parents.add(0, parent);
        parent = parent.substring(0, parent.lastIndexOf('/'));
      }
      dirs.addAll(parents);
    }
    Buffer tar = Buffer.buffer();
    for (String dir : dirs) {
      boolean secretDir = dir.startsWith(ROOT);
      tar.appendBytes(header(dir + "/", secretDir ? 0700 : 0755, 0, '5'));
    }
    int i = 0;
    for (byte[] content : sorted.values()) {
      tar.appendBytes(header(names.get(i++), 0600, content.length, '0'));
      tar.appendBytes(content);
      tar.appendBytes(new byte[(BLOCK - content.length % BLOCK) % BLOCK]);
    }
    tar.appendBytes(new byte[2 * BLOCK]);
    return tar;
  }

  /** A relative path inside the secrets dir (the API refuses others; this guards against a tampered row). */
  private static String check(String key) {
    if (key.isEmpty() || key.startsWith("/") || Arrays.asList(key.split("/")).stream()
        .anyMatch(s -> s.isEmpty() || s.equals(".") || s.equals(".."))) {
      throw new ProviderException("secret file " + key + " is not a path inside the secrets dir");
    }
    return key;
  }

  private static byte[] header(String name, int mode, long size, char type) {
    byte[] header = new byte[BLOCK];
    byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= 100) {
      System.arraycopy(bytes, 0, header, 0, bytes.length);
    } else {
      int split = name.lastIndexOf('/', name.length() - 2);
      byte[] prefix = split < 0 ? bytes : name.substring(0, split).getBytes(StandardCharsets.UTF_8);
      byte[] rest = split < 0 ? new byte[0] : name.substring(split + 1).getBytes(StandardCharsets.UTF_8);
      if (split < 0 || prefix.length > 155 || rest.length > 100) {
        throw new ProviderException("secret file path too long for the container archive: " + name);
      }
      System.arraycopy(rest, 0, header, 0, rest.length);
      System.arraycopy(prefix, 0, header, 345, prefix.length);
    }
    octal(header, 100, 8, mode);
    octal(header, 108, 8, 0); // uid root
    octal(header, 116, 8, 0); // gid root
    octal(header, 124, 12, size);
    octal(header, 136, 12, System.currentTimeMillis() / 1000);
    header[156] = (byte) type;
    System.arraycopy("ustar\u000000".getBytes(StandardCharsets.US_ASCII), 0, header, 257, 8);
    Arrays.fill(header, 148, 156, (byte) ' ');
    long sum = 0;
    for (byte b : header) {
      sum += b & 0xff;
    }
    byte[] checksum = String.format("%06o\0 ", sum).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(checksum, 0, header, 148, 8);
    return header;
  }

  private static void octal(byte[] header, int offset, int length, long value) {
    byte[] digits = String.format("%0" + (length - 1) + "o", value).getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(digits, 0, header, offset, length - 1);
    header[offset + length - 1] = 0;
  }
}
