package dev.berth.client.containers;

import dev.berth.linux.ErrnoException;
import dev.berth.linux.FileHandle;
import java.util.Arrays;
import java.util.Optional;

/**
 * A file's capabilities ({@code security.capability}, as setcap writes them): the one extended
 * attribute Docker's archives carry from a file system, so the one {@code cp} and {@code export}
 * keep, with or without -a.
 */
public final class FileCapability {
  public static final String XATTR = "security.capability";
  /** linux/capability.h: the revision in the value's first 32-bit word, and revision 2's size. */
  private static final int VERSION_OFFSET = 3;
  private static final byte REVISION_2 = 2;
  private static final byte REVISION_3 = 3;
  private static final int REVISION_2_SIZE = 20;

  private FileCapability() {}

  /**
   * {@code file}'s capabilities, as Docker writes them to an archive: a revision 3 value (which
   * names the root user of the user namespace that set it) made revision 2, as a root user means
   * nothing outside that namespace. Empty for a file without, and for a symlink (which has none).
   */
  public static Optional<byte[]> of(FileHandle file) throws ErrnoException {
    if (file.stat().isSymbolicLink()) {
      return Optional.empty();
    }
    byte[] value = file.xattr(XATTR);
    if (value == null) {
      return Optional.empty();
    }
    if (value.length > VERSION_OFFSET && value[VERSION_OFFSET] == REVISION_3 && value.length >= REVISION_2_SIZE) {
      value = Arrays.copyOf(value, REVISION_2_SIZE);
      value[VERSION_OFFSET] = REVISION_2;
    }
    return Optional.of(value);
  }

  /**
   * Gives {@code copy} the capabilities {@code value}, after its owner is set (a chown clears
   * them) and its contents are written (so does a write).
   */
  public static void set(FileHandle copy, byte[] value) throws ErrnoException {
    TarXattrs.set(copy, XATTR, value);
  }
}
