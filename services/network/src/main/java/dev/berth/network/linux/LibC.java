package dev.berth.network.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * The libc calls the JDK lacks for networking, direct-mapped: netlink sockets, network namespaces
 * and the bind mounts that pin them. Paths are NUL-terminated byte strings (see
 * {@link Syscalls#cString}). Only {@link Syscalls} calls this class.
 */
final class LibC {
  static {
    Native.register(LibC.class, Platform.C_LIBRARY_NAME);
  }

  private LibC() {}

  static native int socket(int domain, int type, int protocol) throws LastErrorException;

  static native int bind(int fd, byte[] address, int length) throws LastErrorException;

  static native int setsockopt(int fd, int level, int name, int[] value, int length) throws LastErrorException;

  static native int setsockopt(int fd, int level, int name, long[] value, int length) throws LastErrorException;

  static native long send(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

  static native long recv(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

  static native int open(byte[] path, int flags) throws LastErrorException;

  static native int close(int fd) throws LastErrorException;

  static native int setns(int fd, int nstype) throws LastErrorException;

  static native int unshare(int flags) throws LastErrorException;

  static native int mount(byte[] source, byte[] target, byte[] fstype, long flags, byte[] data)
      throws LastErrorException;

  static native int umount2(byte[] target, int flags) throws LastErrorException;

  static native String strerror(int errno);
}
