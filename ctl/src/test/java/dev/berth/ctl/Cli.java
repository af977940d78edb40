package dev.berth.ctl;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
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
}
