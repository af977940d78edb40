package dev.berth.linux;

import com.sun.jna.LastErrorException;
import java.io.Closeable;
import java.nio.file.Path;

/**
 * A fifo's read end opened without waiting for a writer and read without blocking, for a
 * {@link ReadinessWatcher}: it reports nothing until a writer came, and {@link ReadinessWatcher#HUNG_UP}
 * once every writer that came has gone.
 */
public final class FifoReader implements Closeable {
  private static final int O_RDONLY = 0;
  private static final int O_NONBLOCK = 04000;

  private final int fd;
  private final String subject;
  private boolean closed;

  private FifoReader(int fd, Path fifo) {
    this.fd = fd;
    this.subject = fifo.toString();
  }

  public static FifoReader open(Path fifo) throws ErrnoException {
    try {
      return new FifoReader(LibC.open(FileNames.cString(fifo.toString()), O_RDONLY | O_NONBLOCK | Syscalls.O_CLOEXEC, 0), fifo);
    } catch (LastErrorException e) {
      throw ErrnoException.of("open", fifo.toString(), e);
    }
  }

  /** The descriptor, to watch; only this object closes it. */
  public int fd() {
    return fd;
  }

  /**
   * Reads what is there: the byte count, 0 when no writer has the fifo open (none came yet, or
   * all left: end of file), -1 when a writer is there but nothing to read. EBADF once closed.
   */
  public synchronized int readNow(byte[] buffer) throws ErrnoException {
    if (closed) {
      throw new ErrnoException("read", subject, ErrnoException.EBADF, "closed");
    }
    while (true) {
      try {
        return (int) LibC.read(fd, buffer, buffer.length);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == ErrnoException.EAGAIN) {
          return -1;
        }
        if (e.getErrorCode() != ErrnoException.EINTR) {
          throw ErrnoException.of("read", subject, e);
        }
      }
    }
  }

  /** Closes the descriptor; a read that comes later fails instead of reading whatever reuses the number. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      Syscalls.close(fd);
    }
  }
}
