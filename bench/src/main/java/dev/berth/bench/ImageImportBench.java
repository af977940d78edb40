package dev.berth.bench;

import dev.berth.client.BerthClient;
import dev.berth.client.images.ImportOptions;
import dev.berth.client.testing.TestImage;
import dev.berth.client.testing.TestImages;
import dev.berth.client.testing.TestLayer;
import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Random;

/**
 * Image import through the API (blobs to Content, records to Images, layers unpacked through
 * Snapshots and Diff): the busybox test image cold (a namespace that has nothing yet) and warm
 * (imported again), and a synthetic 5-layer image of about 200 MB.
 * {@code ImageImportBench SOCKET [ITERATIONS]}.
 */
public final class ImageImportBench {
  private ImageImportBench() {}

  public static void main(String[] args) throws Exception {
    Path socket = Path.of(args[0]);
    int iterations = args.length > 1 ? Integer.parseInt(args[1]) : 20;
    byte[] busybox = TestImages.busybox().dockerArchive();
    Samples cold = new Samples("busybox import, cold (new namespace)");
    Samples warm = new Samples("busybox import, warm (same namespace)");
    for (int i = 0; i < iterations + 3; i++) {
      try (BerthClient client = BerthClient.connect(socket, "bench-import-" + i)) {
        long t0 = System.nanoTime();
        client.images().importArchive(new ByteArrayInputStream(busybox), ImportOptions.defaults());
        long t1 = System.nanoTime();
        client.images().importArchive(new ByteArrayInputStream(busybox), ImportOptions.defaults());
        long t2 = System.nanoTime();
        if (i >= 3) {
          cold.add(t1 - t0);
          warm.add(t2 - t1);
        }
      }
    }
    cold.print();
    warm.print();

    TestImage.Builder big = TestImage.builder("docker.io/library/bench-5-layers:latest");
    Random random = new Random(5);
    for (int layer = 0; layer < 5; layer++) {
      byte[] data = new byte[40 << 20];
      random.nextBytes(data);
      big.layer(new TestLayer().dir("data", 0755).file("data/layer-" + layer, data, 0644));
    }
    byte[] archive = big.build().dockerArchive();
    Samples synthetic = new Samples("5-layer ~200 MB import, cold");
    for (int i = 0; i < 3; i++) {
      try (BerthClient client = BerthClient.connect(socket, "bench-big-" + i)) {
        synthetic.time(() -> client.images().importArchive(new ByteArrayInputStream(archive), ImportOptions.defaults()));
      }
    }
    synthetic.print();
  }
}
