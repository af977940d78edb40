package dev.berth.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Mounts on a fresh temporary directory, unmounted and removed again on close. */
public final class TempMount implements AutoCloseable {
  /** Work on a mounted tree. */
  @FunctionalInterface
  public interface InMount {
    void run(Path dir) throws IOException;
  }

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
      Mounts.mountAll(mounts, dir);
    } catch (ErrnoException e) {
      Files.deleteIfExists(dir);
      throw e;
    }
    return new TempMount(dir, mounts.size());
  }

  /** Mounts {@code mounts} under {@code parent}, runs {@code work} on them and unmounts, also when it fails. */
  public static void with(List<MountSpec> mounts, Path parent, InMount work) throws IOException {
    try (TempMount m = mount(mounts, parent)) {
      work.run(m.dir());
    }
  }

  public Path dir() {
    return dir;
  }

  @Override
  public void close() throws IOException {
    for (int i = 0; i < layers; i++) {
      Mounts.unmount(dir);
    }
    Files.deleteIfExists(dir);
  }
}
