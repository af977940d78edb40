package dev.berth.e2e;

import static dev.berth.e2e.PrivateBerthd.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.client.testing.TestImages;
import dev.berth.e2e.PrivateBerthd.Result;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * bin/berthd and bin/berthctl as processes, the way a user runs them: a web server on a published
 * port, logs -f, an interactive terminal, exit codes, both berthctl and ctr seeing the same
 * containers, and a restart policy carried out across a killed berthd. berthd's networking lives
 * in a network namespace of the test's own.
 */
class BerthctlAsAUserTest {
  private static PrivateBerthd berthd;

  @BeforeAll
  static void start() throws Exception {
    berthd = PrivateBerthd.start();
  }

  @AfterAll
  static void stop() throws Exception {
    if (berthd != null) {
      berthd.close();
    }
  }

  private static List<String> berthctlCommand(String... args) {
    return berthd.berthctlCommand(args);
  }

  private static Result berthctl(String... args) throws Exception {
    return berthd.berthctl(args);
  }

  private static Result ok(String... args) throws Exception {
    return berthd.ok(args);
  }

  private static Result curl(int port) throws Exception {
    return run(List.of("ip", "netns", "exec", berthd.netns, "curl", "-s", "-m", "2", "http://127.0.0.1:" + port + "/"),
        null, 10);
  }

  @Test
  void webServerOnAPublishedPortSeenByBothClients() throws Exception {
    String id = ok("run", "-d", "--name", "web", "-p", "18081:80", "busybox", "sh", "-c",
        "mkdir -p /www && echo hello-user > /www/index.html && exec httpd -f -p 80 -h /www").out().trim();
    Result page = curl(18081);
    for (int i = 0; i < 50 && page.exit() != 0; i++) {
      Thread.sleep(100);
      page = curl(18081);
    }
    assertEquals("hello-user\n", page.out(), page::toString);
    String ps = ok("ps").out();
    assertTrue(ps.lines().anyMatch(l -> l.startsWith(id.substring(0, 12)) && l.contains("Up") && l.endsWith("web")), ps);
    Result ctr = berthd.ctr("default", null, "containers", "ls", "-q");
    assertTrue(ctr.out().lines().anyMatch(id::equals), "ctr sees the container berthctl made: " + ctr);
    ok("rm", "-f", "web");
    assertTrue(curl(18081).exit() != 0, "the port closes with the container");
  }

