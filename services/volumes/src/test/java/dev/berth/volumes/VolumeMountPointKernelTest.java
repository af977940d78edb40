package dev.berth.volumes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.volumes.v1.CreateVolumeRequest;
import berth.volumes.v1.DeleteVolumeRequest;
import berth.volumes.v1.GetVolumeRequest;
import berth.volumes.v1.VolumesGrpc;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file system mounted inside a volume (a bind mount someone forgot) is not emptied when the
 * volume goes: its files are not the volume's. The volume is gone at once; its directory waits
 * in the trash until the mount is gone, and the next start clears it.
 */
class VolumeMountPointKernelTest {
  @TempDir
  Path root;
  KernelVolumes rig;

  @BeforeEach
  void openStore() throws IOException {
    rig = new KernelVolumes(root);
  }

  @AfterEach
  void stop() throws Exception {
    rig.close();
  }

  @Test
  void aMountInsideAVolumeIsLeftAlone() throws Exception {
    VolumesGrpc.VolumesBlockingStub volumes = rig.open();
    Path data = Path.of(volumes.create(CreateVolumeRequest.newBuilder().setName("data").build()).getVolume().getMountpoint());
    Files.writeString(data.resolve("own"), "the volume's");
    Path mnt = Files.createDirectories(data.resolve("mnt"));
    KernelVolumes.run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mnt.toString());
    Files.writeString(mnt.resolve("foreign"), "not the volume's");

    volumes.delete(DeleteVolumeRequest.newBuilder().setName("data").build());
    StatusRuntimeException gone = assertThrows(StatusRuntimeException.class,
        () -> volumes.get(GetVolumeRequest.newBuilder().setName("data").build()));
    assertEquals(Status.Code.NOT_FOUND, gone.getStatus().getCode());
    assertFalse(Files.exists(data));
    List<String> mounts = KernelVolumes.mountsUnder(root);
    assertEquals(1, mounts.size(), mounts.toString());
    assertTrue(mounts.get(0).startsWith(root.resolve("volumes/.trash").toRealPath().toString()), mounts.get(0));
    Path moved = Path.of(mounts.get(0));
    assertEquals("not the volume's", Files.readString(moved.resolve("foreign")));
    assertFalse(Files.exists(moved.getParent().resolve("own")), "the volume's own files are deleted");

    KernelVolumes.run("umount", moved.toString());
    rig.open();
    try (Stream<Path> trash = Files.list(root.resolve("volumes/.trash"))) {
      assertEquals(List.of(), trash.toList());
    }
  }
}
