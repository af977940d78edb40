package dev.berth.transfer.pull;

import com.google.protobuf.UnsafeByteOperations;
import dev.berth.api.content.Blobs;
import dev.berth.api.content.ContentInfo;
import dev.berth.api.content.ContentStore;
import dev.berth.api.content.ContentWriter;
import dev.berth.api.grpc.BerthException;
import dev.berth.api.grpc.Errors;
import dev.berth.client.images.Descriptor;
import dev.berth.transfer.BlobEvent;
import dev.berth.transfer.BlobEvent.State;
import dev.berth.transfer.TransferListener;
import dev.berth.transfer.registry.DistributionSource;
import dev.berth.transfer.registry.RegistryClient;
import io.grpc.Status;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * Fetches one blob from the registry into the content store through a resumable ingest named by
 * the blob's digest: an ingest an interrupted pull left is continued from its offset (with an HTTP
 * range), a blob the store holds is not fetched at all. The size is checked while the bytes
 * stream and the store checks the digest before it commits; a blob failing either is aborted,
 * leaving nothing of it. A pull that stops for any other reason keeps the ingest for the next.
 */
final class BlobFetcher {
  /** How long a pull waits for another pull's hold on the same ingest to end. */
  private static final int HELD_ATTEMPTS = 100;
  private static final long HELD_WAIT_MILLIS = 100;

  private final RegistryClient registry;
  private final ContentStore store;
  private final Blobs blobs;
  private final DistributionSource source;
  private final TransferListener listener;

  /**
   * {@code store} and {@code blobs} reach the namespace and lease of the pull through their
   * channel; each blob's source label comes to name {@code source}'s repository.
   */
  BlobFetcher(RegistryClient registry, ContentStore store, Blobs blobs, DistributionSource source,
      TransferListener listener) {
    this.registry = registry;
    this.store = store;
    this.blobs = blobs;
    this.source = source;
    this.listener = listener;
  }

  /** Stores the blob {@code d}, labelled with the repository it came from. */
  void fetch(Descriptor d) throws IOException, InterruptedException {
    if (present(d)) {
      return;
    }
    boolean discard = false;
    try (ContentWriter writer = hold(d.digest())) {
      writer.declare(d.size(), d.digest());
      long offset = writer.status().offset();
      if (offset > d.size()) {
        offset = 0;
      }
      if (offset < d.size()) {
        offset = download(d, writer, offset);
      }
      event(d, offset, State.VERIFYING);
      writer.commit(source.labelOver(Map.of()));
    } catch (BerthException e) {
      if (e.code() == Status.Code.ALREADY_EXISTS) {
        present(d);
        return;
      }
      discard = e.code() == Status.Code.FAILED_PRECONDITION || e.code() == Status.Code.DATA_LOSS;
      if (e.code() == Status.Code.FAILED_PRECONDITION) {
        throw Errors.dataLoss("blob %s from %s does not match its digest: refused, nothing of it kept", d.digest(),
            registry.reference().repositoryName());
      }
      throw e;
    } finally {
      if (discard) {
        abortQuietly(d.digest());
      }
    }
    event(d, d.size(), State.DONE);
  }

  /**
   * Whether {@code d} is stored already (then told as present, its source label naming this
   * repository after those it names already).
   */
  boolean present(Descriptor d) {
    Optional<ContentInfo> info = blobs.info(d.digest());
    if (info.isEmpty()) {
      return false;
    }
    Map<String, String> labels = source.labelOver(info.get().labels());
    if (!info.get().labels().entrySet().containsAll(labels.entrySet())) {
      blobs.label(d.digest(), labels);
    }
    event(d, d.size(), State.ALREADY_PRESENT);
    return true;
  }

  /** Takes the ingest, waiting a while for another pull of the same blob to let go of it. */
  private ContentWriter hold(String ref) throws InterruptedException {
    for (int attempt = 1; ; attempt++) {
      try {
        return store.writer(null, ref, null);
      } catch (BerthException e) {
        if (e.code() != Status.Code.UNAVAILABLE || attempt >= HELD_ATTEMPTS || listener.cancelled()) {
          throw e;
        }
        Thread.sleep(HELD_WAIT_MILLIS);
      }
    }
  }

  private long download(Descriptor d, ContentWriter writer, long from) throws IOException {
    try (RegistryClient.BlobStream blob = registry.blob(d.digest(), from)) {
      // offset 0 restarts an ingest whose earlier bytes the registry would not resume from
      ChunkedWrite write = new ChunkedWrite(writer, blob.start());
      event(d, write.offset, State.TRANSFERRING);
      ByteBuffer buffer;
      while ((buffer = blob.body().next()) != null) {
        if (listener.cancelled()) {
          throw new CancellationException("pull cancelled");
        }
        if (write.end() + buffer.remaining() > d.size()) {
          throw Errors.dataLoss("blob %s from %s is larger than the %d bytes its descriptor says: refused,"
              + " nothing of it kept", d.digest(), registry.reference().repositoryName(), d.size());
        }
        if (write.add(buffer)) {
          event(d, write.offset, State.TRANSFERRING);
        }
      }
      write.flush();
      if (write.offset < d.size()) {
        throw Errors.unavailable("blob %s from %s ended after %d of %d bytes; pull again to resume", d.digest(),
            registry.reference().repositoryName(), write.offset, d.size());
      }
      return write.offset;
    }
  }

  /**
   * A blob's bytes gathered into chunks of {@link #CHUNK_BYTES} before they go to the content
   * store. The HTTP client reads 16 KiB buffers, read-only ones that protobuf would copy into each
   * write request anyway: copied into a chunk instead, a 200 MB pull makes some 800 write requests
   * rather than 12,800, each a call through the content service's stream, its checks and its
   * appends. Bytes not yet written when the body fails are fetched again by the next pull.
   */
  private static final class ChunkedWrite {
    static final int CHUNK_BYTES = 256 << 10;

    private final ContentWriter writer;
    /** Where the next write goes: the bytes before it are in the store's ingest. */
    long offset;
    private byte[] chunk;
    private int filled;

    ChunkedWrite(ContentWriter writer, long offset) {
      this.writer = writer;
      this.offset = offset;
    }

    /** The offset after the bytes written and those gathered. */
    long end() {
      return offset + filled;
    }

    /** Gathers {@code buffer}; returns whether a chunk was written meanwhile. */
    boolean add(ByteBuffer buffer) {
      boolean wrote = false;
      while (buffer.hasRemaining()) {
        if (chunk == null) {
          chunk = new byte[CHUNK_BYTES];
        }
        int n = Math.min(buffer.remaining(), chunk.length - filled);
        buffer.get(chunk, filled, n);
        filled += n;
        if (filled == chunk.length) {
          flush();
          wrote = true;
        }
      }
      return wrote;
    }

    /** Writes what is gathered; the chunk is the write request's from then on, never touched again. */
    void flush() {
      if (filled > 0) {
        offset = writer.write(offset, UnsafeByteOperations.unsafeWrap(chunk, 0, filled));
      }
      chunk = null;
      filled = 0;
    }
  }

  private void event(Descriptor d, long offset, State state) {
    listener.blob(new BlobEvent(d.digest(), d.mediaType(), offset, d.size(), state));
  }

  private void abortQuietly(String ref) {
    try {
      store.abort(null, ref);
    } catch (BerthException ignored) {
      // nothing left under the ref, or someone else holds it: either way nothing of it is committed
    }
  }
}
