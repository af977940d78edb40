package dev.berth.daemon;

import dev.berth.common.fs.FileTrees;
import dev.berth.gc.GcSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * berthd with all its services, in a directory of its own, its network service's host a
 * {@link TestNetns}: one for a test class, when registered with {@code @RegisterExtension} on a
 * static field. The class's {@code @BeforeAll} methods run after it has started and its
 * {@code @AfterAll} methods before it stops. Public for the tests that drive a service's own
 * classes over a real berthd (in that service's package).
 */
public final class TestBerthd implements BeforeAllCallback, AfterAllCallback {
  private static final String CTR = "/usr/bin/ctr";

  private final Duration ingestExpiry;
  private Path dir;
  private TestNetns hostNetns;
  private Berthd daemon;
  private Path socket;
  private DaemonConfig config;

  public TestBerthd() {
    this(GcSettings.DEFAULT_INGEST_EXPIRY);
  }

  /** A berthd whose garbage collection removes ingests untouched for {@code ingestExpiry}. */
  TestBerthd(Duration ingestExpiry) {
    this.ingestExpiry = ingestExpiry;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("berthd-test");
    hostNetns = TestNetns.create("berth-ctr");
    // a short state path: conmon's attach sockets live under it
    config = new DaemonConfig(dir.resolve("root"), dir.resolve("s"), null, hostNetns.path(),
        ingestExpiry);
    daemon = Berthd.startAll(config);
    socket = config.frontSocket();
  }

  /** Runs after a failed start too. */
  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      if (daemon != null) {
        daemon.close();
      }
      if (hostNetns != null) {
        hostNetns.close();
      }
    } finally {
      FileTrees.deleteRecursively(dir);
    }
  }

  /** berthd's root directory. */
  Path root() {
    return dir.resolve("root");
  }

  /** berthd's front socket, in its state directory. */
  public Path socket() {
    return socket;
  }

  /** The socket of one service group, in berthd's state directory. */
  Path socket(String group) {
    return config.socket(group);
  }

  /** The name of the network namespace standing in for the host ({@code ip netns exec} takes it). */
  String hostNetns() {
    return hostNetns.name();
  }

  /** Debian's stock {@code ctr} against the front socket, with {@code stdin} (or none) as its input. */
  Processes.Result ctr(Path stdin, long timeoutSeconds, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(CTR, "-a", socket.toString()));
    cmd.addAll(List.of(args));
    return Processes.run(cmd, stdin, timeoutSeconds);
  }
}
