package dev.berth.restart;

import containerd.services.containers.v1.Container;
import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.containers.v1.DeleteContainerRequest;
import containerd.services.snapshots.v1.RemoveSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.services.tasks.v1.DeleteTaskRequest;
import containerd.services.tasks.v1.TasksGrpc;
import io.grpc.Channel;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.TimeUnit;

/**
 * Removes a container whose process has ended, as Docker's daemon removes an auto-remove one:
 * its task (whose deletion also detaches it from its network), its snapshot, then its record, in
 * the order containerd's client deletes a container with its snapshot. Whatever is gone already
 * counts as removed, and the record goes last, so a removal that failed half-way is finished by
 * looking at the container again.
 */
final class AutoRemover {
  private static final long DEADLINE_SECONDS = 60;

  /** Removes the container in the namespace {@code ns} is bound to; false if its record was gone already. */
  boolean remove(Channel ns, Container container, boolean hasTask) {
    if (hasTask) {
      ignoringNotFound(() -> TasksGrpc.newBlockingStub(ns).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
          .delete(DeleteTaskRequest.newBuilder().setContainerId(container.getId()).build()));
    }
    if (!container.getSnapshotKey().isEmpty()) {
      ignoringNotFound(() -> SnapshotsGrpc.newBlockingStub(ns).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
          .remove(RemoveSnapshotRequest.newBuilder().setSnapshotter(container.getSnapshotter())
              .setKey(container.getSnapshotKey()).build()));
    }
    return ignoringNotFound(() -> ContainersGrpc.newBlockingStub(ns).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .delete(DeleteContainerRequest.newBuilder().setId(container.getId()).build()));
  }

  /** Runs {@code call}; false when it answered NOT_FOUND. */
  private static boolean ignoringNotFound(Runnable call) {
    try {
      call.run();
      return true;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }
}
