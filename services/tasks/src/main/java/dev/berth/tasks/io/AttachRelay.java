package dev.berth.tasks.io;

import dev.berth.linux.ErrnoException;
import dev.berth.linux.FifoReader;
import dev.berth.linux.ReadinessWatcher;
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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

/**
 * Relays one process's stdio between the client's FIFOs (or files) and conmon's attach socket.
 * conmon sends each chunk of output as one message whose first byte names the stream (2 stdout,
 * 3 stderr) and takes raw bytes as stdin; it closes the connection after the process ended and
 * its output was drained. The relay then closes its write ends, so the client sees end of file.
 *
 * <p>No thread waits for a relay: the attach socket and the stdin fifo are watched by the one
 * watcher all relays share ({@link RelayThreads}), and a pool thread moves the bytes once there
 * are some, then has the descriptor watched again. One relay's output is moved by one thread at
 * a time, in order; a client that does not read its FIFO holds that thread in its write, and conmon
 * meanwhile keeps the rest, as it did for a relay thread of its own.
 */
public final class AttachRelay {
  private static final Logger LOG = Logger.getLogger(AttachRelay.class.getName());
  private static final byte STDOUT = 2;
  private static final byte STDERR = 3;
  private static final int MESSAGE_SIZE = 64 * 1024;
  /** conmon reads stdin messages into a 32 KiB buffer; the rest of a longer message would be cut off. */
  private static final int STDIN_MESSAGE_SIZE = 32 * 1024;
  private static final long STDIN_DRAIN_MILLIS = 250;
  /**
   * How often a FIFO output nobody reads is looked at for a new reader: a chatty process would
   * otherwise have an open() tried for every message it writes.
   */
  private static final long READER_PROBE_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  /**
   * Buffers belong to the pool's threads, not to relays: a quiet relay holds none. Direct, so
   * that a message goes from the socket to the output without a copy in the JVM.
   */
  private static final ThreadLocal<ByteBuffer> MESSAGES =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(MESSAGE_SIZE));
  private static final ThreadLocal<byte[]> STDIN_MESSAGES = ThreadLocal.withInitial(() -> new byte[STDIN_MESSAGE_SIZE]);

  private final SeqPacketSocket socket;
  private final ProcessIo io;
  private final String who;
  private final boolean clientPresent;
  private final CompletableFuture<Void> finished = new CompletableFuture<>();
  /** Completes once stdin was relayed to its end or closed; at once for a process without stdin. */
  private final CompletableFuture<Void> inputEnded = new CompletableFuture<>();
  private final List<Path> fifosBeingOpened = new ArrayList<>();
  /** The outputs being written, closable from {@link #stop} to free a write blocked on a full FIFO. */
  private final Map<Path, FileChannel> outputs = new ConcurrentHashMap<>();
  private volatile boolean stopping;
  /** The stdin fifo's read end until it is closed; whoever takes it out closes it. */
  private final AtomicReference<FifoReader> stdin = new AtomicReference<>();
  /** Used by one output drain at a time: the socket is watched again only when a drain is done. */
  private FileChannel stdout;
  private FileChannel stderr;
  /** When a FIFO output nobody reads is next looked at for a reader (System.nanoTime). */
  private long stdoutProbeAt = System.nanoTime();
  private long stderrProbeAt = stdoutProbeAt;
  /** Whether a writer opened the stdin fifo: before that, no writer is no end of file. One input drain at a time. */
  private boolean stdinWriterCame;

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
    try {
      if (io.stdinFifo().isPresent()) {
        // opened without waiting for the client's writer: the watcher tells when it came
        FifoReader in = FifoReader.open(io.stdinFifo().get());
        relay.stdin.set(in);
        relay.watchInput(in);
      } else {
        relay.inputEnded.complete(null);
      }
      if (clientPresent) {
        RelayThreads.pool().execute(relay::beginOutput);
      } else {
        // opens nothing that waits: done here, not by dozens of pool threads at once after a restart
        relay.beginOutput();
      }
      return relay;
    } catch (ErrnoException | RuntimeException e) {
      relay.closeInput();
      relay.socket.close();
      throw e;
    }
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
    try {
      inputEnded.get(STDIN_DRAIN_MILLIS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      // the client holds its end open: cut off
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeInput();
    socket.shutdownOutput();
  }

  /** Stops relaying now (berthd shutting down, or the task being deleted); the process is left alone. */
  public void stop() {
    stopping = true;
    // the watcher sees the socket hang up, and the drain that follows ends the output
    socket.shutdown();
    closeInput();
    outputs.values().forEach(AttachRelay::closeQuietly);
    for (int i = 0; i < 100 && !finished.isDone(); i++) {
      List<Path> pending;
      synchronized (fifosBeingOpened) {
        pending = new ArrayList<>(fifosBeingOpened);
      }
      for (Path fifo : pending) {
        Syscalls.releaseFifoWriter(fifo);
        Syscalls.releaseFifoReader(fifo);
      }
      try {
        finished.get(10, TimeUnit.MILLISECONDS);
      } catch (TimeoutException | ExecutionException e) {
        // not yet: release what it may wait for again
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (!finished.isDone()) {
      // closing a descriptor a thread may still read would let it read whatever reuses the number
      LOG.warning(who + ": output relay did not stop; leaving its socket open");
      return;
    }
    try {
      RelayThreads.watcher().forget(socket.fd());
    } catch (ErrnoException e) {
      // no watcher could be made, so nothing watches the socket
    }
    socket.close();
  }

  /** Opens the outputs (which may wait for the client's reader), then waits for conmon's first message. */
  private void beginOutput() {
    try {
      stdout = open(io.stdoutTarget());
      stderr = open(io.stderrTarget());
      watchOutput();
    } catch (IOException e) {
      endOutput(e);
    }
  }

  private void watchOutput() throws ErrnoException {
    RelayThreads.watcher().whenReadable(socket.fd(), events -> RelayThreads.pool().execute(this::drainOutput));
  }

  /** Delivers every message conmon has sent so far, then waits for more, or ends at its hang-up. */
  private void drainOutput() {
    ByteBuffer message = MESSAGES.get();
    try {
      while (true) {
        int n = socket.receiveNow(message);
        if (n < 0) {
          watchOutput();
          return;
        }
        if (n == 0) {
          break;
        }
        if (n > message.capacity()) {
          LOG.warning(who + ": an output message of " + n + " bytes was cut to " + message.capacity());
        }
        deliver(message);
      }
      endOutput(null);
    } catch (IOException e) {
      endOutput(e);
    }
  }

  /**
   * Writes {@code message} (its stream's byte, then the output) to the output it names. A FIFO
   * whose reader left (ctr start -d exiting) is written again once a reader opened it anew (ctr
   * task attach, which opens the FIFOs the task was created with): what came meanwhile is only in
   * the log, so the process never waits for a reader that may not come.
   */
  private void deliver(ByteBuffer message) {
    byte stream = message.get(0);
    if ((stream != STDOUT && stream != STDERR) || message.limit() <= 1) {
      return;
    }
    long now = System.nanoTime();
    if (stream == STDOUT && stdout == null && now - stdoutProbeAt >= 0) {
      stdoutProbeAt = now + READER_PROBE_NANOS;
      stdout = reopen(io.stdoutTarget());
    }
    if (stream == STDERR && stderr == null && now - stderrProbeAt >= 0) {
      stderrProbeAt = now + READER_PROBE_NANOS;
      stderr = reopen(io.stderrTarget());
    }
    FileChannel target = stream == STDERR ? stderr : stdout;
    if (target != null && !write(target, message.position(1))) {
      outputs.values().remove(target);
      closeQuietly(target);
      // the reader just left: looked for again only after a while
      if (target == stdout) {
        stdout = null;
        stdoutProbeAt = System.nanoTime() + READER_PROBE_NANOS;
      }
      if (target == stderr) {
        stderr = null;
        stderrProbeAt = System.nanoTime() + READER_PROBE_NANOS;
      }
    }
  }

  private void endOutput(IOException failure) {
    if (failure != null && !stopping) {
      LOG.warning(who + ": output relay ended: " + failure.getMessage());
    }
    outputs.values().forEach(AttachRelay::closeQuietly);
    if (!stopping) {
      // the process is gone: nothing more to send it
      closeInput();
    }
    finished.complete(null);
  }

  private boolean write(FileChannel target, ByteBuffer data) {
    try {
      while (data.hasRemaining()) {
        target.write(data);
      }
      return true;
    } catch (IOException e) {
      LOG.fine(() -> who + ": client stopped reading output: " + e.getMessage());
      return false;
    }
  }

  /** Opens a FIFO output again if a reader has it open now; null otherwise, as for outputs that are not FIFOs. */
  private FileChannel reopen(ProcessIo.Output target) {
    if (!(target instanceof ProcessIo.Fifo) || stopping) {
      return null;
    }
    try {
      return open(target, false);
    } catch (IOException e) {
      LOG.fine(() -> who + ": cannot open " + target + " again: " + e.getMessage());
      return null;
    }
  }

  /** Opens an output; a FIFO waits for its reader, which the client has normally opened already. */
  private FileChannel open(ProcessIo.Output target) throws IOException {
    return open(target, clientPresent);
  }

  /** Opens an output; a FIFO nobody reads is null unless {@code waitForReader}. */
  private FileChannel open(ProcessIo.Output target, boolean waitForReader) throws IOException {
    if (target instanceof ProcessIo.AppendFile f) {
      FileChannel existing = outputs.get(f.path());
      if (existing != null) {
        return existing;
      }
      FileChannel c = FileChannel.open(f.path(), StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      outputs.put(f.path(), c);
      return c;
    }
    if (target instanceof ProcessIo.Fifo f) {
      FileChannel existing = outputs.get(f.path());
      if (existing != null) {
        return existing;
      }
      if (waitForReader) {
        FileChannel c = openFifo(f.path());
        outputs.put(f.path(), c);
        return c;
      }
      int probe = Syscalls.openFifoWriterIfRead(f.path());
      if (probe < 0) {
        LOG.fine(() -> who + ": nobody reads " + f.path() + " any more; its output goes only to the log");
        return null;
      }
      // The probe is held until the relay's own writer is open, so the reader it woke never finds
      // the FIFO writerless; a reader of the relay's own is held meanwhile, so that the writer's
      // open, which the JDK makes blocking, cannot wait for ever when the client's reader left
      // since the probe (the first write then fails and the FIFO is probed again later).
      try (FifoReader held = FifoReader.open(f.path())) {
        FileChannel c = openFifo(f.path());
        outputs.put(f.path(), c);
        return c;
      } finally {
        Syscalls.close(probe);
      }
    }
    return null;
  }

  private FileChannel openFifo(Path fifo) throws IOException {
    synchronized (fifosBeingOpened) {
      if (stopping) {
        throw new ClosedChannelException();
      }
      fifosBeingOpened.add(fifo);
    }
    try {
      FileChannel c = FileChannel.open(fifo, StandardOpenOption.WRITE);
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

  private void watchInput(FifoReader in) throws ErrnoException {
    if (stdin.get() != in) {
      return; // closed meanwhile: its number may be another descriptor's by now
    }
    RelayThreads.watcher().whenReadable(in.fd(), events -> RelayThreads.pool().execute(() -> drainInput(in, events)));
  }

  /** Sends conmon what the client wrote so far; at end of file, closes the process's stdin. */
  private void drainInput(FifoReader in, int events) {
    byte[] buffer = STDIN_MESSAGES.get();
    try {
      if ((events & ReadinessWatcher.HUNG_UP) != 0) {
        stdinWriterCame = true;
      }
      while (!stopping && !finished.isDone()) {
        int n = in.readNow(buffer);
        if (n > 0) {
          stdinWriterCame = true;
          socket.send(buffer, n);
        } else if (n < 0 || !stdinWriterCame) {
          // a writer with nothing to say yet (-1), or none came yet (0): wait for it
          stdinWriterCame |= n < 0;
          watchInput(in);
          return;
        } else {
          socket.shutdownOutput();
          break;
        }
      }
    } catch (IOException e) {
      if (!stopping && !finished.isDone()) {
        LOG.fine(who + ": stdin relay ended: " + e.getMessage());
      }
    }
    closeInput();
  }

  private void closeInput() {
    FifoReader in = stdin.getAndSet(null);
    if (in != null) {
      try {
        RelayThreads.watcher().forget(in.fd());
      } catch (ErrnoException e) {
        // no watcher could be made, so nothing watches the fifo
      }
      in.close();
    }
    inputEnded.complete(null);
  }

  private static void closeQuietly(FileChannel c) {
    try {
      c.close();
    } catch (IOException e) {
      // closing is all that was left to do
    }
  }
}
