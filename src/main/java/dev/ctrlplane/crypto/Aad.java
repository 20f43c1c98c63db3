package dev.ctrlplane.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Associated data for {@link KeyRing#seal}: what a sealed value belongs to, bound into its authentication tag, so a
 * ciphertext moved to another row, owner or version no longer opens. Each part is written with its length in front,
 * so no two different lists of parts encode alike ("a", "bc" is not "ab", "c").
 */
public final class Aad {

  private Aad() {}

  /** {@code purpose} names the kind of value (e.g. "secret/v1"), so one kind can never be opened as another. */
  public static byte[] of(String purpose, String... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(out, purpose);
    for (String part : parts) {
      write(out, part);
    }
    return out.toByteArray();
  }

  private static void write(ByteArrayOutputStream out, String part) {
    byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
    out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(bytes.length).array());
    out.writeBytes(bytes);
  }
}
