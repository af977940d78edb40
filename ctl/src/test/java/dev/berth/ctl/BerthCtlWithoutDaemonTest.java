package dev.berth.ctl;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.client.images.Platform;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What berthctl does when no berthd answers, and how it treats its command line. */
class BerthCtlWithoutDaemonTest {
  @TempDir
  Path dir;

  @Test
  void theStartUpCachesTrainingRunCompletes() {
    // bin/berthctl makes no start-up cache at all when its training run fails
    assertDoesNotThrow(() -> AotTraining.train(new String[0]));
  }

  @Test
  void theSmallStartUpCachesTrainingRunCompletes() {
    assertDoesNotThrow(() -> AotTraining.train(new String[] {"light"}));
  }

  @Test
  void aCommandsOwnStartUpCachesTrainingRunCompletes() {
    // bin/berthctl trains version's, ps's and the root help's caches on the command line as given
    for (String[] command : List.of(new String[] {"command", "version"}, new String[] {"command", "ps", "-a"},
        new String[] {"command", "--help"}, new String[] {"command"})) {
      assertDoesNotThrow(() -> AotTraining.train(command));
    }
  }

  @Test
  void inspectRefusesATypeItDoesNotKnowInDockersWordsBeforeAskingBerthd() {
    Path socket = dir.resolve("berth.sock");
    for (String type : List.of("foo", "CONTAINER")) {
      Cli.Result r = Cli.run(Map.of(), "--address", socket.toString(), "inspect", "--type", type, "web");
      // Docker's CLI checks the word when the command runs: exit 1, not a bad flag's 125
      assertEquals(1, r.exit(), r::toString);
      assertEquals("\"" + type + "\" is not a valid value for --type\n", r.stderr());
    }
  }

  @Test
  void pullPoliciesOtherThanDockersAreRefusedInItsWordsBeforeAskingBerthd() {
    Path socket = dir.resolve("berth.sock");
    for (String command : List.of("run", "create")) {
      // Docker's names are exact: "Always" is no policy
      for (String policy : List.of("sometimes", "Always")) {
        Cli.Result r = Cli.run(Map.of(), "--address", socket.toString(), command, "--pull", policy, "busybox");
        assertEquals(125, r.exit(), r::toString);
        assertEquals("berthctl: invalid pull option: '" + policy + "': must be one of \"always\", \"missing\" or "
            + "\"never\".\nSee 'berthctl " + command + " --help'.\n", r.stderr());
      }
    }
  }

  @Test
  void buildRefusesABadTagAsDockersFlagParserBeforeAskingBerthd() {
    Path socket = dir.resolve("berth.sock");
    for (String[] bad : new String[][] {
        {"Bad:Name", "invalid reference format: repository name (library/Bad) must be lowercase"},
        {"a b", "invalid reference format"}}) {
      Cli.Result r = Cli.run(Map.of(), "--address", socket.toString(), "build", "-t", bad[0], dir.toString());
      assertEquals(125, r.exit(), r::toString);
      assertEquals("invalid argument \"" + bad[0] + "\" for \"-t, --tag\" flag: " + bad[1]
          + "\nSee 'berthctl build --help'.\n", r.stderr());
    }
  }

  @Test
  void pullAndPushRefuseABadNameInDockersParsersWordsBeforeAskingBerthd() {
    Path socket = dir.resolve("berth.sock");
    for (String command : List.of("pull", "push")) {
      for (String[] bad : new String[][] {
          {"a:b:c", "invalid reference format"},
          {"x@sha256:short", "invalid reference format"},
          {"x/Upper:1", "invalid reference format: repository name (x/Upper) must be lowercase"},
          {"", "invalid reference format"},
          {"x/" + "a".repeat(254), "repository name must not be more than 255 characters"}}) {
        Cli.Result r = Cli.run(Map.of(), "--address", socket.toString(), command, bad[0]);
        assertEquals(1, r.exit(), r::toString);
        // the parser's error alone, as Docker's CLI returns it, and nothing on stdout
        assertEquals(bad[1] + "\n", r.stderr(), command + " " + bad[0]);
        assertEquals("", r.out(), command + " " + bad[0]);
      }
    }
  }

  @Test
  void pushRefusesABadPlatformInDockersWordsBeforeAnythingElse() {
    Path socket = dir.resolve("berth.sock");
    // docker/cli's RunPush: "Invalid platform P" and containerd's parser's error run together, exit
    // 1, before its --platform note and before the daemon is asked anything
    for (String[] bad : new String[][] {
        {"bogus///", "\"\" is an invalid component of \"bogus///\": platform specifier component must match"
            + " \"^[A-Za-z0-9_-]+$\": invalid argument"},
        {"bogus", "\"bogus\": unknown operating system or architecture: invalid argument"}}) {
      Cli.Result r = Cli.run(Map.of(), "--address", socket.toString(), "push", "--platform", bad[0], "x/y:1");
      assertEquals(1, r.exit(), r::toString);
      assertEquals("Invalid platform " + bad[0] + bad[1] + "\n", r.stderr());
      assertEquals("", r.out());
    }
    Cli.Result both = Cli.run(Map.of(), "--address", socket.toString(), "push", "--platform", "linux/arm",
        "--all-platforms", "x/y:1");
    assertEquals(1, both.exit(), both::toString);
    assertEquals("Conflicting options: --platform and --all-platforms\n", both.stderr());
  }

