package dev.berth.tasks.attach;

import dev.berth.linux.ErrnoException;
import dev.berth.linux.SeqPacketSocket;
import java.util.Arrays;
import java.util.logging.Logger;

/**
 * One client joined to a process's attach socket: the monitor's output messages (first byte 2
 * for stdout, 3 for stderr) go to the client's {@link Sink}, the client's stdin to the socket.
 * The monitor closes the connection once the process ended and its output was drained.
 * Detaching only closes this connection: the monitor, the process and other clients carry on.
 */
public final class AttachSession {
  private static final Logger LOG = Logger.getLogger(AttachSession.class.getName());
  private static final byte STDERR = 3;
  private static final int MESSAGE_SIZE = 64 * 1024;
  /** conmon reads stdin messages into a 32 KiB buffer; the rest of a longer one would be cut off. */
  private static final int STDIN_MESSAGE_SIZE = 32 * 1024;

  /** Where the output goes. */
  public interface Sink {
    /** One chunk of output; may block while the client cannot take more. */
    void output(boolean stderr, byte[] data, int offset, int length) throws InterruptedException;

    /** The process ended and all its output was delivered. */
    void ended();
  }

  private final SeqPacketSocket socket;
  private final String who;
  private volatile boolean detached;

  private AttachSession(SeqPacketSocket socket, String who) {
    this.socket = socket;
    this.who = who;
  }

  /** Connects to the attach socket of {@code point}; output flows once {@link #start} is called. */
  public static AttachSession connect(AttachPoint point) throws ErrnoException {
    return new AttachSession(SeqPacketSocket.connect(point.socket()), point.who());
  }

  /** Starts relaying output to {@code sink} on a thread of its own, which owns the socket from here on. */
  public void start(Sink sink) {
    Thread t = new Thread(() -> relayOutput(sink), "berth-attach " + who);
    t.setDaemon(true);
    t.start();
  }

  /** Sends stdin bytes; false once the session is over (the process ended or the client detached). */
  public boolean input(byte[] data) {
    try {
      for (int offset = 0; offset < data.length; offset += STDIN_MESSAGE_SIZE) {
        int n = Math.min(STDIN_MESSAGE_SIZE, data.length - offset);
        socket.send(offset == 0 ? data : Arrays.copyOfRange(data, offset, offset + n), n);
      }
      return true;
    } catch (ErrnoException e) {
      // the socket refuses sends once closed, so a late one never reaches a reused descriptor
      LOG.fine(who + ": stdin of an attached client not delivered: " + e.getMessage());
      return false;
    }
  }

  /** The client sends no more stdin. */
  public void endInput() {
    socket.shutdownOutput();
  }

  /** Detaches: the output relay stops and the connection closes; the process runs on. */
  public void detach() {
    detached = true;
    // wakes the output relay, which closes the socket
    socket.shutdown();
  }

  private void relayOutput(Sink sink) {
    byte[] message = new byte[MESSAGE_SIZE];
    try {
      while (true) {
        int n = socket.receive(message);
        if (n <= 0) {
          break;
        }
        if (n > 1 && !detached) {
          sink.output(message[0] == STDERR, message, 1, n - 1);
        }
      }
    } catch (ErrnoException e) {
      if (!detached) {
        LOG.fine(who + ": attach ended: " + e.getMessage());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      socket.close();
      if (!detached) {
        sink.ended();
      }
    }
  }
}
