package dev.ctrlplane.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The master-key ring: AES-256-GCM with fresh nonces, associated data bound, older keys still open. */
class KeyRingTest {

  private static final String OLD = KeyRing.generateBase64();
  private static final String NEW = KeyRing.generateBase64();
  private static final byte[] AAD = Aad.of("test/v1", "ten_1", "inst_1", "env", "DB", "1");

  @Test
  void sealsWithAFreshNonceAndOpensWithTheSameAssociatedData() {
    KeyRing ring = KeyRing.fromBase64(NEW, List.of());
    byte[] plaintext = "p@ssw0rd-é".getBytes(StandardCharsets.UTF_8);
    Set<String> nonces = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      Sealed sealed = ring.seal(plaintext, AAD);
      assertEquals(12, sealed.nonce().length, "96-bit nonce");
      assertEquals(plaintext.length + 16, sealed.ciphertext().length, "ciphertext plus a 128-bit tag");
      assertTrue(nonces.add(HexFormat.of().formatHex(sealed.nonce())), "a nonce is never reused");
      assertArrayEquals(plaintext, ring.open(sealed, AAD));
      assertFalse(new String(sealed.ciphertext(), StandardCharsets.ISO_8859_1).contains("ssw0rd"));
    }
  }

  @Test
  void theKeyIdIsTheFirstEightBytesOfTheKeysSha256() throws Exception {
    byte[] key = Base64.getDecoder().decode(NEW);
    String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key)).substring(0, 16);
    KeyRing ring = KeyRing.fromBase64(NEW, List.of(OLD));
    assertEquals(expected, ring.currentKeyId());
    assertEquals(expected, ring.seal(new byte[] {1}, AAD).keyId());
    assertTrue(ring.isCurrent(expected));
    assertFalse(ring.isCurrent(KeyRing.keyIdOf(Base64.getDecoder().decode(OLD))));
    assertFalse(ring.toString().contains(NEW) || ring.toString().contains(OLD), ring.toString());
  }

  @Test
  void otherAssociatedDataOrATamperedByteIsRefusedAsNotAuthentic() {
    KeyRing ring = KeyRing.fromBase64(NEW, List.of());
    Sealed sealed = ring.seal("value".getBytes(StandardCharsets.UTF_8), AAD);
    for (byte[] other : List.of(
        Aad.of("test/v1", "ten_1", "inst_2", "env", "DB", "1"),
        Aad.of("test/v1", "ten_1", "inst_1", "env", "DB", "2"),
        Aad.of("test/v1", "ten_2", "inst_1", "env", "DB", "1"),
        Aad.of("test/v1", "ten_1", "inst_1", "file", "DB", "1"),
        Aad.of("other/v1", "ten_1", "inst_1", "env", "DB", "1"))) {
      UnsealException refused = assertThrows(UnsealException.class, () -> ring.open(sealed, other));
      assertEquals(UnsealException.Reason.NOT_AUTHENTIC, refused.reason());
    }
    byte[] flipped = sealed.ciphertext();
    flipped[0] ^= 1;
    UnsealException tampered = assertThrows(UnsealException.class,
        () -> ring.open(new Sealed(sealed.keyId(), sealed.nonce(), flipped), AAD));
    assertEquals(UnsealException.Reason.NOT_AUTHENTIC, tampered.reason());
    assertTrue(tampered.getMessage().contains(sealed.keyId()), tampered.getMessage());
  }

  @Test
  void partsAreLengthPrefixedSoTheirBoundariesCannotMove() {
    assertNotEquals(HexFormat.of().formatHex(Aad.of("p", "a", "bc")), HexFormat.of().formatHex(Aad.of("p", "ab", "c")));
  }

  @Test
  void previousKeysStillOpenAndAnUnknownKeyIsNamed() {
    KeyRing old = KeyRing.fromBase64(OLD, List.of());
    Sealed byOld = old.seal("kept".getBytes(StandardCharsets.UTF_8), AAD);
    KeyRing rotating = KeyRing.fromBase64(NEW, List.of(OLD));
    assertArrayEquals("kept".getBytes(StandardCharsets.UTF_8), rotating.open(byOld, AAD));
    assertEquals(rotating.currentKeyId(), rotating.seal(new byte[] {1}, AAD).keyId(), "the current key seals");

    KeyRing newOnly = KeyRing.fromBase64(NEW, List.of());
    UnsealException unknown = assertThrows(UnsealException.class, () -> newOnly.open(byOld, AAD));
    assertEquals(UnsealException.Reason.UNKNOWN_KEY, unknown.reason());
    assertTrue(unknown.getMessage().contains(byOld.keyId()) && unknown.getMessage().contains("secrets.previous_keys"),
        unknown.getMessage());
  }

  @Test
  void malformedKeysAreRefusedWithoutEchoingThem() {
    for (String bad : List.of("", "not base64 at all!", Base64.getEncoder().encodeToString(new byte[16]),
        Base64.getEncoder().encodeToString(new byte[33]))) {
      IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> KeyRing.decode(bad));
      assertTrue(refused.getMessage().startsWith("expected base64 of 32 bytes"), refused.getMessage());
      assertFalse(!bad.isEmpty() && refused.getMessage().contains(bad));
    }
    byte[] key = new byte[32];
    key[0] = (byte) 0xfb; // '+' and '/' in standard base64, '-' and '_' in the URL-safe alphabet
    key[1] = (byte) 0xff;
    assertArrayEquals(key, KeyRing.decode(Base64.getUrlEncoder().withoutPadding().encodeToString(key)));
    assertArrayEquals(key, KeyRing.decode(Base64.getEncoder().encodeToString(key)));
  }
}
