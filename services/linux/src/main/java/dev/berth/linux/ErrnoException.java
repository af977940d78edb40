package dev.berth.linux;

import com.sun.jna.LastErrorException;
import java.io.IOException;

/**
 * A failed system call (or a kernel answer carrying an errno, such as a netlink error): names the
 * call and what it was applied to, and keeps errno for callers that branch on it.
 */
public final class ErrnoException extends IOException {
  public static final int EPERM = 1;
  public static final int ENOENT = 2;
  public static final int ESRCH = 3;
  public static final int EINTR = 4;
  public static final int EBADF = 9;
  public static final int EAGAIN = 11;
  public static final int EBUSY = 16;
  public static final int EEXIST = 17;
  public static final int ENODEV = 19;
  public static final int ENOTDIR = 20;
  public static final int EISDIR = 21;
  public static final int EINVAL = 22;
  public static final int ERANGE = 34;
  public static final int ENOTEMPTY = 39;
  public static final int ELOOP = 40;
  public static final int ENODATA = 61;
  public static final int EOPNOTSUPP = 95;
  public static final int EADDRINUSE = 98;
  public static final int EADDRNOTAVAIL = 99;
  public static final int ECONNRESET = 104;

  private final String call;
  private final String subject;
  private final int errno;

  public ErrnoException(String call, String subject, int errno) {
    this(call, subject, errno, null);
  }

  /** {@code detail} adds what errno alone does not say (the kernel's own message, a timeout); may be null. */
  public ErrnoException(String call, String subject, int errno, String detail) {
    super(call + " " + subject + ": " + LibC.strerror(errno) + " (errno " + errno + ")"
        + (detail == null || detail.isEmpty() ? "" : ": " + detail));
    this.call = call;
    this.subject = subject;
    this.errno = errno;
  }

  static ErrnoException of(String call, String subject, LastErrorException e) {
    return new ErrnoException(call, subject, e.getErrorCode());
  }

  public String call() {
    return call;
  }

  public String subject() {
    return subject;
  }

  public int errno() {
    return errno;
  }

  /**
   * The errno's text as Go's syscall.Errno prints it (so Docker's messages): the C library's,
   * its first letter lowercased when the second is lowercase too ({@code operation not supported},
   * {@code STREAMS ioctl…} kept), as Go's table was made from it.
   */
  public String goText() {
    String text = LibC.strerror(errno);
    if (text.length() > 1 && Character.isUpperCase(text.charAt(0)) && Character.isLowerCase(text.charAt(1))) {
      return Character.toLowerCase(text.charAt(0)) + text.substring(1);
    }
    return text;
  }
}
