package dev.berth.transfer.pull;

import containerd.services.images.v1.ImagesGrpc;
import dev.berth.api.content.Blobs;
import dev.berth.api.content.ContentInfo;
import dev.berth.api.content.GrpcContentStore;
import dev.berth.api.grpc.Errors;
import dev.berth.client.ClientException;
import dev.berth.client.images.Descriptor;
import dev.berth.client.images.GcRefs;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import dev.berth.client.images.ImageRecords;
import dev.berth.client.images.LayerGate;
import dev.berth.client.images.Index;
import dev.berth.client.images.Manifest;
import dev.berth.client.images.MediaTypes;
import dev.berth.client.images.OciJson;
import dev.berth.client.leases.Lease;
import dev.berth.transfer.PullOrder;
import dev.berth.transfer.TransferListener;
import dev.berth.transfer.Transferred;
import dev.berth.transfer.registry.DistributionSource;
import dev.berth.transfer.registry.RegistryClient;
import io.grpc.Channel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One pull: the manifest (or index, the indexes nested in it and the manifests chosen from them)
 * fetched and checked, then config and layers fetched concurrently; once the configs are in, the
 * manifests and indexes are stored with references to their children and each layer is unpacked
 * as soon as it and those below it are stored; the image record is written last. Everything is
 * made under a lease deleted at the end, so a pull that fails midway leaves only what a collector
 * may take (and the ingests a later pull resumes).
 */
