package dev.berth.api.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import dev.berth.api.Digests;
import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.BerthException;
import io.grpc.Status.Code;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link ContentStore} answers, with the status codes containerd's clients branch on
 * (see containerd-behaviour.md): a subclass gives the store, fresh for each test, and the same
 * tests hold for the file store and for a store reached over gRPC.
 */
public abstract class ContentStoreContract {
  protected static final String NS = "contract";

  private ContentStore store;

  /** A new, empty store under test; called before each test. */
  protected abstract ContentStore newStore() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    store = newStore();
  }

  private static ByteString bytes(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static String digest(String s) {
    return Digests.sha256(s.getBytes(StandardCharsets.UTF_8));
  }

  private static Code code(Runnable call) {
    return assertThrows(BerthException.class, call::run).code();
  }

  private ContentInfo put(String ref, String data, Map<String, String> labels) {
    try (ContentWriter w = store.writer(NS, ref, null)) {
      w.declare(data.length(), digest(data));
      w.write(0, bytes(data));
      return w.commit(labels);
    }
  }

  private byte[] readAll(String digest, long offset) throws IOException {
    try (InputStream in = store.read(NS, digest, offset)) {
      return in.readAllBytes();
    }
  }

  @Test
  void aBlobWrittenInManyChunksReadsBackWhole() throws IOException {
    byte[] data = new byte[3 * 1024 * 1024 + 17];
    Arrays.fill(data, (byte) 'x');
    data[data.length - 1] = 'y';
    String digest = Digests.sha256(data);
    int chunk = 64 * 1024;
    ContentInfo info;
    try (ContentWriter w = store.writer(NS, "chunks", null)) {
      w.declare(data.length, digest);
      long offset = 0;
      while (offset < data.length) {
        int n = (int) Math.min(chunk, data.length - offset);
        offset = w.write(offset, ByteString.copyFrom(data, (int) offset, n));
      }
      assertEquals(data.length, w.status().offset());
      assertEquals(digest, w.digest());
      info = w.commit(Map.of("kind", "layer"));
    }
    assertEquals(digest, info.digest());
    assertEquals(data.length, info.size());
    assertEquals(Map.of("kind", "layer"), info.labels());
    assertEquals(info, store.info(NS, digest));
    assertArrayEquals(data, readAll(digest, 0));
    assertArrayEquals(Arrays.copyOfRange(data, data.length - 5, data.length), readAll(digest, data.length - 5));
    assertEquals(Code.NOT_FOUND, code(() -> store.status(NS, "chunks")));
  }

  @Test
  void anOpenedBlobIsASeekableChannelOfItsSize() throws IOException {
    String digest = put("seek", "0123456789", Map.of()).digest();
    try (SeekableByteChannel blob = store.open(NS, digest)) {
      assertEquals(10, blob.size());
      ByteBuffer buffer = ByteBuffer.allocate(3);
      blob.position(6);
      while (buffer.hasRemaining() && blob.read(buffer) >= 0) {
        // reads may return fewer bytes than asked
      }
      assertEquals("678", new String(buffer.array(), StandardCharsets.UTF_8));
      blob.position(10);
      assertEquals(-1, blob.read(ByteBuffer.allocate(1)));
    }
  }

  @Test
  void aReadPastTheEndIsOutOfRange() throws IOException {
    String digest = put("short", "short", Map.of()).digest();
    assertEquals(0, readAll(digest, 5).length);
    assertEquals(Code.OUT_OF_RANGE, code(() -> store.read(NS, digest, 6)));
  }

  @Test
  void aMalformedDigestIsAnInvalidArgument() {
    for (String bad : List.of("sha256:zz", "md5:abc", "")) {
      assertEquals(Code.INVALID_ARGUMENT, code(() -> store.info(NS, bad)), bad);
    }
    assertEquals(Code.INVALID_ARGUMENT, code(() -> store.read(NS, "sha256:zz", 0)));
    assertEquals(Code.INVALID_ARGUMENT, code(() -> store.open(NS, "sha256:zz")));
  }

  @Test
  void anAbsentOrDeletedBlobIsNotFound() {
    String digest = put("gone", "gone", Map.of()).digest();
    assertEquals(Code.NOT_FOUND, code(() -> store.info("elsewhere", digest)));
    store.delete(NS, digest);
    assertEquals(Code.NOT_FOUND, code(() -> store.info(NS, digest)));
    assertEquals(Code.NOT_FOUND, code(() -> store.read(NS, digest, 0)));
    assertEquals(Code.NOT_FOUND, code(() -> store.delete(NS, digest)));
  }

  @Test
  void committingADigestThePresentNamespaceHoldsIsAlreadyExistsAndEndsTheIngest() {
    put("first", "same", Map.of());
    try (ContentWriter w = store.writer(NS, "second", null)) {
      w.write(0, bytes("same"));
      assertEquals(Code.ALREADY_EXISTS, code(() -> w.commit(Map.of())));
    }
    assertEquals(Code.NOT_FOUND, code(() -> store.status(NS, "second")));
  }

  @Test
  void declaringADigestTheNamespaceHoldsIsAlreadyExists() {
    put("first", "same", Map.of());
    try (ContentWriter w = store.writer(NS, "again", null)) {
      assertEquals(Code.ALREADY_EXISTS, code(() -> w.declare(4, digest("same"))));
    }
    assertEquals(Code.NOT_FOUND, code(() -> store.status(NS, "again")));
  }

  @Test
  void declaringADigestTheNamespaceHoldsLeavesTheIngestAnEarlierWriterLeftUnderTheRef() {
    try (ContentWriter w = store.writer(NS, "left", null)) {
      w.declare(5, digest("whole"));
      w.write(0, bytes("who"));
      w.checkpoint();
    }
    put("other", "whole", Map.of());
    try (ContentWriter w = store.writer(NS, "left", null)) {
      assertEquals(Code.ALREADY_EXISTS, code(() -> w.declare(5, digest("whole"))));
    }
    IngestStatus left = store.status(NS, "left");
    assertEquals(3, left.offset());
    assertEquals(digest("whole"), left.expected());
    store.abort(NS, "left");
  }

  @Test
  void aCommitOfTheWrongDigestIsAFailedPreconditionAndTheIngestStays() {
    try (ContentWriter w = store.writer(NS, "wrong-digest", null)) {
      w.declare(0, digest("other"));
      w.write(0, bytes("these"));
      assertEquals(Code.FAILED_PRECONDITION, code(() -> w.commit(Map.of())));
    }
    IngestStatus status = store.status(NS, "wrong-digest");
    assertEquals(5, status.offset());
    assertEquals(digest("other"), status.expected());
    store.abort(NS, "wrong-digest");
  }

  @Test
  void aCommitOfTheWrongSizeIsAFailedPrecondition() {
    try (ContentWriter w = store.writer(NS, "wrong-size", null)) {
      w.declare(10, "");
      w.write(0, bytes("five!"));
      assertEquals(Code.FAILED_PRECONDITION, code(() -> w.commit(Map.of())));
    }
    assertEquals(10, store.status(NS, "wrong-size").total());
  }

  @Test
  void aWriteAtAnyOffsetButTheCurrentOrZeroIsOutOfRange() {
    try (ContentWriter w = store.writer(NS, "offsets", null)) {
      w.write(0, bytes("abc"));
      assertEquals(Code.OUT_OF_RANGE, code(() -> w.write(7, bytes("x"))));
      assertEquals(Code.OUT_OF_RANGE, code(() -> w.write(1, bytes("x"))));
      // offset 0 starts over, as containerd's clients rely on
      assertEquals(2, w.write(0, bytes("de")));
      assertEquals(digest("de"), w.commit(Map.of()).digest());
    }
  }

  @Test
  void aSecondWriterOnAHeldRefIsUnavailable() {
    try (ContentWriter w = store.writer(NS, "held", null)) {
      w.write(0, bytes("held"));
      assertEquals(Code.UNAVAILABLE, code(() -> store.writer(NS, "held", null)));
      assertEquals(Code.UNAVAILABLE, code(() -> store.abort(NS, "held")));
      // another namespace's ref of the same name is another ingest
      store.writer("elsewhere", "held", null).close();
    }
    store.writer(NS, "held", null).close();
  }

  @Test
  void anAbortedIngestIsNotFound() {
    try (ContentWriter w = store.writer(NS, "aborted", null)) {
      w.write(0, bytes("partial"));
    }
    store.abort(NS, "aborted");
    assertEquals(Code.NOT_FOUND, code(() -> store.status(NS, "aborted")));
    assertEquals(Code.NOT_FOUND, code(() -> store.abort(NS, "aborted")));
  }

  @Test
  void aReopenedWriterResumesWhereTheLastStopped() {
    String whole = "resumed after a pause";
    try (ContentWriter w = store.writer(NS, "resume", null)) {
      w.declare(whole.length(), digest(whole));
      w.write(0, bytes(whole.substring(0, 8)));
    }
    IngestStatus stopped = store.status(NS, "resume");
    assertEquals(8, stopped.offset());
    assertEquals(whole.length(), stopped.total());
    assertEquals(digest(whole), stopped.expected());
    try (ContentWriter w = store.writer(NS, "resume", null)) {
      IngestStatus resumed = w.status();
      assertEquals(8, resumed.offset());
      assertEquals(digest(whole), resumed.expected());
      assertEquals(stopped.startedAt(), resumed.startedAt());
      assertEquals(digest(whole.substring(0, 8)), w.digest());
      w.write(8, bytes(whole.substring(8)));
      assertEquals(digest(whole), w.commit(Map.of()).digest());
    }
    assertEquals(whole.length(), store.info(NS, digest(whole)).size());
  }

  @Test
  void labelsAreReplacedWholeOrChangedOneKeyAtATime() {
    String digest = put("labelled", "labelled", Map.of("a", "1", "b", "2")).digest();
    assertEquals(Map.of("a", "9", "b", "2"),
        store.update(NS, digest, Map.of("a", "9"), List.of("labels.a")).labels());
    assertEquals(Map.of("a", "9"), store.update(NS, digest, Map.of(), List.of("labels.b")).labels());
    assertEquals(Map.of("c", "3"), store.update(NS, digest, Map.of("c", "3"), List.of()).labels());
    assertEquals(Map.of("d", "4"), store.update(NS, digest, Map.of("d", "4"), List.of("labels")).labels());
    assertEquals(Map.of("d", "4"), store.info(NS, digest).labels());
    assertEquals(Code.INVALID_ARGUMENT, code(() -> store.update(NS, digest, Map.of(), List.of("size"))));
    assertEquals(Code.NOT_FOUND, code(() -> store.update(NS, digest("absent"), Map.of(), List.of())));
  }

  @Test
  void listingsMatchTheirFilters() {
    String web = put("web", "web", Map.of("app", "web")).digest();
    String db = put("db", "db", Map.of("app", "db")).digest();
    try (ContentWriter w = store.writer(NS, "pending-1", null)) {
      w.declare(0, digest("pending"));
    }
    store.writer(NS, "other", null).close();

    assertEquals(List.of(db, web).stream().sorted().toList(),
        store.list(NS, Filter.parse(List.of())).stream().map(ContentInfo::digest).sorted().toList());
    assertEquals(List.of(web), store.list(NS, Filter.parse(List.of("labels.app==web")))
        .stream().map(ContentInfo::digest).toList());
    assertEquals(List.of(db, web).stream().sorted().toList(),
        store.list(NS, Filter.parse(List.of("labels.app==web", "digest==" + db)))
            .stream().map(ContentInfo::digest).sorted().toList());
    assertEquals(List.of(), store.list("elsewhere", Filter.parse(List.of())));

    List<IngestStatus> pending = store.listStatuses(NS, Filter.parse(List.of("ref~=^pending-")));
    assertEquals(List.of("pending-1"), pending.stream().map(IngestStatus::ref).toList());
    assertEquals(digest("pending"), pending.get(0).expected());
    assertNull(store.status(NS, "other").expected());
  }
}
