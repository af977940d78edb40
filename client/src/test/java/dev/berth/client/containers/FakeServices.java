package dev.berth.client.containers;

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

  /** Volumes, remembering which were created and deleted. */
  static final class Volumes extends VolumesGrpc.VolumesImplBase {
    final List<String> created = new CopyOnWriteArrayList<>();
    final List<String> deleted = new CopyOnWriteArrayList<>();

    @Override
    public void get(GetVolumeRequest request, StreamObserver<GetVolumeResponse> responses) {
      throw Errors.notFound("volume %s not found", request.getName());
    }

    @Override
    public void create(CreateVolumeRequest request, StreamObserver<CreateVolumeResponse> responses) {
      created.add(request.getName());
      responses.onNext(CreateVolumeResponse.newBuilder().setVolume(Volume.newBuilder().setName(request.getName())
          .setDriver("local").setMountpoint("/var/lib/berth/volumes/" + request.getName() + "/_data")).build());
      responses.onCompleted();
    }

    @Override
    public void delete(DeleteVolumeRequest request, StreamObserver<Empty> responses) {
      deleted.add(request.getName());
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

    @Override
    public void get(GetRequest request, StreamObserver<GetResponse> responses) {
      responses.onNext(GetResponse.newBuilder().setProcess(Process.newBuilder().setContainerId(request.getContainerId())
          .setStatus(Status.RUNNING).setPid(42)).build());
      responses.onCompleted();
    }

    @Override
    public void wait(WaitRequest request, StreamObserver<WaitResponse> responses) {
      waiting.add(responses);
    }
  }
}
