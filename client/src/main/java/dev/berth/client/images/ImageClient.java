package dev.berth.client.images;

import com.fasterxml.jackson.databind.JsonNode;
import containerd.services.images.v1.DeleteImageRequest;
import containerd.services.images.v1.GetImageRequest;
import containerd.services.images.v1.ImagesGrpc;
import containerd.services.images.v1.ListImagesRequest;
import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.containers.v1.ListContainersRequest;
import dev.berth.api.Digests;
import dev.berth.api.content.Blobs;
import dev.berth.client.ClientException;
import dev.berth.client.ConflictException;
import dev.berth.client.containers.ContainerState;
import dev.berth.client.leases.Lease;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Images over berthd's APIs (Images, Content, Snapshots, Diff, Leases), all reached through one
 * channel that carries the namespace: records, their content for a platform, import from and
 * export to archives, unpacking into snapshots.
 */
public final class ImageClient {
  private static final int SHORT_ID = 12;
  private final Channel channel;
  private final ImagesGrpc.ImagesBlockingStub images;
  private final Blobs content;

  public ImageClient(Channel channel) {
    this.channel = channel;
    this.images = ImagesGrpc.newBlockingStub(channel);
    this.content = Blobs.on(channel);
  }

  /** Image records, optionally only those matching containerd filters ({@code name==...}). */
  public List<Image> list(String... filters) {
    return images.list(ListImagesRequest.newBuilder().addAllFilters(List.of(filters)).build())
        .getImagesList().stream().map(Image::fromProto).toList();
  }

