package dev.berth.bench;

import dev.berth.client.testing.TestImages;
import java.nio.file.Path;

/** Writes the busybox test image as a docker archive: {@code WriteTestImage FILE}. */
public final class WriteTestImage {
  private WriteTestImage() {}

  public static void main(String[] args) {
    TestImages.busybox().writeDockerArchive(Path.of(args[0]));
  }
}
