package dev.berth.ctl;

import berth.network.v1.AttachmentsGrpc;
import berth.network.v1.NetworksGrpc;
import dev.berth.api.grpc.Channels;
import dev.berth.common.fs.FileTrees;
import dev.berth.common.grpc.ServiceInterceptors;
import dev.berth.common.grpc.UnixSocketServer;
import dev.berth.common.store.MetadataStore;
import dev.berth.network.KernelNetworkManager;
import dev.berth.network.NetworkConfig;
import dev.berth.network.NetworkServices;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real network service on a Unix socket, as berthd serves it, confined to a network namespace
 * of the test's own (its "host": bridges, veths and nftables rules live there), with berthctl runs
 * against it: fresh for each test when registered with {@code @RegisterExtension}. After each
 * test, also a failed one, it removes everything: the pins under its state directory, and every
 * namespace created here, which takes its devices and rules with it.
 */
final class NetworkOnSocket implements BeforeEachCallback, AfterEachCallback {
  private final String suffix = HexFormat.of().formatHex(randomBytes(4));
  private final List<String> netnsCreated = new ArrayList<>();
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private Path dir;
  private Path socket;
  private Path state;
  private MetadataStore db;
  private KernelNetworkManager manager;
  private UnixSocketServer server;
  private ManagedChannel channel;

  /** Serves on a socket in a directory of its own, with the state there too. */
  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("berthctl-network");
    socket = dir.resolve("berth.sock");
    state = dir.resolve("state");
    Path host = addNetns("host");
    db = MetadataStore.open(dir.resolve("metadata.db"));
    manager = KernelNetworkManager.open(state, db, NetworkConfig.defaults()
        .withHostNetns(host)
        .withDefaultBridge(uniqueName("b")));
    server = UnixSocketServer.start(socket,
        NetworkServices.of(manager, (namespace, topic, event) -> { }).stream().map(ServiceInterceptors::wrap).toList(),
        null, executor);
    channel = Channels.unix(socket);
  }

  /** {@code prefix} and this harness's random suffix: a device name no other test run uses. */
  String uniqueName(String prefix) {
    return prefix + suffix;
  }

  /**
   * Creates network namespace {@code berth-ctl-<suffix>-<role>} ({@code ip netns add}) with
   * loopback up, as a started container would have; removed at close.
   */
  Path addNetns(String role) {
    String name = "berth-ctl-" + suffix + "-" + role;
    sh("ip", "netns", "add", name);
    netnsCreated.add(name);
    sh("ip", "-n", name, "link", "set", "lo", "up");
    return Path.of("/run/netns", name);
  }

  NetworksGrpc.NetworksBlockingStub networks() {
    return NetworksGrpc.newBlockingStub(Channels.inNamespace(channel, BerthCtl.DEFAULT_NAMESPACE));
  }

  AttachmentsGrpc.AttachmentsBlockingStub attachments() {
    return AttachmentsGrpc.newBlockingStub(Channels.inNamespace(channel, BerthCtl.DEFAULT_NAMESPACE));
  }

  /** Runs berthctl against this server. */
  Cli.Result ctl(String... args) {
    return Cli.run(Map.of("BERTH_ADDRESS", socket.toString()), args);
  }

  /** Network namespace pins (mounts) under the state directory. */
  List<String> pins() throws IOException {
    String prefix = state + "/";
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
        .map(l -> l.split(" ")[4])
        .filter(m -> m.startsWith(prefix))
        .toList();
  }

  /** Runs {@code command} inside the network namespace at {@code netns}; returns its output. */
  static String in(Path netns, String... command) {
    List<String> full = new ArrayList<>(List.of("nsenter", "--net=" + netns));
    full.addAll(List.of(command));
    return sh(full.toArray(String[]::new));
  }

  /** Runs a real tool; fails the test unless it exits 0. */
  static String sh(String... command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      try {
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
          throw new AssertionError(String.join(" ", command) + " failed: " + out);
        }
        return out;
      } finally {
        p.destroyForcibly();
      }
    } catch (IOException e) {
      throw new AssertionError(String.join(" ", command) + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Runs after a failed start too. */
  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    try {
      if (channel != null) {
        channel.shutdownNow();
      }
      if (server != null) {
        server.close();
      }
      if (manager != null) {
        manager.close();
      }
      if (db != null) {
        db.close();
      }
    } finally {
      executor.shutdownNow();
      try {
        for (String pin : pins()) {
          quietly("umount", "-l", pin);
        }
      } finally {
        for (String name : netnsCreated) {
          quietly("ip", "netns", "del", name);
        }
        FileTrees.deleteRecursively(dir);
      }
    }
  }

  /** Runs a clean-up step whatever its outcome: what it removes may be gone already. */
  private static void quietly(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }
}
