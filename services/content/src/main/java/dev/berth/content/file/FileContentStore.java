package dev.berth.content.file;

import containerd.events.ContentCreate;
import containerd.events.ContentDelete;
import dev.berth.api.Digests;
import dev.berth.api.Identifiers;
import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.Errors;
import dev.berth.common.events.EventPublisher;
import dev.berth.common.gc.RecentUse;
import dev.berth.common.grpc.NamespaceRegistrar;
import dev.berth.common.grpc.NamespaceRegistration;
import dev.berth.common.leases.GrpcLeaseRecorder;
import dev.berth.common.leases.LeaseRecorder;
import dev.berth.common.store.LabelMask;
import dev.berth.common.store.Labels;
import dev.berth.common.store.MetadataStore;
import dev.berth.api.content.ContentInfo;
import dev.berth.api.content.ContentStore;
import dev.berth.api.content.ContentWriter;
import dev.berth.api.content.IngestStatus;
import io.grpc.Channel;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.logging.Logger;
import java.util.Set;

/**
 * The content store on a filesystem: blob files under {@code ROOT/content/blobs/sha256/<hex>},
 * shared by all namespaces; per-namespace records (labels, times) in the metadata store; and
 * unfinished writes under {@code ROOT/content/ingest/<hash of namespace and ref>}.
 */
public final class FileContentStore implements ContentStore {
  private static final Logger LOG = Logger.getLogger(FileContentStore.class.getName());
  private static final int MAX_REF_LENGTH = 1024;

  private final BlobFiles blobs;
  private final Path ingestRoot;
  private final BlobRecords records;
  private final EventPublisher events;
  private final NamespaceRegistrar namespaces;
  private final LeaseRecorder leases;
  /** Who holds each ingest directory: its writer, or an abort in progress. */
  private final ConcurrentHashMap<Path, Object> holders = new ConcurrentHashMap<>();
  /** Hashes and syncs ingests behind their writers; idle threads end, so the store needs no closing. */
  private final ExecutorService background = Executors.newCachedThreadPool(task -> {
    Thread t = new Thread(task, "content-ingest");
    t.setDaemon(true);
    return t;
  });
  /** Serialises publishing and deleting blobs, so a file never goes while a commit counts on it. */
  private final Object blobLock = new Object();
  private final RecentUse recentUse = new RecentUse();

  /**
   * @param root the daemon's root directory; the store keeps its files under {@code root/content}
   * @param metadata where the per-namespace records live (the caller opens and closes it)
   * @param events receives {@code /content/create} and {@code /content/delete}
   * @param namespaces registers a namespace on its first commit
   * @param leases adds committed blobs to the lease a request names
   */
  public FileContentStore(Path root, MetadataStore metadata, EventPublisher events,
      NamespaceRegistrar namespaces, LeaseRecorder leases) throws IOException {
    Path content = root.resolve("content");
    this.blobs = new BlobFiles(content.resolve("blobs").resolve("sha256"));
    this.ingestRoot = Files.createDirectories(content.resolve("ingest"));
    this.records = new BlobRecords(metadata);
    this.events = events;
    this.namespaces = namespaces;
    this.leases = leases;
  }

  /**
   * Deletes blob files no namespace's record names: a delete (or a garbage collection) killed
   * between removing the record and the file leaves them. Nothing serves such a file, so this
   * only gives the space back. Run it before serving.
   */
  public void removeUnrecordedBlobs() throws IOException {
    synchronized (blobLock) {
      Set<String> recorded = records.allDigests();
      for (String digest : blobs.digests()) {
        if (!recorded.contains(digest)) {
          LOG.info("removing blob file without a record " + blobs.path(digest));
          blobs.remove(digest);
        }
      }
    }
  }

  /**
   * The store as berthd runs it: namespaces and leases through the Namespaces and Leases gRPC
   * services reachable on {@code metadataServices}.
   */
  public static FileContentStore create(Path root, MetadataStore metadata, EventPublisher events,
      Channel metadataServices) throws IOException {
    return new FileContentStore(root, metadata, events,
        new NamespaceRegistration(metadataServices), new GrpcLeaseRecorder(metadataServices));
  }

  @Override
  public ContentInfo info(String namespace, String digest, String lease) {
    Digests.validate(digest);
    ContentInfo info = records.get(namespace, digest).orElseThrow(() -> notFound(namespace, digest));
    if (lease == null) {
      return info;
    }
    // The lease holds the blob, and the note a sweep checks is made, before the second read, which
    // waits for a sweep under way: either the sweep spares the blob, or this read finds it gone.
    recordLease(namespace, lease, digest);
    synchronized (blobLock) {
      return records.get(namespace, digest).orElseThrow(() -> notFound(namespace, digest));
    }
  }

