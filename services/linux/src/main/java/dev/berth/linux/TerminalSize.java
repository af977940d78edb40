package dev.berth.linux;

import com.sun.jna.LastErrorException;
import java.nio.file.Path;

/**
 * A terminal's window size set on the terminal itself (TIOCSWINSZ), done when the call returns,
 * for a monitor whose own resizing is asynchronous.
 */
public final class TerminalSize {
  private static final long TIOCSWINSZ = 0x5414;
  private static final int O_RDONLY = 0;
  private static final int O_NOCTTY = 0400;
  private static final int O_NONBLOCK = 04000;

  private TerminalSize() {}

  /**
   * Sets the size of the terminal {@code tty} names (e.g. {@code /proc/PID/fd/0}), opened without
   * becoming berthd's controlling terminal and without waiting; ENOTTY when it is no terminal.
   */
  public static void set(Path tty, int rows, int columns) throws ErrnoException {
    int fd;
    try {
      fd = LibC.open(FileNames.cString(tty.toString()), O_RDONLY | O_NOCTTY | O_NONBLOCK | Syscalls.O_CLOEXEC, 0);
    } catch (LastErrorException e) {
      throw ErrnoException.of("open", tty.toString(), e);
    }
    try {
      LibC.ioctl(fd, TIOCSWINSZ, new short[] {(short) rows, (short) columns, 0, 0});
    } catch (LastErrorException e) {
      throw ErrnoException.of("ioctl TIOCSWINSZ", tty.toString(), e);
    } finally {
      LibC.close(fd);
    }
  }
}
