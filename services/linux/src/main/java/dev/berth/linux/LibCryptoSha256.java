package dev.berth.linux;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.lang.ref.Cleaner;
import java.nio.ByteBuffer;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * SHA-256 computed by the system's OpenSSL (libcrypto 3), which uses the CPU's SHA and vector
 * instructions whichever JIT tier runs the caller. The JDK's own SHA-256 is that fast only once
 * C2 has compiled it with its intrinsics: under C1 alone it hashes six times slower, and C2's
 * compiling is what a daemon's first large pull spends most of its CPU on.
 *
 * <p>Small updates are gathered in a Java buffer, so a byte-at-a-time caller (a
 * {@code DigestInputStream} read by single bytes) costs one native call per buffer, not per byte.
 */
public final class LibCryptoSha256 extends MessageDigest implements Cloneable {
  private static final int LENGTH = 32;
  /** Updates below this go through {@link #pending}; larger ones straight to libcrypto. */
  private static final int GATHER = 8192;
  /** The most native memory a digest keeps for copying array updates into. */
  private static final int MAX_SCRATCH = 1 << 20;
  private static final Cleaner CLEANER = Cleaner.create();
  private static final Pointer SHA256 = loadSha256();

  private final Context context;
  private final Cleaner.Cleanable cleanable;
  private byte[] pending = new byte[GATHER];
  private int pendingLength;
  /** Native memory that array updates are copied into for the call; made at the first. */
  private Memory scratch;

  private LibCryptoSha256(Context context) {
    super("SHA-256");
    this.context = context;
    this.cleanable = CLEANER.register(this, context);
  }

  /** A new digest, or empty where the system has no usable libcrypto. */
  public static Optional<MessageDigest> create() {
    if (SHA256 == null) {
      return Optional.empty();
    }
    Context context = Context.create();
    if (context == null) {
      return Optional.empty();
    }
    return Optional.of(new LibCryptoSha256(context));
  }

  private static Pointer loadSha256() {
    try {
      // OpenSSL 3's API (EVP_MD_fetch); an older libcrypto lacks it and is not used
      Native.register(Crypto.class, "libcrypto.so.3");
      return Crypto.EVP_MD_fetch(null, "SHA256", null);
    } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
      return null;
    }
  }

  @Override
  protected int engineGetDigestLength() {
    return LENGTH;
  }

  @Override
  protected void engineUpdate(byte input) {
    if (pendingLength == pending.length) {
      flushPending();
    }
    pending[pendingLength++] = input;
  }

  @Override
  protected void engineUpdate(byte[] input, int offset, int length) {
    if (length < GATHER - pendingLength) {
      System.arraycopy(input, offset, pending, pendingLength, length);
      pendingLength += length;
      return;
    }
    flushPending();
    long wanted = Math.min(length, MAX_SCRATCH);
    if (scratch == null || scratch.size() < wanted) {
      scratch = new Memory(wanted);
    }
    while (length > 0) {
      int n = (int) Math.min(length, scratch.size());
      scratch.write(0, input, offset, n);
      update(scratch, n);
      offset += n;
      length -= n;
    }
  }

  @Override
  protected void engineUpdate(ByteBuffer input) {
    if (!input.isDirect()) {
      super.engineUpdate(input);
      return;
    }
    flushPending();
    int n = input.remaining();
    if (n > 0) {
      update(Native.getDirectBufferPointer(input).share(input.position()), n);
      input.position(input.limit());
    }
  }

  @Override
  protected byte[] engineDigest() {
    byte[] out = new byte[LENGTH];
    try {
      engineDigest(out, 0, LENGTH);
    } catch (DigestException e) {
      throw new IllegalStateException(e);
    }
    return out;
  }

  @Override
  protected int engineDigest(byte[] out, int offset, int length) throws DigestException {
    if (length < LENGTH) {
      throw new DigestException("SHA-256 needs " + LENGTH + " bytes of output, given " + length);
    }
    flushPending();
    byte[] digest = new byte[LENGTH];
    check(Crypto.EVP_DigestFinal_ex(context.pointer, digest, null), "EVP_DigestFinal_ex");
    System.arraycopy(digest, 0, out, offset, LENGTH);
    engineReset();
    return LENGTH;
  }

  @Override
  protected void engineReset() {
    pendingLength = 0;
    check(Crypto.EVP_DigestInit_ex(context.pointer, SHA256, null), "EVP_DigestInit_ex");
  }

  @Override
  public Object clone() throws CloneNotSupportedException {
    Context copy = Context.create();
    if (copy == null) {
      throw new CloneNotSupportedException("libcrypto could not allocate a digest context");
    }
    check(Crypto.EVP_MD_CTX_copy_ex(copy.pointer, context.pointer), "EVP_MD_CTX_copy_ex");
    LibCryptoSha256 clone = new LibCryptoSha256(copy);
    clone.pending = pending.clone();
    clone.pendingLength = pendingLength;
    return clone;
  }

  private void flushPending() {
    if (pendingLength == 0) {
      return;
    }
    if (scratch == null) {
      scratch = new Memory(GATHER);
    }
    scratch.write(0, pending, 0, pendingLength);
    update(scratch, pendingLength);
    pendingLength = 0;
  }

  private void update(Pointer data, long length) {
    check(Crypto.EVP_DigestUpdate(context.pointer, data, length), "EVP_DigestUpdate");
  }

  private static void check(int result, String call) {
    if (result != 1) {
      throw new IllegalStateException("libcrypto's " + call + " failed");
    }
  }

  /** One EVP_MD_CTX, initialised for SHA-256 and freed when its digest is collected. */
  private static final class Context implements Runnable {
    private final Pointer pointer;

    private Context(Pointer pointer) {
      this.pointer = pointer;
    }

    static Context create() {
      Pointer p = Crypto.EVP_MD_CTX_new();
      if (p == null) {
        return null;
      }
      if (Crypto.EVP_DigestInit_ex(p, SHA256, null) != 1) {
        Crypto.EVP_MD_CTX_free(p);
        return null;
      }
      return new Context(p);
    }

    @Override
    public void run() {
      Crypto.EVP_MD_CTX_free(pointer);
    }
  }

  /** libcrypto's digest calls, direct-mapped. */
  private static final class Crypto {
    private Crypto() {}

    static native Pointer EVP_MD_fetch(Pointer libraryContext, String algorithm, String properties);

    static native Pointer EVP_MD_CTX_new();

    static native void EVP_MD_CTX_free(Pointer context);

    static native int EVP_MD_CTX_copy_ex(Pointer out, Pointer in);

    static native int EVP_DigestInit_ex(Pointer context, Pointer type, Pointer engine);

    static native int EVP_DigestUpdate(Pointer context, Pointer data, long count);

    static native int EVP_DigestFinal_ex(Pointer context, byte[] digest, Pointer size);
  }
}
