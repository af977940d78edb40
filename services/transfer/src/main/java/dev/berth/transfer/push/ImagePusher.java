package dev.berth.transfer.push;

import dev.berth.api.content.Blobs;
import dev.berth.api.content.ContentInfo;
import dev.berth.api.grpc.Errors;
import dev.berth.client.images.Descriptor;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import dev.berth.transfer.BlobEvent;
import dev.berth.transfer.BlobEvent.State;
import dev.berth.transfer.PushOrder;
import dev.berth.transfer.TransferListener;
import dev.berth.transfer.Transferred;
import dev.berth.transfer.registry.DistributionSource;
import dev.berth.transfer.registry.Reference;
import dev.berth.transfer.registry.RegistryClient;
import io.grpc.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One push: what {@link PushTarget} chooses of the image (all of it, or one platform's manifest);
 * the blobs of it the registry lacks are mounted from another repository of the same registry
 * where a pull labelled them so, else uploaded from the content store; then the manifests and
 * indexes go up by digest and the chosen one under the tag. The registry checks each blob's
 * digest as it takes it.
 */
public final class ImagePusher {
  private final Channel api;

  /** {@code api} reaches Content and Images in the push's namespace. */
  public ImagePusher(Channel api) {
    this.api = api;
  }

  public Transferred push(PushOrder order, Reference destination, RegistryClient registry,
      TransferListener listener) {
    Image image = new ImageClient(api).resolve(order.image());
    Blobs content = Blobs.on(api);
    PushTarget chosen = PushTarget.choose(content, image.target(), order.platform(), order.allPlatforms());
    PushContent push = PushContent.of(content, chosen.descriptor());
    if (push.missing().isPresent()) {
      // containerd's content store's words, which Docker's daemon passes on
      listener.contentMissing(chosen.descriptor().digest());
      throw Errors.notFound("content digest %s: not found", push.missing().get());
    }
    push.blobs().forEach(d -> event(listener, d, 0, State.WAITING));
    uploadAll(order, destination, registry, content, push.blobs(), listener);
    List<PushContent.Document> documents = push.documents();
    PushContent.Document top = documents.remove(documents.size() - 1);
    for (PushContent.Document d : documents) {
      registry.putManifest(d.descriptor().digest(), d.descriptor().mediaType(), d.bytes());
    }
    registry.putManifest(destination.object(), top.descriptor().mediaType(), top.bytes());
    return new Transferred(image, destination.name(), top.descriptor().digest(), top.bytes().length,
        chosen.replacedIndex());
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
