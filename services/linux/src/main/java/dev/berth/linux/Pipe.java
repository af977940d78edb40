package dev.berth.linux;

import com.sun.jna.LastErrorException;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * A pipe whose ends a child process can be given through {@link #readEndFile()} and
 * {@link #writeEndFile()}: the JDK opens such a /proc/self/fd path for redirection, which on
 * Linux hands the child the same pipe. Both ends are close-on-exec in this process.
 */
public final class Pipe implements Closeable {
  private static final int POLLIN = 1;
  private final int readFd;
  private int writeFd;
  private boolean readClosed;

  private Pipe(int readFd, int writeFd) {
    this.readFd = readFd;
    this.writeFd = writeFd;
  }

  public static Pipe open() throws ErrnoException {
    int[] fds = new int[2];
    try {
      LibC.pipe2(fds, Syscalls.O_CLOEXEC);
    } catch (LastErrorException e) {
      throw ErrnoException.of("pipe2", "pipe", e);
    }
    return new Pipe(fds[0], fds[1]);
  }

  public File readEndFile() {
    return new File("/proc/self/fd/" + readFd);
  }

  public File writeEndFile() {
    return new File("/proc/self/fd/" + writeFd);
  }

  /** Closes this process's write end, so that the reader sees end of file once the child's copies are gone. */
  public synchronized void closeWriteEnd() {
    if (writeFd >= 0) {
      Syscalls.close(writeFd);
      writeFd = -1;
    }
  }

  public void write(String text) throws ErrnoException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    try {
      LibC.write(writeFd, bytes, bytes.length);
    } catch (LastErrorException e) {
      throw ErrnoException.of("write", "pipe", e);
    }
  }

  /**
   * Reads one line (without its newline), waiting at most {@code timeout}. Empty when the writers
   * closed the pipe before a complete line arrived.
   */
  public Optional<String> readLine(Duration timeout) throws ErrnoException {
    long deadline = System.nanoTime() + timeout.toNanos();
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    byte[] one = new byte[1];
    while (true) {
      long left = (deadline - System.nanoTime()) / 1_000_000;
      if (left <= 0) {
        throw new ErrnoException("read", "pipe", ErrnoException.EAGAIN, "no answer within " + timeout);
      }
      int[] pollfd = {readFd, POLLIN};
      try {
        if (LibC.poll(pollfd, 1, (int) Math.min(left, Integer.MAX_VALUE)) == 0) {
          continue;
        }
        if (LibC.read(readFd, one, 1) == 0) {
          return Optional.empty();
        }
      } catch (LastErrorException e) {
        if (e.getErrorCode() == ErrnoException.EINTR) {
          continue;
        }
        throw ErrnoException.of("read", "pipe", e);
      }
      if (one[0] == '\n') {
        return Optional.of(line.toString(StandardCharsets.UTF_8));
      }
      line.write(one[0]);
    }
  }

  @Override
  public synchronized void close() {
    closeWriteEnd();
    if (!readClosed) {
      Syscalls.close(readFd);
      readClosed = true;
    }
  }
}
