package dev.berth.ctl.container;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.linux.MountSpec;
import dev.berth.linux.Mounts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The directory cp mounts a stopped container on, in a mount namespace of its own, against the real kernel. Needs root. */
class CopyRootDirectoryKernelTest {
  @Test
  void theShutdownHookDoesNotWaitForAMountThreadThatIsStuck() throws Exception {
    CopyRootDirectory dir = CopyRootDirectory.create();
    Path top = dir.root().getParent();
    CountDownLatch mounted = new CountDownLatch(1);
    CountDownLatch berthdAnswers = new CountDownLatch(1);
    CompletableFuture<Void> work = CompletableFuture.runAsync(() -> {
      try {
        dir.mountInside(() -> {
          Mounts.mount(new MountSpec("tmpfs", "tmpfs", List.of("size=1m")), dir.root());
          mounted.countDown();
          // as a volumes call to a berthd that stalls
          try {
            berthdAnswers.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return null;
        });
      } catch (Exception e) {
        throw new RuntimeException(e);
      }
    });
    try {
      assertTrue(mounted.await(10, TimeUnit.SECONDS));
      assertTimeoutPreemptively(Duration.ofSeconds(5), dir::removeAtExit, "Ctrl-C would hang");
      assertFalse(Files.exists(top), top + " left behind");
      assertFalse(Files.readString(Path.of("/proc/self/mounts")).contains(top.toString()), "mounted on the host");
    } finally {
      berthdAnswers.countDown();
      work.get(10, TimeUnit.SECONDS);
      dir.close();
    }
  }
}
