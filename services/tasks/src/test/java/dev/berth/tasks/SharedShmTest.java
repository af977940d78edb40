package dev.berth.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import containerd.services.containers.v1.Container;
import dev.berth.api.grpc.BerthException;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.tasks.spec.OciSpec;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The options berthd mounts a shareable /dev/shm with on the host, checked before anything is mounted. */
class SharedShmTest {
  @TempDir
  Path bundle;

  @Test
  void theDefaultTmpfsOptionsAreMountedAsGiven() {
    List<String> defaults = List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k");
    assertEquals(defaults, SharedShm.hostOptions(defaults));
    assertEquals(List.of("ro", "nr_inodes=100"), SharedShm.hostOptions(List.of("ro", "nr_inodes=100")));
  }

  @Test
  void optionsThatWouldBindOrPropagateOnTheHostOrThatTheSharedTmpfsCannotKeepAreRefusedByName() {
    for (String option : List.of("rbind", "bind", "shared", "rshared", "remount", "exec", "suid", "dev", "uid=0")) {
      BerthException e = assertThrows(BerthException.class,
          () -> SharedShm.hostOptions(List.of("nosuid", option, "size=65536k")), option);
      assertEquals(Status.Code.INVALID_ARGUMENT, e.code(), option);
      assertEquals("a shareable /dev/shm (label io.berth.ipc=shareable) takes only the tmpfs options size=, mode=,"
          + " nr_inodes=, nosuid, nodev, noexec, ro, rw, not " + option, e.getMessage());
    }
  }

  @Test
  void aRefusedSpecLeavesNothingInTheBundle() {
    ObjectNode json = Specs.spec("/default/shm", "true");
    for (var m : json.withArray("mounts")) {
      if (m.path("destination").asText().equals("/dev/shm")) {
        ((ArrayNode) m.path("options")).add("rbind");
      }
    }
    OciSpec spec = OciSpec.container("shm", Specs.any(Specs.SPEC_TYPE, json));
    Container container = Container.newBuilder().setId("shm")
        .putLabels(ContainerLabels.IPC, ContainerLabels.IPC_SHAREABLE).build();
    BerthException e = assertThrows(BerthException.class, () -> SharedShm.mountIfShareable(container, spec, bundle));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.code());
    assertFalse(Files.exists(bundle.resolve("shm")));
  }
}
