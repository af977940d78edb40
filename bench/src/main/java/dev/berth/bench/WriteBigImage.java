package dev.berth.bench;

import dev.berth.client.testing.TestImage;
import dev.berth.client.testing.TestLayer;
import java.nio.file.Path;
import java.util.Random;

/**
 * Writes a 5-layer image of about 200 MB (40 MiB of random bytes per layer, so compression
 * saves nothing) as an OCI image layout archive with gzip layers: {@code WriteBigImage FILE}.
 */
public final class WriteBigImage {
  private WriteBigImage() {}

  public static void main(String[] args) {
    TestImage.Builder big = TestImage.builder("docker.io/library/bench-5-layers:latest");
    Random random = new Random(5);
    for (int layer = 0; layer < 5; layer++) {
      byte[] data = new byte[40 << 20];
      random.nextBytes(data);
      big.layer(new TestLayer().dir("data", 0755).file("data/layer-" + layer, data, 0644));
    }
    big.build().writeOciArchive(Path.of(args[0]));
  }
}