  /** The record named exactly {@code name}, or empty. */
  public Optional<Image> find(String name) {
    try {
      return Optional.of(Image.fromProto(images.get(GetImageRequest.newBuilder().setName(name).build()).getImage()));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * The image a person means by {@code reference}, as Docker finds it: the record of that exact
   * name, else of its full form ({@code busybox} finds {@code docker.io/library/busybox:latest});
   * by {@code NAME@sha256:DIGEST}, a record of that repository whose target has the digest; else
   * by image id (the target's digest, {@code sha256:} optional) or a prefix of it that only one
   * image has.
   *
   * @throws StatusRuntimeException NOT_FOUND if none matches
   * @throws ClientException if an id prefix matches several images
   */
  public Image resolve(String reference) {
    return byName(reference).or(() -> byId(reference)).orElseThrow(() -> notFound(reference));
  }

  private static StatusRuntimeException notFound(String reference) {
    return Status.NOT_FOUND.withDescription("image \"" + reference + "\" not found").asRuntimeException();
  }

  /** The record {@code reference} names, in full, short or digest form; empty for an image id. */
  private Optional<Image> byName(String reference) {
    Optional<Image> image = find(reference);
    if (image.isEmpty() && ImageNames.isValid(reference)) {
      String full = ImageNames.normalize(reference);
      if (!full.equals(reference)) {
        image = find(full);
      }
      if (image.isEmpty() && full.contains("@")) {
        String digest = full.substring(full.indexOf('@') + 1);
        String repository = ImageNames.repository(full);
        image = list().stream().filter(i -> i.target().digest().equals(digest) && ImageNames.isValid(i.name())
            && ImageNames.repository(ImageNames.normalize(i.name())).equals(repository)).findFirst();
      }
    }
    return image;
  }

  /** The image whose id (target digest) is, or starts with, {@code id}. */
  private Optional<Image> byId(String id) {
    String hex = id.startsWith(Digests.SHA256_PREFIX) ? id.substring(Digests.SHA256_PREFIX.length()) : id;
    if (!hex.matches("[0-9a-f]{1,64}")) {
      return Optional.empty();
    }
    List<Image> matching = list().stream().filter(i -> i.target().digest().startsWith(Digests.SHA256_PREFIX + hex))
        .sorted(Comparator.comparing(Image::name)).toList();
    long distinct = matching.stream().map(i -> i.target().digest()).distinct().count();
    if (distinct > 1) {
      throw new ClientException("image id prefix \"" + id + "\" is ambiguous: " + distinct + " images have it");
    }
    return matching.stream().findFirst();
  }

  /**
   * The image a container uses, by the id {@link ImageUsers#imageId} gives: whichever of its
   * names is left (the first), however the container named it at create.
   *
   * @throws StatusRuntimeException NOT_FOUND if no record has that image any more
   */
  public Image imageOf(containerd.services.containers.v1.Container record) {
    List<Image> all = list();
    String id = ImageUsers.imageId(record, ImageUsers.idByName(all));
    return all.stream().filter(i -> !id.isEmpty() && i.target().digest().equals(id))
        .min(Comparator.comparing(Image::name))
        .orElseThrow(() -> notFound(record.getImage().isEmpty() ? id : record.getImage()));
  }

  /** The short image id Docker shows: the first 12 hex digits of the target's digest. */
  public static String shortId(Image image) {
    String digest = image.target().digest();
    String hex = digest.substring(digest.indexOf(':') + 1);
    return hex.substring(0, Math.min(SHORT_ID, hex.length()));
  }

  /** Makes {@code name} point at {@code source}'s target, creating or updating the record. */
  public Image tag(Image source, String name) {
    Image tagged = ImageRecords.createOrRetarget(images, new Image(name, source.target(), source.labels(), null, null));
    // as Docker's containerd image store: a named image is no longer dangling
    String untagged = untaggedName(source.target());
    if (!name.equals(untagged)) {
      find(untagged).ifPresent(i -> remove(i.name()));
    }
    return tagged;
  }

  /**
   * Keeps {@code target}, made without a name, as Docker's daemon with containerd's image store keeps
   * an untagged image: a record {@code moby-dangling@sha256:…}, which run takes by id, images lists as
   * {@code <none>} and image prune removes. An image another record names already stays as it is.
   * Returns the record that names it.
   */
  public Image keepUntagged(Descriptor target) {
    return list().stream().filter(i -> i.target().digest().equals(target.digest())).findFirst()
        .orElseGet(() -> ImageRecords.createOrRetarget(images,
            new Image(untaggedName(target), target, Map.of(), null, null)));
  }

  private static String untaggedName(Descriptor target) {
    return ImageNames.DANGLING_REPOSITORY + "@" + target.digest();
  }

  /** Deletes the record named {@code name}; its content and snapshots stay for the collector. */
  public void remove(String name) {
    images.delete(DeleteImageRequest.newBuilder().setName(name).build());
  }

  /**
   * Deletes what {@code reference} {@link #resolve}s to, as Docker's {@code rmi} does. By name,
   * that record: the last name of an image that containers use ({@link ImageUsers}: by id,
   * whichever name they were created through) is kept unless {@code force}, and with it the image
   * stays, recorded as Docker's daemon keeps it ({@code moby-dangling@sha256:…}, a dangling image
   * listed as {@code <none> <none>}, unless another record names it), so that
   * those containers still run, commit and inspect it; another name for the same target may always
   * go. By {@code REPOSITORY@sha256:…}, every name of that repository with that digest, its tags
   * too, and by {@code REPOSITORY:TAG@sha256:…} that tag alone, as Docker's daemon with containerd's
   * image store removes them ({@link #sameReferences}); when those are the image's last names the
   * image goes with them, so a container using it is a conflict on the image, as removing it by id.
   * By image id, every name of the image, which without {@code force} must be its only one and
   * used by no container, and even with it used by no running container. Returns the records removed.
   *
   * @throws ConflictException Docker's daemon's conflicts in its words, naming a container that uses
   *     the image or saying that several names hold it
   */
  public List<Image> remove(String reference, boolean force) {
    Optional<Image> named = byName(reference);
    if (named.isPresent()) {
      Image image = named.get();
      boolean byDigest = ImageNames.isValid(reference) && ImageNames.normalize(reference).contains("@");
      List<Image> going = byDigest ? sameReferences(reference, image) : List.of(image);
      if (going.isEmpty()) {
        throw notFound(reference);
      }
      boolean lastNames = list().stream().noneMatch(i -> i.target().digest().equals(image.target().digest())
          && going.stream().noneMatch(g -> g.name().equals(i.name())));
      List<containerd.services.containers.v1.Container> users = lastNames ? usersOf(image) : List.of();
      if (!users.isEmpty()) {
        if (byDigest) {
          refuseIfRunning(users, image);
          if (!force) {
            throw stoppedConflict(image, users.get(0));
          }
        } else if (!force) {
          throw usedConflict("remove repository reference \"" + reference + "\"", users.get(0), image);
        } else {
          // made before the name goes, so the collector never sees the image without a record:
          // Docker's containerd image store's dangling record (its softImageDelete), not the name's
          Map<String, String> labels = new HashMap<>(image.labels());
          labels.keySet().removeAll(List.of("io.containerd.image.name", "org.opencontainers.image.ref.name"));
          ImageRecords.createOrRetarget(images, new Image(untaggedName(image.target()), image.target(), labels, null,
              null));
        }
      }
      going.forEach(i -> remove(i.name()));
      return going;
    }
    // no name matched: an image id, or nothing
    Image found = byId(reference).orElseThrow(() -> notFound(reference));
    List<Image> names = list().stream().filter(i -> i.target().digest().equals(found.target().digest()))
        .sorted(Comparator.comparing(Image::name)).toList();
    if (!force && names.size() > 1) {
      throw new ConflictException("conflict: unable to delete " + shortId(found)
          + " (must be forced) - image is referenced in multiple repositories");
    }
    List<containerd.services.containers.v1.Container> users = usersOf(found);
    refuseIfRunning(users, found);
    if (!force && !users.isEmpty()) {
      throw stoppedConflict(found, users.get(0));
    }
    names.forEach(i -> remove(i.name()));
    return names;
  }

  /**
   * The names {@code rmi} of a name by digest removes, in order, as Docker's daemon's
   * getSameReferences picks them among the names of {@code image}'s digest: {@code moby-dangling}
   * records, and of the reference's repository every name for {@code REPOSITORY@sha256:…}; for
   * {@code REPOSITORY:TAG@sha256:…} that tag, and the repository's digest names only when no other
   * tag of it holds the image.
   */
  private List<Image> sameReferences(String reference, Image image) {
    String repository = ImageNames.repository(ImageNames.normalize(reference));
    String tag = ImageNames.writtenTag(reference);
    List<Image> same = new ArrayList<>();
    List<Image> digestNames = new ArrayList<>();
    boolean otherTag = false;
    for (Image i : list().stream().filter(i -> i.target().digest().equals(image.target().digest()))
        .sorted(Comparator.comparing(Image::name)).toList()) {
      if (ImageNames.repository(i.name()).equals(ImageNames.DANGLING_REPOSITORY)) {
        same.add(i);
        continue;
      }
      if (!ImageNames.isValid(i.name()) || !ImageNames.repository(ImageNames.normalize(i.name())).equals(repository)) {
        continue;
      }
      if (tag == null) {
        same.add(i);
      } else if (i.name().contains("@")) {
        digestNames.add(i);
      } else if (tag.equals(ImageNames.writtenTag(i.name()))) {
        same.add(i);
      } else {
        otherTag = true;
      }
    }
    if (!otherTag) {
      same.addAll(digestNames);
    }
    return same;
  }

  private static ConflictException stoppedConflict(Image image, containerd.services.containers.v1.Container user) {
    return new ConflictException(String.format("conflict: unable to delete %s (must be forced) - image is being"
        + " used by stopped container %s", shortId(image), shortId(user.getId())));
  }

  private static ConflictException usedConflict(String what, containerd.services.containers.v1.Container user,
      Image image) {
    return new ConflictException(String.format("conflict: unable to %s (must force) - container %s is using its"
        + " referenced image %s", what, shortId(user.getId()), shortId(image)));
  }

  /** Docker's hard conflict: no force removes the image of a running (or paused) container. */
  private void refuseIfRunning(List<containerd.services.containers.v1.Container> users, Image image) {
    users.stream().filter(c -> ContainerState.of(channel, c).running()).findFirst().ifPresent(c -> {
      throw new ConflictException(String.format("conflict: unable to delete %s (cannot be forced) - image is being"
          + " used by running container %s", shortId(image), shortId(c.getId())));
    });
  }

  /**
   * Containers using {@code image}, by its id as {@link ImageUsers} decides, whichever of its names
   * they were created through; none where berthd serves no containers (images alone).
   */
  private List<containerd.services.containers.v1.Container> usersOf(Image image) {
    List<containerd.services.containers.v1.Container> containers;
    try {
      containers = ContainersGrpc.newBlockingStub(channel).list(ListContainersRequest.getDefaultInstance())
          .getContainersList();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
        return List.of();
      }
      throw e;
    }
    return ImageUsers.of(containers, list()).of(image);
  }

  private static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }

  /** The image's manifest, config and layers for {@code platform}. */
  public ResolvedImage content(Image image, Platform platform) {
    return new ImageResolver(new JsonBlobs(content), platform).resolve(image.target());
  }

  /**
   * The platform {@code image}'s config names for itself: a single manifest's whatever it is, as
   * pulled for any platform (Docker's daemon takes a single-platform image for any {@code
   * --platform}, with a warning).
   */
  public Platform configPlatform(Image image, Platform platform) {
    return ImageConfig.parse(new JsonBlobs(content).bytes(content(image, platform).config())).platform();
  }

  /** The image's manifest, config and layers for the platform this JVM runs on. */
  public ResolvedImage content(Image image) {
    return content(image, Platform.current());
  }

  /**
   * The image's size for the platform this JVM runs on and its config's creation time, read with
   * one resolution of its manifest; {@link ImageSummary#UNKNOWN}'s parts for what is not there.
   */
  public ImageSummary summary(Image image) {
    ResolvedImage resolved;
    try {
      resolved = content(image);
    } catch (ClientException | StatusRuntimeException e) {
      return ImageSummary.UNKNOWN;
    }
    JsonNode config;
    try {
      config = OciJson.tree(new JsonBlobs(content).bytes(resolved.config()), "the image's config");
    } catch (ClientException | StatusRuntimeException e) {
      return new ImageSummary(OptionalLong.of(resolved.size()), Optional.empty(), Map.of());
    }
    Map<String, String> labels = new HashMap<>();
    config.path("config").path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    return new ImageSummary(OptionalLong.of(resolved.size()), created(config), labels);
  }

  /** An image without a (readable) date still lists, at its record's time. */
  private static Optional<Instant> created(JsonNode config) {
    String text = config.path("created").asText("");
    try {
      return text.isEmpty() ? Optional.empty() : Optional.of(OffsetDateTime.parse(text).toInstant());
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** The chain ID of the image's layers here: the name of its top snapshot once unpacked. */
  public String chainId(Image image) {
    return ChainIds.top(config(image).diffIds());
  }

  /** The image's config blob for the platform this JVM runs on, as stored (inspect shows it). */
  public byte[] configBlob(Image image) {
    JsonBlobs blobs = new JsonBlobs(content);
    return blobs.bytes(new ImageResolver(blobs, Platform.current()).resolve(image.target()).config());
  }

  /**
   * The image's config for the platform this JVM runs on: its layers' diff IDs and what a
   * container of it runs by default (entrypoint, command, environment, user, working directory).
   */
  public ImageConfig config(Image image) {
    return config(image, Platform.current());
  }

  /** The image's config for {@code platform}, found as {@link #content(Image, Platform)} finds its manifest. */
  public ImageConfig config(Image image, Platform platform) {
    JsonBlobs blobs = new JsonBlobs(content);
    ResolvedImage resolved = new ImageResolver(blobs, platform).resolve(image.target());
    return blobs.config(resolved.config());
  }

  /**
   * Whether the image is one for {@code platform}: an index with a manifest for it, or a manifest
   * whose config names that platform or none.
   */
  public boolean provides(Image image, Platform platform) {
    try {
      Platform configured = config(image, platform).platform();
      return configured.os().isEmpty() || platform.matches(configured);
    } catch (ClientException e) {
      return false;
    }
  }

  /**
   * Imports an archive (docker save or OCI image layout; a tar, plain, gzip or zstd) and, unless
   * told not to, unpacks each image. Everything is made under a lease deleted at the end, and the
   * image records only once every image is unpacked (which checks its layers against its config),
   * so an import that fails leaves no image, only content a collector may take.
   */
  public ImportResult importArchive(InputStream archive, ImportOptions options) throws IOException {
    try (Lease lease = Lease.create(channel, Lease.DEFAULT_EXPIRY)) {
      ArchiveImporter.Imported imported = new ArchiveImporter(lease.channel(), options.platform())
          .importArchive(archive, options::nameForTag, options.listener()::archiveRead);
      ImageResolver resolver = new ImageResolver(imported.blobs(), options.platform());
      ImageUnpacker unpacker = new ImageUnpacker(lease.channel(), imported.blobs());
      Map<String, String> snapshotByTarget = new HashMap<>();
      List<Optional<String>> snapshots = new ArrayList<>();
      for (Image image : imported.images()) {
        Optional<String> snapshot = Optional.empty();
        if (options.unpack()) {
          String chainId = snapshotByTarget.get(image.target().digest());
          if (chainId == null) {
            chainId = unpacker.unpack(resolver.resolve(image.target()), options.snapshotter(),
                (done, total) -> options.listener().unpacking(image, done, total));
            snapshotByTarget.put(image.target().digest(), chainId);
          }
          snapshot = Optional.of(chainId);
        }
        snapshots.add(snapshot);
      }
      ImagesGrpc.ImagesBlockingStub records = ImagesGrpc.newBlockingStub(lease.channel());
      List<ImportResult.ImportedImage> result = new ArrayList<>();
      for (int i = 0; i < snapshots.size(); i++) {
        Image created = ImageRecords.createOrRetarget(records, imported.images().get(i));
        result.add(new ImportResult.ImportedImage(created, snapshots.get(i)));
      }
      return new ImportResult(result, imported.index());
    }
  }

  /**
   * Unpacks the image's layers for this platform into committed snapshots of {@code snapshotter}
   * (reusing those already there); returns the top snapshot's chain ID.
   */
  public String unpack(Image image, String snapshotter, UnpackListener listener) {
    try (Lease lease = Lease.create(channel, Lease.DEFAULT_EXPIRY)) {
      JsonBlobs blobs = new JsonBlobs(Blobs.on(lease.channel()));
      ResolvedImage resolved = new ImageResolver(blobs, Platform.current()).resolve(image.target());
      return new ImageUnpacker(lease.channel(), blobs).unpack(resolved, snapshotter, listener);
    }
  }

  /**
   * Unpacks the manifest for {@code platform} under {@code target} (a manifest or an index whose
   * blobs are all in the content store) into {@code snapshotter}, with no lease of its own: for a
   * job such as a pull whose lease this client's channel already carries. Each layer waits for
   * {@code gate} (its manifest and config must be stored already). Returns the top snapshot's
   * chain ID.
   */
  public String unpackTarget(Descriptor target, Platform platform, String snapshotter, UnpackListener listener,
      LayerGate gate) {
    JsonBlobs blobs = new JsonBlobs(content);
    return new ImageUnpacker(channel, blobs).unpack(new ImageResolver(blobs, platform).resolve(target), snapshotter,
        listener, gate);
  }

  /**
   * What {@code docker save NAME} exports for {@code name}, as Docker 27's containerd image store
   * picks it (moby's ExportImage): for a repository without tag or digest, every record of that
   * repository, each under its name; for an image id (or a prefix of it) or
   * {@code NAME@sha256:DIGEST}, that image without a name (a record named {@code ""}, which
   * {@link #export} saves unnamed); else the record the name names.
   *
   * @throws StatusRuntimeException NOT_FOUND if nothing matches
   */
  public List<Image> forSave(String name) {
    Optional<Image> resolved = byName(name).or(() -> byId(name));
    String hex = name.startsWith(Digests.SHA256_PREFIX) ? name.substring(Digests.SHA256_PREFIX.length()) : name;
    boolean digested = ImageNames.isValid(name) && name.contains("@");
    boolean specific = digested || resolved.isPresent()
        && resolved.get().target().digest().startsWith(Digests.SHA256_PREFIX + hex);
    boolean nameOnly = ImageNames.isValid(name) && !name.contains("@")
        && name.lastIndexOf(':') < name.lastIndexOf('/') + 1;
    if (!specific && nameOnly) {
      String repository = ImageNames.repository(ImageNames.normalize(name));
      List<Image> all = list().stream().filter(i -> ImageNames.isValid(i.name())
          && ImageNames.repository(ImageNames.normalize(i.name())).equals(repository)).toList();
      if (all.isEmpty()) {
        throw notFound(name);
      }
      return all;
    }
    Image image = resolved.orElseThrow(() -> notFound(name));
    return List.of(specific ? new Image("", image.target(), image.labels(), image.createdAt(), image.updatedAt())
        : image);
  }

  /**
   * Writes the images, with their content for this platform, as one tar that both
   * {@code docker load} and OCI tools read; {@code out} is left open.
   */
  public void export(List<Image> images, OutputStream out) throws IOException {
    new ArchiveExporter(content, new ImageResolver(new JsonBlobs(content), Platform.current())).export(images, out);
  }
}