  @Test
  void logsFollowStreamsNewLinesUntilTheContainerEnds() throws Exception {
    ok("run", "-d", "--name", "ticker", "busybox", "sh", "-c",
        "for i in 1 2 3 4 5; do echo line-$i; sleep 0.3; done");
    Process follow = new ProcessBuilder(berthctlCommand("logs", "-f", "ticker")).redirectErrorStream(true).start();
    List<String> lines = new ArrayList<>();
    try (BufferedReader r = new BufferedReader(new InputStreamReader(follow.getInputStream()))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        lines.add(line);
      }
    }
    assertTrue(follow.waitFor(20, TimeUnit.SECONDS), "logs -f ends when the container does");
    assertEquals(List.of("line-1", "line-2", "line-3", "line-4", "line-5"), lines);
    ok("rm", "ticker");
  }

  @Test
  void streamingStatsShowsARenameAndAContainerCreatedSinceAtTheNextFrame() throws Exception {
    ok("run", "-d", "--name", "st-old", "busybox", "sleep", "1000");
    Process stats = new ProcessBuilder(berthctlCommand("stats", "-a", "--format", "{{.Name}}"))
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(stats.getInputStream()))) {
        r.lines().forEach(lines::add);
      } catch (IOException | UncheckedIOException e) {
        // the process was ended by the test
      }
    });
    reader.start();
    try {
      awaitLine(lines, "st-old");
      ok("rename", "st-old", "st-new");
      ok("create", "--name", "st-created", "busybox", "true");
      awaitLine(lines, "st-new");
      awaitLine(lines, "st-created");
    } finally {
      stats.destroy();
      stats.waitFor(10, TimeUnit.SECONDS);
      reader.join(10_000);
      berthctl("rm", "-f", "st-new", "st-created");
    }
  }

  /** Waits for a line of {@code lines} that holds {@code text}, as docker's frames come every second or two. */
  private static void awaitLine(LinkedBlockingQueue<String> lines, String text) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    List<String> seen = new ArrayList<>();
    while (System.nanoTime() < deadline) {
      String line = lines.poll(1, TimeUnit.SECONDS);
      if (line != null && line.contains(text)) {
        return;
      }
      if (line != null) {
        seen.add(line);
      }
    }
    throw new AssertionError("no line with " + text + " in " + seen);
  }

  @Test
  void interactiveTerminalSessionAndItsExitCode() throws Exception {
    Path input = Files.writeString(berthd.work().resolve("typed"), "echo tty-$((40+2)); test -t 0 && echo is-a-tty; exit 3\n");
    String command = String.join(" ", berthctlCommand("run", "--rm", "-it", "busybox", "sh"));
    // script(1) gives berthctl a terminal of its own, as a user's shell would
    Result r = run(List.of("script", "-qec", command, "/dev/null"), input, 60);
    assertEquals(3, r.exit(), r::toString);
    assertTrue(r.out().contains("tty-42"), r::toString);
    assertTrue(r.out().contains("is-a-tty"), r::toString);

    // the same typed input from a file instead of a terminal: refused as docker refuses it, nothing made
    Result piped = run(berthctlCommand("run", "--rm", "-it", "--name", "no-tty", "busybox", "sh"), input, 60);
    assertEquals(1, piped.exit(), piped::toString);
    assertEquals("the input device is not a TTY", piped.err().strip(), piped::toString);
    assertEquals("", ok("ps", "-aq", "--filter", "name=no-tty").out());
  }

  @Test
  void attachToATerminalContainerFromAPipeIsRefusedAsDockers() throws Exception {
    ok("run", "-dt", "--name", "tty-attach", "busybox", "sleep", "1000");
    try {
      Path input = Files.writeString(berthd.work().resolve("keys"), "exit\n");
      Result piped = run(berthctlCommand("attach", "tty-attach"), input, 60);
      assertEquals(1, piped.exit(), piped::toString);
      assertEquals("the input device is not a TTY", piped.err().strip(), piped::toString);
      assertEquals("running", ok("inspect", "-f", "{{.State.Status}}", "tty-attach").out().strip());
    } finally {
      berthctl("rm", "-f", "tty-attach");
    }
  }

  @Test
  void badInputIsDockersReportAndExit125() throws Exception {
    Result r = berthctl("run", "--memory", "12x", "busybox", "true");
    assertEquals(125, r.exit(), r::toString);
    assertEquals("invalid argument \"12x\" for \"-m, --memory\" flag: invalid suffix: 'x'\nSee 'berthctl run --help'.\n",
        r.err());
    Result missing = berthctl("logs", "no-such-container");
    assertTrue(missing.exit() != 0, missing::toString);
    assertTrue(missing.err().contains("No such container"), missing::toString);
  }

  @Test
  void rmiKeepsTheLastNameOfAnImageAContainerUsesUnlessForced() throws Exception {
    Path archive = TestImages.busyboxLayered().writeDockerArchive(berthd.work().resolve("layered.tar"));
    ok("load", "-i", archive.toString());
    ok("create", "--name", "ux-rmi", "busybox-layered", "true");
    String id = ok("image", "inspect", "-f", "{{.Id}}", "busybox-layered").out().strip();
    try {
      Result refused = berthctl("rmi", "busybox-layered");
      assertEquals(1, refused.exit(), refused::toString);
      assertTrue(refused.err().contains("conflict: unable to remove repository reference \"busybox-layered\" "
          + "(must force) - container "), refused::toString);
      assertTrue(ok("images").out().contains("busybox-layered"));
      // another name for the same image: removing this one only untags, as in Docker
      ok("tag", "busybox-layered", "ux-img:2");
      assertTrue(ok("rmi", "busybox-layered").out().contains("Untagged: busybox-layered"));
      assertTrue(ok("rmi", "-f", "ux-img:2").out().contains("Untagged: ux-img:2"));
      // the image stays for its container as Docker's dangling image (moby-dangling@sha256:…)
      assertTrue(ok("images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}").out().lines()
          .anyMatch(("<none>:<none> " + id.substring(7, 19))::equals));
      assertEquals(id + "\n", ok("image", "inspect", "-f", "{{.Id}}", id).out());
    } finally {
      berthctl("rm", "-f", "ux-rmi");
      berthctl("rmi", "-f", id);
    }
  }

  @Test
  void rmiByDigestOfTheLastNamesOfAnImageAStoppedContainerUsesNeedsForce() throws Exception {
    Path archive = TestImages.busyboxLayered().writeDockerArchive(berthd.work().resolve("layered.tar"));
    ok("load", "-i", archive.toString());
    ok("tag", "busybox-layered", "ux-dig:1");
    ok("rmi", "busybox-layered");
    ok("create", "--name", "ux-dig", "ux-dig:1", "true");
    String id = ok("image", "inspect", "-f", "{{.Id}}", "ux-dig:1").out().strip();
    String containerId = ok("inspect", "-f", "{{.Id}}", "ux-dig").out().strip();
    try {
      // the repository's names are the image's last: the image would go with them, as rmi ID
      Result refused = berthctl("rmi", "ux-dig@" + id);
      assertEquals(1, refused.exit(), refused::toString);
      assertTrue(refused.err().contains("conflict: unable to delete " + id.substring(7, 19)
          + " (must be forced) - image is being used by stopped container " + containerId.substring(0, 12) + "\n"),
          refused::toString);
      assertEquals("Untagged: ux-dig:1\nDeleted: " + id + "\n", ok("rmi", "-f", "ux-dig@" + id).out());
    } finally {
      berthctl("rm", "-f", "ux-dig");
      berthctl("rmi", "-f", "ux-dig:1");
    }
  }

  @Test
  void volumePruneAsksAndRemovesNamedVolumesOnlyWithAll() throws Exception {
    ok("volume", "create", "ux-named");
    String mountpoint = ok("volume", "inspect", "-f", "{{.Mountpoint}}", "ux-named").out().trim();
    assertTrue(ok("volume", "ls", "--format", "{{.Name}} {{.Mountpoint}}").out().lines()
        .anyMatch(("ux-named " + mountpoint)::equals));
    assertTrue(ok("volume", "ls", "--format", "json").out().lines()
        .anyMatch(l -> l.startsWith("{\"Availability\":\"N/A\",\"Driver\":\"local\",") && l.contains("\"Name\":\"ux-named\"")
            && l.contains("\"Mountpoint\":\"" + mountpoint + "\"")));
    assertTrue(mountpoint.startsWith("/") && Files.isDirectory(Path.of(mountpoint)), mountpoint);
    ok("run", "--name", "ux-anon", "-v", "/data", "busybox", "true");
    String anonymous = ok("inspect", "ux-anon").out().replaceAll("(?s).*\"Name\"\\s*:\\s*\"([0-9a-f]{64})\".*", "$1");
    ok("rm", "ux-anon");
    Path no = Files.writeString(berthd.work().resolve("answer-no"), "n\n");
    Path yes = Files.writeString(berthd.work().resolve("answer-yes"), "y\n");

    Result declined = run(berthctlCommand("volume", "prune"), no, 60);
    assertEquals(0, declined.exit(), declined::toString);
    assertTrue(declined.out().contains("anonymous local volumes") && declined.out().contains("[y/N]"), declined::toString);
    assertTrue(ok("volume", "ls", "-q").out().contains(anonymous));

    Result pruned = run(berthctlCommand("volume", "prune"), yes, 60);
    assertEquals(0, pruned.exit(), pruned::toString);
    assertTrue(pruned.out().contains(anonymous) && !pruned.out().contains("ux-named"), pruned::toString);
    assertTrue(ok("volume", "ls", "-q").out().contains("ux-named"));

    assertTrue(ok("volume", "prune", "-a", "-f").out().contains("ux-named"));
    assertTrue(!ok("volume", "ls", "-q").out().contains("ux-named"));
  }

  @Test
  void containersOnDifferentNetworksAreIsolated() throws Exception {
    ok("network", "create", "ux-net1");
    ok("network", "create", "ux-net2");
    try {
      ok("run", "-d", "--name", "ux-srv", "--network", "ux-net1", "busybox", "sleep", "1000");
      String ip = ok("inspect", "ux-srv").out().replaceAll("(?s).*\"IPAddress\"\\s*:\\s*\"([0-9.]+)\".*", "$1");
      Result same = berthctl("run", "--rm", "--network", "ux-net1", "busybox", "ping", "-c", "1", "-W", "2", ip);
      assertEquals(0, same.exit(), same::toString);
      Result other = berthctl("run", "--rm", "--network", "ux-net2", "busybox", "ping", "-c", "1", "-W", "1", ip);
      assertEquals(1, other.exit(), other::toString);
      Result fromDefault = berthctl("run", "--rm", "busybox", "ping", "-c", "1", "-W", "1", ip);
      assertEquals(1, fromDefault.exit(), fromDefault::toString);
    } finally {
      berthctl("rm", "-f", "ux-srv");
      berthctl("network", "rm", "ux-net1", "ux-net2");
    }
  }

  @Test
  void pausedContainersThatIgnoreTheStopSignalStopRestartAndGo() throws Exception {
    // pid 1 without a handler ignores SIGTERM: stop must thaw it and end with SIGKILL
    ok("run", "-d", "--name", "ux-paused", "busybox", "sh", "-c", "sleep 1000");
    try {
      ok("pause", "ux-paused");
      ok("stop", "-t", "1", "ux-paused");
      String stopped = ok("inspect", "ux-paused").out();
      assertTrue(stopped.contains("\"Status\": \"exited\""), stopped);
      ok("start", "ux-paused");
      ok("pause", "ux-paused");
      ok("restart", "-t", "1", "ux-paused");
      assertTrue(ok("inspect", "ux-paused").out().contains("\"Status\": \"running\""));
      ok("pause", "ux-paused");
      ok("rm", "-f", "ux-paused");
      assertTrue(!ok("ps", "-a").out().contains("ux-paused"));
    } finally {
      berthctl("rm", "-f", "ux-paused");
    }
  }

  @Test
  void aMissingBindSourceIsMadeForDashVAndRefusedForMount() throws Exception {
    Path made = berthd.work().resolve("ux-bind/new");
    ok("run", "--rm", "-v", made + ":/mnt", "busybox", "sh", "-c", "echo x > /mnt/written");
    assertTrue(Files.exists(made.resolve("written")));
    Result refused = berthctl("run", "--rm", "--mount", "type=bind,source=" + berthd.work().resolve("ux-absent") + ",target=/mnt",
        "busybox", "true");
    assertEquals(125, refused.exit(), refused::toString);
    assertTrue(refused.err().contains("bind source path does not exist"), refused::toString);
  }

  @Test
  void stoppingSeveralContainersWaitsForThemTogether() throws Exception {
    List<String> names = List.of("ux-par1", "ux-par2", "ux-par3", "ux-par4");
    try {
      for (String name : names) {
        // pid 1 ignores SIGTERM: each stop waits the whole timeout
        ok("run", "-d", "--name", name, "busybox", "sh", "-c", "sleep 1000");
      }
      List<String> stop = new ArrayList<>(List.of("stop", "-t", "4"));
      stop.addAll(names);
      long started = System.nanoTime();
      Result r = ok(stop.toArray(String[]::new));
      long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
      assertEquals(String.join("\n", names), r.out().strip(), "names in the order given");
      assertTrue(seconds < 12, "four 4-second stops one after another take 16 s; together: " + seconds + " s");
    } finally {
      List<String> rm = new ArrayList<>(List.of("rm", "-f"));
      rm.addAll(names);
      berthctl(rm.toArray(String[]::new));
    }
  }

  @Test
  void namesAndAliasesResolveOnUserDefinedNetworksOnly() throws Exception {
    ok("network", "create", "ux-dns");
    try {
      ok("run", "-d", "--name", "ux-named", "--network", "ux-dns", "--network-alias", "ux-web", "busybox",
          "sleep", "1000");
      ok("run", "-d", "--name", "ux_under", "busybox", "sleep", "1000");
      for (String name : List.of("ux-named", "ux-web")) {
        Result r = berthctl("run", "--rm", "--network", "ux-dns", "busybox", "ping", "-c", "1", "-W", "2", name);
        assertEquals(0, r.exit(), () -> name + ": " + r);
      }
      // a later peer is listed in the earlier container's /etc/hosts too
      ok("run", "-d", "--name", "ux-late", "--network", "ux-dns", "busybox", "sleep", "1000");
      assertTrue(ok("exec", "ux-named", "cat", "/etc/hosts").out().contains("ux-late"));
      // the default network keeps Docker's behaviour: no names; a name with '_' starts all the same
      Result onDefault = berthctl("run", "--rm", "busybox", "ping", "-c", "1", "-W", "1", "ux_under");
      assertTrue(onDefault.exit() != 0, onDefault::toString);
    } finally {
      berthctl("rm", "-f", "ux-named", "ux-late", "ux_under");
      berthctl("network", "rm", "ux-dns");
    }
  }

  @Test
  void fiveParallelRunsOfOneNameMakeOneContainer() throws Exception {
    try {
      List<CompletableFuture<Result>> runs = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        runs.add(CompletableFuture.supplyAsync(() -> {
          try {
            return berthctl("run", "-d", "--name", "ux-dup5", "busybox", "sleep", "1000");
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }));
      }
      List<Result> results = runs.stream().map(CompletableFuture::join).toList();
      assertEquals(1, results.stream().filter(r -> r.exit() == 0).count(), results::toString);
      for (Result r : results) {
        if (r.exit() != 0) {
          assertEquals(125, r.exit(), r::toString);
          assertTrue(r.err().startsWith("berthctl: Error response from daemon: Conflict. The container name "
              + "\"/ux-dup5\" is already in use by container"),
              r::toString);
        }
      }
      assertEquals(1, ok("ps", "-a", "-q", "--filter", "name=ux-dup5").out().strip().lines().count());
    } finally {
      berthctl("rm", "-f", "ux-dup5");
    }
  }

  @Test
  void restartPolicyBringsAContainerBackAfterBerthdWasKilled() throws Exception {
    ok("run", "-d", "--name", "keeper", "--restart", "always", "busybox", "sleep", "1000");
    String pid = ok("inspect", "keeper").out().replaceAll("(?s).*\"Pid\"\\s*:\\s*(\\d+).*", "$1");
    berthd.killDaemon();
    run(List.of("kill", "-9", pid), null, 10);
    Thread.sleep(500);
    berthd.startDaemon();
    String state = "";
    for (int i = 0; i < 100; i++) {
      state = ok("ps", "--filter", "name=keeper").out();
      if (state.contains("Up")) {
        break;
      }
      Thread.sleep(200);
    }
    assertTrue(state.contains("Up"), "berthd restarted the container it found dead: " + state);
    ok("rm", "-f", "keeper");
  }
}
