package dev.berth.ctl;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Runs berthctl in-process with given stdin and environment, capturing what it prints. */
final class Cli {
  private Cli() {}

  /** What one run printed and returned. */
  record Result(int exit, byte[] stdout, String stderr) {
    String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
      return "exit " + exit + "\nstdout:\n" + out() + "\nstderr:\n" + stderr;
    }
  }

  static Result run(Map<String, String> env, byte[] stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Io io = new Io(new ByteArrayInputStream(stdin), out,
        new PrintStream(err, true, StandardCharsets.UTF_8), env, false);
    int exit = BerthCtl.run(io, args);
    return new Result(exit, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }

  /** What one run printed on stdout and stderr together, in order, as a terminal (or {@code 2>&1}) shows it. */
  static String interleaved(Map<String, String> env, String... args) {
    ByteArrayOutputStream both = new ByteArrayOutputStream();
    BerthCtl.run(new Io(new ByteArrayInputStream(new byte[0]), both,
        new PrintStream(both, true, StandardCharsets.UTF_8), env, false), args);
    return both.toString(StandardCharsets.UTF_8);
  }

  static Result run(Map<String, String> env, String... args) {
    return run(env, new byte[0], args);
  }

  /**
   * One run whose stdout is a pipe that its reader closes after the first read, as {@code | head -1}
   * does: the first write is taken (and is what stdout holds), every later one fails as writing
   * into a closed pipe fails.
   */
  static Result runIntoReaderThatLeaves(Map<String, String> env, String... args) {
    ByteArrayOutputStream firstWrite = new ByteArrayOutputStream();
    OutputStream pipe = new OutputStream() {
      private boolean written;

      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        if (written) {
          throw new IOException("Broken pipe");
        }
        written = true;
        firstWrite.write(b, off, len);
      }
    };
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit = BerthCtl.run(new Io(new ByteArrayInputStream(new byte[0]), BrokenPipe.guard(pipe),
        new PrintStream(err, true, StandardCharsets.UTF_8), env, false), args);
    return new Result(exit, firstWrite.toByteArray(), err.toString(StandardCharsets.UTF_8));
  }
}