  @Test
  void tagRefusesAnEmptyTargetInDockersWordsBeforeAskingBerthd() {
    Path socket = dir.resolve("berth.sock");
    Cli.Result r = Cli.run(Map.of(), "--address", socket.toString(), "tag", "busybox", "");
    assertEquals(1, r.exit(), r::toString);
    assertEquals("Error parsing reference: \"\" is not a valid repository/tag: invalid reference format\n",
        r.stderr());
  }

  @Test
  void minusItFromAPipeIsRefusedInDockersBareWordsBeforeAskingBerthd() {
    Path socket = dir.resolve("berth.sock");
    // exec looks the container up first, as Docker's CLI does (ContainerCommandsKernelTest)
    for (String command : List.of("run")) {
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      // berthctl's own streams, its stdin the test JVM's pipe: as a script's `< file` or `cmd |`
      Io console = new Io(new ByteArrayInputStream(new byte[0]), new ByteArrayOutputStream(),
          new PrintStream(err, true, StandardCharsets.UTF_8), Map.of(), false, true);
      int exit = BerthCtl.run(console, new String[] {"--address", socket.toString(), command, "-it", "web", "sh"});
      assertEquals(1, exit, command);
      assertEquals("the input device is not a TTY\n", err.toString(StandardCharsets.UTF_8), command);
    }
  }

  @Test
  void eventsRefusesTimesInDockersWordsBeforeAskingBerthd() {
    Path socket = dir.resolve("berth.sock");
    Cli.Result bogus = Cli.run(Map.of(), "--address", socket.toString(), "events", "--since", "bogus");
    assertEquals(1, bogus.exit(), bogus::toString);
    assertEquals("failed to parse value as time or duration: \"bogus\"\n", bogus.stderr());
    Cli.Result reversed = Cli.run(Map.of(), "--address", socket.toString(), "events", "--since", "1700000100",
        "--until", "2023-11-14T22:13:20Z");
    assertEquals(1, reversed.exit(), reversed::toString);
    assertEquals("Error response from daemon: `since` time (1700000100) cannot be after `until` time "
        + "(1700000000.000000000)\n", reversed.stderr());
    // as Docker's daemon, which checks no key of events' filters: refused only as berthd is not there
    Cli.Result key = Cli.run(Map.of(), "--address", socket.toString(), "events", "--filter", "foo=bar");
    assertEquals(1, key.exit(), key::toString);
    assertEquals("berthctl: berthd is not running at " + socket + "\n", key.stderr());
  }

  @Test
  void eventsTriesItsTemplateOnAnEmptyMessageBeforeWaitingAsDockersDoes() {
    Path socket = dir.resolve("berth.sock");
    Cli.Result unknown = Cli.run(Map.of(), "--address", socket.toString(), "events", "--format", "{{.Actor.ID}} {{.Foo}}");
    assertEquals(64, unknown.exit(), unknown::toString);
    assertEquals("Error parsing format: template: :1:16: executing \"\" at <.Foo>: can't evaluate field Foo in type "
        + "*events.Message\n", unknown.stderr());
  }

  @Test
  void anEmptyFilterIsLeftOutAsDockersCliLeavesItOut() {
    Path socket = dir.resolve("berth.sock");
    for (List<String> empty : List.of(List.of("ps", "-f", ""), List.of("ps", "--filter="), List.of("events", "-f", "",
        "-f", "foo=bar"), List.of("volume", "prune", "-f", "--filter", ""))) {
      List<String> args = new java.util.ArrayList<>(List.of("--address", socket.toString()));
      args.addAll(empty);
      Cli.Result r = Cli.run(Map.of(), args.toArray(String[]::new));
      // refused only further on: berthd is not there
      assertEquals(1, r.exit(), r::toString);
      assertTrue(r.stderr().contains("berthd is not running"), r::toString);
    }
  }

  @Test
  void volumeCreateRefusesALabelAsDockersCliDoes() {
    Path socket = dir.resolve("berth.sock");
    for (String[] refused : List.of(new String[] {"=x", "invalid label '=x': empty name"},
        new String[] {"a b=x", "label 'a b' contains whitespaces"})) {
      Cli.Result r = Cli.run(Map.of(), "--address", socket.toString(), "volume", "create", "--label", refused[0]);
      assertEquals(125, r.exit(), r::toString);
      assertEquals("invalid argument \"" + refused[0] + "\" for \"-l, --label\" flag: " + refused[1]
          + "\nSee 'berthctl volume create --help'.\n", r.stderr());
    }
  }

