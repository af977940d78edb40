package dev.berth.tasks.linux;

import com.sun.jna.LastErrorException;
import java.nio.charset.Charset;
import java.nio.file.Path;

/** mount(2), umount2(2), kill(2) and the descriptor calls the JDK does not offer. */
public final class Syscalls {
  public static final long MS_RDONLY = 1;
  public static final long MS_NOSUID = 2;
  public static final long MS_NODEV = 4;
  public static final long MS_NOEXEC = 8;
  public static final long MS_REMOUNT = 32;
  public static final long MS_NOATIME = 1024;
  public static final long MS_NODIRATIME = 2048;
  public static final long MS_BIND = 4096;
  public static final long MS_REC = 16384;
  public static final long MS_RELATIME = 1L << 21;
  public static final long MS_STRICTATIME = 1L << 24;
  public static final int MNT_DETACH = 2;

  static final int O_RDONLY = 0;
  static final int O_WRONLY = 1;
  static final int O_NONBLOCK = 04000;
  static final int O_CLOEXEC = 02000000;

  /** The JDK encodes file names with this charset; native calls must use the same bytes. */
  private static final Charset FILE_NAMES = Charset.forName(
      System.getProperty("sun.jnu.encoding", Charset.defaultCharset().name()));

  private Syscalls() {}

  public static void mount(String source, Path target, String type, long flags, String data) throws NativeException {
    try {
      LibC.mount(cString(source), cString(target.toString()), cString(type), flags, data == null ? null : cString(data));
    } catch (LastErrorException e) {
      throw error("mount", type + " " + source + " on " + target, e);
    }
  }

  public static void unmount(Path target, int flags) throws NativeException {
    try {
      LibC.umount2(cString(target.toString()), flags);
    } catch (LastErrorException e) {
      throw error("umount2", target.toString(), e);
    }
  }

  /** Sends {@code signal} to {@code pid}. */
  public static void kill(int pid, int signal) throws NativeException {
    try {
      LibC.kill(pid, signal);
    } catch (LastErrorException e) {
      throw error("kill", "pid " + pid + " signal " + signal, e);
    }
  }

  /**
   * Opens {@code fifo} for writing without blocking and closes it again: a reader blocked in
   * open(2) on it is released and then sees end of file. Does nothing when nobody waits.
   */
  public static void releaseFifoReader(Path fifo) {
    releaseFifo(fifo, O_WRONLY);
  }

  /** Opens {@code fifo} for reading without blocking and closes it: a writer blocked in open(2) is released. */
  public static void releaseFifoWriter(Path fifo) {
    releaseFifo(fifo, O_RDONLY);
  }

  private static void releaseFifo(Path fifo, int mode) {
    try {
      int fd = LibC.open(cString(fifo.toString()), mode | O_NONBLOCK | O_CLOEXEC, 0);
      LibC.close(fd);
    } catch (LastErrorException e) {
      // ENXIO: no reader waiting; ENOENT: gone already. Either way nobody is blocked on it.
    }
  }

  /** Whether some process has {@code fifo} open for reading (a non-blocking open for writing succeeds only then). */
  public static boolean fifoHasReader(Path fifo) {
    try {
      LibC.close(LibC.open(cString(fifo.toString()), O_WRONLY | O_NONBLOCK | O_CLOEXEC, 0));
      return true;
    } catch (LastErrorException e) {
      return false;
    }
  }

  /**
   * Writes {@code data} to {@code fifo} if a reader has it open (conmon's control fifos), without
   * ever blocking: ENXIO when nobody reads.
   */
  public static void writeToFifoNow(Path fifo, byte[] data) throws NativeException {
    int fd;
    try {
      fd = LibC.open(cString(fifo.toString()), O_WRONLY | O_NONBLOCK | O_CLOEXEC, 0);
    } catch (LastErrorException e) {
      throw error("open", fifo.toString(), e);
    }
    try {
      LibC.write(fd, data, data.length);
    } catch (LastErrorException e) {
      throw error("write", fifo.toString(), e);
    } finally {
      Pipe.closeQuietly(fd);
    }
  }

  static byte[] cString(String s) {
    byte[] bytes = s.getBytes(FILE_NAMES);
    byte[] c = new byte[bytes.length + 1];
    System.arraycopy(bytes, 0, c, 0, bytes.length);
    return c;
  }

  static NativeException error(String call, String subject, LastErrorException e) {
    // JNA's message is "[errno] strerror"; keep the text after the number.
    String message = e.getMessage();
    int close = message == null ? -1 : message.indexOf("] ");
    return new NativeException(call, subject, e.getErrorCode(),
        close >= 0 ? message.substring(close + 2) : "errno " + e.getErrorCode());
  }
}
