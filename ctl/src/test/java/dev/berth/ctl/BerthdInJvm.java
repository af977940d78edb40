package dev.berth.ctl;

import containerd.services.snapshots.v1.ListSnapshotsRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import dev.berth.client.containers.ContainerClient;
import dev.berth.client.testing.TestImages;
import dev.berth.api.grpc.Channels;
import dev.berth.daemon.Berthd;
import dev.berth.daemon.DaemonConfig;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A whole berthd started in the test JVM, as root on the real kernel, with berthctl runs against
 * its front socket. Its networks live in a network namespace of the test's own; its state
 * directory is short (conmon's socket paths must fit in 108 bytes). {@link #close()} stops it and
 * removes the namespace, leftover mounts and the directory, also after a failure.
 */
final class BerthdInJvm implements AutoCloseable {
  private final Path dir;
  private final String netns;
  private Berthd daemon;
  private ManagedChannel channel;

  private BerthdInJvm(Path dir, String netns) {
    this.dir = dir;
    this.netns = netns;
  }

  /** Starts berthd and loads the busybox test image into the default namespace. */
  static BerthdInJvm start() throws Exception {
    byte[] random = new byte[4];
    ThreadLocalRandom.current().nextBytes(random);
    BerthdInJvm b = new BerthdInJvm(Files.createTempDirectory(Path.of("/tmp"), "bc"),
        "berth-cli-" + HexFormat.of().formatHex(random));
    try {
      NetworkOnSocket.sh("ip", "netns", "add", b.netns);
      NetworkOnSocket.sh("ip", "-n", b.netns, "link", "set", "lo", "up");
      DaemonConfig config = new DaemonConfig(b.dir.resolve("root"), b.dir.resolve("s"), null, b.netnsPath());
      b.daemon = Berthd.startAll(config);
      b.channel = Channels.unix(config.frontSocket());
      Path archive = TestImages.busybox().writeDockerArchive(b.dir.resolve("busybox.tar"));
      Cli.Result load = b.ctl("load", "-i", archive.toString());
      if (load.exit() != 0) {
        throw new IllegalStateException("cannot load busybox: " + load);
      }
      Files.delete(archive);
      return b;
    } catch (Exception | Error e) {
      b.close();
      throw e;
    }
  }

  Path netnsPath() {
    return Path.of("/run/netns", netns);
  }

  /** Runs berthctl against this berthd. */
  Cli.Result ctl(String... args) {
    return ctlWithInput(new byte[0], args);
  }

  Cli.Result ctlWithInput(byte[] stdin, String... args) {
    return Cli.run(Map.of("BERTH_ADDRESS", socket().toString()), stdin, args);
  }

  /** berthctl's stdout and stderr in the order it printed them. */
  String ctlInterleaved(String... args) {
    return Cli.interleaved(Map.of("BERTH_ADDRESS", socket().toString()), args);
  }

  /** berthd's socket, for a berthctl run with streams of the test's own. */
  Path socket() {
    return dir.resolve("s").resolve("berth.sock");
  }

  /** A channel in the default namespace, to check what berthctl did. */
  Channel channel() {
    return Channels.inNamespace(channel, BerthCtl.DEFAULT_NAMESPACE);
  }

  /** The keys of the default namespace's snapshots, to check what a command left behind. */
  List<String> snapshotKeys() {
    List<String> keys = new ArrayList<>();
    SnapshotsGrpc.newBlockingStub(channel())
        .list(ListSnapshotsRequest.newBuilder().setSnapshotter(ContainerClient.SNAPSHOTTER).build())
        .forEachRemaining(page -> page.getInfoList().forEach(i -> keys.add(i.getName())));
    return keys;
  }

  /** Runs a command in the daemon's network namespace (its "host"), as curl to a published port. */
  String inNetns(String... command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", netns));
    full.addAll(List.of(command));
    return NetworkOnSocket.sh(full.toArray(String[]::new));
  }

  @Override
  public void close() throws Exception {
    try {
      if (channel != null) {
        channel.shutdownNow();
      }
      if (daemon != null) {
        daemon.close();
      }
    } finally {
      try {
        String prefix = dir + "/";
        List<String> mounts = Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
            .map(l -> l.split(" ")[4]).filter(m -> m.startsWith(prefix)).sorted(Comparator.reverseOrder()).toList();
        for (String m : mounts) {
          quietly("umount", "-l", m);
        }
        deleteTree(dir);
      } finally {
        quietly("ip", "netns", "del", netns);
      }
    }
  }

  private static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> tree = Files.walk(root)) {
      for (Path p : tree.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static void quietly(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    if (!p.waitFor(10, TimeUnit.SECONDS)) {
      p.destroyForcibly();
    }
  }
}
