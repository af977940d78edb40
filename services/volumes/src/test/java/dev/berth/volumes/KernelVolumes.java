package dev.berth.volumes;

import berth.volumes.v1.VolumesGrpc;
import dev.berth.common.store.MetadataStore;
import dev.berth.common.testing.InProcessServices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The Volumes service on a real root, for kernel tests: each {@link #open} is a berthd's start
 * over the same store; closing unmounts what a test left mounted under the root, then stops them.
 */
final class KernelVolumes implements AutoCloseable {
  private final Path root;
  private final MetadataStore store;
  private final List<InProcessServices> servers = new ArrayList<>();

  KernelVolumes(Path root) throws IOException {
    this.root = root;
    this.store = MetadataStore.open(root.resolve("meta.db"));
  }

  VolumesGrpc.VolumesBlockingStub open() throws IOException {
    InProcessServices containers = InProcessServices.start(new RecordedContainers());
    servers.add(containers);
    InProcessServices server = InProcessServices.start(
        new VolumesService(new VolumeStore(root, store, containers.channel(), namespace -> { }),
            (namespace, topic, event) -> { }));
    servers.add(server);
    return VolumesGrpc.newBlockingStub(server.channel());
  }

  @Override
  public void close() throws Exception {
    try {
      for (String point : mountsUnder(root)) {
        run("umount", "-l", point);
      }
    } finally {
      for (InProcessServices s : servers) {
        s.close();
      }
      store.close();
    }
  }

  /** The mount points below {@code dir}, deepest first. */
  static List<String> mountsUnder(Path dir) throws IOException {
    String prefix = dir.toRealPath().toString();
    List<String> mounts = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String point = line.split(" ")[4];
      if (point.startsWith(prefix + "/")) {
        mounts.add(point);
      }
    }
    mounts.sort(Comparator.reverseOrder());
    return mounts;
  }

  static void run(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", command) + " failed: " + out);
    }
  }
}
