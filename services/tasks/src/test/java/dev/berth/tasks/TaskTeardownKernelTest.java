package dev.berth.tasks;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.linux.MountSpec;
import dev.berth.linux.Mounts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bundle's mounts taken down on the kernel (as root): tmpfs mounts stand for the rootfs and the shared /dev/shm. */
class TaskTeardownKernelTest {
  /** One more than {@link RootfsMounts#unmountAll} takes off a target before it gives up. */
  private static final int STUCK_ROOTFS_MOUNTS = 17;

  @TempDir
  Path tmp;

  @AfterEach
  void unmountWhatIsLeft() {
    for (int i = 0; i <= STUCK_ROOTFS_MOUNTS; i++) {
      RootfsMounts.unmountAll(tmp.resolve("bundle/rootfs"), Runnable::run);
      RootfsMounts.unmountAll(tmp.resolve("bundle/shm"), Runnable::run);
    }
  }

  @Test
  void theSharedDevShmIsUnmountedEvenWhenTheRootfsCannotBe() throws Exception {
    Path bundle = tmp.resolve("bundle");
    Path rootfs = Files.createDirectories(bundle.resolve("rootfs"));
    for (int i = 0; i < STUCK_ROOTFS_MOUNTS; i++) {
      Mounts.mount(new MountSpec("tmpfs", "rootfs", List.of()), rootfs);
    }
    Path shm = Files.createDirectories(bundle.resolve("shm"));
    Mounts.mount(new MountSpec("tmpfs", "shm", List.of("size=64k")), shm);
    TaskTeardown teardown = new TaskTeardown(new TaskLayout(tmp.resolve("state")), null, null);

    assertThrows(IOException.class, () -> teardown.removeBundle(bundle, List.of()));
    assertTrue(RootfsMounts.isMountPoint(rootfs), "the rootfs stays, and the bundle with it");
    assertFalse(RootfsMounts.isMountPoint(shm), "the shared /dev/shm is not left mounted");
  }
}
