package dev.berth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.e2e.PrivateBerthd.Result;
import dev.berth.e2e.PrivateBerthd.Step;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A container's life as a Docker user drives it through bin/berthctl: detached terminals, attach
 * and detach, stopped containers giving back their network endpoint, live updates, copying files.
 */
class ContainerLifecycleAsAUserTest {
  private static PrivateBerthd berthd;

  @BeforeAll
  static void start() throws Exception {
    berthd = PrivateBerthd.start();
  }

  @AfterAll
  static void stop() throws Exception {
    berthd.close();
  }

  private static Result ok(String... args) throws Exception {
    return berthd.ok(args);
  }

  private static String status(String container) throws Exception {
    return berthd.inspectField(container, "Status");
  }

  @Test
  void detachedTerminalContainersRunLogAndStartAgain() throws Exception {
    ok("run", "-dt", "--name", "lc-dt", "busybox", "sh", "-c", "echo tty-out; test -t 1 && echo is-a-tty");
    awaitStatus("lc-dt", "exited");
    String log = ok("logs", "lc-dt").out();
    assertTrue(log.contains("tty-out") && log.contains("is-a-tty"), log);
    // a later start of the exited -t container runs it again, and it ends Exited, not Created
    ok("start", "lc-dt");
    awaitStatus("lc-dt", "exited");
    assertEquals(2, ok("logs", "lc-dt").out().lines().filter(l -> l.contains("is-a-tty")).count());

    ok("create", "-t", "--name", "lc-ct", "busybox", "sh", "-c", "tty");
    ok("start", "lc-ct");
    awaitStatus("lc-ct", "exited");
    assertTrue(ok("logs", "lc-ct").out().contains("/dev/pts/"));

    // -i keeps the shell's stdin open: it waits for input instead of ending
    ok("run", "-dit", "--name", "lc-dit", "busybox", "sh");
    Thread.sleep(500);
    assertEquals("running", status("lc-dit"));
    ok("rm", "-f", "lc-dt", "lc-ct", "lc-dit");
  }

  @Test
  void attachJoinsATerminalDetachesWithTheKeysAndEndsWithTheExitCode() throws Exception {
    ok("run", "-dit", "--name", "lc-att", "busybox", "sh");
    try {
      Result detached = berthd.onTerminal(List.of(new Step("", "echo joined-$((40+2))\r"),
          new Step("joined-42", "\u0010\u0011")), "attach", "lc-att");
      assertEquals(1, detached.exit(), detached::toString);
      assertTrue(detached.out().contains("read escape sequence"), detached::toString);
      assertEquals("running", status("lc-att"));

      Result custom = berthd.onTerminal(List.of(new Step("", "echo again-$((1+1))\r"), new Step("again-2", "\u0018")),
          "attach", "--detach-keys", "ctrl-x", "lc-att");
      assertEquals(1, custom.exit(), custom::toString);
      assertEquals("running", status("lc-att"));

      Result ended = berthd.onTerminal(List.of(new Step("", "exit 3\r")), "attach", "lc-att");
      assertEquals(3, ended.exit(), ended::toString);
      assertEquals("exited", status("lc-att"));
      Result stopped = berthd.berthctl("attach", "lc-att");
      assertEquals(1, stopped.exit(), stopped::toString);
      assertTrue(stopped.err().contains("You cannot attach to a stopped container, start it first"), stopped::toString);
    } finally {
      berthd.berthctl("rm", "-f", "lc-att");
    }
  }

  @Test
  void ctrlCEndsRunWithATerminalButNoInputAndTheContainerRunsOn() throws Exception {
    try {
      // as Docker's client: without -i the terminal stays cooked, so Ctrl-C is a signal to berthctl
      Result interrupted = berthd.onTerminal(List.of(new Step("ready", "\u0003")), "run", "-t", "--name", "lc-tonly",
          "busybox", "sh", "-c", "'echo ready; while :; do sleep 0.2; done'");
      assertEquals(130, interrupted.exit(), interrupted::toString);
      assertEquals("running", status("lc-tonly"));
    } finally {
      berthd.berthctl("rm", "-f", "lc-tonly");
    }
  }

