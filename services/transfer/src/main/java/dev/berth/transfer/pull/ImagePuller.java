package dev.berth.transfer.pull;

import com.google.protobuf.FieldMask;
import containerd.services.images.v1.CreateImageRequest;
import containerd.services.images.v1.ImagesGrpc;
import containerd.services.images.v1.UpdateImageRequest;
import dev.berth.api.content.Blobs;
import dev.berth.api.content.ContentInfo;
import dev.berth.api.content.GrpcContentStore;
import dev.berth.api.grpc.Errors;
import dev.berth.client.ClientException;
import dev.berth.client.images.Descriptor;
import dev.berth.client.images.GcRefs;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import dev.berth.client.images.LayerGate;
import dev.berth.client.images.Index;
import dev.berth.client.images.Manifest;
import dev.berth.client.images.MediaTypes;
import dev.berth.client.images.OciJson;
import dev.berth.client.leases.Lease;
import dev.berth.transfer.BlobEvent;
import dev.berth.transfer.PullOrder;
import dev.berth.transfer.TransferListener;
import dev.berth.transfer.Transferred;
import dev.berth.transfer.registry.DistributionSource;
import dev.berth.transfer.registry.RegistryClient;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One pull: the manifest (or index, and the manifests chosen from it) fetched and checked, then
 * config and layers fetched concurrently; once the configs are in, the manifests and index are
 * stored with references to their children and each layer is unpacked as soon as it and those
 * below it are stored; the image record is written last. Everything is made
 * under a lease deleted at the end, so a pull that fails midway leaves only what a collector may
 * take (and the ingests a later pull resumes).
 */
public final class ImagePuller {
  /** More layers than overlayfs stacks (Docker's limit is 128 too): refused before any download. */
  public static final int MAX_LAYERS = 128;
  /** An index with more manifests than this is not an image index anyone builds. */
  public static final int MAX_INDEX_MANIFESTS = 1024;

  private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");

  private final Channel api;

  /** {@code api} reaches Content, Images, Leases, Snapshots and Diff in the pull's namespace. */
  public ImagePuller(Channel api) {
    this.api = api;
  }

  /** A manifest fetched, with its descriptor and parsed form. */
  private record Fetched(Descriptor descriptor, byte[] bytes, Manifest manifest) {}

  public Transferred pull(PullOrder order, RegistryClient registry, TransferListener listener) {
    RegistryClient.FetchedManifest root = registry.manifest(order.reference().object());
    String rootType = mediaType(root);
    Descriptor rootDescriptor = Descriptor.of(rootType, root.digest(), root.bytes().length);
    List<Fetched> manifests = new ArrayList<>();
    List<Descriptor> chosen = new ArrayList<>();
    if (MediaTypes.isIndex(rootType)) {
      Index index = OciJson.read(root.bytes(), Index.class, "index " + root.digest());
      chosen.addAll(choose(order, index, root.digest()));
      for (Descriptor d : chosen) {
        RegistryClient.FetchedManifest m = registry.manifest(d.digest());
        manifests.add(new Fetched(d, m.bytes(), manifest(m.bytes(), d.digest(), mediaType(m))));
      }
    } else if (MediaTypes.isManifest(rootType)) {
      manifests.add(new Fetched(rootDescriptor, root.bytes(), manifest(root.bytes(), root.digest(), rootType)));
    } else {
      throw Errors.failedPrecondition("%s is a %s, which Berth cannot pull (OCI and Docker schema 2 images only)",
          order.reference(), rootType.isEmpty() ? "blob of no media type" : rootType);
    }
    String source = DistributionSource.key(order.reference().host());
    Map<String, String> sourceLabel = Map.of(source, order.reference().repository());
    try (Lease lease = Lease.create(api, Lease.DEFAULT_EXPIRY)) {
      Channel channel = lease.channel();
      Blobs blobs = Blobs.on(channel);
      Map<String, Descriptor> needed = new LinkedHashMap<>();
      manifests.forEach(m -> needed.putIfAbsent(m.manifest().config().digest(), m.manifest().config()));
      for (Fetched m : manifests) {
        m.manifest().layers().stream().filter(l -> !foreign(l)).forEach(l -> needed.putIfAbsent(l.digest(), l));
      }
      try (Downloads downloads = new Downloads(needed.values(), new BlobFetcher(registry,
          new GrpcContentStore(channel), blobs, listener), sourceLabel, order.concurrency(),
          order.reference().repository(), listener)) {
        manifests.forEach(m -> downloads.await(m.manifest().config()));
        for (Fetched m : manifests) {
          List<Descriptor> children = new ArrayList<>();
          children.add(m.manifest().config());
          children.addAll(m.manifest().layers().stream().filter(l -> !foreign(l)).toList());
          store(blobs, m.descriptor().digest(), m.bytes(), with(GcRefs.forChildren(children), sourceLabel));
        }
        if (MediaTypes.isIndex(rootType)) {
          store(blobs, root.digest(), root.bytes(), with(GcRefs.forChildren(chosen), sourceLabel));
        }
        if (order.unpack()) {
          // each layer unpacks as soon as it and those below it are stored, while others download
          unpack(order, channel, rootDescriptor, manifests, listener, layer -> {
            downloads.await(layer);
            LayerUnpackEvents.report(listener, layer, BlobEvent.State.EXTRACTING);
          });
        }
        downloads.awaitAll();
      }
      Image image = upsert(ImagesGrpc.newBlockingStub(channel), new Image(order.reference().name(), rootDescriptor,
          Map.of(), null, null));
      return new Transferred(image, order.reference().name(), root.digest());
    }
  }