  @Test
  void volumePruneRefusesFiltersAsDockersDaemonAndCliDo() {
    Path socket = dir.resolve("berth.sock");
    Cli.Result until = Cli.run(Map.of(), "--address", socket.toString(), "volume", "prune", "-f", "--filter",
        "until=1h");
    assertEquals(1, until.exit(), until::toString);
    assertEquals("Error response from daemon: invalid filter 'until'\n", until.stderr());
    Cli.Result badAll = Cli.run(Map.of(), "--address", socket.toString(), "volume", "prune", "-f", "--filter",
        "all=yes");
    assertEquals("Error response from daemon: invalid filter 'all': strconv.ParseBool: parsing \"yes\": invalid "
        + "syntax\n", badAll.stderr());
    Cli.Result twoValues = Cli.run(Map.of(), "--address", socket.toString(), "volume", "prune", "-f", "--filter",
        "all=1", "--filter", "all=0", "--filter", "until=1h");
    assertEquals(1, twoValues.exit(), twoValues::toString);
    assertEquals("Error response from daemon: invalid filter 'all=[1 0]': only one value is expected\n",
        twoValues.stderr(), "one all= value at most, read before the other filters, as Docker's daemon");
    Cli.Result both = Cli.run(Map.of(), "--address", socket.toString(), "volume", "prune", "-a", "--filter", "all=1");
    assertEquals(1, both.exit(), both::toString);
    assertEquals("conflicting options: cannot specify both --all and --filter all=1\n", both.stderr());
    // as Docker's CLI: only -a makes the question say all; all=true is for its daemon alone. Declined,
    // the question is all it prints, exit 0
    Cli.Result asked = Cli.run(Map.of(), "n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
        "--address", socket.toString(), "volume", "prune", "--filter", "all=true");
    assertEquals(0, asked.exit(), asked::toString);
    assertEquals("WARNING! This will remove anonymous local volumes not used by at least one container.\n"
        + "Are you sure you want to continue? [y/N] ", asked.out());
    assertEquals("", asked.stderr());
    Cli.Result askedAll = Cli.run(Map.of(), "n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
        "--address", socket.toString(), "volume", "prune", "-a");
    assertEquals("WARNING! This will remove all local volumes not used by at least one container.\n"
        + "Are you sure you want to continue? [y/N] ", askedAll.out());
    // as Docker's CLI, which leaves the filters to its daemon: it asks first, then shows the daemon's error
    Cli.Result confirmed = Cli.run(Map.of(), "y\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
        "--address", socket.toString(), "volume", "prune", "--filter", "until=1h");
    assertEquals(1, confirmed.exit(), confirmed::toString);
    assertTrue(confirmed.out().startsWith("WARNING! This will remove anonymous local volumes"), confirmed::toString);
    assertEquals("Error response from daemon: invalid filter 'until'\n", confirmed.stderr());
    Cli.Result declined = Cli.run(Map.of(), "n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
        "--address", socket.toString(), "volume", "prune", "--filter", "all=yes");
    assertEquals(0, declined.exit(), declined::toString);
    assertEquals("", declined.stderr(), "declined, nothing reaches the daemon");
  }

