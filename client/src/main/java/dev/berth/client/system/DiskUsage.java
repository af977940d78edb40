package dev.berth.client.system;

import berth.volumes.v1.ListVolumesRequest;
import berth.volumes.v1.Volume;
import berth.volumes.v1.VolumesGrpc;
import containerd.services.containers.v1.Container;
import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.ListStatusesRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.services.snapshots.v1.UsageRequest;
import dev.berth.api.grpc.ProtoTimes;
import dev.berth.client.ClientException;
import dev.berth.client.containers.ContainerClient;
import dev.berth.client.containers.ContainerState;
import dev.berth.client.images.Descriptor;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import dev.berth.client.images.ImageUsers;
import dev.berth.client.images.ResolvedImage;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What {@code docker system df} shows, measured through Berth's APIs: images (the blobs of
 * their manifest, config and layers, each counted once however many images share it),
 * containers (their writable layers), local volumes (their directories) and the build cache
 * (unfinished writes, ingests).
 */
public final class DiskUsage {
  /**
   * One image (an image id, shown by the first of its names): when its config says it was made
   * (the record's creation where that cannot be read), its size, the part other images share, and
   * the containers using it.
   */
  public record ImageUsage(Image image, Instant created, long size, long shared, int containers) {
    public long unique() {
      return size - shared;
    }
  }

  public record ContainerUsage(ContainerState state, long size) {}

  public record VolumeUsage(Volume volume, long size) {}

  public record IngestUsage(String ref, long size, Instant started, Instant updated) {}

  /** A TYPE row: how many, how many in use, their size and what removing the unused frees. */
  public record Summary(String type, int total, int active, long size, long reclaimable) {}

  public record Report(List<ImageUsage> images, List<ContainerUsage> containers, List<VolumeUsage> volumes,
      List<IngestUsage> buildCache, List<Summary> summaries) {}

  private final Channel channel;

  public DiskUsage(Channel channel) {
    this.channel = channel;
  }

