package dev.berth.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import containerd.services.content.v1.AbortRequest;
import containerd.services.content.v1.InfoRequest;
import containerd.services.content.v1.StatusRequest;
import containerd.services.content.v1.WriteAction;
import containerd.services.content.v1.WriteContentRequest;
import containerd.services.content.v1.WriteContentResponse;
import dev.berth.api.Digests;
import io.grpc.Status.Code;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Write stream's protocol, as containerd's remote writer and ctr use it. */
class ContentWriteTest {
  private static final String NS = "writes";
  private static final String EMPTY_DIGEST = Digests.sha256(new byte[0]);

  @RegisterExtension
  final ContentHarness content = new ContentHarness();

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private long statusOffset(String ref) {
    return content.content(NS).status(StatusRequest.newBuilder().setRef(ref).build()).getStatus().getOffset();
  }

  private Code statusCode(String ref) {
    return Codes.of(() -> content.content(NS).status(StatusRequest.newBuilder().setRef(ref).build()));
  }

  @Test
  void statWriteCommitPublishesTheBlobAndEndsTheStream() throws Exception {
    byte[] data = bytes("hello, berth");
    String digest = Digests.sha256(data);
    try (WriteStream w = content.write(NS)) {
      WriteContentResponse stat = w.stat("ref-1", data.length, digest);
      assertEquals(WriteAction.STAT, stat.getAction());
      assertEquals(0, stat.getOffset());
      assertEquals(data.length, stat.getTotal());
      assertEquals(EMPTY_DIGEST, stat.getDigest(), "a new ingest answers the digest of nothing");
      assertTrue(stat.getStartedAt().getSeconds() > 0);

      WriteContentResponse first = w.write(0, Arrays.copyOf(data, 5));
      assertEquals(WriteAction.WRITE, first.getAction());
      assertEquals(5, first.getOffset());
      assertEquals(5, statusOffset("ref-1"), "Status shows a held ingest's live offset");

      assertEquals(data.length, w.write(5, Arrays.copyOfRange(data, 5, data.length)).getOffset());
      WriteContentResponse commit = w.commit(data.length, data.length, digest, Map.of("k", "v"));
      assertEquals(WriteAction.COMMIT, commit.getAction());
      assertEquals(data.length, commit.getOffset());
      assertEquals(digest, commit.getDigest());
      w.assertEndedCleanly();
    }
    assertArrayEquals(data, Files.readAllBytes(content.blobFile(digest)));
    assertEquals(Map.of("k", "v"),
        content.content(NS).info(InfoRequest.newBuilder().setDigest(digest).build()).getInfo().getLabelsMap());
    assertEquals(Code.NOT_FOUND, statusCode("ref-1"), "the ingest is gone after commit");
    try (var left = Files.list(content.ingestRoot())) {
      assertEquals(0, left.count());
    }
  }

  @Test
  void firstMessageWithoutRefIsInvalidArgument() throws Exception {
    try (WriteStream w = content.write(NS)) {
      assertEquals(Code.INVALID_ARGUMENT, Codes.of(() -> w.send(WriteContentRequest.newBuilder()
          .setAction(WriteAction.WRITE).setData(com.google.protobuf.ByteString.copyFromUtf8("x")).build())));
    }
    try (var left = Files.list(content.ingestRoot())) {
      assertEquals(0, left.count());
    }
  }

  @Test
  void writeAtAnOffsetOtherThanTheCurrentIsOutOfRangeAndChangesNothing() throws Exception {
    try (WriteStream w = content.write(NS)) {
      w.stat("ref");
      w.write(0, bytes("abc"));
      assertEquals(Code.OUT_OF_RANGE, Codes.of(() -> w.write(7, bytes("zzz"))));
    }
    assertEquals(3, statusOffset("ref"));
    try (WriteStream w = content.write(NS)) {
      assertEquals(Digests.sha256(bytes("abc")), w.stat("ref").getDigest());
    }
  }

  @Test
  void writeAtOffsetZeroOnAnIngestWithDataStartsOver() throws Exception {
    try (WriteStream w = content.write(NS)) {
      w.stat("ref");
      w.write(0, bytes("hello"));
      assertEquals(3, w.write(0, bytes("bye")).getOffset());
      assertEquals(Digests.sha256(bytes("bye")), w.stat("ref").getDigest());
      assertEquals(Digests.sha256(bytes("bye")), w.commit(3, 3, "", Map.of()).getDigest());
    }
    assertArrayEquals(bytes("bye"), content.read(NS, Digests.sha256(bytes("bye"))));
  }

