package dev.berth.ctl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.health.v1.ContainerHealthStatus;
import berth.logs.v1.LogsGrpc;
import berth.logs.v1.ReadLogsRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.InvalidProtocolBufferException;
import containerd.services.events.v1.Envelope;
import containerd.services.events.v1.EventsGrpc;
import containerd.services.events.v1.SubscribeRequest;
import dev.berth.client.containers.ContainerState;
import dev.berth.client.containers.TarStreams;
import dev.berth.client.testing.TestImages;
import dev.berth.linux.ErrnoException;
import dev.berth.linux.Syscalls;
import dev.berth.linux.Xattrs;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * berthctl's other container commands (create/start, restart, kill, pause, wait, rename, top,
 * stats, cp, logs, events, the task and container views, completion) against a whole berthd in
 * the test JVM, on the real kernel.
 */
class ContainerCommandsKernelTest extends BerthdKernelTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  private static String status(String container) throws Exception {
    return JSON.readTree(ok("inspect", container).stdout()).get(0).get("State").get("Status").asText();
  }

  @Test
  void createThenStartAttachedThenStartAgain() throws Exception {
    String id = ok("create", "--name", "job", "busybox", "sh", "-c", "echo ran; exit 5").out().strip();
    assertEquals("created", status("job"));
    assertTrue(ok("ps", "-a").out().contains("Created"));
    Cli.Result first = berthd.ctl("start", "-a", "job");
    assertEquals(5, first.exit(), first::toString);
    assertEquals("ran\n", first.out());
    Cli.Result second = berthd.ctl("start", "-a", id.substring(0, 8));
    assertEquals(5, second.exit(), second::toString);
    assertEquals("5\n", ok("wait", "job").out());
  }

  @Test
  void startAttachedJoinsARunningContainerAsDockers() throws Exception {
    ok("run", "-d", "--name", "ticker", "busybox", "sh", "-c",
        "i=0; while [ $i -lt 40 ]; do echo tick; sleep 0.2; i=$((i+1)); done; exit 3");
    // attached while it runs: its output from then on, and its exit code
    Cli.Result joined = berthd.ctl("start", "-a", "ticker");
    assertEquals(3, joined.exit(), joined::toString);
    assertTrue(joined.out().matches("(tick\n)+"), joined::toString);
    assertEquals("exited", status("ticker"));

    ok("run", "-d", "--name", "held", "busybox", "sleep", "1000");
    ok("pause", "held");
    Cli.Result paused = berthd.ctl("start", "-a", "held");
    assertEquals(1, paused.exit(), paused::toString);
    assertEquals("Error response from daemon: cannot start a paused container, try unpause instead\n", paused.stderr());
    // without -a too: Docker's daemon refuses, its CLI names what did not start
    Cli.Result detached = berthd.ctl("start", "held");
    assertEquals(1, detached.exit(), detached::toString);
    assertEquals("", detached.out());
    assertEquals("Error response from daemon: cannot start a paused container, try unpause instead\n"
        + "Error: failed to start containers: held\n", detached.stderr());
    assertEquals("paused", status("held"));
  }

  @Test
  void attachPassesPipedInputWholeToAContainerWithoutATerminal() throws Exception {
    // as Docker's: the detach keys are read only from a terminal, so ctrl-p ctrl-q in a pipe is data
    ok("run", "-d", "-i", "--name", "reader", "busybox", "sh", "-c", "read x; echo \"[$x]\"; exit 4");
    // Docker's CLI clears StdinOnce for run -d, and sets it for an attached -i (create -i among them)
    assertEquals("false\n", ok("inspect", "-f", "{{.Config.StdinOnce}}", "reader").out());
    Cli.Result joined = berthd.ctlWithInput("a\u0010\u0011b\n".getBytes(StandardCharsets.UTF_8), "attach", "reader");
    assertEquals(4, joined.exit(), joined::toString);
    assertEquals("[a\u0010\u0011b]\n", joined.out());
    // malformed keys are refused when the attach would reach Docker's daemon, in its words
    ok("run", "-d", "--name", "sleeper", "busybox", "sleep", "1000");
    Cli.Result keys = berthd.ctl("attach", "--detach-keys", "ctrl-P", "sleeper");
    assertEquals(1, keys.exit(), keys::toString);
    assertEquals("Error response from daemon: Invalid detach keys (ctrl-P) provided\n", keys.stderr());
    Cli.Result escape = berthd.ctl("exec", "-d", "--detach-keys", "nope", "sleeper", "true");
    assertEquals(1, escape.exit(), escape::toString);
    assertEquals("Error response from daemon: Invalid escape keys (nope) provided\n", escape.stderr());
    // start attaches only with -a: without it the keys are not looked at
    ok("create", "-i", "--name", "unattached", "busybox", "true");
    assertEquals("true\n", ok("inspect", "-f", "{{.Config.StdinOnce}}", "unattached").out());
    assertEquals("unattached\n", ok("start", "--detach-keys", "nope", "unattached").out());
  }

  @Test
  void execLooksTheContainerUpBeforeRefusingAPipeForItsTerminal() throws Exception {
    // Docker's CLI inspects the container first, so that its absence is what is reported
    assertEquals("Error response from daemon: No such container: nosuch\n", fromPipe("exec", "-it", "nosuch", "sh"));
    ok("run", "-d", "--name", "present", "busybox", "sleep", "1000");
    assertEquals("the input device is not a TTY\n", fromPipe("exec", "-it", "present", "sh"));
  }

  /** What berthctl, on a console whose stdin is a pipe (the test JVM's), printed on stderr, failing. */
  private String fromPipe(String... args) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Io console = new Io(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(),
        new PrintStream(err, true, StandardCharsets.UTF_8), Map.of("BERTH_ADDRESS", berthd.socket().toString()),
        false, true);
    assertEquals(1, BerthCtl.run(console, args), () -> err.toString(StandardCharsets.UTF_8));
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void restartKillPauseAndRename() throws Exception {
    ok("run", "-d", "--name", "svc", "busybox", "sleep", "1000");
    int pid = JSON.readTree(ok("inspect", "svc").stdout()).get(0).get("State").get("Pid").asInt();
    // Docker's Image is the image's id, its Config.Image the name it was asked by
    assertEquals(ok("image", "inspect", "-f", "{{.Id}}", "busybox").out(), ok("inspect", "-f", "{{.Image}}", "svc").out());
    assertEquals("busybox\n", ok("inspect", "-f", "{{.Config.Image}}", "svc").out());
    ok("restart", "-t", "0", "svc");
    JsonNode state = JSON.readTree(ok("inspect", "svc").stdout()).get(0).get("State");
    assertEquals("running", state.get("Status").asText());
    assertTrue(state.get("Pid").asInt() != pid);

    assertEquals("svc\n", ok("pause", "svc").out());
    assertEquals("paused", status("svc"));
    // Docker's daemon's words: the container by its full id, but exec's paused one by the name given
    String fullId = ok("inspect", "-f", "{{.Id}}", "svc").out().strip();
    assertEquals("Error response from daemon: Container " + fullId + " is already paused\n",
        berthd.ctl("pause", "svc").stderr());
    assertEquals("Error response from daemon: Container svc is paused, unpause the container before exec\n",
        berthd.ctl("exec", "svc", "true").stderr());
    assertEquals("Error response from daemon: cannot remove container \"/svc\": container is paused and must be "
        + "unpaused first\n", berthd.ctl("rm", "svc").stderr());
    assertTrue(ok("ps").out().contains("(Paused)"));
    assertEquals("svc\n", ok("unpause", "svc").out());
    assertEquals("running", status("svc"));
    assertEquals("Error response from daemon: Container " + fullId + " is not paused\n",
        berthd.ctl("unpause", "svc").stderr());

    ok("rename", "svc", "renamed");
    String id = ok("inspect", "-f", "{{.Id}}", "renamed").out().substring(0, 12);
    assertTrue(ok("system", "df", "-v").out().lines().anyMatch(l -> l.startsWith(id) && l.endsWith("   renamed")),
        "df -v names the container as ps does");
    // Docker's daemon's refusal, then its CLI's own line
    assertEquals("Error response from daemon: Renaming a container with the same name as its current name\n"
        + "Error: failed to rename container named renamed\n", berthd.ctl("rename", "renamed", "renamed").stderr());
    assertEquals("Error response from daemon: No such container: svc\n"
        + "Error: failed to rename container named svc\n", berthd.ctl("rename", "svc", "other").stderr());
    Cli.Result notStarted = berthd.ctl("start", "renamed", "nosuch1", "nosuch2");
    assertEquals(1, notStarted.exit(), notStarted::toString);
    assertEquals("renamed\n", notStarted.out());
    assertEquals("Error response from daemon: No such container: nosuch1\n"
        + "Error response from daemon: No such container: nosuch2\n"
        + "Error: failed to start containers: nosuch1, nosuch2\n", notStarted.stderr());
    assertEquals("Error: No such object: svc\n", berthd.ctl("inspect", "svc").stderr());
    assertEquals("Error response from daemon: No such container: svc\n", berthd.ctl("inspect", "--type", "container", "svc").stderr());
    assertEquals("renamed\n", ok("kill", "-s", "KILL", "renamed").out());
    assertEquals("137\n", ok("wait", "renamed").out());
    assertEquals("exited", status("renamed"));
    Cli.Result again = berthd.ctl("kill", "renamed");
    assertEquals(1, again.exit());
    assertEquals("Error response from daemon: container " + fullId + " is not running\n", again.stderr());
    for (String[] refused : new String[][] {{"pause", "renamed"}, {"exec", "renamed", "true"}}) {
      Cli.Result r = berthd.ctl(refused);
      assertEquals(1, r.exit(), r::toString);
      assertEquals("Error response from daemon: container " + fullId + " is not running\n", r.stderr());
    }
  }

  @Test
  void stopSendsTheSignalAskedForAndExecReadsEnvFiles(@TempDir Path tmp) throws Exception {
    try {
      ok("run", "-d", "--name", "trapper", "busybox", "sh", "-c",
          "trap 'echo got-usr1; exit 42' USR1; echo ready; while true; do sleep 0.1; done");
      awaitLog("trapper", "ready", 1);
      Files.writeString(tmp.resolve("env"), "# settings\nFROM_FILE=file\nBOTH=file\n");
      assertEquals("file flag\n", ok("exec", "--env-file", tmp.resolve("env").toString(), "-e", "BOTH=flag", "trapper",
          "sh", "-c", "echo $FROM_FILE $BOTH").out());
      assertEquals(1, berthd.ctl("stop", "-s", "NOSUCHSIG", "trapper").exit());
      assertEquals("running", status("trapper"), "a bad signal stops nothing");
      assertEquals("trapper\n", ok("restart", "-s", "USR1", "-t", "10", "trapper").out());
      assertEquals("running", status("trapper"));
      awaitLog("trapper", "ready", 2);
      assertEquals(1, ok("logs", "trapper").out().lines().filter("got-usr1"::equals).count());
      assertEquals("trapper\n", ok("stop", "-s", "SIGUSR1", "-t", "10", "trapper").out());
      assertEquals("42\n", ok("wait", "trapper").out());
    } finally {
      berthd.ctl("rm", "-f", "trapper");
    }
  }

  @Test
  void execWithATerminalHasTermAsDockers() throws Exception {
    try {
      ok("run", "-d", "--name", "plain", "-e", "KEPT=1", "busybox", "sleep", "1000");
      // Docker's daemon gives an exec with -t TERM=xterm, under the container's variables and -e
      assertEquals("xterm 1\r\n", ok("exec", "-t", "plain", "sh", "-c", "echo $TERM $KEPT").out());
      assertEquals("vt100\r\n", ok("exec", "-t", "-e", "TERM=vt100", "plain", "sh", "-c", "echo $TERM").out());
      assertEquals("none\n", ok("exec", "plain", "sh", "-c", "echo ${TERM:-none}").out());
      // detached, the process keeps its terminal, as Docker's
      ok("exec", "-dt", "plain", "sh", "-c", "tty > /tmp/t");
      assertTrue(awaitFile("plain", "/tmp/t").startsWith("/dev/pts/"));
      ok("exec", "-d", "plain", "sh", "-c", "tty > /tmp/u");
      assertEquals("not a tty\n", awaitFile("plain", "/tmp/u"));
    } finally {
      berthd.ctl("rm", "-f", "plain");
    }
  }

  /** What a detached exec wrote to {@code path}, once it is there. */
  private static String awaitFile(String container, String path) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      Cli.Result r = berthd.ctl("exec", container, "cat", path);
      if (r.exit() == 0 && !r.out().isEmpty()) {
        return r.out();
      }
      Thread.sleep(100);
    }
    throw new AssertionError(path + " never appeared in " + container);
  }

  @Test
  void killRefusesASignalInDockersDaemonsWords() throws Exception {
    try {
      ok("run", "-d", "--name", "target", "busybox", "sleep", "1000");
      for (String[] bad : new String[][] {{"NOPE", "invalid signal: NOPE"}, {"sigfoo", "invalid signal: sigfoo"},
          {"0", "invalid signal: 0"}, {"99", "the linux daemon does not support signal 99"}}) {
        Cli.Result r = berthd.ctl("kill", "-s", bad[0], "target");
        assertEquals(1, r.exit(), r::toString);
        assertEquals("Error response from daemon: " + bad[1] + "\n", r.stderr());
        assertEquals("", r.out());
      }
      // the signal is refused before the container is looked up, as Docker's daemon does
      assertEquals("Error response from daemon: invalid signal: NOPE\n",
          berthd.ctl("kill", "-s", "NOPE", "nosuch").stderr());
      assertEquals("running", status("target"));
    } finally {
      berthd.ctl("rm", "-f", "target");
    }
  }

  @Test
  void waitAndKillPrintTheirFailuresLastAsDockers() {
    try {
      assertEquals(3, berthd.ctl("run", "--name", "done", "busybox", "sh", "-c", "exit 3").exit());
      // Docker's CLI: every exit code (or name) first, then the failures, one line each
      assertEquals("3\n3\nError response from daemon: No such container: nosuch\n",
          berthd.ctlInterleaved("wait", "done", "nosuch", "done"));
      // inspect too: what it found, then what it did not
      assertEquals("/done\n/done\nError: No such object: nosuch\n",
          berthd.ctlInterleaved("inspect", "-f", "{{.Name}}", "done", "nosuch", "done"));
      String id = ok("image", "inspect", "-f", "{{.Id}}", "busybox").out();
      assertEquals(id + "Error response from daemon: No such image: nosuch:latest\n",
          berthd.ctlInterleaved("image", "inspect", "-f", "{{.Id}}", "busybox", "nosuch"));
      ok("run", "-d", "--name", "live", "busybox", "sleep", "1000");
      assertEquals("live\nError response from daemon: No such container: nosuch\n"
          + "Error response from daemon: No such container: gone\n",
          berthd.ctlInterleaved("kill", "nosuch", "live", "gone"));
    } finally {
      berthd.ctl("rm", "-f", "done", "live");
    }
  }

  @Test
  void logsRefusesABadTimeInDockersClientsWords() {
    Cli.Result since = berthd.ctl("logs", "--since", "bogus", "nosuch");
    assertEquals(1, since.exit(), since::toString);
    assertEquals("invalid value for \"since\": failed to parse value as time or duration: \"bogus\"\n",
        since.stderr());
    Cli.Result until = berthd.ctl("logs", "--until", "10x", "nosuch");
    assertEquals("invalid value for \"until\": failed to parse value as time or duration: \"10x\"\n",
        until.stderr());
    assertTrue(berthd.ctl("logs", "--since", "2024-13-45", "nosuch").stderr()
        .startsWith("invalid value for \"since\": "), "a date that does not parse");
  }

  @Test
  void versionShowsBothBuildsInDockersLayout() throws Exception {
    // short, as Docker shows its commits
    String commit = "(unknown|[0-9a-f]{7,12})";
    String built = "[A-Z][a-z]{2} [A-Z][a-z]{2} [ 1-3]\\d \\d\\d:\\d\\d:\\d\\d \\d{4}";
    String java = Pattern.quote(System.getProperty("java.version"));
    String arch = "linux/(amd64|arm64)";
    List<String> lines = ok("version").out().lines().toList();
    List<String> expected = List.of("Client: Berth", " Version:           " + Pattern.quote(BerthCtl.clientVersion()),
        " Java version:      \\S+", " Git commit:        " + commit, " Built:             " + built,
        " OS/Arch:           " + arch, "", "Server: Berth", " Engine:", "  Version:          \\S+",
        // berthd runs in this JVM: its Java is the test's
        "  Java version:     " + java, "  Git commit:       " + commit, "  Built:            " + built,
        "  OS/Arch:          " + arch, "  Experimental:     false");
    assertEquals(expected.size(), lines.size(), lines::toString);
    for (int i = 0; i < lines.size(); i++) {
      assertTrue(lines.get(i).matches(expected.get(i)), lines.get(i) + " does not match " + expected.get(i));
    }

    // Docker's fields for templates and jq, the engine also as the first of the server's components
    JsonNode json = JSON.readTree(ok("version", "--format", "json").stdout());
    assertEquals("Berth", json.get("Server").get("Platform").get("Name").asText());
    JsonNode engine = json.get("Server").get("Components").get(0);
    assertEquals("Engine", engine.get("Name").asText());
    assertEquals(json.get("Server").get("Version").asText(), engine.get("Version").asText());
    assertEquals(System.getProperty("java.version"), engine.get("Details").get("JavaVersion").asText());
    assertTrue(json.get("Server").get("BuildTime").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"),
        json::toString);
    assertTrue(json.get("Client").get("BuildTime").asText().matches(built), json::toString);
    assertEquals(json.get("Server").get("GitCommit").asText() + "\n",
        ok("version", "--format", "{{.Server.GitCommit}}").out());
    // the API version scripts read, Docker 27.5's, under Docker's JSON key
    assertEquals("1.47 1.24 1.47 " + System.getProperty("os.version") + "\n", ok("version", "--format",
        "{{.Server.APIVersion}} {{.Server.MinAPIVersion}} {{.Client.APIVersion}} {{.Server.KernelVersion}}").out());
    assertEquals("1.47", json.get("Server").get("ApiVersion").asText());
    assertEquals("1.47", engine.get("Details").get("ApiVersion").asText());
  }

  @Test
  void infoJsonHasDockersFieldsInDockersOrder() throws Exception {
    // the same at every run (no hash map order), as Docker's
    assertEquals("{\"Volume\":[\"local\"],\"Network\":[\"bridge\",\"host\",\"none\"],\"Authorization\":null,"
        + "\"Log\":[\"json-file\",\"k8s-file\",\"local\",\"none\"]}\n", ok("info", "--format", "{{json .Plugins}}").out());
    assertEquals("false false []\n", ok("info", "--format", "{{.Debug}} {{.ExperimentalBuild}} {{.Labels}}").out());
    List<String> keys = new ArrayList<>();
    JSON.readTree(ok("info", "--format", "json").stdout()).fieldNames().forEachRemaining(keys::add);
    // the host's cgroup and forwarding features, as Docker's daemon finds them on this host
    HostFeatures host = HostFeatures.read();
    List<String> expected = new ArrayList<>(List.of("ID", "Containers", "ContainersRunning", "ContainersPaused",
        "ContainersStopped", "Images", "Driver", "Plugins"));
    expected.addAll(host.limits().keySet());
    expected.addAll(List.of("Debug", "OomKillDisable", "LoggingDriver", "CgroupDriver", "CgroupVersion", "KernelVersion",
        "OperatingSystem", "OSType", "Architecture", "RegistryConfig", "NCPU", "MemTotal", "DockerRootDir", "Name",
        "Labels", "ExperimentalBuild", "ServerVersion", "Runtimes", "DefaultRuntime", "Swarm", "LiveRestoreEnabled",
        "SecurityOptions", "Containerd", "Warnings", "ClientInfo"));
    assertEquals(expected, keys);
    boolean v1 = Files.exists(Path.of("/sys/fs/cgroup/memory/memory.limit_in_bytes"));
    if (v1) {
      // this kind of host: cgroup v1 (hybrid) with every control file Docker looks for
      assertEquals("cgroupfs 1 true true true true true true true true\n", ok("info", "--format",
          "{{.CgroupDriver}} {{.CgroupVersion}} {{.MemoryLimit}} {{.SwapLimit}} {{.CPUShares}} {{.CPUSet}} "
              + "{{.PidsLimit}} {{.OomKillDisable}} {{json .CpuCfsPeriod}} {{json .KernelMemoryTCP}}").out());
    }
    Cli.Result text = ok("info");
    assertTrue(text.out().endsWith(" Live Restore Enabled: true\n\n"), text.out());
    // the warnings, as Docker's CLI prints them: on stderr, one a line, none where the host lacks nothing
    List<String> warnings = host.warnings();
    assertEquals(warnings == null ? "" : String.join("\n", warnings) + "\n", text.stderr());
    assertEquals(warnings == null ? "null\n" : JSON.writeValueAsString(warnings) + "\n",
        ok("info", "--format", "{{json .Warnings}}").out());
    assertEquals("{\"runc\":{\"path\":\"runc\",\"runtimeType\":\"io.containerd.runc.v2\"}}\n",
        ok("info", "--format", "{{json .Runtimes}}").out());
    // templates name Docker's Go fields, which its JSON writes under other keys or leaves out when empty
    assertEquals("runc io.containerd.runc.v2 []\n",
        ok("info", "--format", "{{range $k, $v := .Runtimes}}{{$v.Path}} {{$v.Type}} {{$v.Args}}{{end}}").out());
    assertEquals("<nil> 0 false [] [::1/128 127.0.0.0/8] []\n", ok("info", "--format", "{{.Swarm.Cluster}} "
        + "{{.Swarm.Nodes}} {{.ClientInfo.Debug}} {{.RegistryConfig.Mirrors}} {{.RegistryConfig.InsecureRegistryCIDRs}} "
        + "{{.DefaultAddressPools}}").out());
    assertEquals("default\n", ok("info", "--format", "{{.Containerd.Namespaces.Containers}}").out());
    assertTrue(ok("info").out().contains(" Debug Mode: false\n Experimental: false\n Live Restore Enabled: true\n"));
  }

  @Test
  void topAndStatsShowTheProcesses() throws Exception {
    ok("run", "-d", "--name", "watched", "--memory", "32m", "busybox", "sleep", "1000");
    // run -d returns once the process is started; ps may still catch it inside its exec of sleep
    // (its name already sleep, its arguments not yet there: "[sleep]")
    List<String> top = ok("top", "watched").out().lines().toList();
    for (int i = 0; i < 50 && top.size() > 1 && top.get(1).endsWith("[sleep]"); i++) {
      Thread.sleep(20);
      top = ok("top", "watched").out().lines().toList();
    }
    // Docker's: the host's ps -ef, the container's lines
    assertTrue(top.get(0).matches("UID\\s+PID\\s+PPID\\s+C\\s+STIME\\s+TTY\\s+TIME\\s+CMD"), top.toString());
    assertTrue(top.get(1).matches("root\\s+\\d+\\s+\\d+\\s+\\d+\\s+\\S+\\s+\\?\\s+00:00:00\\s+sleep 1000"),
        top.toString());
    List<String> ps = ok("top", "watched", "-o", "pid,args").out().lines().toList();
    assertEquals(2, ps.size(), ps::toString);
    // Docker's CLI lays ps's columns out again, 20 characters wide at least
    assertEquals("PID                 COMMAND", ps.get(0));
    assertTrue(ps.get(1).matches("\\d+ {15,}sleep 1000"), ps::toString);
    // what Docker's daemon refuses, in its words: no PID column to pick the lines by, options ps refuses
    Cli.Result noPid = berthd.ctl("top", "watched", "-o", "rss");
    assertEquals(1, noPid.exit(), noPid::toString);
    assertEquals("Error response from daemon: Couldn't find PID field in ps output\n", noPid.stderr());
    Cli.Result refused = berthd.ctl("top", "watched", "-o", "nosuchfield");
    assertEquals(1, refused.exit(), refused::toString);
    assertEquals("Error response from daemon: ps: error: unknown user-defined format specifier \"nosuchfield\"\n",
        refused.stderr());
    ok("create", "--name", "idle", "busybox", "true");
    String idle = ok("inspect", "-f", "{{.Id}}", "idle").out().strip();
    Cli.Result stopped = berthd.ctl("top", "idle");
    assertEquals(1, stopped.exit(), stopped::toString);
    assertEquals("Error response from daemon: container " + idle + " is not running\n", stopped.stderr());
    ok("rm", "idle");

    String gateway = JSON.readTree(ok("inspect", "watched").stdout()).get(0).get("NetworkSettings").get("Gateway")
        .asText();
    ok("exec", "watched", "ping", "-c", "3", "-s", "1000", gateway);

    List<String> statLines = ok("stats", "--no-stream", "--format", "json", "watched").out().lines().toList();
    assertEquals(1, statLines.size(), statLines::toString);
    JsonNode stats = JSON.readTree(statLines.get(0));
    assertEquals("watched", stats.get("Name").asText());
    assertEquals("watched", stats.get("Container").asText());
    assertTrue(stats.get("MemUsage").asText().endsWith(" / 32MiB"), stats::toString);
    assertEquals("1", stats.get("PIDs").asText());
    // three echo requests of 1,028 bytes of IP went out on eth0 and three replies came back
    Matcher netIo = Pattern.compile("(\\d+(?:\\.\\d+)?)([kMG]?)B / (\\d+(?:\\.\\d+)?)([kMG]?)B")
        .matcher(stats.get("NetIO").asText());
    assertTrue(netIo.matches(), stats::toString);
    assertTrue(decimalBytes(netIo.group(1), netIo.group(2)) >= 3 * 1028, stats::toString);
    assertTrue(decimalBytes(netIo.group(3), netIo.group(4)) >= 3 * 1028, stats::toString);
    assertTrue(stats.get("BlockIO").asText().matches("\\d+(\\.\\d+)?[kMG]?B / \\d+(\\.\\d+)?[kMG]?B"),
        stats::toString);
    assertEquals("watched 1\n", ok("stats", "--no-stream", "--format", "{{.Name}} {{.PIDs}}", "watched").out());
    assertTrue(ok("stats", "--no-stream", "--format", "table {{.Name}}\t{{.MemPerc}}", "watched").out()
        .matches("NAME\\s+MEM %\nwatched\\s+\\d+\\.\\d\\d%\n"));
    List<String> table = ok("stats", "--no-stream").out().lines().toList();
    assertTrue(table.get(0).matches("CONTAINER ID\\s+NAME\\s+CPU %\\s+MEM USAGE / LIMIT\\s+MEM %\\s+NET I/O\\s+"
        + "BLOCK I/O\\s+PIDS"), table.toString());
    String none = ok("run", "-d", "--network", "none", "busybox", "sleep", "1000").out().strip();
    assertEquals(none.substring(0, 12) + "\n", ok("stats", "--no-stream", "--format", "{{.ID}}", none).out());
    assertEquals(none + "\n", ok("stats", "--no-stream", "--no-trunc", "--format", "{{.ID}}", none).out());
    assertTrue(ok("stats", "--no-stream", "--no-trunc").out().lines().anyMatch(l -> l.startsWith(none + " ")));
    JsonNode isolated = JSON.readTree(ok("stats", "--no-stream", "--format", "json", none).stdout());
    assertEquals("0B / 0B", isolated.get("NetIO").asText(), "no interface of its own to count");

    // a stopped container: left out unless named or --all, then zeros, as Docker shows it
    ok("create", "--name", "resting", "busybox", "true");
    String format = "{{.Name}} {{.CPUPerc}} {{.MemUsage}} {{.PIDs}}";
    assertTrue(ok("stats", "--no-stream", "--format", format).out().lines().noneMatch(l -> l.startsWith("resting ")));
    String zeros = "resting 0.00% 0B / 0B 0";
    assertTrue(ok("stats", "--no-stream", "-a", "--format", format).out().lines().anyMatch(zeros::equals));
    assertEquals("watched 1\nresting 0\n",
        ok("stats", "--no-stream", "--format", "{{.Name}} {{.PIDs}}", "watched", "resting").out());
  }

  @Test
  void statsShowsAnExitedContainerAsNotRunning() throws Exception {
    // its task is kept, cgroup and all, until the container is removed: metrics still come back for it
    ok("run", "--name", "ex1", "busybox", "true");
    String format = "{{.Name}} {{.CPUPerc}} {{.MemUsage}} {{.PIDs}}";
    assertTrue(ok("stats", "--no-stream", "--format", format).out().lines().noneMatch(l -> l.startsWith("ex1 ")));
    assertEquals("ex1 0.00% 0B / 0B 0\n", ok("stats", "--no-stream", "--format", format, "ex1").out());
  }

  @Test
  void streamingStatsShowsAContainerStartedMeanwhileByItsName() throws Exception {
    ok("run", "-d", "--name", "early", "busybox", "sleep", "1000");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Io io = new Io(new ByteArrayInputStream(new byte[0]), out, new PrintStream(new ByteArrayOutputStream(), true,
        StandardCharsets.UTF_8), Map.of("BERTH_ADDRESS", berthd.socket().toString()), false);
    Thread stats = new Thread(() -> BerthCtl.run(io, "stats", "--format", "{{.Name}}"));
    stats.start();
    try {
      awaitOutput(out, "early");
      ok("run", "-d", "--name", "late", "busybox", "sleep", "1000");
      awaitOutput(out, "late");
    } finally {
      stats.interrupt();
      stats.join(10_000);
    }
    String shown = out.toString(StandardCharsets.UTF_8);
    assertTrue(shown.lines().noneMatch(l -> l.matches(".*[0-9a-f]{64}.*")), shown);
  }

  /** Waits up to 10 s for a line {@code line} among what a streaming command printed. */
  private static void awaitOutput(ByteArrayOutputStream out, String line) throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      // each refresh starts by clearing the screen
      if (out.toString(StandardCharsets.UTF_8).replace("\033[2J\033[H", "\n").lines().anyMatch(line::equals)) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no line " + line + " in " + out.toString(StandardCharsets.UTF_8));
  }

  /** A size as stats prints it in powers of 1000 ({@code 3.1 k}) back to bytes, at least. */
  private static double decimalBytes(String number, String unit) {
    return Double.parseDouble(number) * switch (unit) {
      case "k" -> 1e3;
      case "M" -> 1e6;
      case "G" -> 1e9;
      default -> 1;
    };
  }

  @Test
  void copyInAndOutOfARunningAndAStoppedContainer() throws Exception {
    ok("run", "-d", "--name", "files", "busybox", "sleep", "1000");
    Files.writeString(tmp.resolve("note.txt"), "copied in\n");
    Cli.Result in = ok("cp", tmp.resolve("note.txt").toString(), "files:/tmp");
    assertEquals("copied in\n", ok("exec", "files", "cat", "/tmp/note.txt").out());
    // Docker's CLI's last line: the tar archive's size (a header, a block of content, two to end
    // it) and the destination, the host's made absolute
    assertEquals("Successfully copied 2.05kB to files:/tmp\n", in.stderr());
    assertEquals("Successfully copied 2.05kB to " + tmp + "/.\n",
        ok("cp", "files:/tmp/note.txt", tmp + "/.").stderr());
    assertEquals("", ok("cp", "-q", "files:/tmp/note.txt", tmp.toString()).stderr());
    assertEquals("", berthd.ctl("cp", "files:/tmp/note.txt", "-").stderr());
    ok("exec", "files", "sh", "-c", "mkdir -p /srv/d && echo deep > /srv/d/f");
    ok("cp", "files:/srv/d", tmp.resolve("out").toString());
    assertEquals("deep\n", Files.readString(tmp.resolve("out/f")));

    ok("create", "--name", "cold", "busybox", "true");
    ok("cp", tmp.resolve("note.txt").toString(), "cold:/note.txt");
    ok("cp", "cold:/note.txt", tmp.resolve("back.txt").toString());
    assertEquals("copied in\n", Files.readString(tmp.resolve("back.txt")));
    // Docker's words for a path missing in the container, exit 1
    Cli.Result missing = berthd.ctl("cp", "files:/no/such", tmp.toString());
    assertEquals(1, missing.exit());
    assertEquals("Error response from daemon: Could not find the file /no/such in container files\n",
        missing.stderr());
    assertEquals("Error response from daemon: Could not find the file /no/such in container files\n",
        berthd.ctl("cp", "files:/no/such", "-").stderr());
    // the container's /proc/self names no process berthctl can see from the host
    assertEquals("Error response from daemon: Could not find the file /proc/self/status in container files\n",
        berthd.ctl("cp", "files:/proc/self/status", tmp.toString()).stderr());
    Cli.Result noParent = berthd.ctl("cp", tmp.resolve("note.txt").toString(), "files:/no/dir/note.txt");
    assertEquals(1, noParent.exit());
    assertEquals("Error response from daemon: Could not find the file /no/dir in container files\n",
        noParent.stderr());
    // a host file that is not there: Go's words on its absolute path, bare as Docker's CLI prints them
    Cli.Result noSource = berthd.ctl("cp", tmp.resolve("absent").toString(), "files:/tmp");
    assertEquals(1, noSource.exit());
    assertEquals("lstat " + tmp.resolve("absent") + ": no such file or directory\n", noSource.stderr());
    // Docker's CLI's words for two containers or none
    assertEquals("copying between containers is not supported\n",
        berthd.ctl("cp", "files:/etc/hostname", "cold:/tmp").stderr());
    assertEquals("must specify at least one container source\n",
        berthd.ctl("cp", tmp.resolve("note.txt").toString(), tmp.resolve("copy.txt").toString()).stderr());

    // refused as docker refuses, and nothing is overwritten: a directory onto a file, a file where
    // a trailing '/' asks for a directory
    Files.writeString(tmp.resolve("keep.txt"), "important\n");
    assertEquals(1, berthd.ctl("cp", "files:/srv/d", tmp.resolve("keep.txt").toString()).exit());
    assertEquals("important\n", Files.readString(tmp.resolve("keep.txt")));
    assertEquals(1, berthd.ctl("cp", tmp.resolve("out").toString(), "files:/tmp/note.txt").exit());
    assertEquals(1, berthd.ctl("cp", tmp.resolve("keep.txt").toString(), "files:/tmp/note.txt/").exit());
    assertEquals("copied in\n", ok("exec", "files", "cat", "/tmp/note.txt").out());
    assertEquals(1, berthd.ctl("cp", tmp.resolve("keep.txt").toString(), "files:/tmp/nodir/").exit());
    assertEquals(1, berthd.ctl("exec", "files", "sh", "-c", "test -e /tmp/nodir").exit());
    assertEquals(1, berthd.ctl("cp", "files:/tmp/note.txt/", tmp.resolve("x").toString()).exit());
    assertFalse(Files.exists(tmp.resolve("x")));

    // as docker: a symlink named as the source is copied as the link unless -L; owners are the
    // destination's user (root here) unless -a keeps the source's
    ok("exec", "files", "sh", "-c", "echo target > /srv/t && chown 1000:1001 /srv/t && ln -s /srv/t /srv/link");
    ok("cp", "files:/srv/link", tmp.resolve("link").toString());
    assertEquals(Path.of("/srv/t"), Files.readSymbolicLink(tmp.resolve("link")));
    ok("cp", "-L", "files:/srv/link", tmp.resolve("followed").toString());
    assertEquals("target\n", Files.readString(tmp.resolve("followed")));
    assertEquals(0, Files.getAttribute(tmp.resolve("followed"), "unix:uid"));
    // and from the host: -L copies what the link points to, under the link's name
    Files.createSymbolicLink(tmp.resolve("hostlink"), tmp.resolve("note.txt"));
    ok("cp", "-L", tmp.resolve("hostlink").toString(), "files:/tmp/l2");
    ok("cp", "-L", tmp.resolve("hostlink").toString(), "files:/srv");
    assertEquals("copied in\ncopied in\n", ok("exec", "files", "sh", "-c",
        "test ! -L /tmp/l2 && test ! -L /srv/hostlink && cat /tmp/l2 /srv/hostlink").out());
    ok("cp", tmp.resolve("hostlink").toString(), "files:/srv/asis");
    ok("exec", "files", "sh", "-c", "test -L /srv/asis");
    ok("cp", "-a", "files:/srv/t", tmp.resolve("kept").toString());
    assertEquals(List.of(1000, 1001), List.of(Files.getAttribute(tmp.resolve("kept"), "unix:uid"),
        Files.getAttribute(tmp.resolve("kept"), "unix:gid")));
    ok("cp", tmp.resolve("kept").toString(), "files:/srv/in-root");
    ok("cp", "--archive", tmp.resolve("kept").toString(), "files:/srv/in-kept");
    assertEquals("in-kept 1000:1001\nin-root 0:0\n", ok("exec", "files", "sh", "-c",
        "cd /srv && ls -nd in-root in-kept | awk '{print $9 \" \" $3 \":\" $4}'").out());

    // the whole root of a running container: its files, not the kernel's /proc and /sys, no devices read
    List<String> names = tarNames(ok("cp", "files:/", "-").stdout());
    assertTrue(names.containsAll(List.of("bin/busybox", "etc/passwd", "tmp/note.txt", "srv/d/f", "proc/", "sys/")),
        names.toString());
    assertTrue(names.stream().noneMatch(n -> n.startsWith("proc/") && !n.equals("proc/") || n.startsWith("sys/")
        && !n.equals("sys/")), names.toString());
    Cli.Result exported = ok("export", "files");
    assertEquals(names, tarNames(exported.stdout()), "export writes what cp CONTAINER:/ - writes");
    ok("export", "-o", tmp.resolve("cold.tar").toString(), "cold");
    assertTrue(tarNames(Files.readAllBytes(tmp.resolve("cold.tar"))).containsAll(List.of("note.txt", "bin/busybox")));
    ok("cp", "files:/", tmp.resolve("all").toString());
    assertEquals("deep\n", Files.readString(tmp.resolve("all/srv/d/f")));
    try (var proc = Files.list(tmp.resolve("all/proc"))) {
      assertEquals(0, proc.count());
    }
  }

  @Test
  void copyThroughADirectoryTheContainerSwapsForASymlinkToItsRootNeverReachesTheHost() throws Exception {
    // CVE-2018-15664's race: between berthctl resolving c:/d/... and writing or reading it, the
    // container makes /d a symlink to an absolute path which, followed from the host, is the
    // host's: here a directory of the test's (what / would be in an attack), absent in the container
    Path host = Files.createDirectories(tmp.resolve("host"));
    ok("run", "-d", "--name", "swapper", "busybox", "sh", "-c",
        "while true; do rm -rf /d; mkdir /d; rm -rf /d; ln -s " + host + " /d; done");
    Path planted = host.resolve("planted");
    Path secret = host.resolve("secret");
    Files.writeString(tmp.resolve("planted"), "from the copy\n");
    Files.writeString(secret, "the host's\n");
    Path out = tmp.resolve("out");
    long end = System.nanoTime() + 4_000_000_000L;
    while (System.nanoTime() < end && !(Files.exists(planted, LinkOption.NOFOLLOW_LINKS) && Files.exists(out))) {
      berthd.ctl("cp", "-q", tmp.resolve("planted").toString(), "swapper:/d/");
      berthd.ctl("cp", "-q", "swapper:/d/secret", out.toString());
    }
    assertEquals(List.of(false, false), List.of(Files.exists(planted, LinkOption.NOFOLLOW_LINKS), Files.exists(out)),
        "wrote the host's " + planted + ", read the host's " + secret + " through /d");
    assertEquals("running", status("swapper"), "the container runs on after the copies");
  }

  @Test
  void copyThroughAVolumeAnotherContainerSwapsForASymlinkToTheHostNeverReachesTheHost() throws Exception {
    // the same race through a volume shared with a second container, which no freeze of the one
    // copied reaches: a running target and a stopped one (copied through its snapshot and volume)
    Path host = Files.createDirectories(tmp.resolve("host"));
    ok("volume", "create", "raced");
    ok("run", "-d", "--name", "volume-swapper", "-v", "raced:/shared", "busybox", "sh", "-c",
        "while true; do rm -rf /shared/d; mkdir /shared/d; rm -rf /shared/d; ln -s " + host + " /shared/d; done");
    ok("run", "-d", "--name", "volume-target", "-v", "raced:/shared", "busybox", "sleep", "1000");
    ok("create", "--name", "volume-stopped", "-v", "raced:/shared", "busybox", "true");
    Files.writeString(tmp.resolve("planted"), "from the copy\n");
    Files.writeString(host.resolve("secret"), "the host's\n");
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    Files.writeString(tree.resolve("leaf"), "from the copy\n");
    Path out = Files.createDirectories(tmp.resolve("out"));
    int round = 0;
    for (String target : List.of("volume-target", "volume-stopped")) {
      long end = System.nanoTime() + 3_000_000_000L;
      while (System.nanoTime() < end) {
        round++;
        berthd.ctl("cp", "-q", tmp.resolve("planted").toString(), target + ":/shared/d/");
        berthd.ctl("cp", "-q", tree.toString(), target + ":/shared/d/");
        // a destination of its own each time: one the container made a symlink is followed on the host, as by docker
        berthd.ctl("cp", "-q", target + ":/shared/d/secret", out.resolve("secret" + round).toString());
        berthd.ctl("cp", "-q", target + ":/shared/d", out.resolve("d" + round).toString());
        berthd.ctlWithInput(tarOfFile(tmp.resolve("planted"), "streamed"), "cp", "-", target + ":/shared/d");
        Cli.Result streamed = berthd.ctl("cp", target + ":/shared/d/secret", "-");
        assertFalse(new String(streamed.stdout(), StandardCharsets.ISO_8859_1).contains("the host's"),
            "read the host's secret through " + target + ":/shared/d as a tar stream");
      }
    }
    try (var planted = Files.list(host)) {
      assertEquals(List.of("secret"), planted.map(p -> p.getFileName().toString()).toList(),
          "wrote into the host's " + host + " through /shared/d");
    }
    try (var read = Files.walk(out)) {
      assertTrue(read.filter(f -> Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)).noneMatch(f -> {
        try {
          return Files.readString(f).equals("the host's\n");
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }), "read the host's " + host + "/secret through /shared/d");
    }
  }

  @Test
  void mountingAStoppedContainersNestedVolumesForACopyNeverLandsOnTheHost() throws Exception {
    // a stopped container's volumes are mounted over its snapshot for the copy, one inside another;
    // a running container sharing the outer volume swaps the directories they go on for symlinks
    // to a directory that, followed from the host, is the host's
    Path host = Files.createDirectories(tmp.resolve("host"));
    Path bound = Files.createDirectories(tmp.resolve("bound"));
    Files.writeString(bound.resolve("f"), "the bind's\n");
    try {
      ok("volume", "create", "nest-outer");
      ok("run", "-d", "--name", "nest-swapper", "-v", "nest-outer:/shared", "busybox", "sh", "-c",
          "while true; do rm -rf /shared/sub; mkdir /shared/sub; rm -rf /shared/sub; ln -s " + host + " /shared/sub;"
          + " done & while true; do rm -f /shared/made; ln -s " + host + " /shared/made; done");
      ok("create", "--name", "nest-stopped", "-v", "nest-outer:/shared", "-v", "nest-inner:/shared/sub",
          "-v", bound + ":/shared/made/deep", "busybox", "true");
      long end = System.nanoTime() + 4_000_000_000L;
      int copied = 0;
      for (int round = 1; System.nanoTime() < end; round++) {
        Path out = tmp.resolve("out" + round);
        Cli.Result copy = berthd.ctl("cp", "-q", "nest-stopped:/shared/made/deep/f", out.toString());
        if (copy.exit() == 0) {
          assertEquals("the bind's\n", Files.readString(out));
          copied++;
        } else {
          // a mount point made or removed meanwhile is looked up again, not a failed system call
          assertEquals("Error response from daemon: Could not find the file /shared/made/deep/f in container "
              + "nest-stopped\n", copy.stderr());
        }
        assertEquals(List.of(), mountsUnder(host), "round " + round + " mounted on the host's " + host);
        try (var made = Files.list(host)) {
          assertEquals(List.of(), made.toList(), "round " + round + " made files in the host's " + host);
        }
      }
      assertTrue(copied > 0, "no copy succeeded");
    } finally {
      List<Path> escaped = new ArrayList<>(mountsUnder(host));
      Collections.reverse(escaped);
      for (Path mountPoint : escaped) {
        try {
          Syscalls.unmount(mountPoint, Syscalls.MNT_DETACH);
        } catch (ErrnoException gone) {
          // went with a mount it was stacked on
        }
      }
      berthd.ctl("rm", "-f", "nest-swapper", "nest-stopped");
      berthd.ctl("volume", "rm", "nest-outer", "nest-inner");
    }
  }

  /** The mount points at or under {@code dir} in this process's mount namespace, outermost first. */
  private static List<Path> mountsUnder(Path dir) throws IOException {
    return mountsUnder(Path.of("/proc/self/mountinfo"), dir);
  }

  /** The mount points at or under {@code dir} that {@code mountInfo} lists, outermost first. */
  private static List<Path> mountsUnder(Path mountInfo, Path dir) throws IOException {
    return Files.readAllLines(mountInfo).stream().map(l -> Path.of(l.split(" ")[4]))
        .filter(p -> p.startsWith(dir)).toList();
  }

  private static byte[] tarOfFile(Path file, String name) throws IOException {
    ByteArrayOutputStream archive = new ByteArrayOutputStream();
    tarOf(file, name, archive);
    return archive.toByteArray();
  }

  @Test
  void hostPathsThroughAProcessRootAreCopiedAsDockers() throws Exception {
    ok("run", "-d", "--name", "cp-proc", "busybox", "sleep", "1000");
    try {
      // the host side is the user's: /proc/PID/root leads where it leads on the host
      Path viaProc = Path.of("/proc/" + ProcessHandle.current().pid() + "/root" + tmp);
      Files.writeString(tmp.resolve("in.txt"), "in\n");
      ok("cp", viaProc.resolve("in.txt").toString(), "cp-proc:/in.txt");
      assertEquals("in\n", ok("exec", "cp-proc", "cat", "/in.txt").out());
      ok("cp", "cp-proc:/in.txt", viaProc + "/");
      assertTrue(Files.isRegularFile(tmp.resolve("in.txt")));
      Files.createDirectories(tmp.resolve("out"));
      ok("cp", "cp-proc:/etc/hostname", viaProc.resolve("out") + "/");
      assertEquals(ok("exec", "cp-proc", "cat", "/etc/hostname").out(), Files.readString(tmp.resolve("out/hostname")));
    } finally {
      berthd.ctl("rm", "-f", "cp-proc");
    }
  }

  @Test
  void copyFollowingALinkKeepsTheLinksNameAsDockersCli() throws Exception {
    ok("run", "-d", "--name", "cp-link", "busybox", "sh", "-c", "ln -s /etc/hostname /hn; sleep 1000");
    try {
      awaitFile("cp-link", "/hn");
      Files.createDirectories(tmp.resolve("out"));
      ok("cp", "-L", "cp-link:/hn", tmp.resolve("out") + "/");
      try (var copied = Files.list(tmp.resolve("out"))) {
        assertEquals(List.of("hn"), copied.map(p -> p.getFileName().toString()).toList());
      }
      assertEquals(ok("exec", "cp-link", "cat", "/etc/hostname").out(), Files.readString(tmp.resolve("out/hn")));
    } finally {
      berthd.ctl("rm", "-f", "cp-link");
    }
  }

  @Test
  void copyLeavesAPausedContainerPaused() throws Exception {
    ok("run", "-d", "--name", "held-cp", "busybox", "sleep", "1000");
    ok("pause", "held-cp");
    Files.writeString(tmp.resolve("in.txt"), "in\n");
    ok("cp", tmp.resolve("in.txt").toString(), "held-cp:/in.txt");
    ok("cp", "held-cp:/in.txt", tmp.resolve("out.txt").toString());
    assertEquals("in\n", Files.readString(tmp.resolve("out.txt")));
    assertEquals("paused", status("held-cp"));
    ok("unpause", "held-cp");
  }

  @Test
  void aCopyOfAStoppedContainerStoppedBySigtermLeavesNothingMounted() throws Exception {
    Path temporary = Files.createDirectories(tmp.resolve("java-tmp"));
    copyOfAStoppedContainerEndedBy("cp-termed", temporary, Process::destroy);
    try (var left = Files.list(temporary)) {
      assertEquals(List.of(), left.toList());
    }
  }

  @Test
  void aCopyOfAStoppedContainerKilledWithSigkillLeavesNothingMounted() throws Exception {
    Path temporary = Files.createDirectories(tmp.resolve("java-tmp-killed"));
    copyOfAStoppedContainerEndedBy("cp-killed", temporary, Process::destroyForcibly);
    // SIGKILL runs no clean-up: its empty directories are left, and can be removed
    try (var tree = Files.walk(temporary)) {
      for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    assertFalse(Files.exists(temporary));
  }

  /**
   * Holds a copy of a stopped container's volume mid-way in a berthctl process, checks its mounts
   * are in no mount namespace but that process's own, ends it with {@code end}, and checks nothing
   * is left mounted and the container can be removed.
   */
  private void copyOfAStoppedContainerEndedBy(String name, Path temporary, Consumer<Process> end) throws Exception {
    ok("run", "--name", name, "-v", name + "-vol:/vol", "busybox", "sh", "-c",
        "dd if=/dev/zero of=/vol/big bs=1M count=4 2>/dev/null");
    try {
      Process copy = copyBlockedOnItsOutput(temporary, name + ":/vol", "-");
      try {
        assertFalse(mountsInAnyThreadOf(copy, temporary).isEmpty(), "the copy mounted nothing under " + temporary);
        assertEquals(List.of(), mountsUnder(temporary), "the copy's mounts are in the host's namespace");
      } finally {
        end.accept(copy);
        copy.waitFor();
      }
      assertEquals(List.of(), mountsUnder(temporary), "left mounted");
      ok("rm", name);
    } finally {
      berthd.ctl("rm", "-f", name);
      berthd.ctl("volume", "rm", name + "-vol");
    }
  }

  /** The mount points under {@code dir} in the mount namespace of any thread of {@code p}. */
  private static Set<Path> mountsInAnyThreadOf(Process p, Path dir) throws IOException {
    Set<Path> seen = new HashSet<>();
    try (var threads = Files.list(Path.of("/proc/" + p.pid() + "/task"))) {
      for (Path thread : threads.toList()) {
        seen.addAll(mountsUnder(thread.resolve("mountinfo"), dir));
      }
    }
    return seen;
  }

  @Test
  void aCopyOfAStoppedContainersMountsReachNoOtherMountNamespaceThroughASharedParent() throws Exception {
    ok("run", "--name", "cp-shared", "-v", "cp-shared-vol:/vol", "busybox", "sh", "-c",
        "dd if=/dev/zero of=/vol/big bs=1M count=4 2>/dev/null");
    // a /tmp as a systemd host has it: a shared mount, with a peer in another mount namespace
    Path shared = Files.createDirectories(tmp.resolve("shared"));
    run("mount", "--bind", shared.toString(), shared.toString());
    Process peer = null;
    try {
      run("mount", "--make-rshared", shared.toString());
      peer = new ProcessBuilder("unshare", "-m", "--propagation", "unchanged", "sleep", "120").start();
      Path peerMounts = Path.of("/proc/" + peer.pid() + "/mountinfo");
      while (Files.readString(peerMounts).equals(Files.readString(Path.of("/proc/self/mountinfo")))) {
        // unshare has not made its namespace yet
        Thread.sleep(20);
      }
      Process copy = copyBlockedOnItsOutput(shared, "cp-shared:/vol", "-");
      try {
        assertFalse(mountsInAnyThreadOf(copy, shared).size() <= 1, "the copy mounted nothing under " + shared);
        assertEquals(List.of(shared), mountsUnder(shared), "the copy's mounts reached the host's mount namespace");
        assertEquals(List.of(shared), mountsUnder(peerMounts, shared),
            "the copy's mounts reached another mount namespace");
      } finally {
        copy.destroy();
        copy.waitFor();
      }
      assertEquals(List.of(shared), mountsUnder(peerMounts, shared), "left in another mount namespace");
    } finally {
      if (peer != null) {
        peer.destroyForcibly().waitFor();
      }
      run("umount", "-R", shared.toString());
      berthd.ctl("rm", "-f", "cp-shared");
      berthd.ctl("volume", "rm", "cp-shared-vol");
    }
  }

  /**
   * berthctl {@code args} in a process of its own, its temporary files in {@code temporary}, once
   * it has filled the pipe of its stdout, which nothing reads: the copy is under way, held there.
   */
  private Process copyBlockedOnItsOutput(Path temporary, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Djava.io.tmpdir=" + temporary, "-cp", System.getProperty("java.class.path"), BerthCtl.class.getName(), "cp"));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
    pb.environment().put("BERTH_ADDRESS", berthd.socket().toString());
    Process copy = pb.start();
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      // the pipe holds 64 KiB: once that much waits there, berthctl is blocked writing the rest
      while (copy.getInputStream().available() < 65536) {
        assertTrue(copy.isAlive() && System.nanoTime() < deadline, "the copy did not get under way");
        Thread.sleep(50);
      }
      return copy;
    } catch (Exception | AssertionError e) {
      copy.destroyForcibly().waitFor();
      throw e;
    }
  }

  @Test
  void copiesLeaveTheContainerRunningAndStreamThroughStdinAndStdout() throws Exception {
    String since = Long.toString(Instant.now().getEpochSecond() - 1);
    String id = ok("run", "-d", "--name", "piped", "busybox", "sleep", "1000").out().strip();
    Map<String, String> env = Map.of("BERTH_ADDRESS", berthd.socket().toString());
    Set<containerd.v1.types.Status> seenByPipe = EnumSet.noneOf(containerd.v1.types.Status.class);
    ByteArrayOutputStream archive = new ByteArrayOutputStream();
    OutputStream slowReader = new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        seenByPipe.add(taskStatus(id));
        archive.write(b, off, len);
      }
    };
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertEquals(0, BerthCtl.run(new Io(new ByteArrayInputStream(new byte[0]), slowReader,
        new PrintStream(err, true, StandardCharsets.UTF_8), env, false), "cp", "piped:/etc/hostname", "-"), err::toString);
    assertEquals(List.of("hostname"), tarNames(archive.toByteArray()));
    assertEquals(0, BerthCtl.run(new Io(new ByteArrayInputStream(new byte[0]), slowReader,
        new PrintStream(err, true, StandardCharsets.UTF_8), env, false), "export", "piped"), err::toString);
    assertEquals(Set.of(containerd.v1.types.Status.RUNNING), seenByPipe, "stdout written while the container runs");

    Files.writeString(tmp.resolve("piped.txt"), "in\n");
    ByteArrayOutputStream tarred = new ByteArrayOutputStream();
    tarOf(tmp.resolve("piped.txt"), "piped.txt", tarred);
    byte[] tar = tarred.toByteArray();
    InputStream slowWriter = new InputStream() {
      private final InputStream in = new ByteArrayInputStream(tar);

      @Override
      public int read() throws IOException {
        seenByPipe.add(taskStatus(id));
        return in.read();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        seenByPipe.add(taskStatus(id));
        return in.read(b, off, len);
      }
    };
    assertEquals(0, BerthCtl.run(new Io(slowWriter, OutputStream.nullOutputStream(),
        new PrintStream(err, true, StandardCharsets.UTF_8), env, false), "cp", "-", "piped:/tmp"), err::toString);
    assertEquals(Set.of(containerd.v1.types.Status.RUNNING), seenByPipe, "stdin read while the container runs");
    assertEquals("in\n", ok("exec", "piped", "cat", "/tmp/piped.txt").out());
    ok("cp", tmp.resolve("piped.txt").toString(), "piped:/tmp/again.txt");
    ok("cp", "piped:/tmp/again.txt", tmp.resolve("again.txt").toString());
    assertEquals("running", status("piped"));
    // never paused for a copy: no pause or unpause in its events
    assertEquals(List.of("create", "start"), ok("events", "--since", since, "--until", "0s", "--filter",
        "container=piped", "--format", "{{.Action}}").out().lines().filter(a -> !a.startsWith("exec")).toList());
  }

  private containerd.v1.types.Status taskStatus(String id) {
    return ContainerState.task(berthd.channel(), id).orElseThrow().getStatus();
  }

  @Test
  void copyToASymlinkWhoseTargetsDirectoryIsMissingNamesThatDirectoryAsDockers() throws Exception {
    ok("run", "-d", "--name", "dangling", "busybox", "sleep", "1000");
    ok("exec", "dangling", "sh", "-c", "ln -s /tmp/x/y /link2 && ln -s x/y /tmp/rel");
    Files.writeString(tmp.resolve("f"), "f\n");
    Cli.Result absolute = berthd.ctl("cp", tmp.resolve("f").toString(), "dangling:/link2");
    assertEquals(1, absolute.exit(), absolute::toString);
    assertEquals("Error response from daemon: Could not find the file /tmp/x in container dangling\n",
        absolute.stderr());
    // a relative target, from the link's directory
    assertEquals("Error response from daemon: Could not find the file /tmp/x in container dangling\n",
        berthd.ctl("cp", tmp.resolve("f").toString(), "dangling:/tmp/rel").stderr());
  }

  @Test
  void anArchiveWhoseEntryClimbsOutOfTheDestinationIsRefusedAsDockers() throws Exception {
    ok("run", "-d", "--name", "climb", "busybox", "sleep", "1000");
    ByteArrayOutputStream archive = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(archive)) {
      TarArchiveEntry up = new TarArchiveEntry("../etc/climbed");
      tar.putArchiveEntry(up);
      tar.closeArchiveEntry();
    }
    Cli.Result refused = berthd.ctlWithInput(archive.toByteArray(), "cp", "-", "climb:/tmp");
    assertEquals(1, refused.exit(), refused::toString);
    assertEquals("Error response from daemon: \"../etc/climbed\" is outside of \"/tmp\"\n", refused.stderr());
    ok("exec", "climb", "sh", "-c", "test ! -e /etc/climbed");
  }

  @Test
  void copyKeepsSetuidAndSetgidBitsWithoutArchiveAsDockers() throws Exception {
    Path su = tmp.resolve("su");
    Files.writeString(su, "#!/bin/sh\n");
    Files.setAttribute(su, "unix:mode", 04755);
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    Files.writeString(tree.resolve("sg"), "#!/bin/sh\n");
    Files.setAttribute(tree.resolve("sg"), "unix:mode", 02755);
    ok("run", "-d", "--name", "modes", "busybox", "sleep", "1000");
    ok("create", "--name", "stopped-modes", "busybox", "true");

    ok("cp", su.toString(), "modes:/tmp/su");
    ok("cp", tree.toString(), "modes:/tmp/tree");
    ok("cp", su.toString(), "stopped-modes:/su");
    ByteArrayOutputStream archive = new ByteArrayOutputStream();
    tarOf(su, "from-tar", archive);
    assertEquals(0, berthd.ctlWithInput(archive.toByteArray(), "cp", "-", "modes:/tmp").exit());
    assertEquals("-rwsr-xr-x\n-rwsr-xr-x\n-rwxr-sr-x\n", ok("exec", "modes", "sh", "-c",
        "ls -l /tmp/su /tmp/from-tar /tmp/tree/sg | cut -c1-10").out());

    ok("cp", "modes:/tmp/su", tmp.resolve("su-out").toString());
    ok("cp", "modes:/tmp/tree", tmp.resolve("tree-out").toString());
    ok("cp", "stopped-modes:/su", tmp.resolve("su-cold").toString());
    assertEquals(04755, (int) Files.getAttribute(tmp.resolve("su-out"), "unix:mode") & 07777);
    assertEquals(02755, (int) Files.getAttribute(tmp.resolve("tree-out/sg"), "unix:mode") & 07777);
    assertEquals(04755, (int) Files.getAttribute(tmp.resolve("su-cold"), "unix:mode") & 07777);
  }

  @Test
  void copyOfADirectorysDotOrOfARootCopiesWhatItHoldsAsDockers() throws Exception {
    ok("run", "-d", "--name", "dots", "busybox", "sleep", "1000");
    Path tree = Files.createDirectories(tmp.resolve("tree/sub"));
    Files.writeString(tree.resolve("g"), "g\n");
    ok("exec", "dots", "sh", "-c", "mkdir /into");
    ok("cp", tmp.resolve("tree").toString() + "/.", "dots:/into");
    assertEquals("/into/sub\n/into/sub/g\n", ok("exec", "dots", "sh", "-c", "find /into -mindepth 1").out());

    Path existing = Files.createDirectories(tmp.resolve("existing"));
    ok("cp", "dots:/into/.", existing.toString());
    assertEquals("g\n", Files.readString(existing.resolve("sub/g")));
    assertFalse(Files.exists(existing.resolve("into")));

    Path whole = Files.createDirectories(tmp.resolve("whole"));
    ok("cp", "-q", "dots:/", whole.toString());
    assertTrue(Files.isRegularFile(whole.resolve("bin/busybox")), "the root's contents, not a directory named ''");
    assertEquals("g\n", Files.readString(whole.resolve("into/sub/g")));
  }

  @Test
  void copiedDirectoriesKeepTheirTimesAsDockers() throws Exception {
    ok("run", "-d", "--name", "times", "busybox", "sleep", "1000");
    ok("exec", "times", "sh", "-c", "mkdir -p /t/sub && echo f > /t/sub/f && touch -d \"2001-02-03 04:05:06\" /t/sub /t");
    ok("cp", "times:/t", tmp.resolve("t").toString());
    Instant then = Instant.parse("2001-02-03T04:05:06Z");
    assertEquals(List.of(then, then), List.of(Files.getLastModifiedTime(tmp.resolve("t")).toInstant(),
        Files.getLastModifiedTime(tmp.resolve("t/sub")).toInstant()));
    ok("cp", tmp.resolve("t").toString(), "times:/back");
    assertEquals("981173106\n981173106\n", ok("exec", "times", "sh", "-c", "stat -c %Y /back /back/sub").out());
  }

  @Test
  void aHostDestinationThatIsASymlinkIsFollowedAsDockers() throws Exception {
    ok("run", "-d", "--name", "followed", "busybox", "sleep", "1000");
    ok("exec", "followed", "sh", "-c", "echo f > /f");
    // to a file, or to where a dangling one points; the link stays
    Path target = Files.writeString(tmp.resolve("target"), "old\n");
    Files.createSymbolicLink(tmp.resolve("link"), Path.of("target"));
    Files.createSymbolicLink(tmp.resolve("dangling"), Path.of("made"));
    ok("cp", "followed:/f", tmp.resolve("link").toString());
    ok("cp", "followed:/f", tmp.resolve("dangling").toString());
    assertTrue(Files.isSymbolicLink(tmp.resolve("link")));
    assertEquals("f\n", Files.readString(target));
    assertTrue(Files.isSymbolicLink(tmp.resolve("dangling")));
    assertEquals("f\n", Files.readString(tmp.resolve("made")));
  }

  @Test
  void copyKeepsFileCapabilitiesAsDockersArchiveDoes() throws Exception {
    ok("run", "-d", "--name", "caps", "busybox", "sleep", "1000");
    // setcap cap_net_raw+ep
    byte[] netRaw = {1, 0, 0, 2, 0, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    Path ping = Files.writeString(tmp.resolve("ping"), "#!/bin/sh\n");
    Xattrs.set(ping, "security.capability", netRaw);
    ok("cp", ping.toString(), "caps:/ping");
    ok("cp", "-a", ping.toString(), "caps:/ping-a");
    ok("cp", "caps:/ping", tmp.resolve("back").toString());
    Path inContainer = Path.of("/proc", ok("inspect", "-f", "{{.State.Pid}}", "caps").out().strip(), "root");
    assertArrayEquals(netRaw, Xattrs.get(inContainer.resolve("ping"), "security.capability"));
    assertArrayEquals(netRaw, Xattrs.get(inContainer.resolve("ping-a"), "security.capability"));
    assertArrayEquals(netRaw, Xattrs.get(tmp.resolve("back"), "security.capability"));
  }

  @Test
  void copyOfAFileTheContainerKeepsExtendingEndsAtTheSizeItHadAsDockers() throws Exception {
    // the copy lands on a small tmpfs the container also sees: making the destination tells the
    // container to extend its file (sparse, a GiB in all) while it is read, and a copy that read
    // on to its end would fill the tmpfs rather than the disk
    Path shared = Files.createDirectories(tmp.resolve("shared"));
    run("mount", "-t", "tmpfs", "-o", "size=512m", "tmpfs", shared.toString());
    try {
      ok("run", "-d", "--name", "grower", "-v", shared + ":/h", "busybox", "sh", "-c",
          "while [ ! -e /h/copy ]; do sleep 0.01; done; i=2; while [ $i -le 16 ]; do "
          + "dd if=/dev/zero of=/grows bs=1 count=1 seek=$((i * 67108864 - 1)) conv=notrunc 2>/dev/null; "
          + "i=$((i+1)); done; sleep 1000");
      ok("exec", "grower", "sh", "-c", "dd if=/dev/zero of=/grows bs=1 count=1 seek=67108863 2>/dev/null");
      Cli.Result copied = assertTimeoutPreemptively(Duration.ofSeconds(60),
          () -> berthd.ctl("cp", "grower:/grows", shared.resolve("copy").toString()));
      assertEquals(0, copied.exit(), copied::toString);
      assertEquals(64 << 20, Files.size(shared.resolve("copy")), "the size stat said when the copy began");
    } finally {
      berthd.ctl("rm", "-f", "grower");
      run("umount", shared.toString());
    }
  }

  private static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).inheritIO().start();
    assertEquals(0, p.waitFor(), String.join(" ", command));
  }

  @Test
  void importMakesAnImageOfAnExportedRootFilesystem(@TempDir Path tmp) throws Exception {
    ok("run", "--name", "flat", "busybox", "sh", "-c", "echo from the rootfs > /hello");
    Path tar = tmp.resolve("flat.tar");
    ok("export", "-o", tar.toString(), "flat");
    String id = ok("import", "-c", "CMD [\"cat\", \"/hello\"]", "-c", "ENV GREETING=\"hi there\"", "-m", "flattened",
        tar.toString(), "flat:1").out().strip();
    assertTrue(id.matches("sha256:[0-9a-f]{64}"), id);
    assertEquals("from the rootfs\n", ok("run", "--rm", "flat:1").out());
    assertEquals("hi there\n", ok("run", "--rm", "flat:1", "sh", "-c", "echo $GREETING").out());
    JsonNode image = JSON.readTree(ok("image", "inspect", "flat:1").stdout()).get(0);
    assertEquals(1, image.get("RootFS").get("Layers").size(), image::toString);
    assertEquals("flattened", image.get("Comment").asText(), image::toString);
    // from stdin, compressed, and by Docker's image form of the command
    ByteArrayOutputStream gzipped = new ByteArrayOutputStream();
    try (GZIPOutputStream gzip = new GZIPOutputStream(gzipped)) {
      gzip.write(Files.readAllBytes(tar));
    }
    assertEquals(0, berthd.ctlWithInput(gzipped.toByteArray(), "image", "import", "-", "flat:2").exit());
    assertEquals("from the rootfs\n", ok("run", "--rm", "flat:2", "cat", "/hello").out());
    // listed newest first by the images' own dates, as Docker lists them: the imports (now) before busybox (2024)
    List<String> listed = ok("images", "--format", "{{.Repository}}:{{.Tag}}").out().lines().toList();
    assertEquals("busybox:latest", listed.get(listed.size() - 1), listed::toString);
    assertTrue(listed.indexOf("flat:1") < listed.indexOf("busybox:latest"), listed::toString);
    // before= and since= name an image as inspect does: also by a prefix of its id, sha256: or not
    String flatId = id.substring("sha256:".length());
    String busyboxId = ok("images", "-q", "busybox:latest").out().strip();
    List<String> older = ok("images", "-q", "--filter", "before=" + flatId.substring(0, 8)).out().lines().toList();
    assertTrue(older.contains(busyboxId) && !older.contains(flatId.substring(0, 12)), older::toString);
    List<String> newer = ok("images", "--format", "{{.Repository}}:{{.Tag}}", "--filter", "since=sha256:" + busyboxId)
        .out().lines().toList();
    assertTrue(newer.contains("flat:1") && !newer.contains("busybox:latest"), newer::toString);
    // several before, since or until: each must hold, as Docker 27's containerd image store asks for each
    String beforeBoth = ok("images", "-q", "--filter", "before=flat:1", "--filter", "before=busybox").out();
    assertEquals(ok("images", "-q", "--filter", "before=busybox").out(), beforeBoth);
    assertFalse(beforeBoth.contains(busyboxId), beforeBoth);
    String sinceBoth = ok("images", "-q", "--filter", "since=busybox", "--filter", "since=flat:1").out();
    assertEquals(ok("images", "-q", "--filter", "since=flat:1").out(), sinceBoth);
    assertFalse(sinceBoth.contains(flatId.substring(0, 12)), sinceBoth);
    String later = "2099-01-01T00:00:00Z";
    assertEquals("", ok("images", "-q", "--filter", "until=" + later, "--filter", "until=2000-01-01").out());
    assertTrue(ok("images", "-q", "--filter", "until=" + later, "--filter", "until=2098-01-01").out().contains(
        busyboxId));
    // and so does an image prune: only what was made before the earliest goes, here nothing
    assertEquals("Total reclaimed space: 0B\n", ok("image", "prune", "-a", "-f", "--filter", "until=2000-01-01",
        "--filter", "until=" + later).out());
    assertEquals(busyboxId + "\n", ok("images", "-q", "busybox:latest").out());
    Cli.Result both = berthd.ctl("images", "--filter", "dangling=true", "--filter", "dangling=false");
    assertEquals("Error response from daemon: invalid filter 'dangling=[true false]'\n", both.stderr(), both::toString);

    // without a name, as Docker's: kept untagged, run by its id
    String untagged = ok("import", "-c", "CMD [\"cat\", \"/hello\"]", tar.toString()).out().strip();
    assertTrue(untagged.matches("sha256:[0-9a-f]{64}"), untagged);
    assertEquals("from the rootfs\n", ok("run", "--rm", untagged).out());
    assertTrue(ok("images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}").out().lines()
        .anyMatch(l -> l.equals("<none>:<none> " + untagged.substring(7, 19))), () -> ok("images").out());

    // refused, and no image made: input that is no tar, an instruction Docker's import does not take
    Cli.Result notTar = berthd.ctlWithInput("just text\n".getBytes(StandardCharsets.UTF_8), "import", "-", "flat:3");
    assertEquals(1, notTar.exit(), notTar::toString);
    assertTrue(notTar.stderr().contains("not a tar archive"), notTar::toString);
    Cli.Result run = berthd.ctl("import", "-c", "RUN true", tar.toString(), "flat:3");
    assertEquals(1, run.exit(), run::toString);
    assertEquals("Error response from daemon: RUN is not a valid change command\n", run.stderr(), run::toString);
    assertEquals(1, berthd.ctl("image", "inspect", "flat:3").exit());

    // commit takes the same changes over the container's settings
    ok("commit", "-c", "CMD [\"echo\", \"changed\"]", "-c", "LABEL tier=db", "flat", "flat:4");
    assertEquals("changed\n", ok("run", "--rm", "flat:4").out());
    assertEquals("db\n", ok("image", "inspect", "-f", "{{index .Config.Labels \"tier\"}}", "flat:4").out());
    // and HEALTHCHECK and ONBUILD, as Docker's daemon takes them
    ok("commit", "-c", "HEALTHCHECK --interval=5s CMD true", "-c", "ONBUILD RUN echo built", "flat", "flat:5");
    assertEquals("[CMD-SHELL true] [RUN echo built]\n", ok("image", "inspect", "-f",
        "{{.Config.Healthcheck.Test}} {{.Config.OnBuild}}", "flat:5").out());
    // a container's check as Docker's daemon merges it with the image's, zero fields left out of the JSON
    ok("create", "--name", "unchecked", "--no-healthcheck", "flat:5");
    assertEquals("{\"Test\":[\"NONE\"],\"Interval\":5000000000}\n",
        ok("inspect", "-f", "{{json .Config.Healthcheck}}", "unchecked").out());
    ok("create", "--name", "rechecked", "--health-cmd", "exit 0", "--health-retries", "0", "--health-timeout", "0s",
        "flat:5");
    assertEquals("{\"Test\":[\"CMD-SHELL\",\"exit 0\"],\"Interval\":5000000000} 0s 0\n", ok("inspect", "-f",
        "{{json .Config.Healthcheck}} {{.Config.Healthcheck.Timeout}} {{.Config.Healthcheck.Retries}}",
        "rechecked").out());
  }

  private static List<String> tarNames(byte[] archive) throws IOException {
    List<String> names = new ArrayList<>();
    try (TarArchiveInputStream tar = new TarArchiveInputStream(new ByteArrayInputStream(archive))) {
      for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        names.add(e.getName());
      }
    }
    return names;
  }

  @Test
  void diffListsWhatTheContainerAddedChangedAndDeleted() throws Exception {
    ok("run", "--name", "changer", "busybox", "sh", "-c",
        "mkdir -p /srv/new && echo x > /srv/new/f && echo y >> /etc/passwd && rm /bin/ping"
        + " && head -c 131072 /dev/zero > /srv/zeros");
    List<String> diff = ok("diff", "changer").out().lines().toList();
    assertTrue(diff.containsAll(List.of("C /bin", "D /bin/ping", "C /etc", "C /etc/passwd", "A /srv", "A /srv/new",
        "A /srv/new/f", "A /srv/zeros")), diff::toString);
    assertEquals(diff.stream().map(l -> l.substring(2)).sorted().toList(), diff.stream().map(l -> l.substring(2)).toList(),
        "sorted by path");
    assertEquals(1, berthd.ctl("diff", "nosuch").exit());
    // busybox has no /etc/hosts: runc's mount point for it is no change of the container's, as in docker diff
    ok("run", "--name", "unchanged", "busybox", "true");
    assertEquals("", ok("diff", "unchanged").out());

    List<String> sized = ok("ps", "-a", "-s", "--filter", "name=changer").out().lines().toList();
    assertTrue(sized.get(0).endsWith("NAMES     SIZE"), sized::toString);
    // the writable layer holds what the container wrote (a 128 KiB file); the virtual size adds busybox's content
    Matcher size = Pattern.compile("changer +([0-9.]+)(B|kB|MB) \\(virtual ([0-9.]+)(kB|MB)\\)$").matcher(sized.get(1));
    assertTrue(size.find(), sized::toString);
    assertTrue(size.group(2).equals("kB") || size.group(2).equals("MB"), sized::toString);
    assertTrue(Double.parseDouble(size.group(3)) > 0, sized::toString);
    JsonNode sizes = JSON.readTree(ok("inspect", "-s", "changer").stdout()).get(0);
    assertTrue(sizes.get("SizeRw").asLong() >= 131072, sizes::toString);
    assertTrue(sizes.get("SizeRootFs").asLong() > sizes.get("SizeRw").asLong(), sizes::toString);
    assertTrue(JSON.readTree(ok("inspect", "changer").stdout()).get(0).path("SizeRw").isMissingNode());
    // as Docker: a template naming .Size asks for sizes without -s
    assertTrue(ok("ps", "-a", "--filter", "name=changer", "--format", "{{.Names}} {{.Size}}").out()
        .matches("changer [0-9.]+[kM]?B \\(virtual [0-9.]+[kM]B\\)\n"));
  }

  @Test
  void imageLabelFiltersMatchTheImageConfigsLabels() throws Exception {
    ok("create", "--name", "labeller", "busybox", "true");
    try {
      ok("commit", "-c", "LABEL pf.x=1", "labeller", "pf-x:1");
      ok("commit", "-c", "LABEL pf.x=1", "-c", "LABEL pf.y=1", "labeller", "pf-xy:1");
      ok("commit", "labeller", "pf-none:1");
      assertEquals(List.of("pf-x", "pf-xy"), repositories("--filter", "label=pf.x=1"));
      assertEquals(List.of("pf-xy"), repositories("--filter", "label=pf.x=1", "--filter", "label=pf.y"));

      String kept = ok("image", "prune", "-a", "-f", "--filter", "label=pf.x=1", "--filter", "label!=pf.y").out();
      assertTrue(kept.startsWith("Deleted Images:\nuntagged: pf-x:1\n"), kept);
      assertEquals(List.of("pf-none", "pf-xy"), repositories("--filter", "reference=pf-*"));
      String pruned = ok("image", "prune", "-a", "-f", "--filter", "label=pf.x=1").out();
      assertTrue(pruned.startsWith("Deleted Images:\nuntagged: pf-xy:1\n"), pruned);
      assertEquals(List.of("pf-none"), repositories("--filter", "reference=pf-*"));
    } finally {
      berthd.ctl("rmi", "pf-x:1", "pf-xy:1", "pf-none:1");
    }
  }

  @Test
  void imagePruneAndImagesUntilCompareWhenTheRecordWasMadeNotTheConfigsCreatedAsDocker27() throws Exception {
    // busybox-layered's config says 2024 (its created), its record is made by the load just now;
    // Docker 27's containerd image store compares the record's CreatedAt; busybox a container holds
    ok("create", "--name", "old-holder", "busybox", "true");
    try {
      ok("commit", "old-holder", "pf-new:1");
      Path archive = TestImages.busyboxLayered().writeDockerArchive(tmp.resolve("layered.tar"));
      ok("load", "-i", archive.toString());
      assertEquals(List.of(), repositories("--filter", "until=24h", "--filter", "reference=busybox-layered"));
      String young = ok("image", "prune", "-a", "-f", "--filter", "until=24h").out();
      assertFalse(young.contains("busybox-layered") || young.contains("pf-new"), young);
      assertEquals(List.of("busybox-layered", "pf-new"), repositories("--filter", "reference=pf-*",
          "--filter", "reference=busybox-layered"), "made less than 24 hours ago");

      assertEquals(List.of("busybox-layered"), repositories("--filter", "until=0s",
          "--filter", "reference=busybox-layered"));
      String pruned = ok("image", "prune", "-a", "-f", "--filter", "until=0s").out();
      assertTrue(pruned.contains("untagged: busybox-layered:latest\n") && pruned.contains("untagged: pf-new:1\n"),
          pruned);
      assertEquals(List.of("busybox"), repositories("--filter", "reference=pf-*", "--filter", "reference=busybox*"),
          "the image a container uses is kept");
    } finally {
      berthd.ctl("rm", "old-holder");
      berthd.ctl("rmi", "pf-new:1", "busybox-layered");
    }
  }

  @Test
  void imagePruneReportsWhatItFreedNotWhatAnEarlierRmiLeftToTheCollector() throws Exception {
    try {
      String owed = imported("owed", "pf-owed:1");
      String pruned = imported("pruned", "pf-pruned:1", "-c", "LABEL pf.prune=1");
      // its blobs are the collector's a second from now, when the prune below has begun
      ok("rmi", "pf-owed:1");
      String out = ok("image", "prune", "-a", "-f", "--filter", "label=pf.prune=1").out();
      List<String> deleted = out.lines().filter(l -> l.startsWith("deleted: ")).toList();
      assertTrue(out.startsWith("Deleted Images:\nuntagged: pf-pruned:1\n"), out);
      assertTrue(deleted.contains("deleted: " + pruned), out);
      assertFalse(deleted.contains("deleted: " + owed), out);
      // its manifest, config and one layer
      assertEquals(3, deleted.size(), out);
    } finally {
      berthd.ctl("rmi", "pf-owed:1", "pf-pruned:1");
    }
  }

  /** The id of an image imported from a root file system of one file holding {@code content}. */
  private static String imported(String content, String name, String... changes) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      byte[] data = content.getBytes(StandardCharsets.UTF_8);
      TarArchiveEntry file = new TarArchiveEntry("content");
      file.setSize(data.length);
      tar.putArchiveEntry(file);
      tar.write(data);
      tar.closeArchiveEntry();
    }
    List<String> args = new ArrayList<>(List.of("import"));
    args.addAll(List.of(changes));
    args.addAll(List.of("-", name));
    Cli.Result r = berthd.ctlWithInput(bytes.toByteArray(), args.toArray(String[]::new));
    assertEquals(0, r.exit(), r::toString);
    return r.out().strip();
  }

  /** The repositories {@code images} lists with {@code filters}, sorted. */
  private static List<String> repositories(String... filters) {
    List<String> args = new ArrayList<>(List.of("images", "--format", "{{.Repository}}"));
    args.addAll(List.of(filters));
    return ok(args.toArray(String[]::new)).out().lines().sorted().toList();
  }

  @Test
  void commitMakesAnImageOfTheContainersChanges() throws Exception {
    ok("run", "-d", "--name", "committer", "-e", "GREETING=hi", "-w", "/srv", "-l", "tier=db", "busybox", "sh", "-c",
        "echo kept > /hello; rm /bin/ping; sleep 1000");
    ok("exec", "committer", "sh", "-c", "while [ ! -e /hello ]; do sleep 0.1; done");
    String id = ok("commit", "-a", "Ann", "-m", "add hello", "committer", "snap:1").out().strip();
    assertTrue(id.matches("sha256:[0-9a-f]{64}"), id);
    assertEquals("running", JSON.readTree(ok("inspect", "committer").stdout()).get(0).get("State").get("Status").asText(),
        "paused for the commit only");
    assertEquals("kept\n", ok("run", "--rm", "snap:1", "cat", "/hello").out());
    assertEquals(1, berthd.ctl("run", "--rm", "snap:1", "ls", "/bin/ping").exit(), "the deletion is in the layer too");
    List<String> history = ok("history", "snap:1").out().lines().toList();
    assertTrue(history.get(1).matches(id.substring(7, 19) + "\\s+.*berthctl commit\\s+.*add hello"), history::toString);
    JsonNode image = JSON.readTree(ok("image", "inspect", "snap:1").stdout()).get(0);
    assertEquals(2, image.get("RootFS").get("Layers").size(), image::toString);
    assertEquals("Ann", image.get("Author").asText(), image::toString);
    assertEquals("add hello", image.get("Comment").asText(), image::toString);
    // as Docker's: the image runs as the container was made to run
    JsonNode config = image.get("Config");
    assertEquals("[\"sh\",\"-c\",\"echo kept > /hello; rm /bin/ping; sleep 1000\"]", config.get("Cmd").toString());
    assertEquals("/srv", config.get("WorkingDir").asText());
    assertEquals("db", config.get("Labels").get("tier").asText());
    List<String> env = new ArrayList<>();
    config.get("Env").forEach(e -> env.add(e.asText()));
    assertTrue(env.contains("GREETING=hi") && env.stream().noneMatch(e -> e.startsWith("HOSTNAME=")), env::toString);
    assertEquals("hi /srv\n", ok("run", "--rm", "snap:1", "sh", "-c", "echo $GREETING $PWD").out());

    // without a name, as Docker's: an untagged image, known by its id, listed as <none>; tag names it, rmi takes the id
    String untagged = ok("commit", "committer").out().strip();
    assertTrue(untagged.matches("sha256:[0-9a-f]{64}"), untagged);
    String shortId = untagged.substring(7, 19);
    assertTrue(ok("images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}").out().lines()
        .anyMatch(l -> l.equals("<none>:<none> " + shortId)), () -> ok("images").out());
    assertEquals("kept\n", ok("run", "--rm", untagged, "cat", "/hello").out());
    ok("tag", shortId, "snap:named");
    assertEquals(List.of("snap:named " + shortId), ok("images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}").out()
        .lines().filter(l -> l.endsWith(shortId)).toList(), "a tagged image is no longer dangling");
    ok("rmi", untagged);
    assertFalse(ok("images", "-q").out().contains(shortId));
  }

  @Test
  void taskAndContainerViews() throws Exception {
    String id = ok("run", "-d", "--name", "viewed", "busybox", "sleep", "1000").out().strip();
    assertTrue(ok("task", "ls").out().lines().anyMatch(l -> l.matches(id + "\\s+\\d+\\s+RUNNING")));
    JsonNode tasks = JSON.readTree(ok("task", "ls", "--format", "json").stdout());
    assertEquals("RUNNING", tasks.get(0).get("status").asText());
    assertEquals(2, ok("task", "ps", "viewed").out().lines().count());
    assertTrue(ok("container", "records").out().lines()
        .anyMatch(l -> l.matches(id + "\\s+viewed\\s+busybox:latest\\s+io.containerd.runc.v2")));
    // Docker's management forms are the top-level commands
    assertEquals(ok("ps", "-a", "--no-trunc").out(), ok("container", "ls", "-a", "--no-trunc").out());
    assertEquals(ok("ps", "-q").out(), ok("container", "list", "-q").out());
    Cli.Result running = berthd.ctl("container", "rm", "viewed");
    assertEquals(1, running.exit(), running::toString);
    assertEquals("Error response from daemon: cannot remove container \"/viewed\": container is running: stop the "
        + "container before removing or force remove\n", running.stderr());
    assertEquals(1, berthd.ctl("container", "delete", "viewed").exit());
    ok("task", "kill", "-s", "KILL", "viewed");
    assertEquals("137\n", ok("wait", "viewed").out());
    assertEquals(id + " 137\n", ok("task", "rm", "viewed").out());
    assertEquals("viewed\n", ok("container", "delete", "viewed").out());
    assertEquals("", ok("ps", "-aq").out());
  }

  @Test
  void removingAnImagesNamesIsUntagThenDeleteOnceTheLastGoesByItsId() throws Exception {
    ok("run", "--name", "imaged", "busybox", "sh", "-c", "echo x > /made");
    try {
      ok("commit", "imaged", "evt-img:1");
      ok("tag", "evt-img:1", "evt-img:2");
      String id = ok("image", "inspect", "-f", "{{.Id}}", "evt-img:1").out().strip();
      AtomicReference<Cli.Result> followed = new AtomicReference<>();
      String since = unixNow();
      String until = Long.toString(Instant.now().getEpochSecond() + 8);
      Thread follower = new Thread(() -> followed.set(berthd.ctl("events", "--filter", "type=image", "--since", since,
          "--until", until, "--format", "{{.Action}} {{.Actor.ID}} {{.Actor.Attributes.name}}")));
      follower.start();
      Thread.sleep(1000);
      ok("rmi", "evt-img:1");
      ok("rmi", "evt-img:2");
      follower.join(20_000);
      // as Docker's daemon with containerd's image store: each name untagged by the image's id,
      // then the image deleted, named by its id, once the last name went
      assertEquals(List.of("untag " + id + " evt-img:1", "untag " + id + " evt-img:2", "delete " + id + " " + id),
          followed.get().out().lines().toList(), followed.get()::toString);
    } finally {
      berthd.ctl("rm", "-f", "imaged");
      berthd.ctl("rmi", "evt-img:1", "evt-img:2");
    }
  }

  @Test
  void eventsSinceReplaysWhatBerthdRecordedThenFollows() throws Exception {
    String since = Long.toString(Instant.now().getEpochSecond() - 1);
    ok("run", "--name", "replayed", "busybox", "true");
    try {
      assertEquals(List.of("create", "attach", "start", "die"), ok("events", "--since", since, "--until", "0s",
          "--filter", "container=replayed", "--format", "{{.Action}}").out().lines().toList(),
          "recorded, then the end; attached before the start, as Docker's run without -d");
      AtomicReference<Cli.Result> followed = new AtomicReference<>();
      String until = Long.toString(Instant.now().getEpochSecond() + 6);
      Thread follower = new Thread(() -> followed.set(berthd.ctl("events", "--since", since, "--until", until,
          "--filter", "event=die", "--filter", "container=replayed", "--filter", "container=followed", "--format",
          "{{.Actor.Attributes.name}}")));
      follower.start();
      // subscribed before this run or after it, the follower sees each container's end once
      ok("run", "--name", "followed", "busybox", "true");
      follower.join(20_000);
      assertEquals(0, followed.get().exit(), followed.get()::toString);
      assertEquals(List.of("replayed", "followed"), followed.get().out().lines().toList());
    } finally {
      berthd.ctl("rm", "-f", "replayed", "followed");
    }
  }

  @Test
  void eventsFollowTheContainersLifeInDockersWords() throws Exception {
    AtomicReference<Cli.Result> text = new AtomicReference<>();
    AtomicReference<Cli.Result> json = new AtomicReference<>();
    String since = unixNow();
    String until = Long.toString(Instant.now().getEpochSecond() + 10);
    Thread follower = new Thread(() -> text.set(berthd.ctl("events", "--filter", "type=container", "--since", since,
        "--until", until)));
    Thread jsonFollower = new Thread(() -> json.set(berthd.ctl("events", "--format", "json", "--filter",
        "container=evented", "--filter", "event=die", "--since", since, "--until", until)));
    AtomicReference<Cli.Result> execs = new AtomicReference<>();
    Thread execFollower = new Thread(() -> execs.set(berthd.ctl("events", "--filter", "event=exec_create",
        "--format", "{{.Action}}", "--since", since, "--until", until)));
    follower.start();
    jsonFollower.start();
    execFollower.start();
    Thread.sleep(1000);
    assertEquals(3, berthd.ctl("run", "--rm", "--name", "evented", "-l", "team=ev", "busybox", "sh", "-c", "exit 3")
        .exit());
    // what Docker's daemon reports and containerd's events do not: kill, stop, rename, update
    String id = ok("run", "-d", "--name", "evented2", "-l", "team=ev", "busybox", "sleep", "60").out().trim();
    ok("rename", "evented2", "evented3");
    ok("update", "--cpu-shares", "512", "evented3");
    ok("exec", "evented3", "sh", "-c", "exit 0");
    ok("stop", "-t", "0", "evented3");
    ok("rm", "evented3");
    follower.join(15_000);
    jsonFollower.join(15_000);
    execFollower.join(15_000);
    String seen = text.get().out();
    assertEquals(0, text.get().exit(), text.get()::toString);
    for (String action : List.of("create", "start", "die", "destroy")) {
      assertTrue(seen.lines().anyMatch(l -> l.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z container "
          + action + " [0-9a-f]{64} \\(.*image=busybox, name=evented, team=ev\\)")), action + " missing in:\n" + seen);
    }
    // Docker's execDuration: the whole seconds the container ran (0 unless the machine is loaded)
    assertTrue(seen.lines().anyMatch(l -> l.matches(".* \\(execDuration=\\d+, exitCode=3, image=busybox, name=evented, team=ev\\)")),
        seen);
    assertTrue(seen.lines().noneMatch(l -> l.contains("/tasks/") || l.contains(" snapshot ")), seen);
    List<String> second = seen.lines().filter(l -> l.contains(" " + id + " ")).map(l -> l.substring(l.indexOf(' ') + 1))
        .filter(l -> !l.contains(" exec_")).map(l -> l.replaceFirst("execDuration=\\d+, ", "execDuration=N, ")).toList();
    // Docker's exec actions name the command, the filter the action alone
    assertEquals(List.of(
        "container exec_create: sh -c exit 0 " + id + " (image=busybox, name=evented3, team=ev)",
        "container exec_start: sh -c exit 0 " + id + " (image=busybox, name=evented3, team=ev)",
        "container exec_die " + id + " (exitCode=0, image=busybox, name=evented3, team=ev)"),
        seen.lines().filter(l -> l.contains(" exec_")).map(l -> l.substring(l.indexOf(' ') + 1))
            .map(l -> l.replaceFirst("execID=[^,]+, ", "")).toList(), seen);
    assertEquals("exec_create: sh -c exit 0\n", execs.get().out(), execs.get()::toString);
    assertEquals(List.of(
        "container create " + id + " (image=busybox, name=evented2, team=ev)",
        "container start " + id + " (image=busybox, name=evented2, team=ev)",
        "container rename " + id + " (image=busybox, name=evented3, oldName=/evented2, team=ev)",
        "container update " + id + " (image=busybox, name=evented3, team=ev)",
        "container kill " + id + " (image=busybox, name=evented3, signal=9, team=ev)",
        "container die " + id + " (execDuration=N, exitCode=137, image=busybox, name=evented3, team=ev)",
        "container stop " + id + " (image=busybox, name=evented3, team=ev)",
        "container destroy " + id + " (image=busybox, name=evented3, team=ev)"), second, seen);
    List<String> lines = json.get().out().lines().toList();
    // container=evented is a prefix of evented3's name too, which Docker's daemon's filter matches
    assertEquals(2, lines.size(), json.get()::toString);
    assertEquals("evented3", JSON.readTree(lines.get(1)).get("Actor").get("Attributes").get("name").asText());
    JsonNode die = JSON.readTree(lines.get(0));
    assertEquals("container", die.get("Type").asText());
    assertEquals("die", die.get("Action").asText());
    assertEquals("3", die.get("Actor").get("Attributes").get("exitCode").asText());
    // whole seconds: 0 on a quiet machine, more on a loaded one
    assertTrue(die.get("Actor").get("Attributes").get("execDuration").asText().matches("\\d+"), die::toString);
    assertEquals("evented", die.get("Actor").get("Attributes").get("name").asText());
    assertEquals(die.get("time").asLong(), die.get("timeNano").asLong() / 1_000_000_000L);
  }

  /**
   * A container there before {@code events} started, which it had no event of, is named in its
   * destroy (a prune's, here), as Docker's daemon names it, not left without attributes.
   */
  @Test
  void aDestroyNamesAContainerThatWasThereBeforeEventsStarted() throws Exception {
    String id = ok("create", "--name", "pre-existing", "-l", "pe.ev=1", "busybox", "true").out().strip();
    AtomicReference<Cli.Result> followed = new AtomicReference<>();
    // from after the create: the follower has no event of the container before its destroy
    String since = unixNow();
    String until = Long.toString(Instant.now().getEpochSecond() + 8);
    Thread follower = new Thread(() -> followed.set(berthd.ctl("events", "--filter", "event=destroy", "--filter",
        "container=" + id, "--since", since, "--until", until)));
    follower.start();
    // time for the follower to start (it replays from `since` and follows until `until` whatever happens)
    Thread.sleep(1000);
    ok("container", "prune", "-f", "--filter", "label=pe.ev=1");
    follower.join(15_000);
    assertEquals(0, followed.get().exit(), followed.get()::toString);
    assertEquals(List.of("container destroy " + id + " (image=busybox, name=pre-existing, pe.ev=1)"),
        followed.get().out().lines().map(l -> l.substring(l.indexOf(' ') + 1)).toList());
  }

  /**
   * Docker's daemon mounts a container's volumes as it starts and unmounts them as it cleans up
   * after the exit: a volume mount before the start, an unmount before the die.
   */
  @Test
  void aContainersVolumesAreMountedBeforeItsStartAndUnmountedBeforeItsDie() throws Exception {
    String since = unixNow();
    String id = ok("run", "-d", "--name", "vol-evented", "-v", "evvol:/data:ro", "busybox", "sleep", "60").out().strip();
    try {
      ok("stop", "-t", "0", "vol-evented");
      // Docker's MountPoint of a volume has no propagation (a bind's is rprivate unless given)
      assertEquals("volume []\n", ok("inspect", "-f", "{{(index .Mounts 0).Type}} [{{(index .Mounts 0).Propagation}}]",
          "vol-evented").out());
      List<String> seen = ok("events", "--since", since, "--until", "0s", "--filter", "type=volume", "--filter",
          "type=container", "--format", "{{.Type}} {{.Action}} {{.Actor.ID}} {{json .Actor.Attributes}}").out().lines()
          .filter(l -> l.contains(" " + id + " ") || l.contains(" evvol ")).map(l -> l.replace(id, "ID")).toList();
      assertEquals(List.of("volume create evvol {\"driver\":\"local\"}",
          "container create ID {\"image\":\"busybox\",\"name\":\"vol-evented\"}",
          "volume mount evvol {\"container\":\"ID\",\"destination\":\"/data\",\"driver\":\"local\","
              + "\"propagation\":\"\",\"read/write\":\"false\"}",
          "container start ID {\"image\":\"busybox\",\"name\":\"vol-evented\"}",
          "volume unmount evvol {\"container\":\"ID\",\"driver\":\"local\"}"),
          seen.stream().filter(l -> !l.startsWith("container kill ")).limit(5).toList(), seen::toString);
      // the unmount comes just before the die, as Docker's daemon cleans up before it logs the die
      int unmount = seen.indexOf("volume unmount evvol {\"container\":\"ID\",\"driver\":\"local\"}");
      assertTrue(seen.get(unmount + 1).startsWith("container die ID {\"execDuration\":"), seen::toString);
    } finally {
      berthd.ctl("rm", "-f", "vol-evented");
      berthd.ctl("volume", "rm", "evvol");
    }
  }

  @Test
  void prunesEndWithDockersPruneEventsWhateverTheyRemoved() {
    String since = unixNow();
    ok("run", "--label", "pf.ev=1", "busybox", "sh", "-c", "echo x > /made");
    String id = ok("ps", "-aq", "--no-trunc", "--filter", "label=pf.ev=1").out().strip();
    ok("container", "prune", "-f", "--filter", "label=pf.ev=1");
    // none selected: the prune is logged all the same, as Docker's daemon logs it
    ok("network", "prune", "-f", "--filter", "label=pf.ev=none");
    ok("volume", "prune", "-f", "--filter", "label=pf.ev=none");
    List<String> seen = ok("events", "--since", since, "--until", "0s", "--filter", "event=destroy", "--filter",
        "event=prune", "--format", "{{.Type}} {{.Action}} {{.Actor.ID}} {{json .Actor.Attributes}}").out().lines()
        .toList();
    assertEquals(4, seen.size(), seen::toString);
    assertTrue(seen.get(0).startsWith("container destroy " + id + " "), seen::toString);
    assertTrue(seen.get(1).matches("container prune  \\{\"reclaimed\":\"[1-9]\\d*\"}"), seen::toString);
    assertEquals(List.of("network prune  {\"reclaimed\":\"0\"}", "volume prune  {\"reclaimed\":\"0\"}"),
        seen.subList(2, 4));
  }

  @Test
  void replayedEventsCarryTheNameTheContainerHadThenAsDockersDaemonRecordsThem() {
    String id = ok("create", "--name", "before-rename", "busybox").out().strip();
    ok("rename", "before-rename", "after-rename");
    String format = "{{.Action}} {{.Actor.Attributes.name}}";
    assertEquals("create before-rename\n", ok("events", "--since", "10m", "--until", "0s", "--filter",
        "container=before-rename", "--format", format).out());
    // container= takes a prefix of the id or of the name the event carries, as Docker's daemon's filter
    assertEquals("rename after-rename\n", ok("events", "--since", "10m", "--until", "0s", "--filter",
        "container=after", "--format", format).out());
    assertEquals("create before-rename\nrename after-rename\n", ok("events", "--since", "10m", "--until", "0s",
        "--filter", "container=" + id.substring(0, 12), "--format", format).out());
    // --until alone replays every event berthd keeps up to then, as Docker's daemon does
    assertEquals("create before-rename\n", ok("events", "--until", "0s", "--filter", "container=before-rename",
        "--format", format).out());
  }

  @Test
  void logsOfADetachedContainer() {
    try {
      LogsGrpc.newBlockingStub(berthd.channel()).read(ReadLogsRequest.newBuilder().setContainerId("none").build())
          .hasNext();
    } catch (StatusRuntimeException e) {
      Assumptions.assumeTrue(e.getStatus().getCode() != Status.Code.UNIMPLEMENTED,
          "berthd serves no berth.logs.v1 yet");
    }
    ok("run", "-d", "--name", "talker", "busybox", "sh", "-c", "echo one; echo two >&2; sleep 0.2; echo three");
    assertEquals("0\n", ok("wait", "talker").out());
    Cli.Result logs = ok("logs", "talker");
    assertEquals("one\nthree\n", logs.out());
    assertEquals("two\n", logs.stderr());
    assertEquals("three\n", ok("logs", "--tail", "1", "talker").out());
    assertEquals("one\nthree\n", ok("logs", "--tail", "-1", "talker").out(), "negative: all, as Docker's");
    // Docker's daemon reads --tail with Go's Atoi and takes what it refuses for all
    for (String all : new String[] {"x", "1.5", "0x1", "99999999999999999999"}) {
      assertEquals("one\nthree\n", ok("logs", "--tail", all, "talker").out(), all);
    }
    assertEquals("three\n", ok("logs", "-n", "+1", "talker").out());
    assertEquals("one\nthree\n", ok("logs", "-n", "9999999999", "talker").out());
    assertTrue(ok("logs", "-t", "talker").out()
        .matches("(?s)\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z one\n.*"),
        "nine digits of fraction, as Docker's");
    assertEquals(" one\n three\n", ok("logs", "--details", "talker").out(), "no attributes: a space, as docker's");
    String threeAt = ok("logs", "-t", "--tail", "1", "talker").out().split(" ")[0];
    assertEquals("one\n", ok("logs", "--until", Instant.parse(threeAt).minusMillis(1).toString(), "talker").out());
    assertEquals("", ok("logs", "--until", "1h", "talker").out(), "nothing before an hour ago");

    // as docker keeps them: a new run's lines follow the earlier ones'
    ok("start", "talker");
    assertEquals("0\n", ok("wait", "talker").out());
    assertEquals("one\nthree\none\nthree\n", ok("logs", "talker").out());

    // a follow with --until ends then, the container still running
    ok("run", "-d", "--name", "chatter", "busybox", "sh", "-c", "while true; do echo tick; sleep 0.1; done");
    try {
      long start = System.nanoTime();
      Cli.Result followed = ok("logs", "-f", "--until", Instant.now().plusSeconds(1).toString(), "chatter");
      assertTrue(followed.out().startsWith("tick\n"), followed::toString);
      assertTrue(System.nanoTime() - start < 20_000_000_000L, "the follow ended at --until");
    } finally {
      berthd.ctl("rm", "-f", "chatter");
    }
  }

  @Test
  void healthChecksRunWhileTheContainerRunsAndTheirVerdictShows() throws Exception {
    List<String> verdicts = new CopyOnWriteArrayList<>();
    Context.CancellableContext listening = Context.current().withCancellation();
    listening.run(() -> EventsGrpc.newStub(berthd.channel()).subscribe(SubscribeRequest.newBuilder()
        .addFilters("topic==\"/containers/health_status\"").build(), new StreamObserver<Envelope>() {
          @Override
          public void onNext(Envelope e) {
            try {
              verdicts.add(ContainerHealthStatus.parseFrom(e.getEvent().getValue()).getStatus());
            } catch (InvalidProtocolBufferException ex) {
              verdicts.add(ex.toString());
            }
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        }));
    try {
      // its failures before the first pass do not count (start period), so a loaded machine's
      // slow next steps still find it starting
      ok("run", "-d", "--name", "doc", "--health-cmd", "test -f /tmp/ok", "--health-interval", "300ms",
          "--health-retries", "2", "--health-start-period", "1m", "--health-start-interval", "300ms", "busybox",
          "sleep", "1000");
      ok("run", "-d", "--name", "slow", "--health-cmd", "sleep 5", "--health-timeout", "200ms", "--health-interval",
          "300ms", "--health-retries", "1", "busybox", "sleep", "1000");
      ok("run", "-d", "--name", "plain", "busybox", "sleep", "1000");
      assertTrue(ok("ps", "--filter", "name=doc").out().contains("(health: starting)"));
      assertEquals("plain\n", ok("ps", "--filter", "health=none", "--format", "{{.Names}}").out());

      ok("exec", "doc", "sh", "-c", "echo > /tmp/ok");
      JsonNode healthy = awaitHealth("doc", "healthy");
      assertEquals(0, healthy.get("FailingStreak").asInt());
      assertEquals(0, healthy.get("Log").get(healthy.get("Log").size() - 1).get("ExitCode").asInt());
      assertTrue(ok("ps", "--filter", "name=doc").out().contains(" (healthy) "), ok("ps").out());
      assertEquals("doc\n", ok("ps", "--filter", "health=healthy", "--format", "{{.Names}}").out());

      ok("exec", "doc", "sh", "-c", "rm /tmp/ok");
      JsonNode unhealthy = awaitHealth("doc", "unhealthy");
      assertTrue(unhealthy.get("FailingStreak").asInt() >= 2, unhealthy::toString);
      assertTrue(unhealthy.get("Log").size() <= 5, unhealthy::toString);
      assertEquals(1, unhealthy.get("Log").get(unhealthy.get("Log").size() - 1).get("ExitCode").asInt());

      JsonNode timedOut = awaitHealth("slow", "unhealthy");
      JsonNode last = timedOut.get("Log").get(timedOut.get("Log").size() - 1);
      assertEquals(-1, last.get("ExitCode").asInt());
      assertEquals("Health check exceeded timeout (200ms)", last.get("Output").asText());

      // in its start period a starting container is checked every start interval, not every hour
      ok("run", "-d", "--name", "eager", "--health-cmd", "test -f /tmp/ok", "--health-interval", "1h",
          "--health-start-period", "1m", "--health-start-interval", "300ms", "busybox", "sleep", "1000");
      ok("exec", "eager", "sh", "-c", "echo > /tmp/ok");
      JsonNode eager = awaitHealth("eager", "healthy");
      assertEquals(300_000_000L, JSON.readTree(ok("inspect", "eager").stdout()).get(0).get("Config")
          .get("Healthcheck").get("StartInterval").asLong(), eager::toString);

      // a start begins the check anew: the healthy container is starting again, and stays so while
      // its checks fail within the new start period (which do not count), however slow the machine
      ok("exec", "eager", "sh", "-c", "rm /tmp/ok");
      ok("restart", "-t", "0", "eager");
      // berthd's health monitor learns of the start from its events, a moment after restart returns
      JsonNode restarted = awaitHealth("eager", "starting");
      // as docker's daemon: the probes before the start are still shown
      boolean passKept = false;
      for (JsonNode probe : restarted.get("Log")) {
        passKept |= probe.get("ExitCode").asInt() == 0;
      }
      assertTrue(passKept, restarted::toString);
      Thread.sleep(1000); // three failing checks at the 300 ms start interval
      assertEquals("starting", JSON.readTree(ok("inspect", "eager").stdout()).get(0).get("State").get("Health")
          .get("Status").asText());
      assertTrue(JSON.readTree(ok("inspect", "plain").stdout()).get(0).get("State").path("Health").isMissingNode());

      Cli.Result conflict = berthd.ctl("run", "--rm", "--no-healthcheck", "--health-cmd", "true", "busybox", "true");
      assertEquals(125, conflict.exit(), conflict::toString);
      assertEquals("berthctl: --no-healthcheck conflicts with --health-* options.\nSee 'berthctl run --help'.\n",
          conflict.stderr());
      assertTrue(verdicts.containsAll(List.of("healthy", "unhealthy")), verdicts::toString);
      // as Docker's daemon: a start, which makes it starting, is no event, only a probe's verdict
      assertFalse(verdicts.contains("starting"), verdicts::toString);
    } finally {
      listening.cancel(null);
      berthd.ctl("rm", "-f", "doc", "slow", "plain", "eager");
    }
  }

  /** Waits up to 5 s for {@code times} lines {@code line} in the container's log. */
  private void awaitLog(String container, String line, long times) throws InterruptedException {
    for (int i = 0; i < 50 && ok("logs", container).out().lines().filter(line::equals).count() < times; i++) {
      Thread.sleep(100);
    }
  }

  /** The container's State.Health once its status is {@code status}, waiting up to 20 s for it. */
  private JsonNode awaitHealth(String container, String status) throws Exception {
    JsonNode health = null;
    for (int i = 0; i < 200; i++) {
      health = JSON.readTree(ok("inspect", container).stdout()).get(0).get("State").get("Health");
      if (health.get("Status").asText().equals(status)) {
        return health;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(container + " did not become " + status + ": " + health);
  }

  @Test
  void logsWithMaxFileKeepThatManyFilesReadAndFollowedAcrossThem() throws Exception {
    // lines of some 55 bytes against 1k: a rotation every 18 lines or so, paced so that the
    // follower, started during the first seconds (a loaded machine's), keeps up
    ok("run", "-d", "--name", "rotated", "--log-opt", "max-size=1k", "--log-opt", "max-file=3", "busybox", "sh", "-c",
        "sleep 3; i=0; while [ $i -lt 100 ]; do echo line-$i; i=$((i+1)); sleep 0.02; done");
    AtomicReference<Cli.Result> followed = new AtomicReference<>();
    Thread follower = new Thread(() -> followed.set(berthd.ctl("logs", "-f", "rotated")));
    follower.start();
    assertEquals("0\n", ok("wait", "rotated").out());
    follower.join(30_000);
    assertEquals(IntStream.range(0, 100).mapToObj(i -> "line-" + i).toList(), followed.get().out().lines().toList(),
        "followed through every rotation: " + followed.get());

    Path log = Path.of(ok("inspect", "-f", "{{.LogPath}}", "rotated").out().strip());
    Path older = log.resolveSibling(log.getFileName() + ".1");
    Path oldest = log.resolveSibling(log.getFileName() + ".2");
    assertTrue(Files.exists(older) && Files.exists(oldest), "max-file=3: the log and two older files");
    assertFalse(Files.exists(log.resolveSibling(log.getFileName() + ".3")));
    // a rotation at the last line leaves no log: conmon ended before it opened the new one
    for (Path f : Files.exists(log) ? List.of(log, older, oldest) : List.of(older, oldest)) {
      assertTrue(Files.size(f) < 2048, f + " is about max-size: " + Files.size(f));
    }
    List<String> kept = ok("logs", "rotated").out().lines().toList();
    int first = Integer.parseInt(kept.get(0).substring("line-".length()));
    assertTrue(first > 0, "the oldest lines went with the oldest file: " + kept);
    assertEquals(IntStream.range(first, 100).mapToObj(i -> "line-" + i).toList(), kept, "oldest first");
    assertEquals("line-97\nline-98\nline-99\n", ok("logs", "--tail", "3", "rotated").out());
    assertEquals(kept.size(), ok("logs", "-t", "--tail", Integer.toString(kept.size() + 10), "rotated").out().lines()
        .count(), "a tail longer than the files takes them all");

    ok("rm", "rotated");
    for (Path f : List.of(log, older, oldest)) {
      assertFalse(Files.exists(f), f + " goes with the container");
    }
  }

  @Test
  void logsWithCompressReadTheGzippedOlderFilesOnceEachInOrder() throws Exception {
    ok("run", "-d", "--name", "gzipped", "--log-opt", "max-size=1k", "--log-opt", "max-file=4", "--log-opt",
        "compress=true", "busybox", "sh", "-c",
        "sleep 3; i=0; while [ $i -lt 150 ]; do echo line-$i; i=$((i+1)); sleep 0.02; done");
    AtomicReference<Cli.Result> followed = new AtomicReference<>();
    Thread follower = new Thread(() -> followed.set(berthd.ctl("logs", "-f", "gzipped")));
    follower.start();
    assertEquals("0\n", ok("wait", "gzipped").out());
    follower.join(30_000);
    assertEquals(IntStream.range(0, 150).mapToObj(i -> "line-" + i).toList(), followed.get().out().lines().toList(),
        "followed through every rotation and compression: " + followed.get());

    Path log = Path.of(ok("inspect", "-f", "{{.LogPath}}", "gzipped").out().strip());
    List<Path> older = IntStream.rangeClosed(1, 3).mapToObj(n -> log.resolveSibling(log.getFileName() + "." + n + ".gz"))
        .toList();
    Path plain = log.resolveSibling(log.getFileName() + ".1");
    for (int i = 0; i < 100 && (Files.exists(plain) || !Files.exists(older.get(0))); i++) {
      // the last rotation's file is compressed as the container ends
      Thread.sleep(50);
    }
    for (Path f : older) {
      byte[] head = Arrays.copyOf(Files.readAllBytes(f), 2);
      assertArrayEquals(new byte[] {0x1f, (byte) 0x8b}, head, f + " is gzip");
    }
    assertFalse(Files.exists(plain), "no plain copy beside " + older.get(0));
    assertFalse(Files.exists(log.resolveSibling(log.getFileName() + ".4.gz")));

    List<String> kept = ok("logs", "gzipped").out().lines().toList();
    int first = Integer.parseInt(kept.get(0).substring("line-".length()));
    assertTrue(first > 0, "the oldest lines went with the oldest file: " + kept);
    assertEquals(IntStream.range(first, 150).mapToObj(i -> "line-" + i).toList(), kept, "each line once, oldest first");
    int tail = kept.size() - 5;
    assertEquals(kept.subList(5, kept.size()), ok("logs", "--tail", Integer.toString(tail), "gzipped").out().lines()
        .toList(), "a tail reaching into the oldest gzipped file");
    assertEquals("line-148\nline-149\n", ok("logs", "--tail", "2", "gzipped").out());
    assertEquals("{\"compress\":\"true\",\"max-file\":\"4\",\"max-size\":\"1k\"}",
        ok("inspect", "-f", "{{json .HostConfig.LogConfig.Config}}", "gzipped").out().strip());

    // what conmon's reopen leaves when the container goes before it renamed it over the log
    Path reopen = log.resolveSibling(log.getFileName() + ".tmp");
    Files.write(reopen, new byte[0]);
    ok("rm", "gzipped");
    for (Path f : older) {
      assertFalse(Files.exists(f), f + " goes with the container");
    }
    assertFalse(Files.exists(reopen), "the new log a reopen left goes too");
    Cli.Result bad = berthd.ctl("run", "--log-opt", "compress=notabool", "busybox", "true");
    assertEquals(125, bad.exit(), bad::toString);
    assertTrue(bad.stderr().contains("failed to initialize logging driver: strconv.ParseBool: parsing \"notabool\":"
        + " invalid syntax"), bad::toString);
  }

  @Test
  void logOptionsCapTheLogAndDriverNoneKeepsNone() throws Exception {
    try {
      Cli.Result capped = berthd.ctl("run", "-d", "--name", "capped", "--log-opt", "max-size=1k", "busybox", "sh",
          "-c", "i=0; while [ $i -lt 200 ]; do echo line-$i; i=$((i+1)); done; sleep 1000");
      assertEquals(0, capped.exit(), capped::toString);
      assertEquals("", capped.stderr());
      String logs = "";
      for (int i = 0; i < 100 && !logs.contains("line-199\n"); i++) {
        Thread.sleep(50);
        logs = ok("logs", "capped").out();
      }
      assertTrue(logs.endsWith("line-199\n"), logs);
      assertTrue(!logs.startsWith("line-0\n") && logs.lines().count() < 200, "the log started again: " + logs);
      JsonNode logConfig = JSON.readTree(ok("inspect", "capped").stdout()).get(0).get("HostConfig").get("LogConfig");
      assertEquals("json-file", logConfig.get("Type").asText());
      assertEquals("1k", logConfig.get("Config").get("max-size").asText());

      ok("run", "-d", "--name", "silent", "--log-driver", "none", "busybox", "sh", "-c", "echo hidden; sleep 1000");
      Cli.Result none = berthd.ctl("logs", "silent");
      assertTrue(none.exit() != 0, none::toString);
      assertEquals("Error response from daemon: configured logging driver does not support reading\n",
          none.stderr());
      assertEquals("\n", ok("inspect", "-f", "{{.LogPath}}", "silent").out(), "no log, no path, as docker's");
      for (List<String> bad : List.of(List.of("--log-driver", "syslog"), List.of("--log-opt", "max-size=lots"),
          List.of("--log-opt", "tag=web"), List.of("--log-driver", "none", "--log-opt", "max-size=1m"))) {
        List<String> args = new ArrayList<>(List.of("run", "--rm"));
        args.addAll(bad);
        args.addAll(List.of("busybox", "true"));
        Cli.Result r = berthd.ctl(args.toArray(String[]::new));
        assertEquals(125, r.exit(), () -> bad + ": " + r);
      }
    } finally {
      berthd.ctl("rm", "-f", "capped", "silent");
    }
  }

  @Test
  void detailsShowTheLabelsAndVariablesJsonFilesLogOptionsName() throws Exception {
    try {
      ok("run", "-d", "--name", "tagged", "-l", "a=1", "-l", "zone=eu west", "-l", "other=x", "-e", "B=x*y",
          "-e", "PAGER=less", "--log-opt", "labels=a,missing", "--log-opt", "labels-regex=^zo", "--log-opt", "env=B",
          "--log-opt", "env-regex=^PAG", "busybox", "sh", "-c", "echo line; sleep 1000");
      awaitLog("tagged", "line", 1);
      // as docker's json-file: sorted by key, escaped as Go's url.QueryEscape, then a space
      assertEquals("B=x%2Ay,PAGER=less,a=1,zone=eu+west line\n", ok("logs", "--details", "tagged").out());
      assertEquals("line\n", ok("logs", "tagged").out());
      // as docker's: the attribute options are json-file's alone
      Cli.Result local = berthd.ctl("run", "--rm", "--log-driver", "local", "--log-opt", "env=B", "busybox", "true");
      assertEquals(125, local.exit(), local::toString);
      assertTrue(local.stderr().contains("unknown log opt 'env' for local log driver"), local::toString);
    } finally {
      berthd.ctl("rm", "-f", "tagged");
    }
  }

  @Test
  void completionScriptAndHelp() {
    String script = ok("completion").out();
    assertTrue(script.contains("complete") && script.contains("berthctl"), script);
    for (String command : List.of("run", "ps", "stop", "rm", "logs", "exec", "inspect", "volume", "task", "container")) {
      Cli.Result help = ok(command, "--help");
      assertTrue(help.out().contains("Examples:"), command + ": " + help.out());
    }
  }

  @Test
  void berthdRestartsAContainerWithPolicyAlwaysUntilStopped() throws Exception {
    ok("run", "-d", "--name", "phoenix", "--restart", "always", "busybox", "sh", "-c", "sleep 0.2; exit 1");
    Instant firstStart = Instant.parse(JSON.readTree(ok("inspect", "phoenix").stdout()).get(0).get("State")
        .get("StartedAt").asText());
    int restarts = 0;
    for (int i = 0; i < 100 && restarts < 2; i++) {
      Thread.sleep(100);
      restarts = JSON.readTree(ok("inspect", "phoenix").stdout()).get(0).get("RestartCount").asInt();
    }
    assertTrue(restarts >= 2, "restarted " + restarts + " times");
    Instant lastStart = Instant.parse(JSON.readTree(ok("inspect", "phoenix").stdout()).get(0).get("State")
        .get("StartedAt").asText());
    assertTrue(lastStart.isAfter(firstStart.plusMillis(200)), "started at " + lastStart + ", first at " + firstStart);
    // between its runs it shows as docker shows it: restarting, listed by ps without -a
    boolean inspected = false;
    boolean listed = false;
    for (int i = 0; i < 200 && !(inspected && listed); i++) {
      JsonNode state = JSON.readTree(ok("inspect", "phoenix").stdout()).get(0).get("State");
      if (state.get("Status").asText().equals("restarting")) {
        assertTrue(state.get("Restarting").asBoolean() && state.get("Running").asBoolean(), state::toString);
        inspected = true;
      }
      listed |= ok("ps", "--format", "{{.Status}}", "--filter", "name=phoenix").out().startsWith("Restarting (1) ");
      Thread.sleep(20);
    }
    assertTrue(inspected && listed, "seen restarting by inspect: " + inspected + ", by ps: " + listed);
    // the restart monitor's own labels are not the user's
    assertEquals("\n", ok("ps", "-a", "--format", "{{.Labels}}", "--filter", "name=phoenix").out());
    ok("stop", "-t", "1", "phoenix");
    Thread.sleep(1500);
    JsonNode stopped = JSON.readTree(ok("inspect", "phoenix").stdout()).get(0);
    assertEquals("exited", stopped.get("State").get("Status").asText());
    int after = stopped.get("RestartCount").asInt();
    Thread.sleep(1000);
    assertEquals(after, JSON.readTree(ok("inspect", "phoenix").stdout()).get(0).get("RestartCount").asInt());
    // started on request, its count starts again, as Docker's
    ok("start", "phoenix");
    assertEquals(0, JSON.readTree(ok("inspect", "phoenix").stdout()).get(0).get("RestartCount").asInt());
    ok("stop", "-t", "0", "phoenix");
  }

  /** Writes host file or tree {@code source} as a tar archive of entries named from {@code name}, as cp writes one. */
  private static void tarOf(Path source, String name, java.io.OutputStream out) throws IOException {
    try (dev.berth.linux.InRoot host = dev.berth.linux.InRoot.open(Path.of("/"));
        dev.berth.linux.FileHandle file = host.resolve(source.toAbsolutePath().toString(), false)) {
      TarStreams.write(file, name, Set.of(), out);
    }
  }
}
