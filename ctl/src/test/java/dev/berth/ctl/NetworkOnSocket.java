package dev.berth.ctl;

import berth.network.v1.AttachmentsGrpc;
import berth.network.v1.NetworksGrpc;
import dev.berth.api.grpc.Channels;
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

/**
 * The real network service on a Unix socket, as berthd serves it, confined to a network namespace
 * of the test's own (its "host": bridges, veths and nftables rules live there), with berthctl runs
 * against it. {@link #close()} removes everything also after a failure: the pins under the state
 * directory, and every namespace created here, which takes its devices and rules with it.
 */
final class NetworkOnSocket implements AutoCloseable {
  private final String suffix;
  private final Path socket;
  private final Path state;
  private final List<String> netnsCreated = new ArrayList<>();
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private MetadataStore db;
  private KernelNetworkManager manager;
  private UnixSocketServer server;
  private ManagedChannel channel;

  private NetworkOnSocket(Path dir) {
    this.suffix = HexFormat.of().formatHex(randomBytes(4));
    this.socket = dir.resolve("berth.sock");
    this.state = dir.resolve("state");
  }

  /** Serves on {@code dir/berth.sock} with state under {@code dir}. */
  static NetworkOnSocket start(Path dir) throws Exception {
    NetworkOnSocket n = new NetworkOnSocket(dir);
    try {
      Path host = n.addNetns("host");
      n.db = MetadataStore.open(dir.resolve("metadata.db"));
      n.manager = KernelNetworkManager.open(n.state, n.db, NetworkConfig.defaults()
          .withHostNetns(host)
          .withDefaultBridge(n.uniqueName("b")));
      n.server = UnixSocketServer.start(n.socket,
          NetworkServices.of(n.manager).stream().map(ServiceInterceptors::wrap).toList(), null, n.executor);
      n.channel = Channels.unix(n.socket);
      return n;
    } catch (Exception | Error e) {
      n.close();
      throw e;
    }
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

  @Override
  public void close() throws Exception {
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
