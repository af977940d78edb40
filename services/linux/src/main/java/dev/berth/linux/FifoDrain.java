package dev.berth.linux;

import com.sun.jna.LastErrorException;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Reads what a fifo's writer puts in it, up to the moment the writer closes it, as a blocking
 * reader would, but without ever blocking in open(2) or waiting for a writer that will not come:
 * the read end is opened without waiting (which also releases a writer blocked in its open),
 * and while no writer is there, {@code writerMayCome} is asked every few milliseconds.
 */
public final class FifoDrain {
  private static final int POLLIN = 1;
  private static final int F_GETFL = 3;
  private static final int F_SETFL = 4;
  private static final int O_RDONLY = 0;
  private static final int O_NONBLOCK = 04000;
  private static final int POLL_MILLIS = 5;

  private FifoDrain() {}

  /**
   * Everything a writer wrote into {@code fifo} once it has closed it; empty when no writer came
   * and {@code writerMayCome} said none will; ENOENT when the fifo is gone, EAGAIN when no
   * writer came within {@code timeout}.
   */
  public static Optional<byte[]> readAll(Path fifo, BooleanSupplier writerMayCome, Duration timeout) throws ErrnoException {
    int fd;
    try {
      fd = LibC.open(FileNames.cString(fifo.toString()), O_RDONLY | O_NONBLOCK | Syscalls.O_CLOEXEC, 0);
    } catch (LastErrorException e) {
      throw ErrnoException.of("open", fifo.toString(), e);
    }
    try {
      long deadline = System.nanoTime() + timeout.toNanos();
      ByteArrayOutputStream data = new ByteArrayOutputStream();
      byte[] buffer = new byte[64];
      while (true) {
        long n = readNow(fd, buffer, fifo);
        if (n > 0) {
          data.write(buffer, 0, (int) n);
          // the writer is there: what it still sends, and its close, come to a blocking read
          readToEnd(fd, buffer, data, fifo);
          return Optional.of(data.toByteArray());
        }
        // n == 0: no writer right now (not yet come, or gone without writing); n < 0: one that has not written yet
        if (n == 0 && !writerMayCome.getAsBoolean()) {
          return Optional.empty();
        }
        if (System.nanoTime() > deadline) {
          throw new ErrnoException("read", fifo.toString(), ErrnoException.EAGAIN, "no writer within " + timeout);
        }
        poll(fd);
      }
    } finally {
      Syscalls.close(fd);
    }
  }

  /** Bytes read, 0 at end of file (no writer), -1 when a writer is there but has written nothing yet. */
  private static long readNow(int fd, byte[] buffer, Path fifo) throws ErrnoException {
    try {
      return LibC.read(fd, buffer, buffer.length);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == ErrnoException.EAGAIN || e.getErrorCode() == ErrnoException.EINTR) {
        return -1;
      }
      throw ErrnoException.of("read", fifo.toString(), e);
    }
  }

  private static void readToEnd(int fd, byte[] buffer, ByteArrayOutputStream data, Path fifo) throws ErrnoException {
    try {
      LibC.fcntl(fd, F_SETFL, LibC.fcntl(fd, F_GETFL, 0) & ~O_NONBLOCK);
      long n;
      while ((n = readNow(fd, buffer, fifo)) != 0) {
        if (n > 0) {
          data.write(buffer, 0, (int) n);
        }
      }
    } catch (LastErrorException e) {
      throw ErrnoException.of("fcntl", fifo.toString(), e);
    }
  }

  /** Waits a little for data; a writer's close shows in no poll(2) event here, hence the short wait. */
  private static void poll(int fd) {
    try {
      LibC.poll(new int[] {fd, POLLIN}, 1, POLL_MILLIS);
    } catch (LastErrorException e) {
      // EINTR: the loop looks again
    }
  }
}
