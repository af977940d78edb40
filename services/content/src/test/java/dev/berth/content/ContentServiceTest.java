package dev.berth.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.FieldMask;
import com.google.protobuf.Timestamp;
import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.DeleteContentRequest;
import containerd.services.content.v1.Info;
import containerd.services.content.v1.InfoRequest;
import containerd.services.content.v1.ListContentRequest;
import containerd.services.content.v1.ListContentResponse;
import containerd.services.content.v1.ListStatusesRequest;
import containerd.services.content.v1.ReadContentRequest;
import containerd.services.content.v1.ReadContentResponse;
import containerd.services.content.v1.Status;
import containerd.services.content.v1.StatusRequest;
import containerd.services.content.v1.UpdateRequest;
import dev.berth.api.Digests;
import io.grpc.Status.Code;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every Content RPC but Write's protocol, with the answers containerd gives to bad input. */
class ContentServiceTest {
  private static final String NS = "svc";

  @RegisterExtension
  final ContentHarness content = new ContentHarness();
  private ContentGrpc.ContentBlockingStub api;

  @BeforeEach
  void stubs() {
    api = content.content(NS);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private Info info(String digest) {
    return api.info(InfoRequest.newBuilder().setDigest(digest).build()).getInfo();
  }

  private List<ReadContentResponse> read(String digest, long offset, long size) {
    List<ReadContentResponse> chunks = new ArrayList<>();
    api.read(ReadContentRequest.newBuilder().setDigest(digest).setOffset(offset).setSize(size).build())
        .forEachRemaining(chunks::add);
    return chunks;
  }

  private static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  private static byte[] joined(List<ReadContentResponse> chunks) {
    return chunks.stream().map(c -> c.getData()).reduce(com.google.protobuf.ByteString.EMPTY,
        com.google.protobuf.ByteString::concat).toByteArray();
  }

  private List<Info> list(String... filters) {
    List<Info> infos = new ArrayList<>();
    api.list(ListContentRequest.newBuilder().addAllFilters(List.of(filters)).build())
        .forEachRemaining(r -> infos.addAll(r.getInfoList()));
    return infos;
  }

  private Info update(String digest, Map<String, String> labels, String... paths) {
    return api.update(UpdateRequest.newBuilder()
        .setInfo(Info.newBuilder().setDigest(digest).putAllLabels(labels))
        .setUpdateMask(FieldMask.newBuilder().addAllPaths(List.of(paths)))
        .build()).getInfo();
  }

  @Test
  void infoDescribesACommittedBlob() throws Exception {
    byte[] data = bytes("info me");
    String digest = content.commit(NS, data, Map.of("a", "1"));
    Info info = info(digest);
    assertEquals(digest, info.getDigest());
    assertEquals(data.length, info.getSize());
    assertEquals(Map.of("a", "1"), info.getLabelsMap());
    assertTrue(info.getCreatedAt().getSeconds() > 0);
    assertEquals(info.getCreatedAt(), info.getUpdatedAt());
  }

  @Test
  void malformedDigestsAreInvalidArgumentAndAbsentOnesNotFound() {
    for (String bad : new String[] {"sha256:zz", "md5:abc", "", "sha256:../../../etc/passwd"}) {
      assertEquals(Code.INVALID_ARGUMENT, Codes.of(() -> info(bad)), bad);
      assertEquals(Code.INVALID_ARGUMENT, Codes.of(() -> read(bad, 0, 0)), bad);
      assertEquals(Code.INVALID_ARGUMENT, Codes.of(() -> api.delete(DeleteContentRequest.newBuilder().setDigest(bad).build())), bad);
    }
    String absent = Digests.sha256(bytes("never written"));
    assertEquals(Code.NOT_FOUND, Codes.of(() -> info(absent)));
    assertEquals(Code.NOT_FOUND, Codes.of(() -> read(absent, 0, 0)));
  }

  @Test
  void aMalformedNamespaceHeaderIsInvalidArgument() {
    ContentGrpc.ContentBlockingStub bad = content.content("Bad NS!");
    assertEquals(Code.INVALID_ARGUMENT, Codes.of(() -> bad.info(InfoRequest.newBuilder()
        .setDigest(Digests.sha256(new byte[0])).build())));
  }

  @Test
  void readStreamsChunksOfAtMostTheChunkSizeWithOffsetsFromTheReadStart() throws Exception {
    byte[] data = new byte[(5 << 20) / 2 + 17];
    new Random(1).nextBytes(data);
    String digest = content.commit(NS, data, Map.of());

    List<ReadContentResponse> all = read(digest, 0, 0);
    assertArrayEquals(data, joined(all));
    long expectedOffset = 0;
    for (ReadContentResponse chunk : all) {
      assertTrue(chunk.getData().size() <= BlobStreamer.CHUNK_BYTES);
      assertEquals(expectedOffset, chunk.getOffset());
      expectedOffset += chunk.getData().size();
    }
    assertEquals((data.length + BlobStreamer.CHUNK_BYTES - 1) / BlobStreamer.CHUNK_BYTES, all.size());

    List<ReadContentResponse> part = read(digest, 1_500_000, 1_000_000);
    assertArrayEquals(Arrays.copyOfRange(data, 1_500_000, 2_500_000), joined(part));
    assertEquals(0, part.get(0).getOffset(), "offsets count from the start of the read, as containerd's do");

    assertArrayEquals(Arrays.copyOfRange(data, data.length - 10, data.length), joined(read(digest, data.length - 10, 1000)));
    assertEquals(0, read(digest, data.length, 0).size());
    assertEquals(Code.OUT_OF_RANGE, Codes.of(() -> read(digest, data.length + 1, 0)));
    assertEquals(Code.INVALID_ARGUMENT, Codes.of(() -> read(digest, -1, 0)));
  }

  @Test
  void updateChangesLabelsByFieldMaskAndRefusesOtherFields() throws Exception {
    String digest = content.commit(NS, bytes("labelled"), Map.of("keep", "1", "drop", "2"));
    Info before = info(digest);

    assertEquals(Code.INVALID_ARGUMENT, Codes.of(() -> update(digest, Map.of("keep", "x"), "size")));
    assertEquals(Code.INVALID_ARGUMENT, Codes.of(() -> update(digest, Map.of(), "labels.keep", "digest")));
    assertEquals(Code.INVALID_ARGUMENT, Codes.of(() -> update(digest, Map.of("", "empty key"), "labels")));
    assertEquals(Code.INVALID_ARGUMENT, Codes.of(() -> update(digest, Map.of("big", "x".repeat(5000)), "labels.big")));
    assertEquals(before, info(digest), "a refused update changes nothing");

    Info one = update(digest, Map.of("new", "3"), "labels.new", "labels.drop");
    assertEquals(Map.of("keep", "1", "new", "3"), one.getLabelsMap());
    assertEquals(before.getCreatedAt(), one.getCreatedAt());
    assertTrue(instant(one.getUpdatedAt()).isAfter(instant(before.getUpdatedAt())), "update moves updated_at forward");

    assertEquals(Map.of("only", "x"), update(digest, Map.of("only", "x"), "labels").getLabelsMap());
    assertEquals(Map.of("bare", "y"), update(digest, Map.of("bare", "y")).getLabelsMap(), "no mask replaces all labels");
    assertEquals(Map.of("bare", "y"), info(digest).getLabelsMap());

    assertEquals(Code.NOT_FOUND, Codes.of(() -> update(Digests.sha256(bytes("absent")), Map.of(), "labels")));
    assertEquals(Code.INVALID_ARGUMENT, Codes.of(() -> update("sha256:zz", Map.of(), "labels")));
  }

  @Test
  void listFiltersByLabelsDigestAndSize() throws Exception {
    String web = content.commit(NS, bytes("web"), Map.of("com.example/app", "web", "tier", "front"));
    String db = content.commit(NS, bytes("database"), Map.of("com.example/app", "db"));
    String plain = content.commit(NS, bytes("plain blob"), Map.of());

    assertEquals(Set.of(web, db, plain), digests(list()));
    assertEquals(Set.of(web), digests(list("labels.\"com.example/app\"==web")));
    assertEquals(Set.of(web, db), digests(list("labels.\"com.example/app\"")));
    assertEquals(Set.of(web), digests(list("labels.tier")));
    assertEquals(Set.of(db), digests(list("digest==" + db)));
    assertEquals(Set.of(plain), digests(list("size==10")));
    assertEquals(Set.of(web, plain), digests(list("labels.tier==front", "size==10")));
    assertEquals(Set.of(), digests(list("labels.\"com.example/app\"==web,size==10")));
    assertEquals(Code.INVALID_ARGUMENT, Codes.of(() -> list("labels.\"unterminated")));
  }

  @Test
  void listSendsAtMostOneHundredInfosPerMessage() throws Exception {
    Set<String> committed = new HashSet<>();
    for (int i = 0; i < ContentService.LIST_BATCH + 5; i++) {
      committed.add(content.commit(NS, bytes("blob " + i), Map.of()));
    }
    List<ListContentResponse> responses = new ArrayList<>();
    api.list(ListContentRequest.getDefaultInstance()).forEachRemaining(responses::add);
    assertEquals(2, responses.size());
    assertEquals(ContentService.LIST_BATCH, responses.get(0).getInfoCount());
    assertEquals(5, responses.get(1).getInfoCount());
    assertEquals(committed, digests(list()));
  }

  private static Set<String> digests(List<Info> infos) {
    Set<String> digests = new HashSet<>();
    infos.forEach(i -> digests.add(i.getDigest()));
    return digests;
  }

  @Test
  void deleteRemovesTheBlobAndPublishesAnEvent() throws Exception {
    String digest = content.commit(NS, bytes("short-lived"), Map.of());
    assertTrue(Files.exists(content.blobFile(digest)));
    api.delete(DeleteContentRequest.newBuilder().setDigest(digest).build());

    assertFalse(Files.exists(content.blobFile(digest)));
    assertEquals(Code.NOT_FOUND, Codes.of(() -> info(digest)));
    assertEquals(Code.NOT_FOUND, Codes.of(() -> read(digest, 0, 0)));
    assertEquals(Code.NOT_FOUND, Codes.of(() -> api.delete(DeleteContentRequest.newBuilder().setDigest(digest).build())));
    ContentHarness.Published last = content.events.get(content.events.size() - 1);
    assertEquals("/content/delete", last.topic());
    assertEquals(NS, last.namespace());
    assertEquals(containerd.events.ContentDelete.newBuilder().setDigest(digest).build(), last.event());
  }

  @Test
  void statusAndListStatusesShowTheNamespacesIngests() throws Exception {
    try (WriteStream a = content.write(NS); WriteStream b = content.write(NS); WriteStream other = content.write("elsewhere")) {
      a.stat("layer-a", 10, Digests.sha256(bytes("0123456789")));
      a.write(0, bytes("0123"));
      b.stat("layer-b");
      other.stat("layer-other");
    }
    Status a = api.status(StatusRequest.newBuilder().setRef("layer-a").build()).getStatus();
    assertEquals("layer-a", a.getRef());
    assertEquals(4, a.getOffset());
    assertEquals(10, a.getTotal());
    assertEquals(Digests.sha256(bytes("0123456789")), a.getExpected());
    assertTrue(a.getUpdatedAt().getSeconds() >= a.getStartedAt().getSeconds());

    assertEquals(List.of("layer-a", "layer-b"), refs(ListStatusesRequest.getDefaultInstance()));
    assertEquals(List.of("layer-b"), refs(ListStatusesRequest.newBuilder().addFilters("ref==layer-b").build()));
    assertEquals(List.of("layer-a"), refs(ListStatusesRequest.newBuilder().addFilters("ref~=-a$").build()));
    assertEquals(Code.NOT_FOUND, Codes.of(() -> api.status(StatusRequest.newBuilder().setRef("layer-other").build())));
    assertEquals(Code.NOT_FOUND, Codes.of(() -> api.status(StatusRequest.newBuilder().setRef("nothing").build())));
    assertEquals(Code.INVALID_ARGUMENT, Codes.of(() -> api.status(StatusRequest.getDefaultInstance())));
  }

  private List<String> refs(ListStatusesRequest request) {
    return api.listStatuses(request).getStatusesList().stream().map(Status::getRef).toList();
  }
}
