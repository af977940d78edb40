package dev.berth.volumes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.volumes.v1.CreateVolumeRequest;
import berth.volumes.v1.DeleteVolumeRequest;
import berth.volumes.v1.GetVolumeRequest;
import berth.volumes.v1.PruneVolumesRequest;
import berth.volumes.v1.Volume;
import berth.volumes.v1.VolumesGrpc;
import dev.berth.api.labels.VolumeLabels;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Docker's local driver options on the real kernel: the file system mounted on the volume's directory. */
class VolumeDriverOptionsKernelTest {
  @TempDir
  Path root;
  @TempDir
  Path host;
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
  void aTmpfsVolumeIsMountedFromCreateToDeleteAndAgainAtStart() throws Exception {
    VolumesGrpc.VolumesBlockingStub volumes = rig.open();
    Volume v = create(volumes, "scratch", Map.of("type", "tmpfs", "device", "tmpfs", "o", "size=10m"));
    assertEquals(Map.of("type", "tmpfs", "device", "tmpfs", "o", "size=10m"), v.getOptionsMap());
    assertTrue(mounted(v.getMountpoint()).matches("tmpfs .*size=10240k.*"), mounted(v.getMountpoint()));
    assertEquals(v.getOptionsMap(), volumes.get(GetVolumeRequest.newBuilder().setName("scratch").build())
        .getVolume().getOptionsMap());

    // as after a reboot: a start mounts it again
    KernelVolumes.run("umount", v.getMountpoint());
    rig.open();
    assertTrue(mounted(v.getMountpoint()).startsWith("tmpfs "), mounted(v.getMountpoint()));

    volumes.delete(DeleteVolumeRequest.newBuilder().setName("scratch").build());
    assertEquals(List.of(), KernelVolumes.mountsUnder(root));
  }

  @Test
  void aBindVolumeShowsTheHostDirectoryWhichOutlivesIt() throws Exception {
    VolumesGrpc.VolumesBlockingStub volumes = rig.open();
    Files.writeString(host.resolve("kept"), "the host's");
    Volume v = create(volumes, "bound", Map.of("type", "none", "o", "bind", "device", host.toString()));
    assertEquals("the host's", Files.readString(Path.of(v.getMountpoint(), "kept")));
    volumes.delete(DeleteVolumeRequest.newBuilder().setName("bound").build());
    assertEquals(List.of(), KernelVolumes.mountsUnder(root));
    assertEquals("the host's", Files.readString(host.resolve("kept")), "a bind volume's removal keeps the host's files");
  }

  @Test
  void pruneLeavesVolumesWithDriverOptionsAsDockersDaemonDoes() throws Exception {
    VolumesGrpc.VolumesBlockingStub volumes = rig.open();
    Volume scratch = volumes.create(CreateVolumeRequest.newBuilder().setName("scratch")
        .putLabels(VolumeLabels.ANONYMOUS, "").putAllOptions(Map.of("type", "tmpfs", "device", "tmpfs")).build())
        .getVolume();
    Files.writeString(Path.of(scratch.getMountpoint(), "work"), "only in memory");
    create(volumes, "bound", Map.of("type", "none", "o", "bind", "device", host.toString()));
    create(volumes, "plain", Map.of());

    assertEquals(List.of(), volumes.prune(PruneVolumesRequest.getDefaultInstance()).getDeletedList());
    assertEquals(List.of("plain"), volumes.prune(PruneVolumesRequest.newBuilder().setAll(true).build())
        .getDeletedList());
    assertEquals("only in memory", Files.readString(Path.of(scratch.getMountpoint(), "work")));
    assertTrue(mounted(scratch.getMountpoint()).startsWith("tmpfs "), mounted(scratch.getMountpoint()));
    volumes.delete(DeleteVolumeRequest.newBuilder().setName("scratch").build());
    volumes.delete(DeleteVolumeRequest.newBuilder().setName("bound").build());
  }

  @Test
  void optionsTheKernelOrTheDriverRefusesMakeNoVolume() throws Exception {
    VolumesGrpc.VolumesBlockingStub volumes = rig.open();
    for (Map<String, String> refused : List.of(
        Map.of("type", "tmpfs", "device", "tmpfs", "size", "10m"),
        Map.of("type", "none", "o", "bind", "device", host.resolve("absent").toString()),
        Map.of("type", "nosuchfs", "device", "x"))) {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> create(volumes, "bad", refused));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), refused::toString);
      assertTrue(e.getStatus().getDescription().startsWith("volume bad: "), e.getStatus().getDescription());
      StatusRuntimeException none = assertThrows(StatusRuntimeException.class,
          () -> volumes.get(GetVolumeRequest.newBuilder().setName("bad").build()));
      assertEquals(Status.Code.NOT_FOUND, none.getStatus().getCode());
    }
    assertEquals(List.of(), KernelVolumes.mountsUnder(root));
    assertFalse(Files.exists(root.resolve("volumes/default/bad")));
  }

  private static Volume create(VolumesGrpc.VolumesBlockingStub volumes, String name, Map<String, String> options) {
    return volumes.create(CreateVolumeRequest.newBuilder().setName(name).putAllOptions(options).build()).getVolume();
  }

  /** The file system type and options mountinfo gives for {@code path}, or "" when nothing is mounted there. */
  private static String mounted(String path) throws IOException {
    String real = Path.of(path).toRealPath().toString();
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] fields = line.split(" ");
      if (fields[4].equals(real)) {
        String[] after = line.substring(line.indexOf(" - ") + 3).split(" ");
        return after[0] + " " + after[2];
      }
    }
    return "";
  }
}
