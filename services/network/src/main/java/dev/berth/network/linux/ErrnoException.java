package dev.berth.network.linux;

import java.io.IOException;

/**
 * A failed system call or netlink request: names the call and its object, and keeps errno for
 * callers that branch on it.
 */
public final class ErrnoException extends IOException {
  public static final int ENOENT = 2;
  public static final int EINTR = 4;
  public static final int EEXIST = 17;
  public static final int ENODEV = 19;
  public static final int EINVAL = 22;

  private final int errno;

  ErrnoException(String call, int errno, String detail) {
    super(call + ": " + describe(errno) + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"));
    this.errno = errno;
  }

  public int errno() {
    return errno;
  }

  private static String describe(int errno) {
    return LibC.strerror(errno) + " (errno " + errno + ")";
  }
}
