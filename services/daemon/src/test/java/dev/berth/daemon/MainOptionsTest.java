package dev.berth.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.gc.GcSettings;
import dev.berth.transfer.RegistryTransfers;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** berthd's options as the command line spells them. */
class MainOptionsTest {
  private static DaemonConfig parse(String... args) {
    return Main.parse(args).config();
  }

  @Test
  void criStreamingAddressDefaultsToAFreeLoopbackPortAndTakesHostPort() {
    assertEquals(DaemonConfig.DEFAULT_CRI_STREAMING, parse().criStreaming());
    assertEquals(0, DaemonConfig.DEFAULT_CRI_STREAMING.getPort());
    assertEquals(new InetSocketAddress("127.0.0.1", 10010),
        parse("--cri-streaming-address", "127.0.0.1:10010").criStreaming());
    assertEquals(new InetSocketAddress("::1", 0), parse("--cri-streaming-address", "[::1]:0").criStreaming());
    for (String bad : new String[] {"127.0.0.1", ":80", "127.0.0.1:70000", "localhost:http"}) {
      assertThrows(CommandLine.ParameterException.class, () -> parse("--cri-streaming-address", bad), bad);
    }
  }

  @Test
  void withoutOptionsEveryGroupServesFromTheDefaultDirectories() {
    Main.Options options = Main.parse();
    assertEquals(Path.of("/var/lib/berth"), options.config().root());
    assertEquals(Path.of("/run/berth"), options.config().state());
    assertEquals(ServiceGroups.NAMES, options.groups());
    assertEquals(GcSettings.DEFAULT_INGEST_EXPIRY, options.config().ingestExpiry());
    assertEquals(RegistryTransfers.DEFAULT_CERTS_DIR, options.config().registryConfig());
    assertNull(options.config().networkNamespace());
    assertNull(options.config().socketGroup());
    assertFalse(options.debug());
  }

  @Test
  void eachOptionReachesTheDaemonsConfiguration() {
    Main.Options options = Main.parse("--root", "r", "--state=/tmp/s", "--group", "berth", "--service", "cri,content",
        "--service", "tasks", "--network-namespace", "/run/netns/x", "--gc-ingest-expiry", "90m",
        "--registry-config", "/etc/certs", "--debug");
    assertEquals(Path.of("r").toAbsolutePath(), options.config().root());
    assertEquals(Path.of("/tmp/s"), options.config().state());
    assertEquals("berth", options.config().socketGroup());
    // in start-up order, whatever order they were named in
    assertEquals(List.of("content", "tasks", "cri"), options.groups());
    assertEquals(List.of("tasks", "front"), Main.parse("--service", "front,tasks").groups());
    assertEquals(Path.of("/run/netns/x"), options.config().networkNamespace());
    assertEquals(Duration.ofMinutes(90), options.config().ingestExpiry());
    assertEquals(Path.of("/etc/certs"), options.config().registryConfig());
    assertTrue(options.debug());
    assertEquals(Duration.ofMillis(500), Main.parse("--gc-ingest-expiry", "500ms").config().ingestExpiry());
    assertEquals(Duration.ofHours(24), Main.parse("--gc-ingest-expiry", "PT24H").config().ingestExpiry());
  }

  @Test
  void unknownGroupsAndMalformedDurationsAreRefused() {
    assertThrows(CommandLine.ParameterException.class, () -> Main.parse("--service", "bogus"));
    assertThrows(CommandLine.ParameterException.class, () -> Main.parse("--gc-ingest-expiry", "5x"));
    assertThrows(CommandLine.ParameterException.class, () -> Main.parse("--no-such-option"));
  }

  @Test
  void helpNamesEveryOptionWithItsDefault() {
    // as one line: the help wraps at 80 columns
    String help = new CommandLine(Main.spec()).getUsageMessage().replaceAll("\\s+", " ");
    for (String expected : List.of("--root=DIR", "(default: /var/lib/berth)", "(default: /run/berth)",
        "--cri-streaming-address=HOST:PORT", "(content, metadata, snapshots, network, tasks, volumes, gc, transfer, cri, front)",
        "default: /etc/berth/certs.d", "-h, --help", "-V, --version", "berthd --service content # the content service alone",
        "berthd --service front # STATE/berth.sock for groups in other processes")) {
      assertTrue(help.contains(expected), expected + " in\n" + help);
    }
  }
}
