package dev.berth.client.containers;

import containerd.types.Mount;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The host tools berthctl runs for what needs root on this machine and no API: making FIFOs,
 * mounting a snapshot to read files of an image, and ps for {@code top}. berthctl runs beside
 * berthd, as root.
 */
public final class HostCommands {
  private static final long TIMEOUT_SECONDS = 30;

  private HostCommands() {}

  public static void mkfifo(List<Path> paths) throws IOException {
    List<String> command = new ArrayList<>(List.of("mkfifo", "-m", "600"));
    paths.forEach(p -> command.add(p.toString()));
    run(command);
  }

  /** Mounts a snapshot's mount at {@code target}, as the tasks service mounts a root file system. */
  public static void mount(Mount m, Path target) throws IOException {
    List<String> command = new ArrayList<>(List.of("mount"));
    if (!m.getType().equals("bind")) {
      command.addAll(List.of("-t", m.getType()));
    }
    if (m.getOptionsCount() > 0) {
      command.addAll(List.of("-o", String.join(",", m.getOptionsList())));
    }
    command.add(m.getSource());
    command.add(target.toString());
    run(command);
  }

  /**
   * The host's {@code ps} with {@code options} (docker top's way of listing a container's
   * processes); {@link PsFailed} when ps refuses them.
   */
  public static String ps(List<String> options) throws IOException {
    List<String> command = new ArrayList<>(List.of("ps"));
    command.addAll(options);
    Process p = new ProcessBuilder(command).start();
    try {
      p.getOutputStream().close();
      // ps's output is small, its usage too: read one stream, then the other
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new IOException("ps did not finish in " + TIMEOUT_SECONDS + " s");
      }
      if (p.exitValue() != 0) {
        throw new PsFailed(String.join(" ", command), err);
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("ps interrupted", e);
    } finally {
      p.destroyForcibly();
    }
  }

  /** ps refused its options; what it wrote on stderr says why. */
  public static final class PsFailed extends IOException {
    private final String stderr;

    PsFailed(String command, String stderr) {
      super(command + ": " + stderr.strip());
      this.stderr = stderr;
    }

    /** The first line ps wrote on stderr, which says why (its usage follows). */
    public String firstErrorLine() {
      return stderr.lines().findFirst().orElse("");
    }
  }

  public static void unmount(Path target) throws IOException {
    run(List.of("umount", target.toString()));
  }

  /** Runs a command; its own message if it fails. */
  static String run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new IOException(command.get(0) + " did not finish in " + TIMEOUT_SECONDS + " s");
      }
      if (p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + ": " + out.strip());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(command.get(0) + " interrupted", e);
    } finally {
      p.destroyForcibly();
    }
  }
}