  @Test
  void loadFromATerminalIsRefusedAtOnce() throws Exception {
    Result refused = berthd.onTerminal(List.of(), "load");
    assertEquals(1, refused.exit(), refused::toString);
    assertTrue(refused.out().contains("requested load from stdin, but stdin is empty"), refused::toString);
  }

  @Test
  void execItDetachesWithTheKeysLeavingTheProcessRunning() throws Exception {
    ok("run", "-d", "--name", "lc-exec", "busybox", "sleep", "1000");
    try {
      Result detached = berthd.onTerminal(List.of(new Step("", "echo exec-$((40+2)); sh -c 'sleep 2; echo on > /tmp/on' &\r"),
          new Step("exec-42", "\u0010\u0011")), "exec", "-it", "lc-exec", "sh");
      assertEquals(1, detached.exit(), detached::toString);
      assertTrue(detached.out().contains("read escape sequence"), detached::toString);
      Result custom = berthd.onTerminal(List.of(new Step("", "echo again-$((1+1))\r"), new Step("again-2", "\u0018")),
          "exec", "-it", "--detach-keys", "ctrl-x", "lc-exec", "sh");
      assertEquals(1, custom.exit(), custom::toString);
      // both shells run on, and what the first left in the background did its work (a sh -c of its own,
      // not a ( … ) subshell, which top would show as a third sh until it ends)
      assertEquals(2, ok("top", "lc-exec").out().lines().filter(l -> l.endsWith(" sh")).count());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (berthd.berthctl("exec", "lc-exec", "cat", "/tmp/on").exit() != 0 && System.nanoTime() < deadline) {
        Thread.sleep(200);
      }
      assertEquals("on", ok("exec", "lc-exec", "cat", "/tmp/on").out().strip());
    } finally {
      berthd.berthctl("rm", "-f", "lc-exec");
    }
  }

  @Test
  void runItDetachesWithTheKeysAndAttachTakesTheSessionBack() throws Exception {
    try {
      Result detached = berthd.onTerminal(List.of(new Step("", "echo run-$((40+2))\r"),
          new Step("run-42", "\u0010\u0011")), "run", "-it", "--name", "lc-runit", "busybox", "sh");
      assertEquals(0, detached.exit(), detached::toString);
      assertEquals("running", status("lc-runit"));
      Result back = berthd.onTerminal(List.of(new Step("", "echo back-$((1+1)); exit 6\r")), "attach", "lc-runit");
      assertEquals(6, back.exit(), back::toString);
      assertTrue(back.out().contains("back-2"), back::toString);
      // start -ai of the exited container joins it the same way, here with keys of the user's choice
      Result again = berthd.onTerminal(List.of(new Step("", "echo again-$((2+2))\r"),
          new Step("again-4", "\u0018")), "start", "-ai", "--detach-keys", "ctrl-x", "lc-runit");
      assertEquals(0, again.exit(), again::toString);
      assertEquals("running", status("lc-runit"));
    } finally {
      berthd.berthctl("rm", "-f", "lc-runit");
    }
  }

