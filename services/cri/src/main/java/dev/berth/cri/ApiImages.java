package dev.berth.cri;

import berth.transfer.v1.PullRequest;
import berth.transfer.v1.RegistryAuth;
import berth.transfer.v1.TransferDone;
import berth.transfer.v1.TransferGrpc;
import berth.transfer.v1.TransferProgress;
import containerd.services.images.v1.DeleteImageRequest;
import containerd.services.images.v1.ImagesGrpc;
import containerd.services.introspection.v1.IntrospectionGrpc;
import containerd.services.introspection.v1.PluginsRequest;
import containerd.services.snapshots.v1.Info;
import containerd.services.snapshots.v1.ListSnapshotsRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.services.snapshots.v1.UsageRequest;
import containerd.services.snapshots.v1.UsageResponse;
import dev.berth.api.Digests;
import dev.berth.api.content.Blobs;
import dev.berth.api.grpc.BerthException;
import dev.berth.api.grpc.Errors;
import dev.berth.client.ClientException;
import dev.berth.client.images.ChainIds;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import dev.berth.client.images.ImageConfig;
import dev.berth.client.images.ImageNames;
import dev.berth.client.images.ResolvedImage;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * {@link CriImages} over berthd's Images, Content, Transfer, Snapshots and Introspection APIs. Keeps
 * no state of its own: the Images records are the truth, read anew on each call, so images pulled
 * or removed by other clients in the namespace (ctr, berthctl) show at once.
 */
final class ApiImages implements CriImages {
  static final String SNAPSHOTTER = "overlayfs";
  private static final Logger LOG = Logger.getLogger(ApiImages.class.getName());
  private static final String SNAPSHOTTER_PLUGIN_TYPE = "io.containerd.snapshotter.v1";
  /** Image configs are a few kilobytes; a bigger blob under a config's digest is no config to read. */
  private static final long MAX_CONFIG_BYTES = 8L << 20;

  private final Channel api;
  private final ImageClient images;
  private final Blobs blobs;
  /**
   * What each target digest leads to for this platform. Content-addressed, so it never changes:
   * the kubelet asks ImageStatus before every container start, and each answer would otherwise
   * read every image's manifests and config again. Only targets that still have records are kept.
   */
  private final Map<String, Content> byTargetDigest = new ConcurrentHashMap<>();

  ApiImages(Channel api) {
    this.api = api;
    this.images = new ImageClient(api);
    this.blobs = Blobs.on(api);
  }

  /** What the records with one target lead to, for this platform. */
  private record Content(String id, long size, String user, byte[] config, String chainId) {}

  @Override
  public List<CriImage> list() {
    List<Image> records = images.list();
    Map<String, Names> byId = new LinkedHashMap<>();
    Set<String> targets = new HashSet<>();
    for (Image record : records) {
      String target = record.target().digest();
      targets.add(target);
      Content content = byTargetDigest.get(target);
      if (content == null) {
        content = contentOf(record).orElse(null);
        if (content == null) {
          continue;
        }
        byTargetDigest.put(target, content);
      }
      Content found = content;
      byId.computeIfAbsent(found.id(), id -> new Names(found)).add(record);
    }
    byTargetDigest.keySet().retainAll(targets);
    return byId.values().stream().map(Names::image).sorted(Comparator.comparing(CriImage::id)).toList();
  }

  /**
   * The record's image for this platform, or empty where its content is not all here (a record
   * whose blobs are still being fetched, or of another platform only).
   */
  private Optional<Content> contentOf(Image record) {
    try {
      ResolvedImage resolved = images.content(record);
      byte[] config = blobs.read(resolved.config().digest(), MAX_CONFIG_BYTES);
      ImageConfig parsed = ImageConfig.parse(config);
      return Optional.of(new Content(resolved.config().digest(), resolved.size(), parsed.user(), config,
          ChainIds.top(parsed.diffIds())));
    } catch (StatusRuntimeException e) {
      return skipped(record, e.getStatus().getCode(), e);
    } catch (BerthException e) {
      return skipped(record, e.code(), e);
    } catch (ClientException e) {
      LOG.fine(() -> "image " + record.name() + " left out: " + e.getMessage());
      return Optional.empty();
    }
  }

  private static Optional<Content> skipped(Image record, Status.Code code, RuntimeException e) {
    if (code != Status.Code.NOT_FOUND) {
      throw e;
    }
    LOG.fine(() -> "image " + record.name() + " left out: " + e.getMessage());
    return Optional.empty();
  }

  /** The names of one image, gathered record by record. */
  private static final class Names {
    private final Content content;
    private final TreeSet<String> tags = new TreeSet<>();
    private final TreeSet<String> digests = new TreeSet<>();
    private final List<Image> records = new ArrayList<>();

    Names(Content content) {
      this.content = content;
    }

