package dev.berth.client.containers;

import dev.berth.api.labels.ContainerLabels;
import com.google.protobuf.FieldMask;
import com.google.protobuf.Any;
import containerd.runc.v1.Options;
import containerd.services.containers.v1.Container;
import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.containers.v1.CreateContainerRequest;
import containerd.services.containers.v1.DeleteContainerRequest;
import containerd.services.containers.v1.GetContainerRequest;
import containerd.services.containers.v1.ListContainersRequest;
import containerd.services.containers.v1.UpdateContainerRequest;
import containerd.services.containers.v1.UpdateContainerResponse;
import com.google.common.util.concurrent.ListenableFuture;
import containerd.services.snapshots.v1.PrepareSnapshotRequest;
import containerd.services.snapshots.v1.RemoveSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.services.snapshots.v1.StatSnapshotRequest;
import dev.berth.client.ClientException;
import dev.berth.client.NoSuchObjectException;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import dev.berth.client.images.ImportOptions;
import dev.berth.client.leases.Lease;
import dev.berth.client.spec.SpecJson;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Container records over the Containers and Snapshots APIs, as containerd's client makes them: a
 * record names an OCI runtime spec, the runc runtime and a root file system snapshot prepared
 * from the image's unpacked layers; deleting the record removes that snapshot too.
 */
public final class ContainerClient {
  /** The runtime every record names: runc, under Berth's monitor. */
  public static final String RUNTIME = "io.containerd.runc.v2";
  public static final String SNAPSHOTTER = ImportOptions.DEFAULT_SNAPSHOTTER;
  private static final SecureRandom RANDOM = new SecureRandom();
  /** The characters of container ids and names; anything else names no container. */
  private static final String NAME_CHARACTERS = "[A-Za-z0-9][A-Za-z0-9_.-]*";

  private final Channel channel;
  private final ContainersGrpc.ContainersBlockingStub containers;
  private final SnapshotsGrpc.SnapshotsBlockingStub snapshots;
  private final ImageClient images;

  public ContainerClient(Channel channel) {
    this.channel = channel;
    this.containers = ContainersGrpc.newBlockingStub(channel);
    this.snapshots = SnapshotsGrpc.newBlockingStub(channel);
    this.images = new ImageClient(channel);
  }

  /**
   * The container {@code argument} names, as docker reads it: a full id, else a name, else a
   * unique prefix of an id; a leading '/' of a name is ignored ({@code /web} is {@code web}).
   * "No such container" otherwise, a {@link NoSuchObjectException}.
   */
  public Container resolve(String argument) {
    return lookup(argument).orElseThrow(() -> noSuchContainer(argument));
  }

  /** As {@link #resolve}, empty where no container is named so. */
  public Optional<Container> lookup(String argument) {
    String name = argument.startsWith("/") ? argument.substring(1) : argument;
    if (!name.matches(NAME_CHARACTERS)) {
      return Optional.empty();
    }
    List<Container> found = list("id==\"" + name + "\"",
        "labels.\"" + ContainerLabels.NAME + "\"==\"" + name + "\"", "id~=\"^" + name.replace(".", "\\\\.") + "\"");
    for (Container c : found) {
      if (c.getId().equals(name)) {
        return Optional.of(c);
      }
    }
    for (Container c : found) {
      if (name.equals(c.getLabelsMap().get(ContainerLabels.NAME))) {
        return Optional.of(c);
      }
    }
    if (found.size() > 1) {
      throw new ClientException("multiple containers have an id starting with " + name + ": give more of it");
    }
    return found.stream().findFirst();
  }

  public static NoSuchObjectException noSuchContainer(String argument) {
    return NoSuchObjectException.container(argument);
  }

  /** A new id as Docker makes them: 64 random hex digits. */
  public static String newId() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  /**
   * Prepares the container's snapshot (unpacking the image first if it is not) and creates the
   * record; a record that cannot be made takes its snapshot with it. A lease holds the snapshot
   * until the record names it, so garbage collection cannot take it in between.
   */
  public Container create(NewContainer c) {
    return create(c, unpacked(c.image()));
  }

