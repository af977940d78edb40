package dev.berth.api;

import dev.berth.api.grpc.Errors;
import dev.berth.linux.LibCryptoSha256;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Content digests: Berth stores and verifies sha256 only, written {@code sha256:<64 lowercase hex>}. */
public final class Digests {
  public static final String SHA256_PREFIX = "sha256:";
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
  private static final Pattern ANY_DIGEST = Pattern.compile("[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+");

  private Digests() {}

  /**
   * Checks a digest string and returns its hex part. A malformed digest or an algorithm other
   * than sha256 is INVALID_ARGUMENT, so no caller can turn it into a path outside the store.
   */
  public static String hex(String digest) {
    if (digest == null || digest.isEmpty()) {
      throw Errors.invalidArgument("digest must not be empty");
    }
    if (!ANY_DIGEST.matcher(digest).matches()) {
      throw Errors.invalidArgument("invalid digest %s: expected sha256:<64 hex digits>", Identifiers.printable(digest));
    }
    if (!digest.startsWith(SHA256_PREFIX)) {
      throw Errors.invalidArgument("unsupported digest algorithm in %s: only sha256 is supported", digest);
    }
    String hex = digest.substring(SHA256_PREFIX.length());
    if (!SHA256_HEX.matcher(hex).matches()) {
      throw Errors.invalidArgument("invalid digest %s: expected sha256:<64 lowercase hex digits>", digest);
    }
    return hex;
  }

  /** Validates and returns {@code digest} unchanged. */
  public static String validate(String digest) {
    hex(digest);
    return digest;
  }

  /**
   * A SHA-256 digest: the system's libcrypto where it has one (fast before the JIT's C2 has
   * compiled the JDK's own, and in a JVM limited to C1), else the JDK's.
   */
  public static MessageDigest newSha256() {
    return LibCryptoSha256.create().orElseGet(Digests::jdkSha256);
  }

  /**
   * Below this many bytes a digest is the JDK's: binding libcrypto (JNA's start-up) costs a new
   * process some 40 ms, far more than hashing a manifest, a config or a chain ID; berthctl's run
   * and exec hash only such small blobs.
   */
  static final long SMALL_BYTES = 256 * 1024;

  /** A SHA-256 digest for about {@code bytes} bytes: the JDK's for small inputs, else as {@link #newSha256()}. */
  public static MessageDigest newSha256(long bytes) {
    return bytes >= 0 && bytes < SMALL_BYTES ? jdkSha256() : newSha256();
  }

  private static MessageDigest jdkSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK lacks SHA-256", e);
    }
  }

  public static String format(MessageDigest sha256) {
    return SHA256_PREFIX + HexFormat.of().formatHex(sha256.digest());
  }

  public static String sha256(byte[] data) {
    MessageDigest d = newSha256(data.length);
    d.update(data);
    return format(d);
  }
}
