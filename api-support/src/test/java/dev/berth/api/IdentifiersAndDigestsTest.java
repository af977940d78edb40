package dev.berth.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.grpc.BerthException;
import dev.berth.linux.LibCryptoSha256;
import io.grpc.Status;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class IdentifiersAndDigestsTest {
  @Test
  void identifiersFollowContainerdsRule() {
    for (String ok : new String[] {"default", "k8s.io", "a-b_c.d", "A1"}) {
      assertTrue(Identifiers.isValid(ok), ok);
    }
    for (String bad : new String[] {"", "Bad Name!", "../etc", "a..b", "-a", "a/b", "x".repeat(77), "a\nb"}) {
      assertFalse(Identifiers.isValid(bad), bad);
      assertEquals(Status.Code.INVALID_ARGUMENT,
          assertThrows(BerthException.class, () -> Identifiers.validate("name", bad)).code());
    }
  }

  @Test
  void smallInputsAreHashedByTheJdkAndAgreeWithLargeOnes() {
    // a manifest or config need not bind libcrypto: the JDK's digest, same answer
    MessageDigest small = Digests.newSha256(1024);
    assertFalse(small instanceof LibCryptoSha256, small.getClass().getName());
    byte[] data = new byte[300_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 31);
    }
    MessageDigest large = Digests.newSha256(data.length);
    small.update(data);
    large.update(data);
    assertEquals(HexFormat.of().formatHex(large.digest()), HexFormat.of().formatHex(small.digest()));
    MessageDigest unknownSize = Digests.newSha256(-1);
    unknownSize.update(data);
    assertEquals(Digests.sha256(data), Digests.format(unknownSize));
  }

  @Test
  void onlyWellFormedSha256DigestsPass() {
    String good = Digests.sha256(new byte[0]);
    assertEquals("sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", good);
    assertEquals(good.substring(7), Digests.hex(good));
    for (String bad : new String[] {"", "sha256:zz", "md5:abc", "sha256:" + "A".repeat(64),
        "sha256:../../etc/passwd", "sha512:" + "a".repeat(128), "sha256:" + "a".repeat(63)}) {
      assertEquals(Status.Code.INVALID_ARGUMENT,
          assertThrows(BerthException.class, () -> Digests.hex(bad), bad).code(), bad);
    }
  }
}
