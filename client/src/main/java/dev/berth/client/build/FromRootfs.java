package dev.berth.client.build;

import dev.berth.client.containers.ContainerClient;
import dev.berth.client.containers.ImageRootfs;
import dev.berth.client.images.Image;
import io.grpc.Channel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A root file system that {@code COPY --from} and {@code RUN --mount=from=} read, mounted on this
 * host: an earlier stage's (by name or index) or an image's (pulled if missing); an empty
 * directory for one of {@code scratch}. Closing unmounts it.
 */
interface FromRootfs extends AutoCloseable {
  Path dir();

  @Override
  void close();

  /** {@code leased} carries the build's lease; {@code done} the stages built so far. */
  static FromRootfs open(Channel leased, BaseImages baseImages, List<StageState> done, String from)
      throws IOException {
    String chainId = null;
    String lower = from.toLowerCase(Locale.ROOT);
    if (lower.matches("\\d+")) {
      int index = Integer.parseInt(lower);
      if (index >= done.size()) {
        throw new BuildStepException("invalid from flag value " + from + ": refers to current build stage", 1);
      }
      chainId = done.get(index).chainId;
    }
    for (StageState stage : done) {
      if (lower.equals(stage.name)) {
        chainId = stage.chainId;
      }
    }
    if (chainId == null) {
      Image image = baseImages.find(from);
      chainId = new ContainerClient(leased).unpacked(image);
    }
    if (chainId.isEmpty()) {
      Path empty = Files.createTempDirectory("berthctl-build-scratch");
      return new FromRootfs() {
        public Path dir() {
          return empty;
        }

        public void close() {
          try {
            Files.deleteIfExists(empty);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };
    }
    ImageRootfs rootfs = ImageRootfs.mount(leased, chainId);
    return new FromRootfs() {
      public Path dir() {
        return rootfs.dir();
      }

      public void close() {
        rootfs.close();
      }
    };
  }
}
