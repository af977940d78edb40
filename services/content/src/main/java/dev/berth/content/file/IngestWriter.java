package dev.berth.content.file;

import com.google.protobuf.ByteOutput;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dev.berth.api.Digests;
import dev.berth.api.grpc.Errors;
import dev.berth.common.store.Labels;
import dev.berth.api.content.ContentInfo;
import dev.berth.api.content.ContentWriter;
import dev.berth.api.content.IngestStatus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.logging.Logger;

/**
 * Holds one ingest for one writer. Chunks are checked here, written to the file at once and
 * hashed behind the writer by an {@link AppendPipeline}, so commit needs no second pass over the
 * data. The data
 * file's length is the offset a restart resumes from; its fsync waits for commit. The metadata
 * (declared total and digest, updated time) is saved on STAT and when the writer lets go, not per
 * chunk. The ingest is opened at the first call that needs it, so a writer whose declared digest
 * the namespace holds already never touches the disk (containerd, too, refuses such a writer
 * before it opens an ingest).
 */
final class IngestWriter implements ContentWriter {
  private static final Logger LOG = Logger.getLogger(IngestWriter.class.getName());

  private final FileContentStore store;
  private final IngestDir ingest;
  private final String namespace;
  private final String ref;
  private final String lease;
  private final Executor pool;
  /** Hands protobuf bytes to the pipeline straight from their backing arrays, without copying. */
  private final ByteOutput sink = new ByteOutput() {
    @Override
    public void write(byte value) throws IOException {
      pipeline.append(ByteBuffer.wrap(new byte[] {value}));
    }

    @Override
    public void write(byte[] value, int offset, int length) throws IOException {
      pipeline.append(ByteBuffer.wrap(value, offset, length));
    }

    @Override
    public void writeLazy(byte[] value, int offset, int length) throws IOException {
      pipeline.append(ByteBuffer.wrap(value, offset, length));
    }

    @Override
    public void write(ByteBuffer value) throws IOException {
      pipeline.append(value);
    }

    @Override
    public void writeLazy(ByteBuffer value) throws IOException {
      pipeline.append(value);
    }
  };

  private AppendPipeline pipeline;
  /** Bytes accepted from the writer; the pipeline may not have written the last of them yet. */
  private long offset;
  private long total;
  private String expected;
  private Instant startedAt;
  private Instant updatedAt;
  private boolean metaDirty;
  /** The ingest was on disk before this writer took hold of it. */
  private boolean resumed;
  /**
   * Committed, aborted, refused for a digest the namespace holds or refused a malformed
   * declaration before opening the ingest: the writer is done.
   */
  private boolean ended;
  private boolean closed;

  IngestWriter(FileContentStore store, IngestDir ingest, String namespace, String ref, String lease, Executor pool) {
    this.store = store;
    this.ingest = ingest;
    this.namespace = namespace;
    this.ref = ref;
    this.lease = lease;
    this.pool = pool;
  }

  Path path() {
    return ingest.path();
  }

  String namespace() {
    return namespace;
  }

  /** Creates the ingest, or picks it up where it stopped and recomputes the digest of what is there. */
  private void open() {
    if (pipeline != null) {
      return;
    }
    try {
      openIngest();
    } catch (IOException e) {
      throw failed("opening", e);
    }
  }

  private void openIngest() throws IOException {
    Optional<IngestMeta> meta = ingest.readMeta();
    resumed = meta.isPresent();
    if (resumed) {
      IngestMeta m = meta.get();
      if (!m.namespace().equals(namespace) || !m.ref().equals(ref)) {
        throw Errors.internal(null, "ingest %s belongs to ref %s in namespace %s",
            ingest.path(), m.ref(), m.namespace());
      }
      total = m.total();
      expected = m.expected();
      startedAt = Instant.parse(m.startedAt());
      updatedAt = Instant.parse(m.updatedAt());
    } else {
      // Saved at the first STAT (the first thing containerd's clients send) or when the writer
      // lets go, rather than twice when the STAT declares a total and digest.
      startedAt = Instant.now();
      updatedAt = startedAt;
      metaDirty = true;
      store.registerIngestNamespace(namespace);
      Files.createDirectories(ingest.path());
    }
    FileChannel data = FileChannel.open(ingest.data(),
        StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      if (meta.isEmpty()) {
        // Data without metadata is what a removal interrupted half-way leaves: not this ingest's.
        data.truncate(0);
      }
      pipeline = new AppendPipeline(pool, data);
    } catch (IOException | RuntimeException e) {
      data.close();
      throw e;
    }
    offset = pipeline.written();
    LOG.fine(() -> "opened ingest " + ref + " in namespace " + namespace + " at offset " + offset);
  }

  /** The status for others to see, without touching the disk; null before the writer is open or after it ended. */
  synchronized IngestStatus snapshot() {
    return pipeline != null && !ended ? new IngestStatus(ref, offset, total, expected, startedAt, updatedAt) : null;
  }

  @Override
  public synchronized IngestStatus status() {
    checkUsable();
    open();
    return snapshot();
  }