  /**
   * {@link #create} for a caller that knows the chain ID of the image's top snapshot (from a
   * config it keeps): the snapshot is prepared at once, and the image unpacked only if the
   * snapshotter has no such parent, which saves reading the image's manifests and config again.
   */
  public Container create(NewContainer c, String chainId) {
    try (Lease lease = Lease.create(channel, Lease.DEFAULT_EXPIRY)) {
      SnapshotsGrpc.SnapshotsBlockingStub leased = SnapshotsGrpc.newBlockingStub(lease.channel());
      PrepareSnapshotRequest prepare = PrepareSnapshotRequest.newBuilder()
          .setSnapshotter(SNAPSHOTTER).setKey(c.id()).setParent(chainId).build();
      try {
        leased.prepare(prepare);
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.NOT_FOUND || snapshotExists(chainId)) {
          throw e;
        }
        images.unpack(c.image(), SNAPSHOTTER, (done, total) -> { });
        leased.prepare(prepare);
      }
      Container record = Container.newBuilder()
          .setId(c.id())
          .setImage(c.image().name())
          .putAllLabels(c.labels())
          .setRuntime(runtime(c.runtimeBinary()))
          .setSpec(SpecJson.toAny(c.spec()))
          .setSnapshotter(SNAPSHOTTER)
          .setSnapshotKey(c.id())
          .putAllExtensions(c.extensions())
          .build();
      try {
        return containers.create(CreateContainerRequest.newBuilder().setContainer(record).build()).getContainer();
      } catch (RuntimeException e) {
        removeSnapshot(SNAPSHOTTER, c.id());
        throw e;
      }
    }
  }

  /** containerd's runc runtime, with the binary named in its options (as ctr --runc-binary) unless the default. */
  private static Container.Runtime runtime(String binary) {
    Container.Runtime.Builder r = Container.Runtime.newBuilder().setName(RUNTIME);
    if (!binary.isEmpty()) {
      r.setOptions(Any.pack(Options.newBuilder().setBinaryName(binary).build()));
    }
    return r.build();
  }

  /** The chain ID of the image's top snapshot, unpacking the image first if it is not yet. */
  public String unpacked(Image image) {
    String chainId = images.chainId(image);
    if (!snapshotExists(chainId)) {
      images.unpack(image, SNAPSHOTTER, (done, total) -> { });
    }
    return chainId;
  }

  public Container get(String id) {
    return containers.get(GetContainerRequest.newBuilder().setId(id).build()).getContainer();
  }

  public Optional<Container> find(String id) {
    try {
      return Optional.of(get(id));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** Records matching any of the containerd filters (all without one). */
  public List<Container> list(String... filters) {
    return containers.list(ListContainersRequest.newBuilder().addAllFilters(List.of(filters)).build())
        .getContainersList();
  }

  /** Sets each label to its value; an empty value removes the label. */
  public Container updateLabels(String id, Map<String, String> labels) {
    return containers.update(labelUpdate(id, labels)).getContainer();
  }

  /** {@link #updateLabels} sent without waiting for the answer, for a caller with a slower call to make meanwhile. */
  public ListenableFuture<UpdateContainerResponse> updateLabelsLater(String id, Map<String, String> labels) {
    return ContainersGrpc.newFutureStub(channel).update(labelUpdate(id, labels));
  }

  private static UpdateContainerRequest labelUpdate(String id, Map<String, String> labels) {
    FieldMask.Builder mask = FieldMask.newBuilder();
    labels.keySet().forEach(k -> mask.addPaths("labels." + k));
    Container.Builder record = Container.newBuilder().setId(id);
    labels.forEach((k, v) -> {
      if (!v.isEmpty()) {
        record.putLabels(k, v);
      }
    });
    return UpdateContainerRequest.newBuilder().setContainer(record).setUpdateMask(mask).build();
  }

  /** Deletes the record, then its snapshot (already gone is fine). */
  public void delete(Container c) {
    containers.delete(DeleteContainerRequest.newBuilder().setId(c.getId()).build());
    if (!c.getSnapshotKey().isEmpty()) {
      removeSnapshot(c.getSnapshotter(), c.getSnapshotKey());
    }
  }

  private boolean snapshotExists(String key) {
    try {
      snapshots.stat(StatSnapshotRequest.newBuilder().setSnapshotter(SNAPSHOTTER).setKey(key).build());
      return true;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  private void removeSnapshot(String snapshotter, String key) {
    try {
      snapshots.remove(RemoveSnapshotRequest.newBuilder().setSnapshotter(snapshotter).setKey(key).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
    }
  }
}
