package dev.berth.tasks.io;

import dev.berth.linux.ErrnoException;
import dev.berth.linux.SeqPacketSocket;
import dev.berth.linux.Syscalls;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Relays one process's stdio between the client's FIFOs (or files) and conmon's attach socket.
 * conmon sends each chunk of output as one message whose first byte names the stream (2 stdout,
 * 3 stderr) and takes raw bytes as stdin; it closes the connection after the process ended and
 * its output was drained. The relay then closes its write ends, so the client sees end of file.
 */
public final class AttachRelay {
  private static final Logger LOG = Logger.getLogger(AttachRelay.class.getName());
  private static final byte STDOUT = 2;
  private static final byte STDERR = 3;
  private static final int MESSAGE_SIZE = 64 * 1024;
  /** conmon reads stdin messages into a 32 KiB buffer; the rest of a longer message would be cut off. */
  private static final int STDIN_MESSAGE_SIZE = 32 * 1024;
  private static final long STDIN_DRAIN_MILLIS = 250;

  private final SeqPacketSocket socket;
  private final ProcessIo io;
  private final String who;
  private final boolean clientPresent;
  private final CompletableFuture<Void> finished = new CompletableFuture<>();
  private final List<Path> fifosBeingOpened = new ArrayList<>();
  /** The outputs being written, closable from {@link #stop} to free a write blocked on a full FIFO. */
  private final Map<Path, FileChannel> outputs = new ConcurrentHashMap<>();
  private volatile boolean stopping;
  private volatile FileChannel stdinChannel;
  private Thread output;
  private Thread input;

  private AttachRelay(SeqPacketSocket socket, ProcessIo io, String who, boolean clientPresent) {
    this.socket = socket;
    this.io = io;
    this.who = who;
    this.clientPresent = clientPresent;
  }

  /**
   * Connects to the attach socket and starts relaying; call before the process starts. The
   * client is there (it has opened its FIFOs or is about to), so opening them may wait for it.
   */
  public static AttachRelay start(Path attachSocket, ProcessIo io, String who) throws ErrnoException {
    return start(attachSocket, io, who, true);
  }

  /**
   * Attaches again to a process berthd found running after a restart. Its client may be long
   * gone: an output FIFO nobody reads is dropped rather than waited for, since waiting would stop
   * draining conmon and stall the process once the socket buffer is full.
   */
  public static AttachRelay reattach(Path attachSocket, ProcessIo io, String who) throws ErrnoException {
    return start(attachSocket, io, who, false);
  }

  private static AttachRelay start(Path attachSocket, ProcessIo io, String who, boolean clientPresent) throws ErrnoException {
    AttachRelay relay = new AttachRelay(SeqPacketSocket.connect(attachSocket), io, who, clientPresent);
    relay.output = thread("berth-io-out " + who, relay::relayOutput);
    if (io.stdinFifo().isPresent()) {
      relay.input = thread("berth-io-in " + who, relay::relayInput);
    }
    return relay;
  }

