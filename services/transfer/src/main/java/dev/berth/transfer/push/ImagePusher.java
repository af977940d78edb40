package dev.berth.transfer.push;

import dev.berth.api.content.Blobs;
import dev.berth.api.content.ContentInfo;
import dev.berth.api.grpc.Errors;
import dev.berth.client.images.Descriptor;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import dev.berth.client.images.MediaTypes;
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
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One push, as Docker 27's daemon makes it: what {@link PushTarget} chooses of the image (the
 * target as it is, or one platform's manifest). The blobs of it the registry lacks are mounted
 * from another repository of the same registry where a pull labelled them so, else uploaded from
 * the content store; a blob that is not here is fine where the registry has it already or mounts
 * it. Then the manifests and indexes go up by digest and the chosen one under the tag. An index
 * that cannot go for content neither here nor on the registry is replaced by the one manifest of
 * it that is here whole, unless the push asked for the index or nothing. The registry checks each
 * blob's digest as it takes it.
 */
public final class ImagePusher {
  private final Channel api;

  /** {@code api} reaches Content and Images in the push's namespace. */
  public ImagePusher(Channel api) {
    this.api = api;
  }

  /**
   * What pushing a target takes: its content here, the blobs not here that the registry has
   * (already, or by a mount just made), and the first thing neither here nor there, if any.
   */
  private record Plan(PushContent content, List<BlobEvent> onRegistry, Optional<String> missing) {}

  public Transferred push(PushOrder order, Reference destination, RegistryClient registry,
      TransferListener listener) {
    Image image = new ImageClient(api).resolve(order.image());
    Blobs content = Blobs.on(api);
    Descriptor target = image.target();
    PushTarget chosen = order.platform() == null ? PushTarget.whole(target)
        : PushTarget.forPlatform(content, target, order.platform());
    Plan plan = plan(content, chosen, destination, registry);
    if (plan.missing().isPresent() && order.platform() == null && !order.allPlatforms()
        && MediaTypes.isIndex(target.mediaType())) {
      // moby's pushRef: the index failed for content neither here nor there, so one manifest of it goes instead
      Optional<PushTarget> narrowed = PushTarget.narrowed(content, target);
      if (narrowed.isPresent()) {
        chosen = narrowed.get();
        plan = plan(content, chosen, destination, registry);
      }
    }
    if (plan.missing().isPresent()) {
      // containerd's content store's words, which Docker's daemon passes on
      listener.contentMissing(chosen.descriptor().digest());
      throw Errors.notFound("content digest %s: not found", plan.missing().get());
    }
    PushContent push = plan.content();
    push.blobsHere().forEach(d -> event(listener, d, 0, State.WAITING));
    push.blobsNotHere().forEach(d -> event(listener, d, 0, State.WAITING));
    plan.onRegistry().forEach(listener::blob);
    uploadAll(order, destination, registry, content, push.blobsHere(), listener);
    List<PushContent.Document> documents = push.documents();
    PushContent.Document top = documents.remove(documents.size() - 1);
    for (PushContent.Document d : documents) {
      registry.putManifest(d.descriptor().digest(), d.descriptor().mediaType(), d.bytes());
    }
    registry.putManifest(destination.object(), top.descriptor().mediaType(), top.bytes());
    return new Transferred(image, destination.name(), top.descriptor().digest(), top.bytes().length,
        chosen.replacedIndex());
  }

  /**
   * Reads what pushing {@code target} sends and asks the registry for each blob that is not here,
   * as containerd's pusher asks before it reads one: one the destination repository has is
   * already there; else it is mounted from the repository the target's labels name on that
   * registry (what moby's findMissingMountable offers). Stops at the first manifest or index
   * not here, which no registry can stand in for, and at the first blob neither here nor got so.
   */
  private static Plan plan(Blobs content, PushTarget target, Reference destination, RegistryClient registry) {
    PushContent push = PushContent.of(content, target.descriptor());
    if (push.documentNotHere().isPresent() || push.blobsNotHere().isEmpty()) {
      return new Plan(push, List.of(), push.documentNotHere());
    }
    Optional<String> mountFrom = content.info(target.descriptor().digest())
        .flatMap(info -> mountSource(info.labels(), destination));
    List<BlobEvent> onRegistry = new ArrayList<>();
    for (Descriptor d : push.blobsNotHere()) {
      if (registry.hasBlob(d.digest())) {
        onRegistry.add(new BlobEvent(d.digest(), d.mediaType(), d.size(), d.size(), State.ALREADY_PRESENT));
        continue;
      }
      if (mountFrom.isPresent()) {
        Optional<String> opened = registry.mount(d.digest(), mountFrom.get());
        if (opened.isEmpty()) {
          onRegistry.add(new BlobEvent(d.digest(), d.mediaType(), d.size(), d.size(), State.ALREADY_PRESENT,
              mountFrom.get()));
          continue;
        }
        // the refused mount opened an upload instead, which containerd's pusher would fill; with
        // nothing here to send it is cancelled where the registry lets it (never failing the push)
        registry.cancelUpload(opened.get());
      }
      return new Plan(push, onRegistry, Optional.of(d.digest()));
    }
    return new Plan(push, onRegistry, Optional.empty());
  }

  /**
   * The repository of the destination's registry that {@code labels} (distribution-source labels)
   * name to mount from, the destination's own excepted: the first, as Berth has always taken it.
   */
  private static Optional<String> mountSource(Map<String, String> labels, Reference destination) {
    return DistributionSource.repositories(labels, destination.host()).stream()
        .filter(from -> !from.equals(destination.repository()))
        .findFirst();
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
    Optional<String> from = mountSource(info.labels(), destination);
    if (from.isPresent()) {
      Optional<String> upload = registry.mount(d.digest(), from.get());
      if (upload.isEmpty()) {
        listener.blob(new BlobEvent(d.digest(), d.mediaType(), d.size(), d.size(), State.ALREADY_PRESENT,
            from.get()));
        label(content, d, info, destination);
        return;
      }
      location = upload.get();
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
