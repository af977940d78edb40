package dev.berth.tasks.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The libc calls the JDK lacks, direct-mapped. Paths are NUL-terminated byte strings (see
 * {@link Syscalls#cString}). Only the classes of this package call it.
 */
final class LibC {
  static {
    Native.register(LibC.class, Platform.C_LIBRARY_NAME);
  }

  private LibC() {}

  static native int mount(byte[] source, byte[] target, byte[] fstype, long flags, byte[] data)
      throws LastErrorException;

  static native int umount2(byte[] target, int flags) throws LastErrorException;

  static native int pipe2(int[] fds, int flags) throws LastErrorException;

  static native int open(byte[] path, int flags, int mode) throws LastErrorException;

  static native long read(int fd, byte[] buffer, long count) throws LastErrorException;

  static native long write(int fd, byte[] buffer, long count) throws LastErrorException;

  static native int close(int fd) throws LastErrorException;

  /** {@code fds} holds struct pollfd as two ints each: fd, then events | revents &lt;&lt; 16. */
  static native int poll(int[] fds, long count, int timeoutMillis) throws LastErrorException;

  static native int socket(int domain, int type, int protocol) throws LastErrorException;

  static native int connect(int fd, byte[] address, int length) throws LastErrorException;

  static native int shutdown(int fd, int how) throws LastErrorException;

  static native int kill(int pid, int signal) throws LastErrorException;
}