  @Test
  void commitWithOffsetZeroTruncatesSoClientsSendTheCurrentOffset() throws Exception {
    try (WriteStream w = content.write(NS)) {
      w.stat("ref");
      w.write(0, bytes("hello"));
      assertEquals(Code.FAILED_PRECONDITION, Codes.of(() -> w.commit(0, 5, "", Map.of())));
    }
    assertEquals(0, statusOffset("ref"));
  }

  @Test
  void writePastTheDeclaredTotalIsRefusedAndAppendsNothing() throws Exception {
    try (WriteStream w = content.write(NS)) {
      w.stat("ref", 4, "");
      w.write(0, bytes("abc"));
      assertEquals(Code.OUT_OF_RANGE, Codes.of(() -> w.write(3, bytes("de"))));
    }
    assertEquals(3, statusOffset("ref"));
  }

  @Test
  void commitWithWrongDigestFailsAndKeepsTheIngestUntilAbort() throws Exception {
    String wrong = Digests.sha256(bytes("something else"));
    try (WriteStream w = content.write(NS)) {
      w.stat("ref");
      w.write(0, bytes("data"));
      assertEquals(Code.FAILED_PRECONDITION, Codes.of(() -> w.commit(4, 4, wrong, Map.of())));
    }
    assertEquals(4, statusOffset("ref"));
    assertEquals(Code.NOT_FOUND, Codes.of(() -> content.content(NS).info(
        InfoRequest.newBuilder().setDigest(Digests.sha256(bytes("data"))).build())));
    content.content(NS).abort(AbortRequest.newBuilder().setRef("ref").build());
    assertEquals(Code.NOT_FOUND, statusCode("ref"));
    assertEquals(Code.NOT_FOUND, Codes.of(() -> content.content(NS).abort(AbortRequest.newBuilder().setRef("ref").build())));
  }

  @Test
  void commitWithTotalOtherThanBytesWrittenFails() throws Exception {
    try (WriteStream w = content.write(NS)) {
      w.stat("ref");
      w.write(0, bytes("data"));
      assertEquals(Code.FAILED_PRECONDITION, Codes.of(() -> w.commit(4, 5, "", Map.of())));
    }
    assertEquals(4, statusOffset("ref"));
  }

  @Test
  void malformedExpectedDigestIsInvalidArgument() throws Exception {
    for (String bad : new String[] {"sha256:zz", "md5:abc", "sha256:../../etc/passwd"}) {
      try (WriteStream w = content.write(NS)) {
        assertEquals(Code.INVALID_ARGUMENT, Codes.of(() -> w.stat("ref-" + bad.length(), 0, bad)), bad);
      }
    }
  }

  @Test
  void aFirstMessageRefusedForWhatItDeclaresLeavesNoIngest() throws Exception {
    WriteContentRequest[] refused = {
        WriteContentRequest.newBuilder().setAction(WriteAction.STAT).setRef("bad-digest").setExpected("sha256:zz").build(),
        WriteContentRequest.newBuilder().setAction(WriteAction.STAT).setRef("bad-total").setTotal(-1).build(),
    };
    for (WriteContentRequest request : refused) {
      try (WriteStream w = content.write(NS)) {
        assertEquals(Code.INVALID_ARGUMENT, Codes.of(() -> w.send(request)), request.getRef());
      }
      assertEquals(Code.NOT_FOUND, statusCode(request.getRef()), request.getRef());
    }
    try (var left = Files.list(content.ingestRoot())) {
      assertEquals(0, left.count(), "a refused first message leaves nothing on disk");
    }
  }

  @Test
  void aSecondStreamOnAHeldRefIsUnavailableUntilTheFirstEnds() throws Exception {
    WriteStream first = content.write(NS);
    first.stat("shared");
    first.write(0, bytes("ab"));
    try (WriteStream second = content.write(NS)) {
      assertEquals(Code.UNAVAILABLE, Codes.of(() -> second.stat("shared")));
    }
    assertEquals(Code.UNAVAILABLE, Codes.of(() -> content.content(NS).abort(AbortRequest.newBuilder().setRef("shared").build())));
    first.close();
    try (WriteStream third = content.write(NS)) {
      assertEquals(2, third.stat("shared").getOffset());
    }
  }