  private static Thread thread(String name, Runnable body) {
    Thread t = new Thread(body, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Completes once all output was delivered and the outputs were closed. */
  public CompletableFuture<Void> finished() {
    return finished;
  }

  /**
   * Closes the process's stdin (CloseIO): conmon closes its end when the relay stops sending.
   * What the client wrote before is relayed first: a client that closed its end of the FIFO
   * (berthctl does, then calls CloseIO at once) lets the relay read on to end of file, which it
   * is given a moment for; one that holds its end open is cut off after that moment.
   */
  public void closeStdin() {
    if (input != null) {
      try {
        input.join(STDIN_DRAIN_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    FileChannel in = stdinChannel;
    if (in != null) {
      closeQuietly(in);
    }
    io.stdinFifo().ifPresent(Syscalls::releaseFifoReader);
    socket.shutdownOutput();
  }

  /** Stops relaying now (berthd shutting down, or the task being deleted); the process is left alone. */
  public void stop() {
    stopping = true;
    socket.shutdown();
    FileChannel in = stdinChannel;
    if (in != null) {
      closeQuietly(in);
    }
    outputs.values().forEach(AttachRelay::closeQuietly);
    for (int i = 0; i < 100 && (alive(output) || alive(input)); i++) {
      List<Path> pending;
      synchronized (fifosBeingOpened) {
        pending = new ArrayList<>(fifosBeingOpened);
      }
      for (Path fifo : pending) {
        Syscalls.releaseFifoWriter(fifo);
        Syscalls.releaseFifoReader(fifo);
      }
      try {
        if (output != null) {
          output.join(10);
        }
        if (input != null) {
          input.join(10);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (alive(output)) {
      // closing a descriptor a thread may still read would let it read whatever reuses the number
      LOG.warning(who + ": output relay did not stop; leaving its socket open");
      return;
    }
    socket.close();
  }

  private static boolean alive(Thread t) {
    return t != null && t.isAlive();
  }

  private void relayOutput() {
    Map<Path, FileChannel> opened = outputs;
    try {
      FileChannel stdout = open(io.stdoutTarget(), opened);
      FileChannel stderr = open(io.stderrTarget(), opened);
      byte[] message = new byte[MESSAGE_SIZE];
      while (true) {
        int n = socket.receive(message);
        if (n <= 0) {
          break;
        }
        FileChannel target = message[0] == STDERR ? stderr : message[0] == STDOUT ? stdout : null;
        if (target != null && n > 1) {
          if (!write(target, message, n)) {
            opened.values().remove(target);
            closeQuietly(target);
            if (target == stdout) {
              stdout = null;
            }
            if (target == stderr) {
              stderr = null;
            }
          }
        }
      }
    } catch (IOException e) {
      if (!stopping) {
        LOG.log(Level.WARNING, who + ": output relay ended: " + e.getMessage());
      }
    } finally {
      opened.values().forEach(AttachRelay::closeQuietly);
      if (input != null && !stopping) {
        // the process is gone: nothing more to send it
        FileChannel in = stdinChannel;
        if (in != null) {
          closeQuietly(in);
        }
        io.stdinFifo().ifPresent(Syscalls::releaseFifoReader);
      }
      finished.complete(null);
    }
  }

  private boolean write(FileChannel target, byte[] message, int n) {
    try {
      ByteBuffer data = ByteBuffer.wrap(message, 1, n - 1);
      while (data.hasRemaining()) {
        target.write(data);
      }
      return true;
    } catch (IOException e) {
      LOG.fine(who + ": client stopped reading output: " + e.getMessage());
      return false;
    }
  }

  /** Opens an output; a FIFO waits for its reader, which the client has normally opened already. */
  private FileChannel open(ProcessIo.Output target, Map<Path, FileChannel> opened) throws IOException {
    if (target instanceof ProcessIo.AppendFile f) {
      FileChannel existing = opened.get(f.path());
      if (existing != null) {
        return existing;
      }
      FileChannel c = FileChannel.open(f.path(), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      opened.put(f.path(), c);
      return c;
    }
    if (target instanceof ProcessIo.Fifo f) {
      FileChannel existing = opened.get(f.path());
      if (existing != null) {
        return existing;
      }
      int probe = -1;
      if (!clientPresent) {
        probe = Syscalls.openFifoWriterIfRead(f.path());
        if (probe < 0) {
          LOG.fine(who + ": nobody reads " + f.path() + " any more; its output goes only to the log");
          return null;
        }
      }
      try {
        FileChannel c = openFifo(f.path(), StandardOpenOption.WRITE);
        opened.put(f.path(), c);
        return c;
      } finally {
        // held until the relay's own writer is open: the reader the probe woke never finds the FIFO writerless
        if (probe >= 0) {
          Syscalls.close(probe);
        }
      }
    }
    return null;
  }

  private FileChannel openFifo(Path fifo, StandardOpenOption mode) throws IOException {
    synchronized (fifosBeingOpened) {
      if (stopping) {
        throw new ClosedChannelException();
      }
      fifosBeingOpened.add(fifo);
    }
    try {
      FileChannel c = FileChannel.open(fifo, mode);
      if (stopping) {
        closeQuietly(c);
        throw new ClosedChannelException();
      }
      return c;
    } finally {
      synchronized (fifosBeingOpened) {
        fifosBeingOpened.remove(fifo);
      }
    }
  }

  private void relayInput() {
    Path fifo = io.stdinFifo().orElseThrow();
    try {
      stdinChannel = openFifo(fifo, StandardOpenOption.READ);
      if (finished.isDone()) {
        return;
      }
      ByteBuffer buffer = ByteBuffer.allocate(STDIN_MESSAGE_SIZE);
      while (stdinChannel.read(buffer.clear()) > 0) {
        socket.send(buffer.array(), buffer.position());
      }
      socket.shutdownOutput();
    } catch (IOException e) {
      if (!stopping && !finished.isDone()) {
        LOG.fine(who + ": stdin relay ended: " + e.getMessage());
      }
    } finally {
      FileChannel in = stdinChannel;
      if (in != null) {
        closeQuietly(in);
      }
    }
  }

  private static void closeQuietly(FileChannel c) {
    try {
      c.close();
    } catch (IOException e) {
      // closing is all that was left to do
    }
  }
}
