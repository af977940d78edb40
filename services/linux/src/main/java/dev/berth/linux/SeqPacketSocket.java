package dev.berth.linux;

import com.sun.jna.LastErrorException;
import java.io.Closeable;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A connected AF_UNIX SOCK_SEQPACKET socket (the kind conmon's attach socket is), which the JDK
 * cannot open. Each {@link #receive} returns one message.
 *
 * <p>A peer that closes with messages of ours unread (conmon, when its process ended without
 * reading the stdin sent to it) makes the next read fail with ECONNRESET, ahead of the messages
 * it sent before closing: the kernel reports the error first and only once. Reads go on past it,
 * to those messages and then the end of the connection, so that no output is lost.
 */
public final class SeqPacketSocket implements Closeable {
  private static final int AF_UNIX = 1;
  private static final int SOCK_SEQPACKET = 5;
  private static final int SHUT_WR = 1;
  private static final int SHUT_RDWR = 2;
  private static final int SUN_PATH_MAX = 108;
  private static final int MSG_TRUNC = 0x20;
  private static final int MSG_DONTWAIT = 0x40;

  private final int fd;
  private final String subject;
  /** Sending and shutting down share the descriptor; closing waits until none of them uses it. */
  private final ReentrantReadWriteLock use = new ReentrantReadWriteLock();
  private boolean closed;

  private SeqPacketSocket(int fd, Path path) {
    this.fd = fd;
    this.subject = path.toString();
  }

  public static SeqPacketSocket connect(Path path) throws ErrnoException {
    byte[] name = FileNames.cString(path.toString());
    if (name.length > SUN_PATH_MAX) {
      throw new ErrnoException("connect", path.toString(), ErrnoException.EINVAL, "socket path longer than 107 bytes");
    }
    byte[] address = new byte[2 + SUN_PATH_MAX];
    address[0] = AF_UNIX; // sun_family, little-endian short
    System.arraycopy(name, 0, address, 2, name.length);
    int fd = Sockets.open(AF_UNIX, SOCK_SEQPACKET, 0, path.toString());
    try {
      LibC.connect(fd, address, address.length);
    } catch (LastErrorException e) {
      Syscalls.close(fd);
      throw ErrnoException.of("connect", path.toString(), e);
    }
    return new SeqPacketSocket(fd, path);
  }

  /** Reads one message into {@code buffer}; 0 means the peer closed the connection. */
  public int receive(byte[] buffer) throws ErrnoException {
    while (true) {
      try {
        return (int) LibC.read(fd, buffer, buffer.length);
      } catch (LastErrorException e) {
        if (e.getErrorCode() != ErrnoException.EINTR && e.getErrorCode() != ErrnoException.ECONNRESET) {
          throw ErrnoException.of("read", subject, e);
        }
      }
    }
  }

  /**
   * Reads one message into direct buffer {@code buffer} if one is there, without waiting (a
   * message is then never copied in the JVM): its length (which is more than the buffer's when
   * the message was cut off), 0 when the peer closed the connection, -1 when there is nothing to
   * read now. The message is between position 0 and the limit afterwards (the limit is the
   * capacity when nothing was read).
   */
  public int receiveNow(ByteBuffer buffer) throws ErrnoException {
    if (!buffer.isDirect()) {
      throw new IllegalArgumentException("receiveNow needs a direct buffer");
    }
    buffer.clear();
    use.readLock().lock();
    try {
      if (closed) {
        throw new ErrnoException("recv", subject, ErrnoException.EBADF, "socket closed");
      }
      while (true) {
        try {
          int n = (int) LibC.recv(fd, buffer, buffer.capacity(), MSG_DONTWAIT | MSG_TRUNC);
          buffer.limit(Math.min(n, buffer.capacity()));
          return n;
        } catch (LastErrorException e) {
          if (e.getErrorCode() == ErrnoException.EAGAIN) {
            return -1;
          }
          if (e.getErrorCode() != ErrnoException.EINTR && e.getErrorCode() != ErrnoException.ECONNRESET) {
            throw ErrnoException.of("recv", subject, e);
          }
        }
      }
    } finally {
      use.readLock().unlock();
    }
  }

  /** The descriptor, to watch with a {@link ReadinessWatcher}; only this object closes it. */
  public int fd() {
    return fd;
  }

  /** Sends one message; refused once the socket is closed, so a late sender never writes to a reused descriptor. */
  public void send(byte[] buffer, int length) throws ErrnoException {
    use.readLock().lock();
    try {
      if (closed) {
        throw new ErrnoException("write", subject, ErrnoException.EBADF, "socket closed");
      }
      LibC.write(fd, buffer, length);
    } catch (LastErrorException e) {
      throw ErrnoException.of("write", subject, e);
    } finally {
      use.readLock().unlock();
    }
  }

  /** Tells the peer no more data will be sent (conmon then closes the process's stdin). */
  public void shutdownOutput() {
    shutdown(SHUT_WR);
  }

  /** Ends both directions, which also wakes a thread blocked in {@link #receive}. */
  public void shutdown() {
    shutdown(SHUT_RDWR);
  }

  private void shutdown(int how) {
    use.readLock().lock();
    try {
      if (!closed) {
        LibC.shutdown(fd, how);
      }
    } catch (LastErrorException e) {
      // not connected any more: nothing left to shut down
    } finally {
      use.readLock().unlock();
    }
  }

  /** Closes the descriptor; a caller must make sure no thread still receives on it. */
  @Override
  public void close() {
    use.writeLock().lock();
    try {
      if (!closed) {
        closed = true;
        Syscalls.close(fd);
      }
    } finally {
      use.writeLock().unlock();
    }
  }
}
