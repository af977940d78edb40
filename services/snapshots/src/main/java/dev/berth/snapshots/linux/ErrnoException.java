package dev.berth.snapshots.linux;

import java.io.IOException;

/** A failed system call: names the call and the path, and keeps errno for callers that branch on it. */
public final class ErrnoException extends IOException {
  public static final int EPERM = 1;
  public static final int EBUSY = 16;
  public static final int ERANGE = 34;
  public static final int ENODATA = 61;
  public static final int EOPNOTSUPP = 95;

  private final int errno;

  ErrnoException(String call, String path, int errno, String description) {
    super(call + "(" + path + "): " + description + " (errno " + errno + ")");
    this.errno = errno;
  }

  public int errno() {
    return errno;
  }
}
