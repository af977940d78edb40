package dev.berth.linux;

import com.sun.jna.Native;
import com.sun.jna.Platform;

/**
 * libc calls whose failure is an expected answer, called often enough that {@link LibC}'s
 * LastErrorException, stack trace and all, would cost more than the call: they return -1 and
 * leave errno to {@link Native#getLastError()}.
 */
final class QuietLibC {
  static {
    Native.register(QuietLibC.class, Platform.C_LIBRARY_NAME);
  }

  private QuietLibC() {}

  static native int open(byte[] path, int flags, int mode);
}
