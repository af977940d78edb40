package dev.berth.tasks.linux;

import java.io.IOException;

/** A failed system call, naming the call, what it was applied to, and the errno. */
public final class NativeException extends IOException {
  public static final int ENOENT = 2;
  public static final int ESRCH = 3;
  public static final int EINTR = 4;
  public static final int ENXIO = 6;
  public static final int EBADF = 9;
  public static final int EAGAIN = 11;
  public static final int EBUSY = 16;
  public static final int EINVAL = 22;

  private final int errno;

  NativeException(String call, String subject, int errno, String reason) {
    super(call + " " + subject + ": " + reason);
    this.errno = errno;
  }

  public int errno() {
    return errno;
  }
}
