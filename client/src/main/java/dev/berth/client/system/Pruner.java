package dev.berth.client.system;

import berth.events.v1.ContainersPrune;
import berth.events.v1.NetworksPrune;
import berth.events.v1.VolumesPrune;
import berth.gc.v1.CollectRequest;
import berth.gc.v1.CollectResponse;
import berth.gc.v1.GarbageCollectorGrpc;
import berth.network.v1.DeleteNetworkRequest;
import berth.network.v1.ListNetworksRequest;
import berth.network.v1.Network;
import berth.network.v1.NetworksGrpc;
import berth.volumes.v1.ListVolumesRequest;
import berth.volumes.v1.PruneVolumesRequest;
import berth.volumes.v1.PruneVolumesResponse;
import berth.volumes.v1.VolumesGrpc;
import containerd.services.containers.v1.Container;
import containerd.services.content.v1.AbortRequest;
import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.ListStatusesRequest;
import containerd.services.content.v1.Status;
import dev.berth.api.grpc.ProtoTimes;
import dev.berth.client.ClientEvents;
import dev.berth.client.build.BuildLeftovers;
import dev.berth.client.containers.ContainerClient;
import dev.berth.client.containers.ContainerState;
import dev.berth.client.containers.ContainerTasks;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import dev.berth.client.images.ImageUsers;
import dev.berth.client.spec.LabelFilters;
import io.grpc.Channel;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;

/**
 * Docker's prune commands over Berth's APIs. Each removes what it may and answers what it
 * removed; space comes back through garbage collection ({@link #collect}), which frees the blobs
 * and snapshots nothing references any more and reports their sizes. The container, network and
 * volume prunes end with the event Docker's daemon logs for them ({@code /containers/prune},
 * {@code /networks/prune}, {@code /volumes/prune}); as Docker's with containerd's image store,
 * the image prune logs none.
 */
public final class Pruner {
  /** A container removed, with the size of its writable layer. */
  public record PrunedContainer(String id, long size) {}

  /** An image record removed: its name and target. */
  public record PrunedImage(String name, String digest) {}

  /** An ingest aborted, with the bytes it held. */
  public record PrunedIngest(String ref, long size) {}

  private final Channel channel;

  public Pruner(Channel channel) {
    this.channel = channel;
  }

  /**
   * Removes the containers that do not run (created, exited, dead) and match {@code filter}; one
   * its restart policy will start again runs, as for Docker. A RUN's container whose build died
   * ({@link BuildLeftovers}) goes even while its command runs: Docker's daemon would have ended it.
   */
  public List<PrunedContainer> containers(PruneFilter filter) throws InterruptedException {
    ContainerTasks tasks = new ContainerTasks(channel);
    DiskUsage usage = new DiskUsage(channel);
    List<Container> records = new ContainerClient(channel).list();
    BuildLeftovers leftovers = BuildLeftovers.in(channel);
    List<PrunedContainer> removed = new ArrayList<>();
    for (Container record : records) {
      if (!filter.matches(record.getLabelsMap(), ProtoTimes.toInstant(record.getCreatedAt()))) {
        continue;
      }
      boolean leftover = leftovers.abandoned(record.getLabelsMap());
      try {
        ContainerState s = ContainerState.of(channel, record);
        if ((s.running() || s.restarting()) && !leftover) {
          continue;
        }
        long size = usage.writableLayer(record);
        tasks.remove(s, leftover, false);
        removed.add(new PrunedContainer(record.getId(), size));
      } catch (StatusRuntimeException e) {
        // removed meanwhile by another client (rm, a build cleaning up): nothing left to prune
        if (e.getStatus().getCode() != Code.NOT_FOUND) {
          throw e;
        }
      }
    }
    new ClientEvents(channel).publish("/containers/prune", ContainersPrune.newBuilder()
        .setReclaimed(removed.stream().mapToLong(PrunedContainer::size).sum()).build());
    return removed;
  }

  /**
   * Removes image records no container uses: with {@code all} every such image, else only the
   * {@linkplain Image#dangling dangling} ones, those known by digest alone ({@code name@sha256:…},
   * what {@code rmi -f} keeps of an image containers use, once they are gone). Use is by image id
   * ({@link ImageUsers}): a container created through a name since untagged still holds every
   * other name of its image. As Docker 27's daemon with its containerd image store filters them:
   * {@code label=} looks at the image config's labels, {@code until=} at when the image record was
   * made (its {@code CreatedAt}: a pull, load, tag or commit), not at the config's {@code created}
   * date. The {@code :run} record of a build whose builder died ({@link BuildLeftovers}) goes too.
   */
  public List<PrunedImage> images(boolean all, PruneFilter filter) {
    ImageClient images = new ImageClient(channel);
    List<Image> records = images.list();
    ImageUsers users = ImageUsers.of(new ContainerClient(channel).list(), records);
    BuildLeftovers leftovers = BuildLeftovers.in(channel);
    List<PrunedImage> removed = new ArrayList<>();
    for (Image i : records) {
      boolean leftover = leftovers.abandoned(i.labels());
      if ((all || i.dangling() || leftover) && (users.of(i).isEmpty() || leftover) && selects(filter, images, i)) {
        images.remove(i.name());
        removed.add(new PrunedImage(i.name(), i.target().digest()));
      }
    }
    return removed;
  }

