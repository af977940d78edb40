package dev.berth.tasks;

import dev.berth.tasks.testing.HostLeftovers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.common.util.concurrent.ListenableFuture;
import containerd.services.containers.v1.Container;
import containerd.services.containers.v1.CreateContainerRequest;
import containerd.services.snapshots.v1.MountsRequest;
import containerd.services.snapshots.v1.MountsResponse;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.services.tasks.v1.CreateTaskRequest;
import containerd.services.tasks.v1.DeleteTaskRequest;
import containerd.services.tasks.v1.StartRequest;
import containerd.services.tasks.v1.WaitRequest;
import containerd.services.tasks.v1.WaitResponse;
import containerd.types.Mount;
import dev.berth.api.grpc.Errors;
import dev.berth.common.grpc.RequestContext;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A Create without rootfs mounts asks the Snapshots API for the container's snapshot mounts. */
class SnapshotRootfsKernelTest {
  @RegisterExtension
  final TaskRig rig = TaskRig.perTest(new OneSnapshot());
  final List<String> asked = new ArrayList<>();

  /** Answers Mounts for snapshot "snap-1" of "overlayfs" in the rig's image directory, as a snapshotter does for a parentless snapshot. */
  final class OneSnapshot extends SnapshotsGrpc.SnapshotsImplBase {
    @Override
    public void mounts(MountsRequest request, StreamObserver<MountsResponse> response) {
      asked.add(RequestContext.namespace() + "/" + request.getSnapshotter() + "/" + request.getKey());
      if (!request.getKey().equals("snap-1")) {
        throw Errors.notFound("snapshot %s does not exist", request.getKey());
      }
      response.onNext(MountsResponse.newBuilder().addMounts(Mount.newBuilder().setType("bind")
          .setSource(rig.rootfs.toString()).addOptions("rw").addOptions("rbind")).build());
      response.onCompleted();
    }
  }

  private void container(String id, String key) {
    rig.containersApi.create(CreateContainerRequest.newBuilder().setContainer(Container.newBuilder().setId(id)
        .setRuntime(Container.Runtime.newBuilder().setName("io.containerd.runc.v2"))
        .setSnapshotter("overlayfs").setSnapshotKey(key)
        .setSpec(Specs.any(Specs.SPEC_TYPE, rig.spec(id, "echo", "from the snapshot")))).build());
  }

  @Test
  void mountsTheContainersSnapshot() throws Exception {
    container("snapped", "snap-1");
    Path stdout = rig.fifo("stdout");
    CompletableFuture<String> out = FifoReader.readAll(stdout);
    rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId("snapped").setStdout(stdout.toString()).build());
    ListenableFuture<WaitResponse> exit = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId("snapped").build());
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId("snapped").build());
    assertEquals(0, exit.get(20, TimeUnit.SECONDS).getExitStatus());
    assertEquals("from the snapshot\n", out.get(10, TimeUnit.SECONDS));
    assertEquals(List.of("default/overlayfs/snap-1"), asked);
    rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId("snapped").build());
    assertEquals(List.of(), HostLeftovers.mountsUnder(rig.state));
  }

  @Test
  void aMissingSnapshotFailsCreateWithTheSnapshottersStatus() throws Exception {
    container("unsnapped", "snap-2");
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId("unsnapped").build()));
    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
    assertEquals(List.of(), HostLeftovers.mountsUnder(rig.state));
  }
}
