package dev.berth.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import java.nio.ByteBuffer;

/**
 * The libc calls the JDK lacks, direct-mapped (no proxy and no per-call reflection). Paths and
 * names are NUL-terminated byte strings from {@link FileNames#cString}, so that they reach the
 * kernel in exactly the bytes the JDK uses for the same file names.
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

  /** {@code times} is two struct timespec: atime seconds, nanoseconds, mtime seconds, nanoseconds. */
  static native int utimensat(int dirfd, byte[] path, long[] times, int flags) throws LastErrorException;

  static native int lsetxattr(byte[] path, byte[] name, byte[] value, long size, int flags)
      throws LastErrorException;

  static native int lremovexattr(byte[] path, byte[] name) throws LastErrorException;

  static native long lgetxattr(byte[] path, byte[] name, byte[] value, long size) throws LastErrorException;

  static native long llistxattr(byte[] path, byte[] list, long size) throws LastErrorException;

  /** Following the path's last link: through /proc/self/fd/N, the file a descriptor holds. */
  static native long getxattr(byte[] path, byte[] name, byte[] value, long size) throws LastErrorException;

  static native int setxattr(byte[] path, byte[] name, byte[] value, long size, int flags) throws LastErrorException;

  static native int open(byte[] path, int flags, int mode) throws LastErrorException;

  static native int close(int fd) throws LastErrorException;

  /** {@code winsize} is struct winsize: rows, columns, then two unused pixel sizes. */
  static native int ioctl(int fd, long request, short[] winsize) throws LastErrorException;

  static native long read(int fd, byte[] buffer, long count) throws LastErrorException;

  static native long write(int fd, byte[] buffer, long count) throws LastErrorException;

  static native int pipe2(int[] fds, int flags) throws LastErrorException;

  static native int fcntl(int fd, int cmd, int arg) throws LastErrorException;

  /** {@code fds} holds struct pollfd as two ints each: fd, then events | revents &lt;&lt; 16. */
  static native int poll(int[] fds, long count, int timeoutMillis) throws LastErrorException;

  static native int epoll_create1(int flags) throws LastErrorException;

  /** {@code event} is one struct epoll_event as ints, laid out as {@link ReadinessWatcher} describes. */
  static native int epoll_ctl(int epfd, int op, int fd, int[] event) throws LastErrorException;

  static native int epoll_wait(int epfd, int[] events, int maxEvents, int timeoutMillis) throws LastErrorException;

  static native int socket(int domain, int type, int protocol) throws LastErrorException;

  static native int bind(int fd, byte[] address, int length) throws LastErrorException;

  static native int connect(int fd, byte[] address, int length) throws LastErrorException;

  static native int listen(int fd, int backlog) throws LastErrorException;

  static native int getsockname(int fd, byte[] address, int[] length) throws LastErrorException;

  static native int setsockopt(int fd, int level, int name, int[] value, int length) throws LastErrorException;

  static native int setsockopt(int fd, int level, int name, long[] value, int length) throws LastErrorException;

  static native long send(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

  static native long recv(int fd, byte[] buffer, long length, int flags) throws LastErrorException;

  /**
   * recv into a direct buffer, from its start: passed by address, where a byte[] is copied whole
   * into native memory and back on every call (64 KiB each way for a message of a few KiB).
   */
  static native long recv(int fd, ByteBuffer buffer, long length, int flags) throws LastErrorException;

  static native int shutdown(int fd, int how) throws LastErrorException;

  static native int kill(int pid, int signal) throws LastErrorException;

  static native int setns(int fd, int nstype) throws LastErrorException;

  static native int unshare(int flags) throws LastErrorException;

  static native String strerror(int errno);

  /** syscall(2) for openat2, which glibc does not wrap; {@code how} is struct open_how: flags, mode, resolve. */
  static native long syscall(long number, int dirfd, byte[] path, long[] how, long size) throws LastErrorException;

  /** syscall(2) for open_tree, which glibc 2.36 does not wrap; every int argument passed as a full register. */
  static native long syscall(long number, long dirfd, byte[] path, long flags) throws LastErrorException;

  /** syscall(2) for move_mount. */
  static native long syscall(long number, long fromDirfd, byte[] fromPath, long toDirfd, byte[] toPath, long flags)
      throws LastErrorException;

  /** syscall(2) for mount_setattr; {@code attr} is struct mount_attr: attr_set, attr_clr, propagation, userns_fd. */
  static native long syscall(long number, long dirfd, byte[] path, long flags, long[] attr, long size)
      throws LastErrorException;

  static native int openat(int dirfd, byte[] path, int flags, int mode) throws LastErrorException;

  /** {@code buffer} receives one struct statx (256 bytes, the same layout on every architecture). */
  static native int statx(int dirfd, byte[] path, int flags, int mask, byte[] buffer) throws LastErrorException;

  static native long readlinkat(int dirfd, byte[] path, byte[] buffer, long size) throws LastErrorException;

  static native int mkdirat(int dirfd, byte[] path, int mode) throws LastErrorException;

  static native int symlinkat(byte[] target, int dirfd, byte[] path) throws LastErrorException;

  static native int linkat(int olddirfd, byte[] oldpath, int newdirfd, byte[] newpath, int flags)
      throws LastErrorException;

  static native int unlinkat(int dirfd, byte[] path, int flags) throws LastErrorException;

  /** {@code buffer} receives one struct statfs, whose first field, f_type, is a long on 64-bit Linux. */
  static native int fstatfs(int fd, byte[] buffer) throws LastErrorException;

  static native int fchownat(int dirfd, byte[] path, int uid, int gid, int flags) throws LastErrorException;
}
