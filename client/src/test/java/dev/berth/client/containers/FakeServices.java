package dev.berth.client.containers;

import berth.network.v1.GetNetworkRequest;
import berth.network.v1.GetNetworkResponse;
import berth.network.v1.Network;
import berth.network.v1.NetworksGrpc;
import berth.volumes.v1.CreateVolumeRequest;
import berth.volumes.v1.CreateVolumeResponse;
import berth.volumes.v1.DeleteVolumeRequest;
import berth.volumes.v1.GetVolumeRequest;
import berth.volumes.v1.GetVolumeResponse;
import berth.volumes.v1.Volume;
import berth.volumes.v1.VolumesGrpc;
import com.google.protobuf.Empty;
import containerd.services.containers.v1.Container;
import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.containers.v1.CreateContainerRequest;
import containerd.services.containers.v1.CreateContainerResponse;
import containerd.services.containers.v1.DeleteContainerRequest;
import containerd.services.containers.v1.GetContainerRequest;
import containerd.services.containers.v1.GetContainerResponse;
import containerd.services.containers.v1.ListContainersRequest;
import containerd.services.containers.v1.ListContainersResponse;
import containerd.services.containers.v1.UpdateContainerRequest;
import containerd.services.containers.v1.UpdateContainerResponse;
import containerd.services.images.v1.GetImageRequest;
import containerd.services.images.v1.GetImageResponse;
import containerd.services.images.v1.Image;
import containerd.services.images.v1.ImagesGrpc;
import containerd.services.leases.v1.LeasesGrpc;
import containerd.services.snapshots.v1.PrepareSnapshotRequest;
import containerd.services.snapshots.v1.PrepareSnapshotResponse;
import containerd.services.snapshots.v1.RemoveSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.services.tasks.v1.GetRequest;
import containerd.services.tasks.v1.GetResponse;
import containerd.services.tasks.v1.KillRequest;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.services.tasks.v1.WaitRequest;
import containerd.services.tasks.v1.WaitResponse;
import containerd.v1.types.Process;
import containerd.v1.types.Status;
import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.Errors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import io.grpc.stub.StreamObserver;

/** Stand-ins for berthd's services that record what a container operation asked of them. */
final class FakeServices {
  private FakeServices() {}

  /** Images by name. */
  static final class Images extends ImagesGrpc.ImagesImplBase {
    final Map<String, Image> byName = new ConcurrentHashMap<>();

    @Override
    public void get(GetImageRequest request, StreamObserver<GetImageResponse> responses) {
      Image image = byName.get(request.getName());
      if (image == null) {
        throw Errors.notFound("image %s not found", request.getName());
      }
      responses.onNext(GetImageResponse.newBuilder().setImage(image).build());
      responses.onCompleted();
    }
  }

  /** Container records, listed through containerd's filters; updates merge labels and extensions, replace the spec. */
  static final class Containers extends ContainersGrpc.ContainersImplBase {
    final Map<String, Container> byId = new ConcurrentHashMap<>();

    @Override
    public void list(ListContainersRequest request, StreamObserver<ListContainersResponse> responses) {
      Filter filter = Filter.parse(request.getFiltersList());
      List<Container> found = new ArrayList<>();
      for (Container c : byId.values()) {
        if (filter.matches(path -> path.size() == 1 && path.get(0).equals("id") ? Optional.of(c.getId())
            : path.size() == 2 && path.get(0).equals("labels") ? Optional.ofNullable(c.getLabelsMap().get(path.get(1)))
            : Optional.empty())) {
          found.add(c);
        }
      }
      responses.onNext(ListContainersResponse.newBuilder().addAllContainers(found).build());
      responses.onCompleted();
    }

    /** Runs before each record is written, as another client would at that moment. */
    Runnable beforeCreate = () -> { };

    @Override
    public void create(CreateContainerRequest request, StreamObserver<CreateContainerResponse> responses) {
      beforeCreate.run();
      byId.put(request.getContainer().getId(), request.getContainer());
      responses.onNext(CreateContainerResponse.newBuilder().setContainer(request.getContainer()).build());
      responses.onCompleted();
    }

    @Override
    public void delete(DeleteContainerRequest request, StreamObserver<Empty> responses) {
      if (byId.remove(request.getId()) == null) {
        throw Errors.notFound("container %s not found", request.getId());
      }
      responses.onNext(Empty.getDefaultInstance());
      responses.onCompleted();
    }

    @Override
    public void get(GetContainerRequest request, StreamObserver<GetContainerResponse> responses) {
      Container c = byId.get(request.getId());
      if (c == null) {
        throw Errors.notFound("container %s not found", request.getId());
      }
      responses.onNext(GetContainerResponse.newBuilder().setContainer(c).build());
      responses.onCompleted();
    }

    @Override
    public void update(UpdateContainerRequest request, StreamObserver<UpdateContainerResponse> responses) {
      Container updated = byId.computeIfPresent(request.getContainer().getId(),
          (id, c) -> {
            Container.Builder b = c.toBuilder().putAllLabels(request.getContainer().getLabelsMap())
                .putAllExtensions(request.getContainer().getExtensionsMap());
            if (request.getUpdateMask().getPathsList().contains("spec")) {
              b.setSpec(request.getContainer().getSpec());
            }
            return b.build();
          });
      if (updated == null) {
        throw Errors.notFound("container %s not found", request.getContainer().getId());
      }
      responses.onNext(UpdateContainerResponse.newBuilder().setContainer(updated).build());
      responses.onCompleted();
    }
  }