  @Override
  public synchronized IngestStatus checkpoint() {
    checkUsable();
    open();
    try {
      pipeline.flush();
      if (metaDirty) {
        ingest.writeMeta(meta());
        metaDirty = false;
      }
    } catch (IOException e) {
      throw failed("saving", e);
    }
    return status();
  }

  @Override
  public synchronized String digest() {
    checkUsable();
    open();
    try {
      return pipeline.digest();
    } catch (IOException e) {
      throw failed("hashing", e);
    }
  }

  @Override
  public synchronized void declare(long newTotal, String newExpected) {
    checkUsable();
    try {
      if (newTotal < 0) {
        throw Errors.invalidArgument("total %d is negative", newTotal);
      }
      if (newExpected != null && !newExpected.isEmpty()) {
        Digests.validate(newExpected);
      }
    } catch (RuntimeException e) {
      if (pipeline == null) {
        // Refused before it opened the ingest: as in containerd, such a writer leaves nothing.
        ended = true;
      }
      throw e;
    }
    if (newExpected != null && !newExpected.isEmpty()) {
      if (store.holds(namespace, newExpected)) {
        // As containerd does: the existing blob joins the caller's lease, as a fresh write would.
        store.recordLease(namespace, lease, newExpected);
        refuseHeld();
        throw Errors.alreadyExists("content %s already exists in namespace %s", newExpected, namespace);
      }
    }
    open();
    if (newExpected != null && !newExpected.isEmpty() && !newExpected.equals(expected)) {
      expected = newExpected;
      metaDirty = true;
    }
    if (newTotal > 0 && newTotal != total) {
      total = newTotal;
      metaDirty = true;
    }
  }

  @Override
  public synchronized long write(long at, ByteString bytes) {
    checkUsable();
    open();
    if (at != 0 && at != offset) {
      throw Errors.outOfRange("write at offset %d: ingest %s is at offset %d", at, ref, offset);
    }
    long length = bytes.size();
    if (total > 0 && at + length > total) {
      throw Errors.outOfRange("writing %d bytes at offset %d passes the declared total of %d bytes for ingest %s",
          length, at, total, ref);
    }
    if (at == 0 && offset == 0 && length == 0) {
      return offset;
    }
    try {
      if (at == 0 && offset > 0) {
        pipeline.truncate();
        offset = 0;
      }
      UnsafeByteOperations.unsafeWriteTo(bytes, sink);
    } catch (IOException e) {
      throw failed("writing", e);
    }
    offset += length;
    updatedAt = Instant.now();
    metaDirty = true;
    return offset;
  }

  @Override
  public synchronized ContentInfo commit(Map<String, String> labels) {
    checkUsable();
    open();
    Labels.validate(labels);
    if (total > 0 && offset != total) {
      throw Errors.failedPrecondition("unexpected commit size %d, expected %d", offset, total);
    }
    String actual = digest();
    if (expected != null && !expected.equals(actual)) {
      throw Errors.failedPrecondition("unexpected commit digest %s, expected %s", actual, expected);
    }
    Optional<ContentInfo> created;
    try {
      created = store.publish(namespace, lease, ingest, actual, offset, labels, pipeline::sync);
    } catch (IOException e) {
      throw failed("committing", e);
    }
    ended = true;
    closePipeline();
    return created.orElseThrow(
        () -> Errors.alreadyExists("content %s already exists in namespace %s", actual, namespace));
  }

  /** Lets go of the ref once the accepted chunks are written, saving the metadata if it changed. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (!ended && pipeline == null) {
        // a writer let go of unused still leaves the ingest it took hold of
        openIngest();
      }
      closePipeline();
      if (pipeline != null && !ended && metaDirty) {
        ingest.writeMeta(meta());
      }
    } catch (IOException | RuntimeException e) {
      LOG.warning("saving ingest " + ref + " in namespace " + namespace + ": " + e.getMessage());
    } finally {
      store.release(this);
    }
  }

  /**
   * Ends this writer for a digest the namespace holds. An ingest this writer made goes; one that
   * was there before it stays as it was, for the writer that left it (containerd leaves it too).
   */
  private void refuseHeld() {
    if (pipeline != null && !resumed) {
      end();
      return;
    }
    ended = true;
    closePipeline();
  }

  private void end() {
    try {
      ingest.remove();
    } catch (IOException e) {
      throw failed("removing", e);
    }
    ended = true;
    closePipeline();
  }

  private IngestMeta meta() {
    return new IngestMeta(namespace, ref, total, expected, startedAt.toString(), updatedAt.toString());
  }

  private void checkUsable() {
    if (closed || ended) {
      throw Errors.failedPrecondition("the writer of ingest %s has finished", ref);
    }
  }

  private RuntimeException failed(String doing, IOException e) {
    return Errors.internal(e, "%s ingest %s in namespace %s: %s", doing, ref, namespace, e.getMessage());
  }

  private void closePipeline() {
    if (pipeline == null) {
      return;
    }
    try {
      pipeline.close();
    } catch (IOException e) {
      LOG.warning("closing ingest " + ref + " in namespace " + namespace + ": " + e.getMessage());
    }
  }
}