  private static String mediaType(RegistryClient.FetchedManifest m) {
    if (MediaTypes.isIndex(m.mediaType()) || MediaTypes.isManifest(m.mediaType())) {
      return m.mediaType();
    }
    // some registries answer application/json: the document says what it is
    String declared = OciJson.tree(m.bytes(), "manifest " + m.digest()).path("mediaType").asText("");
    if (!declared.isEmpty()) {
      return declared;
    }
    return OciJson.tree(m.bytes(), "manifest " + m.digest()).has("manifests") ? MediaTypes.OCI_INDEX
        : m.mediaType().isEmpty() || m.mediaType().equals("application/json") ? MediaTypes.OCI_MANIFEST : m.mediaType();
  }

  private static List<Descriptor> choose(PullOrder order, Index index, String digest) {
    if (index.manifests().size() > MAX_INDEX_MANIFESTS) {
      throw Errors.failedPrecondition("index %s of %s lists %d manifests, more than the %d Berth accepts", digest,
          order.reference(), index.manifests().size(), MAX_INDEX_MANIFESTS);
    }
    List<Descriptor> images = index.manifests().stream().filter(d -> MediaTypes.isManifest(d.mediaType())).toList();
    if (order.allPlatforms()) {
      return images;
    }
    Optional<Descriptor> match = images.stream()
        .filter(d -> d.platform() != null && order.platform().matches(d.platform())).findFirst();
    if (match.isEmpty()) {
      List<String> offered = images.stream().map(d -> d.platform() == null ? "unknown" : d.platform().toString())
          .distinct().toList();
      throw Errors.notFound("no image for platform %s in %s (it has: %s)", order.platform(), order.reference(),
          offered.isEmpty() ? "nothing" : String.join(", ", offered));
    }
    return List.of(match.get());
  }

  private static Manifest manifest(byte[] bytes, String digest, String mediaType) {
    if (!MediaTypes.isManifest(mediaType)) {
      throw Errors.failedPrecondition("manifest %s is a %s, not an image manifest", digest, mediaType);
    }
    Manifest m;
    try {
      m = OciJson.read(bytes, Manifest.class, "manifest " + digest);
    } catch (ClientException e) {
      throw Errors.failedPrecondition("%s", e.getMessage());
    }
    if (m.config() == null || m.config().digest().isEmpty()) {
      throw Errors.failedPrecondition("manifest %s names no config", digest);
    }
    if (m.layers().size() > MAX_LAYERS) {
      throw Errors.failedPrecondition("manifest %s lists %d layers, more than the %d an image may have here",
          digest, m.layers().size(), MAX_LAYERS);
    }
    for (Descriptor d : m.layers()) {
      if (!SHA256.matcher(d.digest()).matches() || d.size() < 0) {
        throw Errors.failedPrecondition("manifest %s names layer \"%s\" of %d bytes: not a sha256 digest and a size", digest,
            d.digest(), d.size());
      }
    }
    return m;
  }

  /** Foreign (non-distributable) layers come from elsewhere, as Docker reads them; they are not fetched. */
  private static boolean foreign(Descriptor layer) {
    return layer.mediaType().contains("foreign") || layer.mediaType().contains("nondistributable");
  }

  private static Map<String, String> with(Map<String, String> a, Map<String, String> b) {
    Map<String, String> all = new HashMap<>(a);
    all.putAll(b);
    return all;
  }

  /** Stores a manifest or index with its labels; one already there only gets the labels it lacks. */
  private static void store(Blobs blobs, String digest, byte[] bytes, Map<String, String> labels) {
    Optional<ContentInfo> info = blobs.info(digest);
    if (info.isEmpty() && !blobs.write(digest, bytes, labels).existed()) {
      return;
    }
    if (info.isEmpty() || !info.get().labels().entrySet().containsAll(labels.entrySet())) {
      blobs.label(digest, labels);
    }
  }

  private static void unpack(PullOrder order, Channel channel, Descriptor root, List<Fetched> manifests,
      TransferListener listener, LayerGate gate) {
    Optional<Fetched> here = manifests.stream().filter(m -> manifests.size() == 1 || m.descriptor().platform() == null
        || order.platform().matches(m.descriptor().platform())).findFirst();
    if (here.isEmpty()) {
      return; // every platform pulled, none of them this one: nothing to run here
    }
    List<Descriptor> layers = here.get().manifest().layers();
    try {
      new ImageClient(channel).unpackTarget(root, order.platform(), order.snapshotter(),
          new LayerUnpackEvents(layers, listener), gate);
    } catch (ClientException e) {
      throw Errors.failedPrecondition("cannot unpack %s: %s", order.reference(), e.getMessage());
    }
  }

  private static Image upsert(ImagesGrpc.ImagesBlockingStub images, Image image) {
    try {
      return Image.fromProto(images.create(CreateImageRequest.newBuilder().setImage(image.toProto()).build())
          .getImage());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
        throw e;
      }
    }
    return Image.fromProto(images.update(UpdateImageRequest.newBuilder().setImage(image.toProto())
        .setUpdateMask(FieldMask.newBuilder().addPaths("target")).build()).getImage());
  }
}
