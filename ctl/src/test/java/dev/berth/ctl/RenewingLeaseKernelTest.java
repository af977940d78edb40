package dev.berth.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import containerd.services.leases.v1.LeasesGrpc;
import containerd.services.leases.v1.ListRequest;
import containerd.services.leases.v1.ListResourcesRequest;
import containerd.services.leases.v1.Resource;
import containerd.services.snapshots.v1.PrepareSnapshotRequest;
import containerd.services.snapshots.v1.RemoveSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import dev.berth.client.containers.ContainerClient;
import dev.berth.client.leases.RenewingLease;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A build's lease against a whole berthd: renewing hands what it holds to a new lease. */
class RenewingLeaseKernelTest extends BerthdKernelTest {
  @Test
  void aRenewedLeaseHoldsWhatTheOldOneHeldAndClosingDeletesThemAll() {
    LeasesGrpc.LeasesBlockingStub leases = LeasesGrpc.newBlockingStub(berthd.channel());
    String key = "renewing-lease-test";
    try (RenewingLease lease = RenewingLease.create(berthd.channel(), Duration.ofHours(1))) {
      SnapshotsGrpc.newBlockingStub(lease.channel()).prepare(PrepareSnapshotRequest.newBuilder()
          .setSnapshotter(ContainerClient.SNAPSHOTTER).setKey(key).build());
      String first = lease.id();
      lease.renew();
      lease.renew();
      assertNotEquals(first, lease.id());
      List<Resource> held = leases.listResources(ListResourcesRequest.newBuilder().setId(lease.id()).build())
          .getResourcesList();
      assertEquals(List.of(key), held.stream().map(Resource::getId).toList());
      // the current one and the one before it, kept for calls that still name it
      assertEquals(2, leases.list(ListRequest.getDefaultInstance()).getLeasesCount());
    } finally {
      SnapshotsGrpc.newBlockingStub(berthd.channel()).remove(RemoveSnapshotRequest.newBuilder()
          .setSnapshotter(ContainerClient.SNAPSHOTTER).setKey(key).build());
    }
    assertEquals(0, leases.list(ListRequest.getDefaultInstance()).getLeasesCount());
  }
}