  @Test
  void aCancelledStreamLetsGoOfItsRef() throws Exception {
    WriteStream first = content.write(NS);
    first.stat("dropped");
    first.write(0, bytes("abc"));
    first.cancel();
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (true) {
      try (WriteStream next = content.write(NS)) {
        assertEquals(3, next.stat("dropped").getOffset());
        return;
      } catch (io.grpc.StatusException e) {
        if (e.getStatus().getCode() != Code.UNAVAILABLE || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(10);
      }
    }
  }

  @Test
  void commitOfABlobTheNamespaceHoldsIsAlreadyExistsAndRemovesTheIngest() throws Exception {
    byte[] data = bytes("twice");
    String digest = content.commit(NS, data, Map.of());
    try (WriteStream w = content.write(NS)) {
      w.stat("again");
      w.write(0, data);
      assertEquals(Code.ALREADY_EXISTS, Codes.of(() -> w.commit(data.length, data.length, digest, Map.of())));
    }
    assertEquals(Code.NOT_FOUND, statusCode("again"));
    try (WriteStream w = content.write(NS)) {
      w.stat("undeclared");
      w.write(0, data);
      assertEquals(Code.ALREADY_EXISTS, Codes.of(() -> w.commit(data.length, 0, "", Map.of())),
          "the digest need not be declared to be found present");
    }
    assertEquals(Code.NOT_FOUND, statusCode("undeclared"));
    assertArrayEquals(data, content.read(NS, digest));
  }

  @Test
  void firstStatDeclaringADigestTheNamespaceHoldsIsAlreadyExists() throws Exception {
    byte[] data = bytes("present");
    String digest = content.commit(NS, data, Map.of());
    try (WriteStream w = content.write(NS)) {
      assertEquals(Code.ALREADY_EXISTS, Codes.of(() -> w.stat("late", data.length, digest)));
    }
    assertEquals(Code.NOT_FOUND, statusCode("late"));
  }

  @Test
  void aFirstStatDeclaringAHeldDigestLeavesTheIngestAKilledPullLeftUnderTheRef() throws Exception {
    // ctr's pull writes each blob under the ref layer-<digest>; a pull killed mid-layer leaves
    // that ingest. A later pull that finds the blob present is told ALREADY_EXISTS at once and
    // the ingest stays as it was, as containerd leaves it.
    byte[] data = bytes("the whole layer");
    String digest = Digests.sha256(data);
    String ref = "layer-" + digest;
    try (WriteStream w = content.write(NS)) {
      w.stat(ref, data.length, digest);
      w.write(0, Arrays.copyOf(data, 4));
    }
    content.commit(NS, data, Map.of());
    try (WriteStream w = content.write(NS)) {
      assertEquals(Code.ALREADY_EXISTS, Codes.of(() -> w.stat(ref, data.length, digest)));
    }
    assertEquals(4, statusOffset(ref));
    assertArrayEquals(data, content.read(NS, digest));
  }

  @Test
  void anUnknownActionIsInvalidArgument() throws Exception {
    try (WriteStream w = content.write(NS)) {
      assertEquals(Code.INVALID_ARGUMENT, Codes.of(() -> w.send(
          WriteContentRequest.newBuilder().setRef("ref").setActionValue(7).build())));
    }
  }

  @Test
  void aLaterMessageNamingAnotherRefIsInvalidArgument() throws Exception {
    try (WriteStream w = content.write(NS)) {
      w.stat("one");
      assertEquals(Code.INVALID_ARGUMENT, Codes.of(() -> w.stat("two")));
    }
    assertEquals(Code.NOT_FOUND, statusCode("two"));
  }

  @Test
  void aWriteResumesAfterTheStoreIsReopenedOnTheSameRoot() throws Exception {
    byte[] data = new byte[3 << 20];
    new java.util.Random(7).nextBytes(data);
    int half = data.length / 2 + 12345;
    String digest = Digests.sha256(data);
    try (WriteStream w = content.write(NS)) {
      w.stat("resumable", data.length, digest);
      w.write(0, Arrays.copyOf(data, half));
    }
    content.restart();

    try (WriteStream w = content.write(NS)) {
      WriteContentResponse stat = w.stat("resumable");
      assertEquals(half, stat.getOffset());
      assertEquals(data.length, stat.getTotal(), "the declared total survives the restart");
      assertEquals(Digests.sha256(Arrays.copyOf(data, half)), stat.getDigest());
      w.write(half, Arrays.copyOfRange(data, half, data.length));
      assertEquals(digest, w.commit(data.length, data.length, digest, Map.of()).getDigest());
    }
    assertArrayEquals(data, content.read(NS, digest));
    assertFalse(Files.exists(content.ingestRoot().resolve("resumable")));
  }
}
