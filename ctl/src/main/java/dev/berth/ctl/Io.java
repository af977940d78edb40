package dev.berth.ctl;

import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a berthctl run talks to: its standard streams and environment. Tests pass their own, so
 * the whole command line runs in-process with captured output.
 *
 * @param in standard input (content ingest reads from it)
 * @param out standard output, binary (content get streams blobs to it)
 * @param err standard error (messages and the progress bar)
 * @param env environment variables (BERTH_ADDRESS, BERTH_NAMESPACE)
 * @param errIsTerminal whether standard error is a terminal, so a progress bar is welcome there
 * @param console whether these are the process's own streams: only then may a command put the
 *     terminal into raw mode and handle signals (SIGINT, SIGWINCH) to forward them to a container
 */
public record Io(InputStream in, OutputStream out, PrintStream err, Map<String, String> env,
    boolean errIsTerminal, boolean console) {

  /** Streams of the caller's own (tests): no terminal to switch, no signal handlers. */
  public Io(InputStream in, OutputStream out, PrintStream err, Map<String, String> env, boolean errIsTerminal) {
    this(in, out, err, env, errIsTerminal, false);
  }

  /** The process's own streams and environment. */
  public static Io system() {
    OutputStream out = BrokenPipe.guard(new FileOutputStream(FileDescriptor.out));
    PrintStream err = new PrintStream(new FileOutputStream(FileDescriptor.err), true,
        StandardCharsets.UTF_8);
    return new Io(new FileInputStream(FileDescriptor.in), out, err, System.getenv(), isTerminal(2), true);
  }

  /** Whether standard input is a terminal (only the console's can be). */
  public boolean inIsTerminal() {
    return console && isTerminal(0);
  }

  /**
   * Refuses -it when berthctl's own standard input is a pipe or a file, as docker does ("the input
   * device is not a TTY"): the container's terminal would wait for keys that never come, and the
   * end of the input would not end it.
   */
  public void requireTerminalIn() {
    if (console && !isTerminal(0)) {
      throw new NoTerminalInput();
    }
  }

  /**
   * Refuses to write an archive to a terminal, as docker's save and export do: it would fill the
   * screen with binary and no file would be made.
   */
  public void requireNonTerminalOut() {
    if (console && isTerminal(1)) {
      throw new CommandFailure("cowardly refusing to save to a terminal. Use the -o flag or redirect");
    }
  }

  /** Linux only, like Berth: a descriptor is a terminal if it links to a tty device. */
  private static boolean isTerminal(int fd) {
    try {
      String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
      return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
    } catch (IOException | UnsupportedOperationException e) {
      return false;
    }
  }
}
