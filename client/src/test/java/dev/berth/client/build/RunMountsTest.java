package dev.berth.client.build;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.client.spec.MountFlag;
import dev.berth.client.spec.VolumeSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunMountsTest {
  @TempDir
  Path context;

  private static String mode(Path p) throws Exception {
    return Integer.toOctalString((Integer) Files.getAttribute(p, "unix:mode") & 07777);
  }

  @Test
  void aBindOfTheContextIsReadableByAnyUserOfTheRunAsBuildKitsIs() throws Exception {
    Files.writeString(context.resolve("f"), "x");
    try (RunMounts mounts = new RunMounts(null, "default", null, BuildContext.directory(context), List.of(),
        new Cancellation())) {
      mounts.add(RunMount.parse("target=/src", "/", Map.<String, String>of()::get));
      Path source = Path.of(((VolumeSpec) MountFlag.parse(mounts.flags().get(0))).source());
      assertEquals("755", mode(source));
      // the host's other users still cannot reach it
      assertEquals("700", mode(source.getParent()));
    }
  }
}