  /** berthctl on a terminal of 33 rows and 111 columns, typed to as {@link PrivateBerthd#onTerminal}. */
  private static Result onSizedTerminal(List<Step> steps, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("stty", "rows", "33", "cols", "111;"));
    command.addAll(berthd.berthctlCommand(args));
    return PrivateBerthd.onTerminal(command, Map.of(), steps);
  }

  @Test
  void runAndExecWithATerminalHaveItsSizeAndRawModeBeforeTheyStart() throws Exception {
    // asked at once, before any resize could come: the size was in the process's spec
    Result run = onSizedTerminal(List.of(), "run", "--rm", "-it", "busybox", "sh", "-c", "'stty size; echo a'");
    assertEquals(0, run.exit(), run::toString);
    assertTrue(run.out().contains("33 111"), run::toString);
    // the local terminal was raw before the first output: no second \r from its own translation
    assertTrue(run.out().contains("a\r\n") && !run.out().contains("\r\r\n"), run::toString);
    ok("run", "-d", "--name", "lc-size", "busybox", "sleep", "1000");
    try {
      Result exec = onSizedTerminal(List.of(), "exec", "-it", "lc-size", "sh", "-c", "'stty size'");
      assertEquals(0, exec.exit(), exec::toString);
      assertTrue(exec.out().contains("33 111"), exec::toString);
    } finally {
      berthd.berthctl("rm", "-f", "lc-size");
    }
  }

  @Test
  void signalsRightAfterTheStartAndBeyondIntAndTermReachTheContainer() throws Exception {
    Process run = new ProcessBuilder(berthd.berthctlCommand("run", "--name", "lc-sig", "busybox", "sh", "-c",
        "trap 'echo got-hup' HUP; trap 'echo got-int' INT; trap 'echo got-usr1; exit 9' USR1;"
            + " echo ready; while true; do sleep 0.2; done"))
        .redirectErrorStream(true).start();
    try {
      StringBuilder out = new StringBuilder();
      // as soon as the container speaks, it runs: from then on signals are its own
      awaitOutput(run, out, "ready");
      signal(run, "INT");
      awaitOutput(run, out, "got-int");
      signal(run, "HUP");
      awaitOutput(run, out, "got-hup");
      signal(run, "USR1");
      assertTrue(run.waitFor(60, TimeUnit.SECONDS), "berthctl run ended");
      awaitOutput(run, out, "got-usr1");
      assertEquals(9, run.exitValue(), out::toString);
    } finally {
      run.destroyForcibly();
      berthd.berthctl("rm", "-f", "lc-sig");
    }
  }

  @Test
  void killedDuringRunItTheTerminalIsRestored() throws Exception {
    List<String> command = new ArrayList<>(berthd.berthctlCommand("run", "--name", "lc-killed", "-it", "busybox",
        "sh", "-c", "'echo ready; sleep 1000'"));
    command.addAll(List.of(";", "stty", "-a"));
    Process script = new ProcessBuilder("script", "-qec", String.join(" ", command), "/dev/null")
        .redirectErrorStream(true).start();
    try {
      StringBuilder out = new StringBuilder();
      awaitOutput(script, out, "ready");
      signal(script, "TERM");
      assertTrue(script.waitFor(60, TimeUnit.SECONDS), "the shell ran stty after berthctl");
      awaitOutput(script, out, "icanon");
      String modes = out.substring(out.indexOf("ready"));
      for (String mode : List.of("icrnl", "ixon", "opost", "isig", "icanon", "echo")) {
        assertTrue(Pattern.compile("(^|\\s)" + mode + "(\\s|$)", Pattern.MULTILINE)
            .matcher(modes).find(), mode + " in " + modes);
        assertTrue(!Pattern.compile("-" + mode + "(\\s|$)", Pattern.MULTILINE)
            .matcher(modes).find(), "-" + mode + " in " + modes);
      }
    } finally {
      script.destroyForcibly();
      berthd.berthctl("rm", "-f", "lc-killed");
    }
  }

  @Test
  void killedDuringRunItsStdioFifosAreRemoved() throws Exception {
    Path tmp = Files.createDirectories(berthd.work.resolve("killed-run-tmp"));
    List<String> command = new ArrayList<>(berthd.berthctlCommand("run", "--name", "lc-fifos", "-t", "busybox",
        "sh", "-c", "echo ready; sleep 1000"));
    // berthctlCommand starts with env(1): its FIFOs go to a directory of this test's own
    command.add(1, "BERTHCTL_JAVA_OPTS=-Djava.io.tmpdir=" + tmp);
    Process run = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      awaitOutput(run, new StringBuilder(), "ready");
      try (Stream<Path> made = Files.list(tmp)) {
        assertTrue(made.anyMatch(p -> p.getFileName().toString().startsWith("berthctl-io")), "no FIFO directory");
      }
      signal(run, "TERM");
      assertTrue(run.waitFor(60, TimeUnit.SECONDS), "berthctl run ended");
      try (Stream<Path> left = Files.list(tmp)) {
        assertEquals(List.of(), left.toList());
      }
    } finally {
      run.destroyForcibly();
      berthd.berthctl("rm", "-f", "lc-fifos");
    }
  }

  @Test
  void execAsAnUnknownUserFailsAsDockersStartFailure() throws Exception {
    ok("run", "-d", "--name", "lc-nouser", "busybox", "sleep", "1000");
    try {
      Result exec = berthd.berthctl("exec", "-u", "nouser", "lc-nouser", "id");
      assertEquals(126, exec.exit(), exec::toString);
      assertTrue(exec.out().contains("unable to find user nouser: no matching entries in passwd file"),
          exec::toString);
    } finally {
      berthd.berthctl("rm", "-f", "lc-nouser");
    }
  }

  /** Reads {@code p}'s output into {@code out} until it holds {@code awaited}. */
  private static void awaitOutput(Process p, StringBuilder out, String awaited) throws Exception {
    InputStream in = p.getInputStream();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (!out.toString().contains(awaited)) {
      if (in.available() > 0) {
        byte[] b = new byte[in.available()];
        out.append(new String(b, 0, in.read(b), StandardCharsets.UTF_8));
      } else if (!p.isAlive() && in.available() == 0 || System.nanoTime() > deadline) {
        throw new AssertionError("waited for " + awaited + " in " + out);
      } else {
        Thread.sleep(10);
      }
    }
  }

  /** Sends {@code signal} to berthctl's JVM, which bin/berthctl may run as its child rather than exec. */
  private static void signal(Process p, String signal) throws Exception {
    ProcessHandle berthctl = Stream.concat(Stream.of(p.toHandle()), p.descendants())
        .filter(h -> h.info().command().map(c -> c.endsWith("/java")).orElse(false)).findFirst().orElseThrow();
    new ProcessBuilder("kill", "-" + signal, Long.toString(berthctl.pid())).start().waitFor();
  }

  @Test
  void attachWithoutATerminalSplitsTheStreamsAndReturnsTheExitCode() throws Exception {
    // long enough before the output for attach to join under load: it shows what comes after it joined
    ok("run", "-d", "--name", "lc-streams", "busybox", "sh", "-c",
        "sleep 3; for i in 1 2 3; do echo out-$i; echo err-$i >&2; sleep 0.3; done; exit 4");
    try {
      Result r = berthd.berthctl("attach", "lc-streams");
      assertEquals(4, r.exit(), r::toString);
      assertTrue(r.out().contains("out-3") && !r.out().contains("err-"), r::toString);
      assertTrue(r.err().contains("err-3") && !r.err().contains("out-"), r::toString);
    } finally {
      berthd.berthctl("rm", "-f", "lc-streams");
    }
  }

  @Test
  void stoppedContainersGiveBackTheirAddressAndPorts() throws Exception {
    ok("network", "create", "--subnet", "10.231.7.0/29", "lc-small");
    List<String> names = List.of("lc-a1", "lc-a2", "lc-a3", "lc-a4", "lc-a5", "lc-a6");
    try {
      // a /29 holds five containers: the first five have exited, so a sixth fits
      for (String name : names) {
        ok("run", "--name", name, "--network", "lc-small", "busybox", "true");
      }
      ok("run", "-d", "--name", "lc-web1", "-p", "18086:80", "busybox", "httpd", "-f", "-p", "80");
      ok("stop", "-t", "1", "lc-web1");
      // the stopped container's port does not block a new one
      ok("run", "-d", "--name", "lc-web2", "-p", "18086:80", "busybox", "httpd", "-f", "-p", "80");
      Result taken = berthd.berthctl("start", "lc-web1");
      assertEquals(1, taken.exit(), taken::toString);
      assertTrue(taken.err().contains("18086"), taken::toString);
      ok("rm", "-f", "lc-web2");
      ok("start", "lc-web1");
      assertTrue(ok("port", "lc-web1").out().contains("18086"));
    } finally {
      List<String> rm = new ArrayList<>(List.of("rm", "-f", "lc-web1", "lc-web2"));
      rm.addAll(names);
      berthd.berthctl(rm.toArray(String[]::new));
      berthd.berthctl("network", "rm", "lc-small");
    }
  }

  @Test
  void updateChangesTheLimitsOfARunningContainerAndItsLaterStarts() throws Exception {
    ok("run", "-d", "--name", "lc-upd", "--memory", "64m", "busybox", "sleep", "1000");
    try {
      assertEquals("lc-upd\n", ok("update", "--cpus", "0.5", "--memory", "128m", "--memory-reservation", "96m",
          "--pids-limit", "50",
          "--cpu-shares", "512", "--cpuset-cpus", "0", "--restart", "always", "lc-upd").out());
      assertLimits("lc-upd");
      ok("restart", "-t", "0", "lc-upd");
      assertLimits("lc-upd");
      String inspect = ok("inspect", "lc-upd").out();
      assertTrue(inspect.contains("\"Name\": \"always\"") && inspect.contains("\"Memory\": 134217728")
          && inspect.contains("\"MemoryReservation\": 100663296")
          && inspect.contains("\"CpusetCpus\": \"0\""), inspect);

      Result swapBelow = berthd.berthctl("update", "--memory-swap", "100m", "lc-upd");
      assertEquals(1, swapBelow.exit(), swapBelow::toString);
      assertTrue(swapBelow.err().contains("memoryswap"), swapBelow::toString);
      Result none = berthd.berthctl("update", "lc-upd");
      assertEquals(1, none.exit(), none::toString);
    } finally {
      berthd.berthctl("rm", "-f", "lc-upd");
    }
  }

  /** What update asked for, read from the container's cgroup on the host (v1 or v2). */
  private static void assertLimits(String container) throws Exception {
    String pid = berthd.inspectField(container, "Pid");
    List<String> cgroups = Files.readAllLines(Path.of("/proc", pid, "cgroup"));
    String unified = cgroups.stream().filter(l -> l.startsWith("0::")).findFirst().orElse("").substring(3);
    if (cgroups.size() == 1) {
      Path dir = Path.of("/sys/fs/cgroup" + unified);
      assertEquals("134217728", read(dir.resolve("memory.max")));
      assertEquals("100663296", read(dir.resolve("memory.low")));
      assertEquals("50000 100000", read(dir.resolve("cpu.max")));
      assertEquals("50", read(dir.resolve("pids.max")));
      assertEquals("0", read(dir.resolve("cpuset.cpus")));
      return;
    }
    assertEquals("134217728", read(v1(cgroups, "memory", "memory.limit_in_bytes")));
    assertEquals("100663296", read(v1(cgroups, "memory", "memory.soft_limit_in_bytes")));
    assertEquals("50000", read(v1(cgroups, "cpu", "cpu.cfs_quota_us")));
    assertEquals("512", read(v1(cgroups, "cpu", "cpu.shares")));
    assertEquals("50", read(v1(cgroups, "pids", "pids.max")));
    assertEquals("0", read(v1(cgroups, "cpuset", "cpuset.cpus")));
  }

  private static Path v1(List<String> cgroups, String controller, String file) {
    String line = cgroups.stream().filter(l -> List.of(l.split(":")[1].split(",")).contains(controller)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + controller + " cgroup in " + cgroups));
    return Path.of("/sys/fs/cgroup", controller + line.substring(line.indexOf(":/") + 1), file);
  }

  private static String read(Path file) throws IOException {
    return Files.readString(file).strip();
  }

  @Test
  void ctrlCWhileRunStartsLeavesNoCreatedContainerBehind() throws Exception {
    Path bundles = berthd.work.resolve("s/tasks/default");
    List<Path> before = bundles(bundles);
    // with an init as PID 1, a SIGINT forwarded before sh set its trap still ends sh (PID 1 would ignore it)
    Process run = new ProcessBuilder(berthd.berthctlCommand("run", "--init", "--name", "lc-int", "busybox", "sh",
        "-c", "trap 'exit 130' INT; sleep 1000 & wait")).redirectErrorStream(true).start();
    try {
      // the task's bundle appears when it is created, before it is started: that is when Ctrl-C comes
      for (int i = 0; i < 2000 && before.containsAll(bundles(bundles)); i++) {
        Thread.sleep(5);
      }
      assertTrue(!before.containsAll(bundles(bundles)), "the task was never created");
      new ProcessBuilder("kill", "-INT", Long.toString(run.pid())).start().waitFor();
      assertTrue(run.waitFor(60, TimeUnit.SECONDS), "berthctl run ended");
      String out = new String(run.getInputStream().readAllBytes());
      assertEquals(130, run.exitValue(), out);
      // removed before it ran, or (if the signal came just after the start) ended by the forwarded SIGINT
      String left = ok("ps", "-a", "--filter", "name=lc-int").out();
      assertTrue(!left.contains("Created") && !left.contains("Up "), left);
    } finally {
      run.destroyForcibly();
      berthd.berthctl("rm", "-f", "lc-int");
    }
  }

  private static List<Path> bundles(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (var entries = Files.list(dir)) {
      return entries.toList();
    }
  }

  @Test
  void cpStreamsTarArchivesBothWaysAndReadsStoppedContainers() throws Exception {
    ok("run", "--name", "lc-cp", "busybox", "sh", "-c", "mkdir -p /data/sub && echo kept > /data/sub/f");
    try {
      Path dir = Files.createDirectories(berthd.work.resolve("cp-in/site"));
      Files.writeString(dir.resolve("index.html"), "page\n");
      Path archive = berthd.work.resolve("site.tar");
      assertEquals(0, PrivateBerthd.run(List.of("tar", "-C", dir.getParent().toString(), "-cf", archive.toString(), "site"),
          null, 30).exit());
      // into the stopped container from a tar stream on stdin, then out of it as one on stdout
      Result in = PrivateBerthd.run(berthd.berthctlCommand("cp", "-", "lc-cp:/data"), archive, 60);
      assertEquals(0, in.exit(), in::toString);
      Path out = berthd.work.resolve("data.tar");
      assertEquals(0, PrivateBerthd.run(List.of("sh", "-c", String.join(" ", berthd.berthctlCommand("cp", "lc-cp:/data", "-"))
          + " > " + out), null, 60).exit());
      String listing = PrivateBerthd.run(List.of("tar", "-tf", out.toString()), null, 30).out();
      assertTrue(listing.contains("data/sub/f") && listing.contains("data/site/index.html"), listing);
      Result notADirectory = berthd.berthctl("cp", "-", "lc-cp:/data/sub/f");
      assertEquals(1, notADirectory.exit(), notADirectory::toString);
      assertTrue(notADirectory.err().contains("must be a directory"), notADirectory::toString);
    } finally {
      berthd.berthctl("rm", "-f", "lc-cp");
    }
  }

  private static void awaitStatus(String container, String wanted) throws Exception {
    String now = "";
    for (int i = 0; i < 100; i++) {
      now = status(container);
      if (now.equals(wanted)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(container + " is " + now + ", not " + wanted);
  }
}