  @Override
  public ContentInfo update(String namespace, String digest, Map<String, String> labels, List<String> fieldPaths) {
    Digests.validate(digest);
    Labels.validate(labels);
    LabelMask.requireOnlyLabels("content", digest, fieldPaths);
    return records.updateLabels(namespace, digest, current -> LabelMask.apply(current, labels, fieldPaths));
  }

  @Override
  public List<ContentInfo> list(String namespace, Filter filter) {
    return records.list(namespace).stream().filter(i -> filter.matches(FilterFields.of(i))).toList();
  }

  @Override
  public void delete(String namespace, String digest) {
    Digests.validate(digest);
    synchronized (blobLock) {
      if (!records.delete(namespace, digest)) {
        throw notFound(namespace, digest);
      }
      if (!records.referenced(digest)) {
        try {
          blobs.remove(digest);
        } catch (IOException e) {
          // The record is gone, so the blob is deleted for every client; the file only costs space.
          LOG.warning("cannot remove blob file " + blobs.path(digest) + ": " + e.getMessage());
        }
      }
    }
    LOG.fine(() -> "deleted " + digest + " in namespace " + namespace);
    events.publish(namespace, "/content/delete", ContentDelete.newBuilder().setDigest(digest).build());
  }

  /**
   * Removes the records of {@code digests} in {@code namespace} in one transaction, and each blob
   * file with its last record, sparing the blobs that joined a lease at or after
   * {@code untouchedSince} (see {@link RecentUse}); announces each. Digests the namespace does not
   * hold are passed over. Returns what it removed.
   */
  public List<ContentInfo> sweep(String namespace, List<String> digests, Instant untouchedSince) {
    digests.forEach(Digests::validate);
    List<ContentInfo> removed;
    synchronized (blobLock) {
      recentUse.prune();
      removed = records.deleteAll(namespace, digests.stream()
          .filter(d -> !recentUse.usedSince(namespace, d, untouchedSince)).toList());
      for (ContentInfo info : removed) {
        if (!records.referenced(info.digest())) {
          try {
            blobs.remove(info.digest());
          } catch (IOException e) {
            // the record is gone; the file is removed at the next start
            LOG.warning("cannot remove blob file " + blobs.path(info.digest()) + ": " + e.getMessage());
          }
        }
      }
    }
    for (ContentInfo info : removed) {
      events.publish(namespace, "/content/delete", ContentDelete.newBuilder().setDigest(info.digest()).build());
    }
    return removed;
  }

  @Override
  public SeekableByteChannel open(String namespace, String digest) {
    info(namespace, digest);
    try {
      return blobs.open(digest);
    } catch (NoSuchFileException e) {
      throw notFound(namespace, digest);
    } catch (IOException e) {
      throw Errors.internal(e, "opening blob %s: %s", digest, e.getMessage());
    }
  }

  @Override
  public IngestStatus status(String namespace, String ref) {
    IngestDir ingest = new IngestDir(ingestRoot, namespace, validateRef(ref));
    try {
      return statusOf(ingest, namespace)
          .orElseThrow(() -> Errors.notFound("ingest %s not found in namespace %s", ref, namespace));
    } catch (IOException e) {
      throw Errors.internal(e, "reading ingest %s in namespace %s: %s", ref, namespace, e.getMessage());
    }
  }

  @Override
  public List<IngestStatus> listStatuses(String namespace, Filter filter) {
    List<IngestStatus> statuses = new ArrayList<>();
    try {
      for (IngestDir ingest : IngestDir.all(ingestRoot)) {
        try {
          statusOf(ingest, namespace).filter(s -> filter.matches(FilterFields.of(s))).ifPresent(statuses::add);
        } catch (IOException e) {
          LOG.warning("skipping unreadable ingest " + ingest.path() + ": " + e.getMessage());
        }
      }
    } catch (IOException e) {
      throw Errors.internal(e, "listing ingests: %s", e.getMessage());
    }
    statuses.sort(Comparator.comparing(IngestStatus::ref));
    return statuses;
  }

  @Override
  public void abort(String namespace, String ref) {
    IngestDir ingest = new IngestDir(ingestRoot, namespace, validateRef(ref));
    Object abort = new Object();
    if (holders.putIfAbsent(ingest.path(), abort) != null) {
      throw locked(ref);
    }
    try {
      if (ingest.readMeta().isEmpty()) {
        throw Errors.notFound("ingest %s not found in namespace %s", ref, namespace);
      }
      ingest.remove();
      LOG.fine(() -> "aborted ingest " + ref + " in namespace " + namespace);
    } catch (IOException e) {
      throw Errors.internal(e, "aborting ingest %s in namespace %s: %s", ref, namespace, e.getMessage());
    } finally {
      holders.remove(ingest.path(), abort);
    }
  }