    /**
     * A full name with a tag is a repo tag, and its repository at the record's target digest a
     * repo digest; a full name by digest is a repo digest. Other names (not Docker references)
     * still lead to the image, so RemoveImage removes them too.
     */
    void add(Image record) {
      String name = record.name();
      records.add(record);
      if (!ImageNames.isValid(name) || !ImageNames.normalize(name).equals(name)) {
        return;
      }
      if (name.contains("@")) {
        digests.add(name);
      } else {
        tags.add(name);
        digests.add(ImageNames.repository(name) + "@" + record.target().digest());
      }
    }

    CriImage image() {
      return new CriImage(content.id(), List.copyOf(tags), List.copyOf(digests), content.size(), content.user(),
          content.config(), content.chainId(), records);
    }
  }

  @Override
  public Optional<CriImage> find(String reference) {
    if (reference.isEmpty()) {
      throw Errors.invalidArgument("no image named: the image spec's image is empty");
    }
    List<CriImage> all = list();
    if (ImageNames.isValid(reference)) {
      String full = ImageNames.normalize(reference);
      Optional<CriImage> named = all.stream()
          .filter(i -> i.repoTags().contains(full) || i.repoDigests().contains(full)).findFirst();
      if (named.isPresent()) {
        return named;
      }
    }
    String hex = reference.startsWith(Digests.SHA256_PREFIX)
        ? reference.substring(Digests.SHA256_PREFIX.length()) : reference;
    if (!hex.matches("[0-9a-f]{1,64}")) {
      return Optional.empty();
    }
    List<CriImage> matching = all.stream().filter(i -> i.id().startsWith(Digests.SHA256_PREFIX + hex)).toList();
    if (matching.size() > 1) {
      throw Errors.invalidArgument("image id prefix \"%s\" is ambiguous: %d images have it", reference,
          matching.size());
    }
    return matching.stream().findFirst();
  }

  @Override
  public String pull(String reference, RegistryAuth auth) {
    if (reference.isEmpty()) {
      throw Errors.invalidArgument("no image named to pull: the image spec's image is empty");
    }
    if (!ImageNames.isValid(reference)) {
      throw Errors.invalidArgument("cannot pull \"%s\": not an image reference", reference);
    }
    Iterator<TransferProgress> progress = TransferGrpc.newBlockingStub(api).pull(PullRequest.newBuilder()
        .setReference(ImageNames.normalize(reference)).setUnpack(true).setSnapshotter(SNAPSHOTTER).setAuth(auth)
        .build());
    TransferDone done = null;
    while (progress.hasNext()) {
      TransferProgress p = progress.next();
      if (p.hasDone()) {
        done = p.getDone();
      }
    }
    if (done == null) {
      throw Errors.internal(null, "the pull of %s ended without naming the image it stored", reference);
    }
    return images.content(Image.fromProto(done.getImage())).config().digest();
  }

  @Override
  public boolean remove(String reference) {
    Optional<CriImage> image = find(reference);
    if (image.isEmpty()) {
      return false;
    }
    List<Image> records = image.get().records();
    ImagesGrpc.ImagesBlockingStub stub = ImagesGrpc.newBlockingStub(api);
    for (int i = 0; i < records.size(); i++) {
      // the last name goes with a synchronous collection, so the image's content is gone on return
      boolean last = i == records.size() - 1;
      try {
        stub.delete(DeleteImageRequest.newBuilder().setName(records.get(i).name()).setSync(last).build());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
          throw e;
        }
      }
    }
    return true;
  }

  /** The snapshotter's root directory, as berthd's Introspection API names it. */
  String snapshotterRoot() {
    return IntrospectionGrpc.newBlockingStub(api).plugins(PluginsRequest.getDefaultInstance())
        .getPluginsList().stream()
        .filter(p -> p.getType().equals(SNAPSHOTTER_PLUGIN_TYPE) && p.getId().equals(SNAPSHOTTER))
        .map(p -> p.getExportsOrDefault("root", "")).filter(root -> !root.isEmpty()).findFirst()
        .orElseThrow(() -> Errors.failedPrecondition("berthd's Introspection API names no root directory for the "
            + "%s snapshotter", SNAPSHOTTER));
  }

  @Override
  public FilesystemUse filesystemUse() {
    String mountpoint = snapshotterRoot();
    SnapshotsGrpc.SnapshotsBlockingStub snapshots = SnapshotsGrpc.newBlockingStub(api);
    List<String> keys = new ArrayList<>();
    snapshots.list(ListSnapshotsRequest.newBuilder().setSnapshotter(SNAPSHOTTER).build())
        .forEachRemaining(r -> r.getInfoList().stream().map(Info::getName).forEach(keys::add));
    long bytes = 0;
    long inodes = 0;
    for (String key : keys) {
      try {
        UsageResponse usage = snapshots.usage(UsageRequest.newBuilder().setSnapshotter(SNAPSHOTTER).setKey(key).build());
        bytes += usage.getSize();
        inodes += usage.getInodes();
      } catch (StatusRuntimeException e) {
        // removed since it was listed: it uses nothing any more
        if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
          throw e;
        }
      }
    }
    return new FilesystemUse(mountpoint, bytes, inodes);
  }
}
