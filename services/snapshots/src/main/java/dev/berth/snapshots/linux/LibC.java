package dev.berth.snapshots.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The few libc calls the JDK lacks, direct-mapped. Paths and names are NUL-terminated byte
 * strings (see {@link Syscalls#cString}) so that they are encoded exactly as the JDK encodes
 * file names. Only {@link Syscalls} calls this class.
 */
final class LibC {
  static {
    Native.register(LibC.class, Platform.C_LIBRARY_NAME);
  }

  private LibC() {}

  static native int mount(byte[] source, byte[] target, byte[] fstype, long flags, byte[] data)
      throws LastErrorException;

  static native int umount2(byte[] target, int flags) throws LastErrorException;

  static native int mknod(byte[] path, int mode, long dev) throws LastErrorException;

  static native int lchown(byte[] path, int uid, int gid) throws LastErrorException;

  static native int chmod(byte[] path, int mode) throws LastErrorException;

  /** {@code times} is two struct timespec: atime seconds, nanoseconds, mtime seconds, nanoseconds. */
  static native int utimensat(int dirfd, byte[] path, long[] times, int flags) throws LastErrorException;

  static native int lsetxattr(byte[] path, byte[] name, byte[] value, long size, int flags)
      throws LastErrorException;

  static native long lgetxattr(byte[] path, byte[] name, byte[] value, long size) throws LastErrorException;

  static native long llistxattr(byte[] path, byte[] list, long size) throws LastErrorException;
}
