package dev.berth.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LibCryptoSha256Test {
  private static final byte[] DATA = new byte[3 * 1024 * 1024 + 17];

  static {
    new Random(42).nextBytes(DATA);
  }

  private static MessageDigest libcrypto() {
    // every machine Berth runs on has OpenSSL 3 (Debian's libssl3): its absence is a failure here
    return LibCryptoSha256.create().orElseThrow(() -> new AssertionError("libcrypto.so.3 did not load"));
  }

  private static byte[] jdk(byte[] data, int offset, int length) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    d.update(data, offset, length);
    return d.digest();
  }

  @Test
  void knownAnswerForTheEmptyInputAndAbc() {
    MessageDigest d = libcrypto();
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", HexFormat.of().formatHex(d.digest()));
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        HexFormat.of().formatHex(d.digest("abc".getBytes())));
    assertEquals(32, d.getDigestLength());
  }

  @Test
  void agreesWithTheJdkWhateverTheUpdatesSizes() throws Exception {
    for (int chunk : new int[] {1, 7, 8191, 8192, 8193, 65536, 1 << 20, DATA.length}) {
      MessageDigest d = libcrypto();
      for (int off = 0; off < DATA.length; off += chunk) {
        int n = Math.min(chunk, DATA.length - off);
        if (n == 1) {
          d.update(DATA[off]);
        } else {
          d.update(DATA, off, n);
        }
        if (chunk == 1 && off > 100_000) {
          d.update(DATA, off + 1, DATA.length - off - 1);
          break;
        }
      }
      assertArrayEquals(jdk(DATA, 0, DATA.length), d.digest(), "updates of " + chunk + " bytes");
    }
  }

  @Test
  void readsDirectAndHeapBuffersFromTheirPosition() throws Exception {
    ByteBuffer direct = ByteBuffer.allocateDirect(DATA.length);
    direct.put(DATA).flip().position(1000);
    MessageDigest d = libcrypto();
    d.update(direct);
    assertEquals(DATA.length, direct.position());
    d.update(ByteBuffer.wrap(DATA, 5, 300));
    byte[] expected;
    MessageDigest j = MessageDigest.getInstance("SHA-256");
    j.update(DATA, 1000, DATA.length - 1000);
    j.update(DATA, 5, 300);
    expected = j.digest();
    assertArrayEquals(expected, d.digest());
  }

  @Test
  void aCloneGoesOnFromTheSameStateAndTheOriginalIsUntouched() throws Exception {
    MessageDigest d = libcrypto();
    d.update(DATA, 0, 100_000);
    d.update((byte) 1);
    MessageDigest copy = (MessageDigest) d.clone();
    assertNotSame(d, copy);
    copy.update(DATA, 100_000, 5000);
    d.update(DATA, 200_000, 10);
    MessageDigest j = MessageDigest.getInstance("SHA-256");
    j.update(DATA, 0, 100_000);
    j.update((byte) 1);
    MessageDigest jCopy = (MessageDigest) j.clone();
    jCopy.update(DATA, 100_000, 5000);
    j.update(DATA, 200_000, 10);
    assertArrayEquals(jCopy.digest(), copy.digest());
    assertArrayEquals(j.digest(), d.digest());
  }

  @Test
  void aDigestStartsAgainAfterDigestAndReset() throws Exception {
    MessageDigest d = libcrypto();
    d.update(DATA, 0, 50);
    d.digest();
    d.update(DATA, 0, 20);
    d.reset();
    d.update(DATA, 0, 10);
    assertArrayEquals(jdk(DATA, 0, 10), d.digest());
    assertTrue(MessageDigest.isEqual(jdk(DATA, 0, 0), d.digest()));
  }
}
