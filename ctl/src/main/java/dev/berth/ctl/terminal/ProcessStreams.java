package dev.berth.ctl.terminal;

import dev.berth.client.containers.HostCommands;
import dev.berth.ctl.BrokenPipe;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The FIFOs through which a container process's stdio reaches berthctl, as ctr makes them: the
 * client creates them in a private directory and names them in Tasks.Create or Exec; berthd opens
 * the other ends and closes its write ends when the process is gone, so the output copiers see
 * end of file. In terminal mode there is no stderr: the terminal carries both.
 */
public final class ProcessStreams implements AutoCloseable {
  private static final int BUFFER = 32 * 1024;

  private final Path dir;
  private final Path stdin;
  private final Path stdout;
  private final Path stderr;
  private final List<Thread> outputs = new ArrayList<>();
  private final Thread removeAtExit = new Thread(this::removeFiles, "berthctl-io-remove");

  private ProcessStreams(Path dir, Path stdin, Path stdout, Path stderr) {
    this.dir = dir;
    this.stdin = stdin;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  public static ProcessStreams create(boolean withStdin, boolean terminal) throws IOException {
    Path dir = Files.createTempDirectory("berthctl-io");
    ProcessStreams s = new ProcessStreams(dir, withStdin ? dir.resolve("stdin") : null, dir.resolve("stdout"),
        terminal ? null : dir.resolve("stderr"));
    // a signal that ends berthctl (Ctrl-C of `run -t` without -i, a closed terminal's SIGHUP, kill)
    // runs the shutdown hooks, not close(): the FIFOs must not outlive berthctl in /tmp
    Runtime.getRuntime().addShutdownHook(s.removeAtExit);
    try {
      HostCommands.mkfifo(s.fifos());
      return s;
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  public String stdinPath() {
    return stdin == null ? "" : stdin.toString();
  }

  public String stdoutPath() {
    return stdout.toString();
  }

  public String stderrPath() {
    return stderr == null ? "" : stderr.toString();
  }

  /** Starts copying the process's output; each copier waits for berthd to open its FIFO. */
  public void copyOutput(OutputStream out, OutputStream err) {
    outputs.add(copier("berthctl-stdout", () -> copy(new FileInputStream(stdout.toFile()), out)));
    if (stderr != null) {
      outputs.add(copier("berthctl-stderr", () -> copy(new FileInputStream(stderr.toFile()), err)));
    }
  }

  /**
   * Starts forwarding {@code in} to the process; {@code atEnd} runs once {@code in} is exhausted.
   * Typing {@code keys} instead stops forwarding, leaving the process's stdin open, and completes
   * the future returned.
   */
  public CompletableFuture<Void> copyInput(InputStream in, DetachKeys keys, Runnable atEnd) {
    CompletableFuture<Void> detached = new CompletableFuture<>();
    copier("berthctl-stdin", () -> {
      // never created here: a process that ended at once has its FIFO removed by close() before
      // this thread gets to it, and a file made in its place would take the input and stay in /tmp
      try (OutputStream fifo = Files.newOutputStream(stdin, StandardOpenOption.WRITE)) {
        byte[] buffer = new byte[BUFFER];
        ByteArrayOutputStream pass = new ByteArrayOutputStream();
        int n;
        while ((n = in.read(buffer)) > 0) {
          pass.reset();
          boolean done = keys.scan(buffer, n, pass);
          pass.writeTo(fifo);
          fifo.flush();
          if (done) {
            detached.complete(null);
            return;
          }
        }
      }
      atEnd.run();
    });
    return detached;
  }

  /** Waits until all output was copied (berthd closed the FIFOs), at most {@code limit}. */
  public void awaitOutput(Duration limit) throws InterruptedException {
    long deadline = System.nanoTime() + limit.toNanos();
    for (Thread t : outputs) {
      long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
      t.join(left);
    }
  }

  /** Frees copiers still waiting for berthd to open a FIFO (it never will now) and removes the FIFOs. */
  @Override
  public void close() {
    for (Path fifo : fifos()) {
      if (Files.exists(fifo)) {
        // a read-write open never blocks; it completes a pending open of either end, then EOF
        try (RandomAccessFile release = new RandomAccessFile(fifo.toFile(), "rw")) {
          release.getFD();
        } catch (IOException e) {
          // nothing waits on it
        }
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(removeAtExit);
    } catch (IllegalStateException e) {
      // berthctl is exiting: the hook removes them
      return;
    }
    removeFiles();
  }

  private void removeFiles() {
    try {
      for (Path fifo : fifos()) {
        Files.deleteIfExists(fifo);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      // a leftover in the temporary directory does no harm
    }
  }

  private List<Path> fifos() {
    List<Path> all = new ArrayList<>();
    for (Path p : new Path[] {stdin, stdout, stderr}) {
      if (p != null) {
        all.add(p);
      }
    }
    return all;
  }

  private interface Copy {
    void run() throws IOException;
  }

  private static Thread copier(String name, Copy body) {
    Thread t = new Thread(() -> {
      try {
        body.run();
      } catch (IOException | BrokenPipe e) {
        // the process, the terminal or the reader of our output went away: nothing left to copy
      }
    }, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void copy(InputStream from, OutputStream to) throws IOException {
    try (InputStream in = from) {
      byte[] buffer = new byte[BUFFER];
      int n;
      while ((n = in.read(buffer)) > 0) {
        to.write(buffer, 0, n);
        to.flush();
      }
    }
  }
}