  @Override
  public ContentWriter writer(String namespace, String ref, String lease) {
    IngestDir ingest = new IngestDir(ingestRoot, namespace, validateRef(ref));
    IngestWriter writer = new IngestWriter(this, ingest, namespace, ref, lease, background);
    if (holders.putIfAbsent(ingest.path(), writer) != null) {
      throw locked(ref);
    }
    return writer;
  }

  /**
   * As in containerd, a new ingest makes its namespace exist: the garbage collector, which walks
   * the namespaces, then finds it should it be abandoned.
   */
  void registerIngestNamespace(String namespace) {
    namespaces.ensure(namespace);
  }

  boolean holds(String namespace, String digest) {
    return records.get(namespace, digest).isPresent();
  }

  void recordLease(String namespace, String lease, String digest) {
    if (lease != null) {
      leases.add(namespace, lease, "content", digest);
      recentUse.touch(namespace, digest);
    }
  }

  /** Makes an ingest's data durable. */
  @FunctionalInterface
  interface Durability {
    void sync() throws IOException;
  }

  /**
   * Makes verified ingest data the blob {@code digest} of {@code namespace} and removes the
   * ingest. Returns the new record, or empty when the namespace held the blob already.
   * A blob another namespace holds is not written again: only the record is added. The data is
   * synced through {@code durability} only when it becomes the blob: an import of an image that
   * is there already sends every blob again, and syncing each copy only to delete it cost a disk
   * flush per blob.
   */
  Optional<ContentInfo> publish(String namespace, String lease, IngestDir ingest, String digest, long size,
      Map<String, String> labels, Durability durability) throws IOException {
    boolean blobExisted = blobs.exists(digest);
    if (!blobExisted) {
      // outside the lock, so that the syncs of large blobs run side by side
      durability.sync();
    }
    if (!holds(namespace, digest)) {
      namespaces.ensure(namespace);
    }
    recordLease(namespace, lease, digest);
    ContentInfo created = null;
    synchronized (blobLock) {
      if (!holds(namespace, digest)) {
        if (!blobs.exists(digest)) {
          if (blobExisted) {
            // the blob was deleted meanwhile: this data becomes it after all
            durability.sync();
          }
          blobs.publish(ingest.data(), digest);
        }
        Instant now = Instant.now();
        created = new ContentInfo(digest, size, now, now, labels);
        records.insert(namespace, created);
      }
    }
    try {
      ingest.remove();
    } catch (IOException e) {
      // The blob is committed; a leftover ingest directory without metadata counts as absent.
      LOG.warning("cannot remove ingest " + ingest.path() + ": " + e.getMessage());
    }
    if (created != null) {
      LOG.fine("committed " + digest + " (" + size + " bytes) in namespace " + namespace);
      events.publish(namespace, "/content/create",
          ContentCreate.newBuilder().setDigest(digest).setSize(size).build());
    }
    return Optional.ofNullable(created);
  }

  void release(IngestWriter writer) {
    holders.remove(writer.path(), writer);
  }

  /**
   * The ingest's status if it belongs to {@code namespace}: live from the writer holding it (its
   * offset runs ahead of the metadata on disk), else from the disk.
   */
  private Optional<IngestStatus> statusOf(IngestDir ingest, String namespace) throws IOException {
    if (holders.get(ingest.path()) instanceof IngestWriter writer && writer.namespace().equals(namespace)) {
      IngestStatus live = writer.snapshot();
      if (live != null) {
        return Optional.of(live);
      }
    }
    Optional<IngestMeta> meta = ingest.readMeta();
    if (meta.isEmpty() || !meta.get().namespace().equals(namespace)) {
      return Optional.empty();
    }
    IngestMeta m = meta.get();
    return Optional.of(new IngestStatus(m.ref(), ingest.dataSize(), m.total(), m.expected(),
        Instant.parse(m.startedAt()), Instant.parse(m.updatedAt())));
  }

  private static String validateRef(String ref) {
    if (ref == null || ref.isEmpty()) {
      throw Errors.invalidArgument("ref must not be empty");
    }
    if (ref.length() > MAX_REF_LENGTH) {
      throw Errors.invalidArgument("ref %s... is longer than %d characters",
          Identifiers.printable(ref.substring(0, 40)), MAX_REF_LENGTH);
    }
    return ref;
  }

  private static RuntimeException locked(String ref) {
    return Errors.unavailable("ref %s is locked: another writer holds it", ref);
  }

  private static RuntimeException notFound(String namespace, String digest) {
    return Errors.notFound("content %s not found in namespace %s", digest, namespace);
  }
}