  @Test
  void systemPruneAsksAsDockersCliWithItsFiltersAndRefusesUntilWithVolumes() {
    Path socket = dir.resolve("berth.sock");
    Cli.Result untilWithVolumes = Cli.run(Map.of(), "--address", socket.toString(), "system", "prune", "--volumes",
        "--filter", "until=1h", "-f");
    assertEquals(1, untilWithVolumes.exit(), untilWithVolumes::toString);
    assertEquals("ERROR: The \"until\" filter is not supported with \"--volumes\"\n", untilWithVolumes.stderr());

    // declined: the question is all it prints, and it asks before reaching berthd
    Cli.Result declined = Cli.run(Map.of(), "n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
        "--address", socket.toString(), "system", "prune", "--filter", "until=1h", "--filter", "label=team=web");
    assertEquals(0, declined.exit(), declined::toString);
    assertEquals("WARNING! This will remove:\n  - all stopped containers\n"
        + "  - all networks not used by at least one container\n  - all dangling images\n  - unused build cache\n"
        + "\n  Items to be pruned will be filtered with:\n  - label=team=web\n  - until=1h\n"
        + "\nAre you sure you want to continue? [y/N] ", declined.out());

    // Docker's CLI lists only the label, label! and until filters, each value once, in natural order
    Cli.Result listed = Cli.run(Map.of(), "n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
        "--address", socket.toString(), "system", "prune", "--filter", "label=v10", "--filter", "label=v2",
        "--filter", "label!=keep", "--filter", "dangling=true", "--filter", "label=v2");
    assertEquals("WARNING! This will remove:\n  - all stopped containers\n"
        + "  - all networks not used by at least one container\n  - all dangling images\n  - unused build cache\n"
        + "\n  Items to be pruned will be filtered with:\n  - label!=keep\n  - label=v2\n  - label=v10\n"
        + "\nAre you sure you want to continue? [y/N] ", listed.out());
    assertEquals(0, listed.exit(), listed::toString);

    // as Docker's CLI, which leaves the filters to its daemon: each prune asks first, a declined one
    // never reads them, a confirmed one refuses a bad one in the daemon's words before reaching berthd
    for (List<String> prune : List.of(List.of("container", "prune"), List.of("image", "prune"),
        List.of("network", "prune"), List.of("system", "prune"))) {
      for (String[] refused : List.of(new String[] {"dangling=yes", "invalid filter 'dangling'"},
          new String[] {"until=bogus", "failed to parse value as time or duration: \"bogus\""},
          new String[] {"until=1h", "until=2h", "more than one until filter specified"})) {
        List<String> args = new java.util.ArrayList<>(List.of("--address", socket.toString()));
        args.addAll(prune);
        for (int i = 0; i < refused.length - 1; i++) {
          args.addAll(List.of("--filter", refused[i]));
        }
        Cli.Result declinedHere = Cli.run(Map.of(), "n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            args.toArray(String[]::new));
        assertEquals(0, declinedHere.exit(), declinedHere::toString);
        assertEquals("", declinedHere.stderr(), declinedHere::toString);
        Cli.Result confirmed = Cli.run(Map.of(), "y\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
            args.toArray(String[]::new));
        assertEquals(1, confirmed.exit(), confirmed::toString);
        if (prune.get(0).equals("image") && refused.length == 3) {
          // Docker 27's image prune takes several until values (its containerd image store asks for each)
          assertTrue(confirmed.stderr().contains("berthd is not running"), confirmed::toString);
          continue;
        }
        String expected = prune.get(0).equals("image") && refused[0].startsWith("dangling")
            ? "invalid filter 'dangling=[yes true]'" : refused[refused.length - 1];
        assertEquals("Error response from daemon: " + expected + "\n", confirmed.stderr(), args::toString);
      }
    }
    // image prune takes the dangling value Docker's CLI sends itself (true, false with -a), and
    // refuses another as Docker's daemon refuses the two
    Cli.Result danglingAll = Cli.run(Map.of(), "--address", socket.toString(), "image", "prune", "-a", "-f",
        "--filter", "dangling=true");
    assertEquals("Error response from daemon: invalid filter 'dangling=[true false]'\n", danglingAll.stderr());
    Cli.Result dangling = Cli.run(Map.of(), "--address", socket.toString(), "image", "prune", "-f", "--filter",
        "dangling=true", "--filter", "until=1h30m");
    assertTrue(dangling.stderr().contains("berthd is not running"), dangling::toString);

    // Docker's CLI takes y alone as yes: after "yes" every prune stops without reaching berthd
    for (List<String> prune : List.of(List.of("container", "prune"), List.of("image", "prune"),
        List.of("volume", "prune"), List.of("network", "prune"), List.of("system", "prune"))) {
      List<String> args = new java.util.ArrayList<>(List.of("--address", socket.toString()));
      args.addAll(prune);
      Cli.Result yes = Cli.run(Map.of(), "yes\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
          args.toArray(String[]::new));
      assertEquals(0, yes.exit(), yes::toString);
      assertEquals("", yes.stderr(), yes::toString);
    }
  }

  @Test
  void whatACommandPrintedComesBeforeItsErrorOnATerminal() {
    Path socket = dir.resolve("berth.sock");
    String both = Cli.interleaved(Map.of(), "--address", socket.toString(), "version");
    // as Docker's: the client's part, then the error
    assertTrue(both.matches("(?s)Client: Berth\n.* OS/Arch: +linux/\\w+\nberthctl: berthd is not running at .*"), both);
  }

  @Test
  void absentSocketSaysBerthdIsNotRunningInOneLine() {
    Path socket = dir.resolve("berth.sock");
    Cli.Result r = Cli.run(Map.of(), "--address", socket.toString(), "content", "ls");
    assertEquals(1, r.exit(), r::toString);
    assertEquals("berthctl: berthd is not running at " + socket + "\n", r.stderr());
    assertEquals("", r.out());
  }

  @Test
  void socketFileNobodyListensOnSaysBerthdIsNotRunning() throws Exception {
    Path socket = dir.resolve("stale.sock");
    // a socket left by a killed daemon: the file exists, connecting is refused
    try (ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      ch.bind(UnixDomainSocketAddress.of(socket));
    }
    assertTrue(Files.exists(socket));
    Cli.Result r = Cli.run(Map.of(), "version", "--address", socket.toString());
    assertEquals(1, r.exit(), r::toString);
    assertEquals("berthctl: berthd is not running at " + socket + "\n", r.stderr());
  }

  @Test
  void versionPrintsTheClientsPartThenBerthdsErrorAsDockers() {
    Path socket = dir.resolve("absent.sock");
    Cli.Result r = Cli.run(Map.of(), "--address", socket.toString(), "version");
    assertEquals(1, r.exit(), r::toString);
    List<String> client = r.out().lines().toList();
    assertEquals(List.of("Client: Berth", " Version:           " + BerthCtl.clientVersion()), client.subList(0, 2),
        r::toString);
    assertEquals(" OS/Arch:           linux/" + Platform.current().architecture(), client.get(client.size() - 1),
        "Docker's client block, and nothing of the server");
    assertEquals("berthctl: berthd is not running at " + socket + "\n", r.stderr());

    Cli.Result template = Cli.run(Map.of(), "--address", socket.toString(), "version", "--format",
        "{{.Client.Version}}");
    assertEquals(1, template.exit(), template::toString);
    assertEquals(BerthCtl.clientVersion() + "\n", template.out());
    assertEquals("berthctl: berthd is not running at " + socket + "\n", template.stderr());

    Cli.Result json = Cli.run(Map.of(), "--address", socket.toString(), "version", "--format", "json");
    assertEquals(1, json.exit(), json::toString);
    assertTrue(json.out().startsWith("{\"Client\":{\"Platform\":{\"Name\":\"Berth\"},\"Version\":\""
        + BerthCtl.clientVersion() + "\""), json.out());
    assertTrue(json.out().endsWith("\"Server\":null}\n"), json.out());

    Cli.Result server = Cli.run(Map.of(), "--address", socket.toString(), "version", "--format",
        "{{.Server.Version}}");
    assertEquals(1, server.exit(), server::toString);
    assertEquals("berthctl: berthd is not running at " + socket + "\n", server.stderr(), "berthd's error wins");
    assertEquals("\n", server.out(), "a nil Server's field fails, as in Go: nothing printed but the newline");
    Cli.Result both = Cli.run(Map.of(), "--address", socket.toString(), "version", "--format",
        "{{.Client.Version}} {{.Server.Version}}");
    assertEquals(BerthCtl.clientVersion() + " \n", both.out(), "what the template wrote before");
    assertEquals(1, both.exit(), both::toString);

    // read before berthd is asked: Docker's exit 64, its words, and the name of its template
    Cli.Result unreadable = Cli.run(Map.of(), "--address", socket.toString(), "version", "--format", "{{nosuch}}");
    assertEquals(64, unreadable.exit(), unreadable::toString);
    assertEquals("template parsing error: template: version:1: function \"nosuch\" not defined\n",
        unreadable.stderr());
    assertEquals("", unreadable.out());
  }

  @Test
  void addressComesFromTheEnvironmentThenTheDefault() {
    Path socket = dir.resolve("env.sock");
    Cli.Result fromEnv = Cli.run(Map.of("BERTH_ADDRESS", socket.toString()), "ns", "ls");
    assertEquals("berthctl: berthd is not running at " + socket + "\n", fromEnv.stderr());
    Cli.Result uri = Cli.run(Map.of("BERTH_ADDRESS", "unix://" + socket), "ns", "ls");
    assertEquals("berthctl: berthd is not running at " + socket + "\n", uri.stderr());
    Cli.Result flagWins = Cli.run(Map.of("BERTH_ADDRESS", "/nowhere.sock"),
        "--address", socket.toString(), "ns", "ls");
    assertEquals("berthctl: berthd is not running at " + socket + "\n", flagWins.stderr());
  }

  @Test
  void dockersHostFlagNamesTheSocketAsAUnixUrl() {
    Path socket = dir.resolve("docker-style.sock");
    for (String[] args : List.of(new String[] {"-H", "unix://" + socket, "ps"},
        new String[] {"--host", socket.toString(), "ps"}, new String[] {"--host=unix://" + socket, "ps"})) {
      Cli.Result r = Cli.run(Map.of("BERTH_ADDRESS", "/nowhere.sock"), args);
      assertEquals(1, r.exit(), r::toString);
      assertEquals("berthctl: berthd is not running at " + socket + "\n", r.stderr());
      assertEquals(socket, BerthCtl.addressIn(args, Map.of()));
    }
    Cli.Result tcp = Cli.run(Map.of(), "-H", "tcp://127.0.0.1:2375", "ps");
    assertEquals(1, tcp.exit(), tcp::toString);
    assertEquals("berthd listens on a Unix socket only: give unix://PATH or PATH, not tcp://127.0.0.1:2375\n",
        tcp.stderr());
    // -H is history's own flag after the command word, as in Docker
    assertEquals(0, Cli.run(Map.of(), "history", "-H=false", "--help").exit());
  }

  @Test
  void dockersDebugAndLogLevelFlagsAreTaken() {
    Path socket = dir.resolve("absent.sock");
    for (String[] flags : List.of(new String[] {"-D"}, new String[] {"--debug"}, new String[] {"-l", "warn"},
        new String[] {"--log-level=error"})) {
      List<String> args = new java.util.ArrayList<>(List.of(flags));
      args.addAll(List.of("--address", socket.toString(), "ps"));
      try {
        Cli.Result r = Cli.run(Map.of(), args.toArray(String[]::new));
        assertEquals(1, r.exit(), r::toString);
        assertTrue(r.stderr().endsWith("berthctl: berthd is not running at " + socket + "\n"), r::toString);
      } finally {
        QuietLoggingTest.restoreLogging();
      }
    }
    Cli.Result bad = Cli.run(Map.of(), "--log-level", "verbose", "ps");
    assertEquals(125, bad.exit(), bad::toString);
    assertTrue(bad.stderr().contains("--log-level"), bad::toString);
  }

  @Test
  void configNamesTheDirectoryOfLoginsCredentials() throws IOException {
    Path config = Files.createDirectory(dir.resolve("docker-config"));
    Files.writeString(config.resolve("config.json"), "{\"auths\": {\"registry.test\": {\"auth\": \"dTpw\"}}}");
    // logout of a registry without credentials there is a plain message; with them, the file changes
    Cli.Result r = Cli.run(Map.of("BERTH_CONFIG", dir.resolve("elsewhere").toString()), "--config", config.toString(),
        "logout", "registry.test");
    assertEquals(0, r.exit(), r::toString);
    assertEquals("Removing login credentials for registry.test\n", r.out());
    assertEquals("{\"auths\":{}}", Files.readString(config.resolve("config.json")).replaceAll("\\s", ""));
  }

  @Test
  void logoutWithoutARegistryForgetsDockerHubNamedAsDockersCliNamesIt() throws IOException {
    Path config = Files.createDirectory(dir.resolve("hub-config"));
    Files.writeString(config.resolve("config.json"), "{\"auths\": {\"docker.io\": {\"auth\": \"dTpw\"},"
        + " \"https://index.docker.io/v1/\": {\"auth\": \"dTpw\"}, \"registry.test\": {\"auth\": \"dTpw\"}}}");
    Cli.Result r = Cli.run(Map.of(), "--config", config.toString(), "logout");
    assertEquals(0, r.exit(), r::toString);
    assertEquals("Removing login credentials for https://index.docker.io/v1/\n", r.out());
    assertEquals("{\"auths\":{\"registry.test\":{\"auth\":\"dTpw\"}}}",
        Files.readString(config.resolve("config.json")).replaceAll("\\s", ""));
    // named, Docker Hub is the name given, as Docker's CLI prints it
    assertEquals("Removing login credentials for docker.io\n",
        Cli.run(Map.of(), "--config", config.toString(), "logout", "docker.io").out());
  }

  @Test
  void logoutOfDockerHubByItsOtherNamesForgetsWhatLoginKeptAsDockerIo() throws IOException {
    Path config = Files.createDirectory(dir.resolve("hub-names"));
    for (String[] named : new String[][] {
        {"https://index.docker.io/v1/", "index.docker.io"}, {"index.docker.io", "index.docker.io"},
        {"registry-1.docker.io/", "registry-1.docker.io"}}) {
      // login keeps Docker Hub's credentials under docker.io, whichever of its names it was given
      Files.writeString(config.resolve("config.json"), "{\"auths\": {\"docker.io\": {\"auth\": \"dTpw\"},"
          + " \"registry.test\": {\"auth\": \"dTpw\"}}}");
      Cli.Result r = Cli.run(Map.of(), "--config", config.toString(), "logout", named[0]);
      assertEquals(0, r.exit(), r::toString);
      assertEquals("Removing login credentials for " + named[1] + "\n", r.out(), named[0]);
      assertEquals("{\"auths\":{\"registry.test\":{\"auth\":\"dTpw\"}}}",
          Files.readString(config.resolve("config.json")).replaceAll("\\s", ""), named[0]);
    }
  }

  @Test
  void logoutOfAPathForgetsTheHostBeforeItsFirstSlashAsDockersCliReadsIt() throws IOException {
    Path config = Files.createDirectory(dir.resolve("path-config"));
    Files.writeString(config.resolve("config.json"), "{\"auths\": {\"docker.io\": {\"auth\": \"dTpw\"},"
        + " \"foo\": {\"auth\": \"dTpw\"}}}");
    // foo/bar names the host foo (Docker's ConvertToHostname), not the repository foo/bar on Docker Hub
    Cli.Result r = Cli.run(Map.of(), "--config", config.toString(), "logout", "foo/bar");
    assertEquals(0, r.exit(), r::toString);
    assertEquals("Removing login credentials for foo\n", r.out());
    assertEquals("{\"auths\":{\"docker.io\":{\"auth\":\"dTpw\"}}}",
        Files.readString(config.resolve("config.json")).replaceAll("\\s", ""));
  }

  @Test
  void missingInputFileIsOneLine() throws IOException {
    Path socket = Files.createFile(dir.resolve("x.sock"));
    Cli.Result r = Cli.run(Map.of(), "--address", socket.toString(), "content", "ingest", "ref",
        dir.resolve("absent").toString());
    assertEquals(1, r.exit(), r::toString);
    assertEquals("open " + dir.resolve("absent") + ": no such file or directory\n", r.stderr());
    // bare, as Docker's import prints Go's error from opening it
    Cli.Result imported = Cli.run(Map.of(), "--address", socket.toString(), "import", dir.resolve("absent").toString());
    assertEquals(1, imported.exit(), imported::toString);
    assertEquals("open " + dir.resolve("absent") + ": no such file or directory\n", imported.stderr());
  }

  @Test
  void aFlagGivenTwiceTakesItsLastValueAsDockersDoes() {
    Path socket = dir.resolve("absent.sock");
    // a wrapper adding --rm or -d to a command line that has them already: Docker's CLI takes it
    Cli.Result run = Cli.run(Map.of(), "--address", socket.toString(), "run", "--rm", "--rm", "-d", "-d", "--name",
        "a", "--name", "b", "busybox", "true");
    assertEquals(125, run.exit(), run::toString);
    assertEquals("berthctl: berthd is not running at " + socket + ".\nSee 'berthctl run --help'.\n", run.stderr());
    Cli.Result ps = Cli.run(Map.of(), "--address", socket.toString(), "ps", "-a", "-a", "-n", "1", "-n", "2");
    assertEquals("berthctl: berthd is not running at " + socket + "\n", ps.stderr());
  }

  @Test
  void usageErrorsAreTwoLinesAndExitAsInDocker() {
    // as Docker's CLI: 1 for the words (arguments, commands), 125 for flags
    Cli.Result missing = Cli.run(Map.of(), "run");
    assertEquals(1, missing.exit(), missing::toString);
    assertEquals("berthctl run: requires at least 1 argument.\nSee 'berthctl run --help'.\n", missing.stderr());
    Cli.Result unknown = Cli.run(Map.of(), "run", "--foo", "busybox");
    assertEquals(125, unknown.exit(), unknown::toString);
    assertEquals("unknown flag: --foo\nSee 'berthctl run --help'.\n", unknown.stderr());
    Cli.Result shorthand = Cli.run(Map.of(), "ps", "-z");
    assertEquals("unknown shorthand flag: 'z' in -z\nSee 'berthctl ps --help'.\n", shorthand.stderr());
    Cli.Result value = Cli.run(Map.of(), "logs", "web", "--since");
    assertEquals("flag needs an argument: --since\nSee 'berthctl logs --help'.\n", value.stderr());
    Cli.Result exactly = Cli.run(Map.of(), "rename", "a");
    assertEquals("berthctl rename: requires exactly 2 arguments.\nSee 'berthctl rename --help'.\n", exactly.stderr());
    Cli.Result none = Cli.run(Map.of(), "ps", "extra");
    assertEquals("berthctl ps: accepts no arguments.\nSee 'berthctl ps --help'.\n", none.stderr());
    assertEquals(1, none.exit());
    // images takes containerd filters beside Docker's one name, so picocli cannot count them
    Cli.Result twoNames = Cli.run(Map.of(), "images", "a", "b");
    assertEquals("berthctl images: requires at most 1 argument.\nSee 'berthctl images --help'.\n", twoNames.stderr());
    assertEquals(1, twoNames.exit());
    assertEquals(125, value.exit());
    Cli.Result command = Cli.run(Map.of(), "nosuch");
    assertEquals(1, command.exit());
    assertTrue(command.stderr().startsWith("berthctl: 'nosuch' is not a berthctl command."), command::toString);
    // a group's unknown command is its usage after an empty line on stderr, exit 1, as Docker's
    // (docker network frobnicate); alone, a group prints the same usage on stderr, exit 0
    Cli.Result groupAlone = Cli.run(Map.of(), "network");
    assertEquals(0, groupAlone.exit(), groupAlone::toString);
    assertEquals("", groupAlone.out());
    assertTrue(groupAlone.stderr().startsWith("Usage: berthctl network "), groupAlone::toString);
    for (String group : List.of("network", "image")) {
      Cli.Result unknownInGroup = Cli.run(Map.of(), group, "frobnicate");
      assertEquals(1, unknownInGroup.exit(), unknownInGroup::toString);
      assertEquals("", unknownInGroup.out());
      assertEquals("\n" + Cli.run(Map.of(), group).stderr(), unknownInGroup.stderr());
    }
    assertEquals(125, Cli.run(Map.of(), "content", "ls", "--format", "yaml").exit());
    Cli.Result badLabel = Cli.run(Map.of(), "content", "label", "sha256:abc", "novalue");
    assertEquals(125, badLabel.exit());
    assertTrue(badLabel.stderr().startsWith("berthctl content label: Expected KEY=VALUE or KEY= but got 'novalue'"),
        badLabel::toString);
    // a filter that is no KEY=VALUE is a bad flag value, as Docker's CLI refuses it, in every listing
    for (List<String> listing : List.of(List.of("ps"), List.of("images"), List.of("volume", "ls"),
        List.of("network", "ls"), List.of("events"))) {
      List<String> args = new java.util.ArrayList<>(listing);
      args.addAll(List.of("--filter", "dangling"));
      Cli.Result badFilter = Cli.run(Map.of(), args.toArray(String[]::new));
      assertEquals(125, badFilter.exit(), badFilter::toString);
      // bare, as Docker's CLI prints a flag's refused value
      assertEquals("invalid argument \"dangling\" for \"-f, --filter\" flag: bad format of filter (expected "
          + "name=value)\nSee 'berthctl " + String.join(" ", listing) + " --help'.\n", badFilter.stderr());
    }
    // the prunes' --filter has no shorthand, so pflag names it alone
    for (List<String> prune : List.of(List.of("container", "prune"), List.of("image", "prune"),
        List.of("volume", "prune"), List.of("network", "prune"), List.of("system", "prune"))) {
      List<String> args = new java.util.ArrayList<>(prune);
      args.addAll(List.of("-f", "--filter", "until"));
      Cli.Result badFilter = Cli.run(Map.of(), args.toArray(String[]::new));
      assertEquals(125, badFilter.exit(), badFilter::toString);
      assertEquals("invalid argument \"until\" for \"--filter\" flag: bad format of filter (expected name=value)\n"
          + "See 'berthctl " + String.join(" ", prune) + " --help'.\n", badFilter.stderr());
    }
    // a command that only groups others shows its usage on stderr, as docker network does
    Cli.Result group = Cli.run(Map.of(), "content");
    assertEquals(0, group.exit(), group::toString);
    assertTrue(group.stderr().contains("Usage: berthctl content"), group::toString);
  }

  @Test
  void numericFlagsRefuseABadValueInPflagsWordsBeforeAskingBerthd() {
    Path socket = dir.resolve("berth.sock");
    // flag, value, what Docker's CLI v27 prints after "invalid argument "VALUE" for "
    String[][] cases = {
        {"run", "--cpu-shares", "abc", "\"-c, --cpu-shares\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax"},
        {"run", "-c", "abc", "\"-c, --cpu-shares\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax"},
        {"create", "-m", "1x", "\"-m, --memory\" flag: invalid suffix: 'x'"},
        {"run", "--memory-swap", "abc", "\"--memory-swap\" flag: invalid size: 'abc'"},
        {"run", "--shm-size", "1.2.3m", "\"--shm-size\" flag: strconv.ParseFloat: parsing \"1.2.3\": invalid syntax"},
        {"run", "--cpus", "abc", "\"--cpus\" flag: failed to parse abc as a rational number"},
        {"update", "--cpus", "0.0000000001", "\"--cpus\" flag: value is too precise"},
        {"run", "--pids-limit", "x", "\"--pids-limit\" flag: strconv.ParseInt: parsing \"x\": invalid syntax"},
        {"update", "--cpu-period", "1.5", "\"--cpu-period\" flag: strconv.ParseInt: parsing \"1.5\": invalid syntax"},
        {"run", "--cpu-quota", "x", "\"--cpu-quota\" flag: strconv.ParseInt: parsing \"x\": invalid syntax"},
        {"run", "--oom-score-adj", "99999999999999999999", "\"--oom-score-adj\" flag: strconv.ParseInt: parsing "
            + "\"99999999999999999999\": value out of range"},
        {"run", "--blkio-weight", "70000", "\"--blkio-weight\" flag: strconv.ParseUint: parsing \"70000\": value out of range"},
        {"run", "--health-retries", "x", "\"--health-retries\" flag: strconv.ParseInt: parsing \"x\": invalid syntax"},
        {"run", "--health-interval", "30", "\"--health-interval\" flag: time: missing unit in duration \"30\""},
        {"create", "--health-timeout", "5sec", "\"--health-timeout\" flag: time: unknown unit \"sec\" in duration "
            + "\"5sec\""},
        {"run", "--ulimit", "nofile=x", "\"--ulimit\" flag: strconv.ParseInt: parsing \"x\": invalid syntax"},
        {"stop", "-t", "x", "\"-t, --timeout\" flag: strconv.ParseInt: parsing \"x\": invalid syntax"},
        {"restart", "--time", "x", "\"--time\" flag: strconv.ParseInt: parsing \"x\": invalid syntax"},
        {"ps", "-n", "x", "\"-n, --last\" flag: strconv.ParseInt: parsing \"x\": invalid syntax"},
    };
    for (String[] c : cases) {
      List<String> args = new java.util.ArrayList<>(List.of("--address", socket.toString(), c[0], c[1], c[2]));
      args.addAll(c[0].equals("ps") ? List.of() : c[0].equals("run") || c[0].equals("create") ? List.of("busybox")
          : List.of("web"));
      Cli.Result r = Cli.run(Map.of(), args.toArray(String[]::new));
      assertEquals(125, r.exit(), r::toString);
      assertEquals("invalid argument \"" + c[2] + "\" for " + c[3] + "\nSee 'berthctl " + c[0] + " --help'.\n",
          r.stderr());
    }
  }

  @Test
  void goIntFlagsTakeWhatFitsInt64AsDockersCli() {
    Path socket = dir.resolve("berth.sock");
    // Go's int is 64 bits: past int32 is a value, and only past int64 out of range
    String[][] taken = {{"stop", "-t", "9999999999", "web"}, {"restart", "-t", "9999999999", "web"},
        {"ps", "-n", "9999999999"}, {"create", "--health-retries", "9999999999", "busybox"},
        {"create", "--stop-timeout", "9999999999", "busybox"}, {"create", "--oom-score-adj", "9999999999", "busybox"}};
    for (String[] c : taken) {
      List<String> args = new java.util.ArrayList<>(List.of("--address", socket.toString()));
      args.addAll(List.of(c));
      Cli.Result r = Cli.run(Map.of(), args.toArray(String[]::new));
      assertTrue(r.stderr().contains("berthd is not running"), () -> List.of(c) + ": " + r);
    }
    Cli.Result past = Cli.run(Map.of(), "--address", socket.toString(), "stop", "-t", "9223372036854775808", "web");
    assertEquals(125, past.exit(), past::toString);
    assertEquals("invalid argument \"9223372036854775808\" for \"-t, --timeout\" flag: strconv.ParseInt: parsing "
        + "\"9223372036854775808\": value out of range\nSee 'berthctl stop --help'.\n", past.stderr());
  }

  @Test
  void runAndCreateReportWhatTheyRefuseAsDockersRunAndCreate() throws IOException {
    // Docker's reportError: the program's name, the message with one final period, then where help is
    Cli.Result attach = Cli.run(Map.of(), "run", "-a", "stdall", "busybox");
    assertEquals(125, attach.exit(), attach::toString);
    assertEquals("berthctl: invalid argument \"stdall\" for \"-a, --attach\" flag: valid streams are STDIN, STDOUT "
        + "and STDERR.\nSee 'berthctl run --help'.\n", attach.stderr());
    // Docker's daemon refuses the keys at the attach, which its run prints bare, exit 1 (berthctl before making anything)
    Cli.Result keys = Cli.run(Map.of(), "container", "run", "--detach-keys", "nope", "busybox");
    assertEquals(1, keys.exit(), keys::toString);
    assertEquals("Error response from daemon: Invalid detach keys (nope) provided\n", keys.stderr());
    // nothing attaches with -d: the keys are not looked at, the daemon is
    Cli.Result detached = Cli.run(Map.of(), "--address", dir.resolve("absent.sock").toString(), "run", "-d",
        "--detach-keys", "nope", "busybox");
    assertTrue(detached.stderr().contains("berthd is not running"), detached::toString);
    Path cid = Files.writeString(dir.resolve("web.cid"), "");
    Cli.Result found = Cli.run(Map.of(), "create", "--cidfile", cid.toString(), "busybox");
    assertEquals(125, found.exit(), found::toString);
    assertEquals("berthctl: container ID file found, make sure the other container isn't running or delete " + cid
        + ".\nSee 'berthctl create --help'.\n", found.stderr());
    // as Docker's "Cannot connect to the Docker daemon ... Is the docker daemon running?."
    Path socket = dir.resolve("absent.sock");
    for (String command : List.of("run", "create")) {
      Cli.Result r = Cli.run(Map.of(), "--address", socket.toString(), command, "busybox");
      assertEquals(125, r.exit(), r::toString);
      assertEquals("berthctl: berthd is not running at " + socket + ".\nSee 'berthctl " + command + " --help'.\n",
          r.stderr());
    }
  }

  @Test
  void startAttachedRefusesSeveralContainersInDockersWordsBeforeAskingBerthd() {
    for (String flag : List.of("-a", "-i")) {
      Cli.Result r = Cli.run(Map.of(), "--address", dir.resolve("absent.sock").toString(), "start", flag, "one", "two");
      assertEquals(1, r.exit(), r::toString);
      assertEquals("you cannot start and attach multiple containers at once\n", r.stderr());
    }
  }

  @Test
  void dashNIsNoLongerTheNamespace() {
    Cli.Result r = Cli.run(Map.of(), "-n", "x", "ns", "ls");
    assertEquals(125, r.exit(), r::toString);
    assertEquals("unknown shorthand flag: 'n' in -n\nSee 'berthctl --help'.\n", r.stderr());
  }

  @Test
  void helpShowsExamplesOnEveryLevel() {
    for (String[] args : new String[][] {{"--help"}, {"content", "--help"}, {"content", "ingest", "--help"},
        {"ns", "create", "--help"}, {"version", "--help"}}) {
      Cli.Result r = Cli.run(Map.of(), args);
      assertEquals(0, r.exit(), r::toString);
      assertTrue(r.out().contains("Examples:"), r::toString);
    }
  }

  @Test
  void versionFlagPrintsTheClientVersion() {
    Cli.Result r = Cli.run(Map.of(), "--version");
    assertEquals(0, r.exit());
    assertEquals("berthctl " + BerthCtl.clientVersion() + "\n", r.out());
    assertTrue(BerthCtl.clientVersion().matches("\\d+\\.\\d+\\.\\d+.*"), BerthCtl.clientVersion());
  }
}
