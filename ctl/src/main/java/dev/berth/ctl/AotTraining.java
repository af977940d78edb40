package dev.berth.ctl;

import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.util.List;

/**
 * The training run from which bin/berthctl builds JDK 25's ahead-of-time cache: representative
 * commands in one JVM, so the cache holds what each of them loads and links, not only what the
 * first command after a build happened to. Against the berthd of the caller's environment if one
 * answers, only commands that change nothing; without one they train the failure path.
 */
public final class AotTraining {
  private static final List<List<String>> COMMANDS = List.of(
      List.of("--help"), List.of("run", "--help"), List.of("exec", "--help"), List.of("ps", "--help"),
      List.of("network", "ls", "--help"), List.of("version"), List.of("ps"), List.of("ps", "-a", "--format", "json"),
      List.of("images"), List.of("inspect", "berthctl-aot-training-none"), List.of("nosuchcommand"));

  private AotTraining() {}

  public static void main(String[] args) {
    PrintStream discard = new PrintStream(OutputStream.nullOutputStream());
    Io io = new Io(new ByteArrayInputStream(new byte[0]), OutputStream.nullOutputStream(), discard, System.getenv(),
        false);
    for (List<String> command : COMMANDS) {
      BerthCtl.run(io, command.toArray(String[]::new));
    }
  }
}
