package dev.berth.bench;

import dev.berth.client.testing.TestImage;
import dev.berth.client.testing.TestImages;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Writes the busybox test image as a docker archive: {@code WriteTestImage FILE}; or, named and
 * running a command of its own (a pod's pause image, say), {@code WriteTestImage FILE NAME CMD...}.
 */
public final class WriteTestImage {
  private WriteTestImage() {}

  public static void main(String[] args) {
    TestImage image = args.length == 1 ? TestImages.busybox()
        : TestImage.builder(args[1]).layer(TestImages.busyboxLayer())
            .cmd(Arrays.copyOfRange(args, 2, args.length)).build();
    image.writeDockerArchive(Path.of(args[0]));
  }
}