  /**
   * Volumes, remembering which were created and deleted. A name in {@code madeByAnotherClient} is
   * created by someone else between this client's look-up and its create; {@link #removeAll}
   * removes every volume, as a prune would.
   */
  /** Networks that exist, as {@code get} finds them by name; NOT_FOUND for any other. */
  static final class Networks extends NetworksGrpc.NetworksImplBase {
    final Map<String, Network> byName = new ConcurrentHashMap<>();

    @Override
    public void get(GetNetworkRequest request, StreamObserver<GetNetworkResponse> responses) {
      Network n = byName.get(request.getName());
      if (n == null) {
        throw Errors.notFound("network %s not found", request.getName());
      }
      responses.onNext(GetNetworkResponse.newBuilder().setNetwork(n).build());
      responses.onCompleted();
    }
  }

  static final class Volumes extends VolumesGrpc.VolumesImplBase {
    final List<String> created = new CopyOnWriteArrayList<>();
    final List<String> deleted = new CopyOnWriteArrayList<>();
    final List<String> madeByAnotherClient = new CopyOnWriteArrayList<>();
    private final Map<String, Volume> existing = new ConcurrentHashMap<>();
    private int anonymous;

    void removeAll() {
      existing.clear();
    }

    @Override
    public void get(GetVolumeRequest request, StreamObserver<GetVolumeResponse> responses) {
      Volume v = existing.get(request.getName());
      if (v == null) {
        throw Errors.notFound("volume %s not found", request.getName());
      }
      responses.onNext(GetVolumeResponse.newBuilder().setVolume(v).build());
      responses.onCompleted();
    }

    @Override
    public void create(CreateVolumeRequest request, StreamObserver<CreateVolumeResponse> responses) {
      String name = request.getName().isEmpty() ? "anonymous" + ++anonymous : request.getName();
      if (madeByAnotherClient.remove(name)) {
        existing.put(name, volume(name));
        throw Errors.alreadyExists("volume %s already exists in namespace default", name);
      }
      created.add(request.getName());
      existing.put(name, volume(name));
      responses.onNext(CreateVolumeResponse.newBuilder().setVolume(existing.get(name)).build());
      responses.onCompleted();
    }

    private static Volume volume(String name) {
      return Volume.newBuilder().setName(name).setDriver("local").setMountpoint("/var/lib/berth/volumes/" + name
          + "/_data").build();
    }

    @Override
    public void delete(DeleteVolumeRequest request, StreamObserver<Empty> responses) {
      if (existing.remove(request.getName()) == null) {
        throw Errors.notFound("volume %s not found", request.getName());
      }
      deleted.add(request.getName());
      responses.onNext(Empty.getDefaultInstance());
      responses.onCompleted();
    }
  }

  /** Leases that hold nothing: snapshots here are never collected. */
  static final class Leases extends LeasesGrpc.LeasesImplBase {
    @Override
    public void create(containerd.services.leases.v1.CreateRequest request,
        StreamObserver<containerd.services.leases.v1.CreateResponse> responses) {
      responses.onNext(containerd.services.leases.v1.CreateResponse.newBuilder()
          .setLease(containerd.services.leases.v1.Lease.newBuilder().setId(request.getId())).build());
      responses.onCompleted();
    }

    @Override
    public void delete(containerd.services.leases.v1.DeleteRequest request, StreamObserver<Empty> responses) {
      responses.onNext(Empty.getDefaultInstance());
      responses.onCompleted();
    }
  }

  /** Snapshot keys prepared and not yet removed, without mounts. */
  static final class Snapshots extends SnapshotsGrpc.SnapshotsImplBase {
    final List<String> keys = new CopyOnWriteArrayList<>();

    @Override
    public void prepare(PrepareSnapshotRequest request, StreamObserver<PrepareSnapshotResponse> responses) {
      keys.add(request.getKey());
      responses.onNext(PrepareSnapshotResponse.getDefaultInstance());
      responses.onCompleted();
    }

    @Override
    public void remove(RemoveSnapshotRequest request, StreamObserver<Empty> responses) {
      keys.remove(request.getKey());
      responses.onNext(Empty.getDefaultInstance());
      responses.onCompleted();
    }
  }

  /**
   * One running task (of container c1, pid 42) whose process ends on SIGKILL, and on any signal
   * if {@code obeys}; the signals it was sent are kept in order.
   */
  static final class Tasks extends TasksGrpc.TasksImplBase {
    final List<Integer> signals = new CopyOnWriteArrayList<>();
    private final boolean obeys;
    private final List<StreamObserver<WaitResponse>> waiting = new CopyOnWriteArrayList<>();

    Tasks(boolean obeys) {
      this.obeys = obeys;
    }

    @Override
    public void kill(KillRequest request, StreamObserver<Empty> responses) {
      signals.add(request.getSignal());
      if (obeys || request.getSignal() == Signals.SIGKILL) {
        waiting.forEach(w -> {
          w.onNext(WaitResponse.newBuilder().setExitStatus(128 + request.getSignal()).build());
          w.onCompleted();
        });
      }
      responses.onNext(Empty.getDefaultInstance());
      responses.onCompleted();
    }

    /** The task's status; null: the container has none. */
    volatile Status status = Status.RUNNING;

    @Override
    public void get(GetRequest request, StreamObserver<GetResponse> responses) {
      if (status == null) {
        responses.onError(io.grpc.Status.NOT_FOUND.withDescription("no task").asRuntimeException());
        return;
      }
      responses.onNext(GetResponse.newBuilder().setProcess(Process.newBuilder().setContainerId(request.getContainerId())
          .setStatus(status).setPid(42)).build());
      responses.onCompleted();
    }

    @Override
    public void wait(WaitRequest request, StreamObserver<WaitResponse> responses) {
      waiting.add(responses);
    }
  }
}
