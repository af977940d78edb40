package dev.berth.api.content;

import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.Errors;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.util.List;
import java.util.Map;

/**
 * Content-addressed blobs, seen per namespace, and the unfinished writes (ingests) that produce
 * them. Digests are {@code sha256:<hex>}; a malformed one is INVALID_ARGUMENT, a blob the
 * namespace does not hold is NOT_FOUND.
 */
public interface ContentStore {
  default ContentInfo info(String namespace, String digest) {
    return info(namespace, digest, null);
  }

  /**
   * The blob's record. A {@code lease} (or null) is given the blob first, as an ingest of a blob
   * that exists gives it: a client that finds a blob there (a pull, an import) references it only
   * later, and a garbage collection running meanwhile must not take it. Containerd's Info takes
   * nothing into a lease.
   */
  ContentInfo info(String namespace, String digest, String lease);

  /**
   * Changes a blob's labels. {@code fieldPaths} empty or {@code labels} replaces them all with
   * {@code labels}; {@code labels.<key>} sets or (when {@code labels} lacks it) removes one key.
   * Any other path is INVALID_ARGUMENT.
   */
  ContentInfo update(String namespace, String digest, Map<String, String> labels, List<String> fieldPaths);

  /** The namespace's blobs matching {@code filter} (fields {@code digest}, {@code size}, {@code labels.<key>}). */
  List<ContentInfo> list(String namespace, Filter filter);

  /** Removes the blob from the namespace; the data goes once no namespace holds it. */
  void delete(String namespace, String digest);

  /** Opens the blob for reading; the channel's size is the blob's size. */
  SeekableByteChannel open(String namespace, String digest);

  /**
   * The blob's bytes from {@code offset} on, as the Read call streams them: OUT_OF_RANGE past the
   * end. Closing the stream early lets go of the blob.
   */
  default InputStream read(String namespace, String digest, long offset) {
    SeekableByteChannel blob = open(namespace, digest);
    try {
      if (offset > blob.size()) {
        throw Errors.outOfRange("read at offset %d is past the end of %s (%d bytes)", offset, digest, blob.size());
      }
      blob.position(offset);
    } catch (IOException | RuntimeException e) {
      try {
        blob.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e instanceof IOException io ? Errors.internal(io, "reading %s: %s", digest, io.getMessage())
          : (RuntimeException) e;
    }
    return Channels.newInputStream(blob);
  }

  /** The ingest under {@code ref}; NOT_FOUND when there is none. */
  IngestStatus status(String namespace, String ref);

  /** The namespace's ingests matching {@code filter} (fields {@code ref}, {@code expected}). */
  List<IngestStatus> listStatuses(String namespace, Filter filter);

  /** Discards the ingest under {@code ref}: NOT_FOUND if absent, UNAVAILABLE while a writer holds it. */
  void abort(String namespace, String ref);

  /**
   * Takes exclusive hold of the ingest under {@code ref}, creating it or resuming where it stopped
   * (also after a restart). UNAVAILABLE while another writer holds it. A {@code lease} (or null)
   * is given the committed blob. Close the writer to let go of the ref.
   */
  ContentWriter writer(String namespace, String ref, String lease);
}
