package dev.berth.transfer.push;

import dev.berth.api.content.Blobs;
import dev.berth.api.content.ContentInfo;
import dev.berth.api.grpc.BerthException;
import dev.berth.api.grpc.Errors;
import dev.berth.client.images.Descriptor;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import dev.berth.client.images.Index;
import dev.berth.client.images.Manifest;
import dev.berth.client.images.MediaTypes;
import dev.berth.client.images.OciJson;
import dev.berth.transfer.BlobEvent;
import dev.berth.transfer.BlobEvent.State;
import dev.berth.transfer.PushOrder;
import dev.berth.transfer.TransferListener;
import dev.berth.transfer.Transferred;
import dev.berth.transfer.registry.DistributionSource;
import dev.berth.transfer.registry.Reference;
import dev.berth.transfer.registry.RegistryClient;
import io.grpc.Channel;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One push: the blobs of the image's manifest (or of every manifest of its index) the registry
 * lacks are mounted from another repository of the same registry where a pull labelled them so,
 * else uploaded from the content store; then the manifests go up by digest and the top one under
 * the tag. The registry checks each blob's digest as it takes it.
 */
public final class ImagePusher {
  private final Channel api;

  /** {@code api} reaches Content and Images in the push's namespace. */
  public ImagePusher(Channel api) {
    this.api = api;
  }

  /** A manifest or index to put: its descriptor and bytes. */
  private record Document(Descriptor descriptor, byte[] bytes) {}

  public Transferred push(PushOrder order, Reference destination, RegistryClient registry,
      TransferListener listener) {
    ImageClient images = new ImageClient(api);
    Image image = images.resolve(order.image());
    Blobs content = Blobs.on(api);
    Descriptor target = image.target();
    List<Document> manifests = new ArrayList<>();
    Document top;
    if (MediaTypes.isIndex(target.mediaType())) {
      Document index = new Document(target, read(content, target));
      Index parsed = OciJson.read(index.bytes(), Index.class, "index " + target.digest());
      List<Descriptor> chosen = parsed.manifests().stream()
          .filter(d -> MediaTypes.isManifest(d.mediaType()))
          .filter(d -> order.allPlatforms() || d.platform() == null || order.platform().matches(d.platform()))
          .toList();
      if (chosen.isEmpty()) {
        throw Errors.notFound("image %s has no manifest for platform %s", image.name(), order.platform());
      }
      for (Descriptor d : order.allPlatforms() ? chosen : chosen.subList(0, 1)) {
        if (content.info(d.digest()).isEmpty()) {
          throw Errors.failedPrecondition("image %s lacks its manifest %s for %s here: pull it with --all-platforms"
              + " to push every platform", image.name(), d.digest(), d.platform());
        }
        manifests.add(new Document(d, read(content, d)));
      }
      top = order.allPlatforms() ? index : manifests.get(0);
    } else if (MediaTypes.isManifest(target.mediaType())) {
      top = new Document(target, read(content, target));
      manifests.add(top);
    } else {
      throw Errors.failedPrecondition("image %s targets a %s, which cannot be pushed", image.name(),
          target.mediaType());
    }
    Map<String, Descriptor> blobs = new LinkedHashMap<>();
    for (Document m : manifests) {
      Manifest manifest = OciJson.read(m.bytes(), Manifest.class, "manifest " + m.descriptor().digest());
      blobs.putIfAbsent(manifest.config().digest(), manifest.config());
      manifest.layers().stream().filter(l -> !l.mediaType().contains("foreign")
          && !l.mediaType().contains("nondistributable")).forEach(l -> blobs.putIfAbsent(l.digest(), l));
    }
    blobs.values().forEach(d -> event(listener, d, 0, State.WAITING));
    uploadAll(order, destination, registry, content, blobs.values(), listener);
    for (Document m : manifests) {
      if (m != top) {
        registry.putManifest(m.descriptor().digest(), m.descriptor().mediaType(), m.bytes());
      }
    }
    registry.putManifest(destination.object(), top.descriptor().mediaType(), top.bytes());
    return new Transferred(image, destination.name(), top.descriptor().digest(), top.bytes().length);
  }

  private static byte[] read(Blobs content, Descriptor d) {
    try {
      return content.read(d.digest(), RegistryClient.MAX_MANIFEST_BYTES);
    } catch (BerthException e) {
      if (e.code() == Status.Code.NOT_FOUND) {
        throw Errors.failedPrecondition("%s %s is not in the content store", d.mediaType(), d.digest());
      }
      throw e;
    }
  }

  private void uploadAll(PushOrder order, Reference destination, RegistryClient registry, Blobs content,
      Iterable<Descriptor> blobs, TransferListener listener) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, order.concurrency()), r -> {
      Thread t = new Thread(r, "push-" + destination.repository());
      t.setDaemon(true);
      return t;
    });
    try {
      List<Future<?>> work = new ArrayList<>();
      for (Descriptor d : blobs) {
        work.add(pool.submit(() -> {
          pushBlob(destination, registry, content, d, listener);
          return null;
        }));
      }
      for (Future<?> f : work) {
        try {
          f.get();
        } catch (ExecutionException e) {
          if (e.getCause() instanceof RuntimeException r) {
            throw r;
          }
          throw Errors.unavailable("push failed: %s", e.getCause().getMessage());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CancellationException("push interrupted");
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static void pushBlob(Reference destination, RegistryClient registry, Blobs content, Descriptor d,
      TransferListener listener) throws IOException {
    if (listener.cancelled()) {
      throw new CancellationException("push cancelled");
    }
    if (registry.hasBlob(d.digest())) {
      event(listener, d, d.size(), State.ALREADY_PRESENT);
      return;
    }
    ContentInfo info = content.info(d.digest()).orElseThrow(() -> Errors.failedPrecondition(
        "blob %s of the image is not in the content store", d.digest()));
    String location = null;
    for (String from : DistributionSource.repositories(info.labels(), destination.host())) {
      if (from.equals(destination.repository())) {
        continue;
      }
      Optional<String> upload = registry.mount(d.digest(), from);
      if (upload.isEmpty()) {
        listener.blob(new BlobEvent(d.digest(), d.mediaType(), d.size(), d.size(), State.ALREADY_PRESENT, from));
        label(content, d, info, destination);
        return;
      }
      location = upload.get();
      break;
    }
    event(listener, d, 0, State.TRANSFERRING);
    try (InputStream in = content.open(d.digest())) {
      registry.upload(d.digest(), d.size(), in, location, sent -> event(listener, d, sent, State.TRANSFERRING));
    }
    event(listener, d, d.size(), State.DONE);
    label(content, d, info, destination);
  }

  /** Remembers that the destination repository now holds the blob, for mounts by later pushes. */
  private static void label(Blobs content, Descriptor d, ContentInfo info, Reference destination) {
    content.label(d.digest(), new DistributionSource(destination.host(), destination.repository())
        .labelOver(info.labels()));
  }

  private static void event(TransferListener listener, Descriptor d, long offset, State state) {
    listener.blob(new BlobEvent(d.digest(), d.mediaType(), offset, d.size(), state));
  }
}