public final class ImagePuller {
  /** More layers than overlayfs stacks (Docker's limit is 128 too): refused before any download. */
  public static final int MAX_LAYERS = 128;
  /** An index with more manifests than this is not an image index anyone builds. */
  public static final int MAX_INDEX_MANIFESTS = 1024;
  /** Indexes within indexes, counting the outermost: deeper than any image anyone builds. */
  public static final int MAX_INDEX_DEPTH = 8;

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
    IndexWalk walk = new IndexWalk(order, registry);
    if (MediaTypes.isIndex(rootType)) {
      walk.walk(rootDescriptor, root.bytes(), 0);
      walk.requireSome();
      for (Descriptor d : walk.manifests) {
        RegistryClient.FetchedManifest m = registry.manifest(d.digest());
        manifests.add(new Fetched(d, m.bytes(), manifest(m.bytes(), d.digest(), mediaType(m))));
      }
    } else if (MediaTypes.isManifest(rootType)) {
      manifests.add(new Fetched(rootDescriptor, root.bytes(), manifest(root.bytes(), root.digest(), rootType)));
    } else {
      throw Errors.failedPrecondition("%s is a %s, which Berth cannot pull (OCI and Docker schema 2 images only)",
          order.reference(), rootType.isEmpty() ? "blob of no media type" : rootType);
    }
    DistributionSource source = new DistributionSource(order.reference().host(), order.reference().repository());
    try (Lease lease = Lease.create(api, Lease.DEFAULT_EXPIRY)) {
      Channel channel = lease.channel();
      Blobs blobs = Blobs.on(channel);
      Map<String, Descriptor> needed = new LinkedHashMap<>();
      manifests.forEach(m -> needed.putIfAbsent(m.manifest().config().digest(), m.manifest().config()));
      for (Fetched m : manifests) {
        m.manifest().layers().stream().filter(l -> !foreign(l)).forEach(l -> needed.putIfAbsent(l.digest(), l));
      }
      try (Downloads downloads = new Downloads(needed.values(), new BlobFetcher(registry,
          new GrpcContentStore(channel), blobs, source, listener), order.concurrency(),
          order.reference().repository(), listener)) {
        manifests.forEach(m -> downloads.await(m.manifest().config()));
        for (Fetched m : manifests) {
          List<Descriptor> children = new ArrayList<>();
          children.add(m.manifest().config());
          children.addAll(m.manifest().layers().stream().filter(l -> !foreign(l)).toList());
          store(blobs, m.descriptor().digest(), m.bytes(), GcRefs.forChildren(children), source);
        }
        // nested indexes before those that list them, the root last
        for (IndexWalk.Taken index : walk.indexes) {
          store(blobs, index.descriptor().digest(), index.bytes(), GcRefs.forIndex(index.parsed()), source);
        }
        if (order.unpack()) {
          unpack(order, channel, rootDescriptor, manifests, listener, downloads);
        }
        downloads.awaitAll();
      }
      Image image = ImageRecords.createOrRetarget(ImagesGrpc.newBlockingStub(channel), new Image(order.reference().name(), rootDescriptor,
          Map.of(), null, null));
      return new Transferred(image, order.reference().name(), root.digest(), root.bytes().length);
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

  /**
   * The manifests a pull takes from an index and the indexes nested in it (an index may list
   * indexes, each for a platform or for several): for one platform the first manifest for it,
   * depth first, as the unpacker finds it; for all platforms every manifest.
   */
  private static final class IndexWalk {
    /**
     * An index the pull takes something from, as it lists its children: its GC references name
     * them all ({@link GcRefs#forIndex}), so that pulling another platform later keeps this one's.
     */
    record Taken(Descriptor descriptor, byte[] bytes, Index parsed) {}

    private final PullOrder order;
    private final RegistryClient registry;
    final List<Descriptor> manifests = new ArrayList<>();
    /** Innermost first, so each is stored after the indexes it lists. */
    final List<Taken> indexes = new ArrayList<>();
    private final Set<String> offered = new LinkedHashSet<>();
    private int listed;

    IndexWalk(PullOrder order, RegistryClient registry) {
      this.order = order;
      this.registry = registry;
    }

    /** Walks {@code index} ({@code depth} indexes above it); returns whether it gave the pull anything. */
    boolean walk(Descriptor index, byte[] bytes, int depth) {
      Index parsed = OciJson.read(bytes, Index.class, "index " + index.digest());
      listed += parsed.manifests().size();
      if (listed > MAX_INDEX_MANIFESTS) {
        throw Errors.failedPrecondition("index %s of %s lists %d manifests with the indexes in it, more than the %d"
            + " Berth accepts", index.digest(), order.reference(), listed, MAX_INDEX_MANIFESTS);
      }
      boolean took = false;
      for (Descriptor child : parsed.manifests()) {
        if (!order.allPlatforms() && !manifests.isEmpty()) {
          break;
        }
        if (MediaTypes.isIndex(child.mediaType())) {
          if (!order.allPlatforms() && child.platform() != null && !order.platform().matches(child.platform())) {
            offered.add(child.platform().toString());
            continue;
          }
          if (depth + 1 >= MAX_INDEX_DEPTH) {
            throw Errors.failedPrecondition("index %s of %s nests indexes more than %d deep", index.digest(),
                order.reference(), MAX_INDEX_DEPTH);
          }
          RegistryClient.FetchedManifest nested = registry.manifest(child.digest());
          if (!MediaTypes.isIndex(mediaType(nested))) {
            throw Errors.failedPrecondition("index %s of %s lists %s as an index, but it is a %s", index.digest(),
                order.reference(), child.digest(), mediaType(nested));
          }
          took |= walk(child, nested.bytes(), depth + 1);
        } else if (MediaTypes.isManifest(child.mediaType())) {
          if (order.allPlatforms() || child.platform() != null && order.platform().matches(child.platform())) {
            took = true;
            manifests.add(child);
          } else {
            offered.add(child.platform() == null ? "unknown" : child.platform().toString());
          }
        }
      }
      if (!took) {
        return false;
      }
      indexes.add(new Taken(index, bytes, parsed));
      return true;
    }

    /**
     * Refuses a pull the walk found nothing for: NOT_FOUND in Docker's daemon's words, which
     * scripts and searches know, then the platforms there are.
     */
    void requireSome() {
      if (manifests.isEmpty()) {
        throw Errors.notFound("no matching manifest for %s in the manifest list entries: %s %s", order.platform(),
            order.reference(), offered.isEmpty() ? "lists none" : "has " + String.join(", ", offered));
      }
    }
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
    return MediaTypes.isNonDistributable(layer.mediaType());
  }

  /**
   * Stores a manifest or index with its GC references and the source label; one already there
   * only gets the labels it lacks, its source label naming this repository after those it names.
   */
  private static void store(Blobs blobs, String digest, byte[] bytes, Map<String, String> refs,
      DistributionSource source) {
    Optional<ContentInfo> info = blobs.info(digest);
    if (info.isEmpty()) {
      if (!blobs.write(digest, bytes, with(refs, source.labelOver(Map.of()))).existed()) {
        return;
      }
      info = blobs.info(digest); // another pull stored it meanwhile, naming its own repository
    }
    Map<String, String> labels = with(refs, source.labelOver(info.map(ContentInfo::labels).orElse(Map.of())));
    if (info.isEmpty() || !info.get().labels().entrySet().containsAll(labels.entrySet())) {
      blobs.label(digest, labels);
    }
  }

  private static Map<String, String> with(Map<String, String> a, Map<String, String> b) {
    Map<String, String> all = new HashMap<>(a);
    all.putAll(b);
    return all;
  }

  private static void unpack(PullOrder order, Channel channel, Descriptor root, List<Fetched> manifests,
      TransferListener listener, Downloads downloads) {
    Optional<Fetched> here = manifests.stream().filter(m -> manifests.size() == 1 || m.descriptor().platform() == null
        || order.platform().matches(m.descriptor().platform())).findFirst();
    if (here.isEmpty()) {
      return; // every platform pulled, none of them this one: nothing to run here
    }
    List<Descriptor> layers = here.get().manifest().layers();
    LayerUnpackEvents events = new LayerUnpackEvents(layers, listener);
    // each layer unpacks as soon as it and those below it are stored, while others download
    LayerGate gate = layer -> {
      downloads.await(layer);
      events.extracting(layer);
    };
    try {
      new ImageClient(channel).unpackTarget(root, order.platform(), order.snapshotter(), events, gate);
    } catch (ClientException e) {
      throw Errors.failedPrecondition("cannot unpack %s: %s", order.reference(), e.getMessage());
    }
  }

}
