package dev.berth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.client.testing.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * bin/berthd as a process of its own, with its state in a temporary directory and its networking
 * in a network namespace of its own, busybox loaded; berthctl run against it as a user would,
 * with or without a terminal of its own, and stock {@code ctr} against its front socket.
 */
final class PrivateBerthd implements AutoCloseable {
  static final Path TOP = Path.of("").toAbsolutePath().getParent();
  static final Path CTR = Path.of("/usr/bin/ctr");

  record Result(int exit, String out, String err) {}

  final Path work;
  final String netns;
  private final Path socket;
  private Process daemon;

  private PrivateBerthd(Path work, String netns) {
    this.work = work;
    this.netns = netns;
    this.socket = work.resolve("s/berth.sock");
  }

  static PrivateBerthd start() throws Exception {
    PrivateBerthd b = new PrivateBerthd(Files.createTempDirectory(Path.of("/tmp"), "be2e"),
        "berth-e2e-" + UUID.randomUUID().toString().substring(0, 8));
    try {
      run(List.of("ip", "netns", "add", b.netns), null, 30);
      run(List.of("ip", "netns", "exec", b.netns, "ip", "link", "set", "lo", "up"), null, 30);
      b.startDaemon();
      Path archive = TestImages.busybox().writeDockerArchive(b.work.resolve("busybox.tar"));
      b.ok("load", "-i", archive.toString());
      return b;
    } catch (Exception | AssertionError e) {
      b.close();
      throw e;
    }
  }

  /**
   * Stops berthd as a user would (its containers are removed first, by a berthd started again if a
   * test killed it), then removes every trace.
   */
  @Override
  public void close() throws Exception {
    try {
      if (daemon != null && !daemon.isAlive()) {
        // a test that killed berthd: it comes back to remove the containers its monitors still run
        startDaemon();
      }
      if (daemon != null) {
        String ids = berthctl("ps", "-a", "-q").out().strip();
        if (!ids.isEmpty()) {
          List<String> rm = new ArrayList<>(List.of("rm", "-f"));
          rm.addAll(ids.lines().toList());
          berthctl(rm.toArray(String[]::new));
        }
        daemon.destroy();
        daemon.waitFor(15, TimeUnit.SECONDS);
      }
    } finally {
      if (daemon != null) {
        daemon.destroyForcibly().waitFor();
      }
      unmountLeftovers();
      run(List.of("ip", "netns", "del", netns), null, 30);
      run(List.of("rm", "-rf", work.toString()), null, 30);
    }
  }

  /** Whatever a killed daemon left mounted under the test's directory would keep rm -rf from it. */
  private void unmountLeftovers() throws Exception {
    List<String> mounts = Files.readAllLines(Path.of("/proc/mounts")).stream()
        .map(line -> line.split(" ")[1])
        .filter(target -> target.startsWith(work + "/"))
        .sorted(Comparator.reverseOrder())
        .toList();
    for (String target : mounts) {
      run(List.of("umount", "-l", target), null, 30);
    }
  }

  Path socket() {
    return socket;
  }

  /** A temporary directory of the test's, removed with the daemon's. */
  Path work() {
    return work;
  }

  /** {@code ctr -a SOCKET -n NAMESPACE ARGS}, stdin from {@code stdin} (or nothing). */
  Result ctr(String namespace, Path stdin, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(CTR.toString(), "-a", socket.toString(), "-n", namespace));
    command.addAll(List.of(args));
    return run(command, stdin, 180);
  }

  void startDaemon() throws Exception {
    daemon = new ProcessBuilder(TOP.resolve("bin/berthd").toString(), "--root", work.resolve("root").toString(),
        "--state", work.resolve("s").toString(), "--network-namespace", "/run/netns/" + netns)
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve("berthd.log").toFile()))
        .start();
    for (int i = 0; i < 300; i++) {
      if (Files.exists(socket) && berthctl("version").exit() == 0) {
        return;
      }
      assertTrue(daemon.isAlive(), () -> "berthd exited: " + log());
      Thread.sleep(100);
    }
    throw new AssertionError("berthd did not answer: " + log());
  }

  /** Kills berthd as a crash would; its containers and their monitors run on. */
  void killDaemon() throws InterruptedException {
    daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  String log() {
    try {
      return Files.readString(work.resolve("berthd.log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  /**
   * bin/berthctl against this berthd, its credentials (login) in the test's directory rather than
   * in the user's own configuration.
   */
  List<String> berthctlCommand(String... args) {
    List<String> cmd = new ArrayList<>(List.of("env", "BERTH_CONFIG=" + config(),
        TOP.resolve("bin/berthctl").toString(), "--address", socket.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  /** The directory of berthctl's config.json. */
  Path config() {
    return work.resolve("config");
  }

  Result berthctl(String... args) throws Exception {
    return run(berthctlCommand(args), null, 120);
  }

  /** berthctl with {@code input} typed on its stdin (not a terminal). */
  Result berthctlWithInput(String input, String... args) throws Exception {
    Path stdin = Files.createTempFile(work, "stdin", "");
    Files.writeString(stdin, input);
    return run(berthctlCommand(args), stdin, 120);
  }

  Result ok(String... args) throws Exception {
    Result r = berthctl(args);
    assertEquals(0, r.exit(), () -> String.join(" ", args) + " -> " + r);
    return r;
  }

  /** A container's field from inspect, by its JSON key (the first occurrence). */
  String inspectField(String container, String key) throws Exception {
    return ok("inspect", container).out().replaceAll("(?s).*?\"" + key + "\"\\s*:\\s*\"?([^\",\\n]*)\"?.*", "$1").strip();
  }

  /**
   * berthctl on a terminal of its own (script(1) gives it one), typed to a step at a time: each
   * step's text is typed once the output so far contains the step's awaited text.
   */
  Result onTerminal(List<Step> steps, String... args) throws Exception {
    return onTerminal(berthctlCommand(args), Map.of(), steps);
  }

  /** {@code command} (words without spaces) on a terminal of its own, with {@code env} added, typed to as above. */
  static Result onTerminal(List<String> command, Map<String, String> env, List<Step> steps) throws Exception {
    ProcessBuilder pb = new ProcessBuilder("script", "-qec", String.join(" ", command), "/dev/null");
    pb.environment().putAll(env);
    Process p = pb.redirectErrorStream(true).start();
    StringBuffer output = new StringBuffer();
    CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> {
      byte[] buffer = new byte[4096];
      try (InputStream in = p.getInputStream()) {
        for (int n = in.read(buffer); n > 0; n = in.read(buffer)) {
          output.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
      } catch (IOException e) {
        output.append(e);
      }
    });
    try (OutputStream typed = p.getOutputStream()) {
      for (Step step : steps) {
        for (int i = 0; i < 600 && !output.toString().contains(step.awaited()); i++) {
          Thread.sleep(50);
        }
        assertTrue(output.toString().contains(step.awaited()), () -> "waited for " + step.awaited() + " in " + output);
        typed.write(step.typed().getBytes(StandardCharsets.UTF_8));
        typed.flush();
      }
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor();
        throw new AssertionError(command + " did not finish: " + output);
      }
    }
    reader.get(10, TimeUnit.SECONDS);
    return new Result(p.exitValue(), output.toString(), "");
  }

  /** Text to type once {@code awaited} was output (empty: at once). */
  record Step(String awaited, String typed) {}

  static Result run(List<String> command, Path stdin, long seconds) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(command);
    pb.redirectInput(stdin == null ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))
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
      return b.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
