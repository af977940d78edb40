package dev.berth.e2e;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * bin/berthd as a process of a test's own: root and state in a temporary directory, its
 * networking in a network namespace of its own; {@link #close()} stops it and removes all of it.
 * Commands run as processes with their exit code and output, stock {@code ctr} against its socket.
 */
final class PrivateBerthd implements AutoCloseable {
  static final Path TOP = Path.of("").toAbsolutePath().getParent();
  static final Path CTR = Path.of("/usr/bin/ctr");

  record Result(int exit, String out, String err) {}

  private final Path work;
  private final String netns;
  private final Process daemon;

  private PrivateBerthd(Path work, String netns, Process daemon) {
    this.work = work;
    this.netns = netns;
    this.daemon = daemon;
  }

  /** Starts berthd and returns once ctr gets an answer from its front socket. */
  static PrivateBerthd start() throws Exception {
    Path work = Files.createTempDirectory(Path.of("/tmp"), "be2e");
    String netns = "berth-e2e-" + UUID.randomUUID().toString().substring(0, 8);
    run(List.of("ip", "netns", "add", netns), null, 30);
    run(List.of("ip", "netns", "exec", netns, "ip", "link", "set", "lo", "up"), null, 30);
    Process daemon = new ProcessBuilder(TOP.resolve("bin/berthd").toString(), "--root", work.resolve("root").toString(),
        "--state", work.resolve("s").toString(), "--network-namespace", "/run/netns/" + netns)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("berthd.log").toFile()))
        .start();
    PrivateBerthd berthd = new PrivateBerthd(work, netns, daemon);
    try {
      berthd.awaitAnswer();
      return berthd;
    } catch (Exception | AssertionError e) {
      berthd.close();
      throw e;
    }
  }

  private void awaitAnswer() throws Exception {
    for (int i = 0; i < 300; i++) {
      if (Files.exists(socket()) && run(List.of(CTR.toString(), "-a", socket().toString(), "version"), null, 30).exit() == 0) {
        return;
      }
      if (!daemon.isAlive()) {
        throw new AssertionError("berthd exited: " + log());
      }
      Thread.sleep(100);
    }
    throw new AssertionError("berthd did not answer: " + log());
  }

  Path socket() {
    return work.resolve("s/berth.sock");
  }

  /** A temporary directory of the test's, removed with the daemon's. */
  Path work() {
    return work;
  }

  String log() {
    try {
      return Files.readString(work.resolve("berthd.log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** {@code ctr -a SOCKET -n NAMESPACE ARGS}, stdin from {@code stdin} (or nothing). */
  Result ctr(String namespace, Path stdin, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(CTR.toString(), "-a", socket().toString(), "-n", namespace));
    command.addAll(List.of(args));
    return run(command, stdin, 180);
  }

  static Result run(List<String> command, Path stdin, long seconds) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new File("/dev/null"))
        : ProcessBuilder.Redirect.from(stdin.toFile()));
    Process p = pb.start();
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError(command + " did not finish in " + seconds + " s");
    }
    return new Result(p.exitValue(), out.join(), err.join());
  }

  private static String readAll(InputStream in) {
    try (in; ByteArrayOutputStream b = new ByteArrayOutputStream()) {
      in.transferTo(b);
      return b.toString();
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** Stops berthd, unmounts what is left under its directories, removes them and the namespace. */
  @Override
  public void close() throws Exception {
    try {
      daemon.destroy();
      if (!daemon.waitFor(15, TimeUnit.SECONDS)) {
        daemon.destroyForcibly().waitFor();
      }
      List<String> mounts = Files.readAllLines(Path.of("/proc/mounts")).stream()
          .map(line -> line.split(" ")[1])
          .filter(target -> target.startsWith(work + "/"))
          .sorted(Comparator.reverseOrder())
          .toList();
      for (String target : mounts) {
        run(List.of("umount", "-l", target), null, 30);
      }
    } finally {
      run(List.of("ip", "netns", "del", netns), null, 30);
      run(List.of("rm", "-rf", work.toString()), null, 60);
    }
  }
}
