package dev.berth.ctl.terminal;

import dev.berth.client.spec.Spec;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The local terminal in raw mode for an interactive container (keys, ^C included, go to the
 * container's terminal unchanged and unechoed), restored on close. stty does the work on
 * /dev/tty, berthctl's controlling terminal.
 */
public final class TerminalMode implements AutoCloseable {
  private static final File TTY = new File("/dev/tty");

  private final String saved;
  private final Thread restoreAtExit;

  private TerminalMode(String saved) {
    this.saved = saved;
    this.restoreAtExit = new Thread(this::restoreQuietly, "berthctl-terminal-restore");
  }

  public static TerminalMode raw() throws IOException {
    TerminalMode mode = new TerminalMode(stty("-g").strip());
    // however berthctl ends (a signal's default handling exits the JVM), it leaves the terminal usable
    Runtime.getRuntime().addShutdownHook(mode.restoreAtExit);
    stty("raw", "-echo");
    return mode;
  }

  /** The terminal's size as columns and rows, if it has one. */
  public static Optional<int[]> size() {
    try {
      String[] rowsCols = stty("size").strip().split("\\s+");
      return Optional.of(new int[] {Integer.parseInt(rowsCols[1]), Integer.parseInt(rowsCols[0])});
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The terminal's size for a process spec, so its pty is sized before it starts; null if there is none. */
  public static Spec.ConsoleSize consoleSize() {
    return size().filter(s -> s[0] > 0 && s[1] > 0).map(s -> new Spec.ConsoleSize(s[1], s[0])).orElse(null);
  }

  @Override
  public void close() throws IOException {
    try {
      Runtime.getRuntime().removeShutdownHook(restoreAtExit);
    } catch (IllegalStateException e) {
      // berthctl is exiting: the hook restores the terminal
      return;
    }
    stty(saved);
  }

  private void restoreQuietly() {
    try {
      stty(saved);
    } catch (IOException e) {
      // the terminal is gone: nothing to restore
    }
  }

  private static String stty(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("stty"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectInput(TTY).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(5, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("stty " + String.join(" ", args) + " failed");
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("stty interrupted", e);
    } finally {
      p.destroyForcibly();
    }
  }
}
