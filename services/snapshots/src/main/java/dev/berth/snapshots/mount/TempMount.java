package dev.berth.snapshots.mount;

import dev.berth.snapshots.linux.ErrnoException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Mounts on a fresh temporary directory, unmounted and removed again on close. */
public final class TempMount implements AutoCloseable {
  private final Path dir;
  private final int layers;

  private TempMount(Path dir, int layers) {
    this.dir = dir;
    this.layers = layers;
  }

  /** Mounts {@code mounts} on a new directory under {@code parent}. */
  public static TempMount mount(List<MountSpec> mounts, Path parent) throws IOException {
    Files.createDirectories(parent);
    Path dir = Files.createTempDirectory(parent, "mount-");
    try {
      Mounter.mountAll(mounts, dir);
    } catch (ErrnoException e) {
      Files.deleteIfExists(dir);
      throw e;
    }
    return new TempMount(dir, mounts.size());
  }

  public Path dir() {
    return dir;
  }

  @Override
  public void close() throws IOException {
    for (int i = 0; i < layers; i++) {
      Mounter.unmount(dir);
    }
    Files.deleteIfExists(dir);
  }
}