  public Report measure() {
    List<ContainerUsage> containers = new ArrayList<>();
    List<Container> containerRecords = new ContainerClient(channel).list();
    for (Container c : containerRecords) {
      containers.add(new ContainerUsage(ContainerState.of(channel, c), writableLayer(c)));
    }
    ImageClient client = new ImageClient(channel);
    List<Image> records = client.list();
    ImageUsers users = ImageUsers.of(containerRecords, records);
    // as Docker, an image is an image id: one row however many names it has, its first name shown
    Map<String, Image> byId = new LinkedHashMap<>();
    records.stream().sorted(Comparator.comparing(Image::name)).forEach(i -> byId.putIfAbsent(i.target().digest(), i));
    List<Image> images = new ArrayList<>(byId.values());
    Map<Image, Map<String, Long>> blobsByImage = new HashMap<>();
    Map<String, Integer> imagesByBlob = new HashMap<>();
    for (Image i : images) {
      Map<String, Long> blobs = blobs(client, i);
      blobsByImage.put(i, blobs);
      blobs.keySet().forEach(d -> imagesByBlob.merge(d, 1, Integer::sum));
    }
    List<ImageUsage> imageUsage = new ArrayList<>();
    Map<String, Long> allBlobs = new HashMap<>();
    Set<String> activeBlobs = new HashSet<>();
    int activeImages = 0;
    for (Image i : images) {
      Map<String, Long> blobs = blobsByImage.get(i);
      long size = blobs.values().stream().mapToLong(Long::longValue).sum();
      long shared = blobs.entrySet().stream().filter(e -> imagesByBlob.get(e.getKey()) > 1)
          .mapToLong(Map.Entry::getValue).sum();
      int using = users.of(i).size();
      imageUsage.add(new ImageUsage(i, client.summary(i).created().orElse(i.createdAt()), size, shared, using));
      allBlobs.putAll(blobs);
      if (using > 0) {
        activeImages++;
        activeBlobs.addAll(blobs.keySet());
      }
    }
    long imagesSize = allBlobs.values().stream().mapToLong(Long::longValue).sum();
    long imagesReclaimable = allBlobs.entrySet().stream().filter(e -> !activeBlobs.contains(e.getKey()))
        .mapToLong(Map.Entry::getValue).sum();

    List<VolumeUsage> volumes = VolumesGrpc.newBlockingStub(channel).list(ListVolumesRequest.getDefaultInstance())
        .getVolumesList().stream().map(v -> new VolumeUsage(v, directorySize(Path.of(v.getMountpoint())))).toList();
    List<IngestUsage> ingests = ContentGrpc.newBlockingStub(channel).listStatuses(ListStatusesRequest.getDefaultInstance())
        .getStatusesList().stream()
        .map(s -> new IngestUsage(s.getRef(), s.getOffset(), ProtoTimes.toInstant(s.getStartedAt()),
            ProtoTimes.toInstant(s.getUpdatedAt()))).toList();

    List<Summary> summaries = List.of(
        new Summary("Images", images.size(), activeImages, imagesSize, imagesReclaimable),
        new Summary("Containers", containers.size(), (int) containers.stream().filter(c -> runs(c.state())).count(),
            sum(containers.stream().map(ContainerUsage::size)),
            sum(containers.stream().filter(c -> !runs(c.state())).map(ContainerUsage::size))),
        new Summary("Local Volumes", volumes.size(),
            (int) volumes.stream().filter(v -> v.volume().getUsedByCount() > 0).count(),
            sum(volumes.stream().map(VolumeUsage::size)),
            sum(volumes.stream().filter(v -> v.volume().getUsedByCount() == 0).map(VolumeUsage::size))),
        new Summary("Build Cache", ingests.size(), 0, sum(ingests.stream().map(IngestUsage::size)),
            sum(ingests.stream().map(IngestUsage::size))));
    return new Report(imageUsage, containers, volumes, ingests, summaries);
  }

  /** The size of a container's writable layer: its active snapshot's usage (0 without one). */
  public long writableLayer(Container c) {
    if (c.getSnapshotKey().isEmpty()) {
      return 0;
    }
    try {
      return SnapshotsGrpc.newBlockingStub(channel).usage(UsageRequest.newBuilder()
          .setSnapshotter(c.getSnapshotter()).setKey(c.getSnapshotKey()).build()).getSize();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
        return 0;
      }
      throw e;
    }
  }

  /** Docker's active: running, paused, or about to be started again by its restart policy. */
  private static boolean runs(ContainerState s) {
    return s.running() || s.restarting();
  }

  private static long sum(Stream<Long> sizes) {
    return sizes.mapToLong(Long::longValue).sum();
  }

  /** Digest to size of the image's manifest, config and layers; none when they are not all there. */
  private static Map<String, Long> blobs(ImageClient client, Image image) {
    Map<String, Long> blobs = new HashMap<>();
    try {
      ResolvedImage resolved = client.content(image);
      for (Descriptor d : resolved.indexes()) {
        blobs.put(d.digest(), d.size());
      }
      blobs.put(resolved.manifestDescriptor().digest(), resolved.manifestDescriptor().size());
      blobs.put(resolved.config().digest(), resolved.config().size());
      resolved.layers().forEach(l -> blobs.put(l.digest(), l.size()));
    } catch (ClientException | StatusRuntimeException e) {
      // an image whose content is incomplete counts for nothing, as in berthctl images
      blobs.clear();
    }
    return blobs;
  }

  /** The bytes of the regular files under {@code dir}; 0 when it cannot be read from here. */
  private static long directorySize(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.mapToLong(p -> {
        try {
          BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          return a.isRegularFile() ? a.size() : 0;
        } catch (IOException e) {
          return 0;
        }
      }).sum();
    } catch (IOException | UncheckedIOException e) {
      return 0;
    }
  }
}