  private static boolean selects(PruneFilter filter, ImageClient images, Image image) {
    if (!filter.createdBefore(image.createdAt())) {
      return false;
    }
    return filter.labels().isEmpty() || filter.labels().matches(images.summary(image).labels());
  }

  /**
   * Deletes the networks that are not the default and that no container is attached to (the
   * Networks service refuses those in use, by any namespace's containers). Returns their names.
   */
  public List<String> networks(PruneFilter filter) {
    NetworksGrpc.NetworksBlockingStub networks = NetworksGrpc.newBlockingStub(channel);
    List<String> removed = new ArrayList<>();
    for (Network n : networks.list(ListNetworksRequest.getDefaultInstance()).getNetworksList()) {
      if (n.getIsDefault() || !filter.matches(n.getLabelsMap(), ProtoTimes.toInstant(n.getCreatedAt()))) {
        continue;
      }
      try {
        networks.delete(DeleteNetworkRequest.newBuilder().setName(n.getName()).build());
        removed.add(n.getName());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Code.FAILED_PRECONDITION) {
          throw e;
        }
      }
    }
    new ClientEvents(channel).publish("/networks/prune", NetworksPrune.getDefaultInstance());
    return removed;
  }

  /**
   * Has the Volumes service remove the unused anonymous volumes ({@code all}: every unused one)
   * that {@code labels} select. They are named to it one by one, since its filters would OR the
   * label filters; when none is selected nothing is asked, as no filter would mean every volume.
   */
  public PruneVolumesResponse volumes(boolean all, LabelFilters labels) {
    PruneVolumesResponse pruned = pruneVolumes(all, labels);
    new ClientEvents(channel).publish("/volumes/prune",
        VolumesPrune.newBuilder().setReclaimed(pruned.getSpaceReclaimed()).build());
    return pruned;
  }

  private PruneVolumesResponse pruneVolumes(boolean all, LabelFilters labels) {
    VolumesGrpc.VolumesBlockingStub volumes = VolumesGrpc.newBlockingStub(channel);
    PruneVolumesRequest.Builder request = PruneVolumesRequest.newBuilder().setAll(all);
    if (!labels.isEmpty()) {
      volumes.list(ListVolumesRequest.getDefaultInstance()).getVolumesList().stream()
          .filter(v -> labels.matches(v.getLabelsMap()))
          .forEach(v -> request.addFilters("name==\"" + v.getName().replace("\"", "\\\"") + "\""));
      if (request.getFiltersCount() == 0) {
        return PruneVolumesResponse.getDefaultInstance();
      }
    }
    return volumes.prune(request.build());
  }

  /** Aborts the namespace's ingests no writer holds now (Docker's dangling build cache). */
  public List<PrunedIngest> ingests() {
    ContentGrpc.ContentBlockingStub content = ContentGrpc.newBlockingStub(channel);
    List<PrunedIngest> removed = new ArrayList<>();
    for (Status s : content.listStatuses(ListStatusesRequest.getDefaultInstance()).getStatusesList()) {
      try {
        content.abort(AbortRequest.newBuilder().setRef(s.getRef()).build());
        removed.add(new PrunedIngest(s.getRef(), s.getOffset()));
      } catch (StatusRuntimeException e) {
        Code code = e.getStatus().getCode();
        if (code != Code.UNAVAILABLE && code != Code.NOT_FOUND) {
          throw e;
        }
      }
    }
    return removed;
  }

  /**
   * A collection of what earlier removals left to the collector (an {@code rmi}'s blobs go a
   * moment after it), before a prune removes anything: the prune's own {@link #collect} then
   * frees, and reports, only what the prune's removals left. What another client frees in the
   * meantime is still counted; telling it apart would mean walking every pruned image's
   * content and snapshots, which the collector already does.
   */
  public void settleEarlierRemovals() {
    collect();
  }

  /** A garbage collection, waited for: what the removals above left unreferenced goes now. */
  public CollectResponse collect() {
    return GarbageCollectorGrpc.newBlockingStub(channel).collect(CollectRequest.getDefaultInstance());
  }
}
