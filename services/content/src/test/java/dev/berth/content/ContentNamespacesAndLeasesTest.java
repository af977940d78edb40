package dev.berth.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import containerd.events.ContentCreate;
import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.DeleteContentRequest;
import containerd.services.content.v1.InfoRequest;
import containerd.services.content.v1.ListContentRequest;
import containerd.services.content.v1.StatusRequest;
import containerd.services.leases.v1.Resource;
import dev.berth.api.Digests;
import io.grpc.Status.Code;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Blobs shared on disk but owned per namespace; namespace registration, leases and events on commit. */
class ContentNamespacesAndLeasesTest {
  @RegisterExtension
  final ContentHarness content = new ContentHarness();

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private Code infoCode(String namespace, String digest) {
    return Codes.of(() -> content.content(namespace).info(InfoRequest.newBuilder().setDigest(digest).build()));
  }

  private void delete(String namespace, String digest) {
    content.content(namespace).delete(DeleteContentRequest.newBuilder().setDigest(digest).build());
  }

  private List<String> listed(String namespace) {
    List<String> digests = new ArrayList<>();
    content.content(namespace).list(ListContentRequest.getDefaultInstance())
        .forEachRemaining(r -> r.getInfoList().forEach(i -> digests.add(i.getDigest())));
    return digests;
  }

  @Test
  void aNamespaceSeesOnlyItsOwnBlobsWhileTheFileIsShared() throws Exception {
    byte[] data = bytes("shared layer");
    String digest = content.commit("team-a", data, Map.of("owner", "a"));

    assertEquals(Code.NOT_FOUND, infoCode("team-b", digest));
    assertEquals(Code.NOT_FOUND, Codes.of(() -> content.read("team-b", digest)));
    assertEquals(Code.NOT_FOUND, Codes.of(() -> delete("team-b", digest)));
    assertEquals(List.of(), listed("team-b"));

    long inode = (long) Files.getAttribute(content.blobFile(digest), "unix:ino");
    content.commit("team-b", data, Map.of("owner", "b"));
    assertEquals(inode, (long) Files.getAttribute(content.blobFile(digest), "unix:ino"),
        "a blob already on disk is not written again");
    assertEquals(Map.of("owner", "b"), content.content("team-b")
        .info(InfoRequest.newBuilder().setDigest(digest).build()).getInfo().getLabelsMap(), "labels are per namespace");

    delete("team-a", digest);
    assertEquals(Code.NOT_FOUND, infoCode("team-a", digest));
    assertTrue(Files.exists(content.blobFile(digest)), "team-b still holds the blob");
    assertArrayEquals(data, content.read("team-b", digest));

    delete("team-b", digest);
    assertFalse(Files.exists(content.blobFile(digest)), "the last holder's delete removes the file");
  }

  @Test
  void ingestsBelongToTheirNamespace() throws Exception {
    try (WriteStream w = content.write("team-a")) {
      w.stat("same-ref");
      w.write(0, bytes("aaa"));
    }
    try (WriteStream w = content.write("team-b")) {
      assertEquals(0, w.stat("same-ref").getOffset(), "the same ref in another namespace is another ingest");
    }
    assertEquals(3, content.content("team-a").status(StatusRequest.newBuilder().setRef("same-ref").build())
        .getStatus().getOffset());
  }

  @Test
  void aWriteRegistersTheNamespaceAndItsCommitPublishesContentCreate() throws Exception {
    try (WriteStream w = content.write("abandoning")) {
      w.stat("left-behind");
    }
    assertEquals(List.of("abandoning"), content.registeredNamespaces, "a new ingest makes its namespace exist");
    byte[] data = bytes("fresh");
    String digest = content.commit("newcomer", data, Map.of());
    assertEquals(Set.of("abandoning", "newcomer"), Set.copyOf(content.registeredNamespaces));
    ContentHarness.Published created = content.events.get(0);
    assertEquals("/content/create", created.topic());
    assertEquals("newcomer", created.namespace());
    assertEquals(ContentCreate.newBuilder().setDigest(digest).setSize(data.length).build(), created.event());
  }

  @Test
  void aCommitUnderALeaseAddsTheBlobToIt() throws Exception {
    content.leases.create("leased", "pull-1");
    byte[] data = bytes("protected");
    String digest = Digests.sha256(data);
    try (WriteStream w = new WriteStream(content.channel("leased", "pull-1"))) {
      w.stat("ref", data.length, digest);
      w.write(0, data);
      w.commit(data.length, data.length, digest, Map.of());
    }
    assertEquals(List.of(Resource.newBuilder().setId(digest).setType("content").build()),
        content.leases.resources("leased", "pull-1"));
  }

  @Test
  void writingABlobTheNamespaceHoldsStillAddsItToTheLease() throws Exception {
    byte[] data = bytes("already here");
    String digest = content.commit("leased", data, Map.of());
    content.leases.create("leased", "pull-2");
    try (WriteStream w = new WriteStream(content.channel("leased", "pull-2"))) {
      assertEquals(Code.ALREADY_EXISTS, Codes.of(() -> w.stat("ref", data.length, digest)));
    }
    assertEquals(List.of(Resource.newBuilder().setId(digest).setType("content").build()),
        content.leases.resources("leased", "pull-2"));
  }

  @Test
  void anInfoUnderALeaseAddsTheBlobToItAndWithoutOneNothing() throws Exception {
    byte[] data = bytes("found by a pull");
    String digest = content.commit("leased", data, Map.of());
    content.leases.create("leased", "pull-3");
    ContentGrpc.ContentBlockingStub unleased = content.content("leased");
    assertEquals(data.length, unleased.info(InfoRequest.newBuilder().setDigest(digest).build()).getInfo().getSize());
    assertEquals(List.of(), content.leases.resources("leased", "pull-3"));

    ContentGrpc.ContentBlockingStub leased = ContentGrpc.newBlockingStub(content.channel("leased", "pull-3"));
    assertEquals(data.length, leased.info(InfoRequest.newBuilder().setDigest(digest).build()).getInfo().getSize());
    assertEquals(List.of(Resource.newBuilder().setId(digest).setType("content").build()),
        content.leases.resources("leased", "pull-3"));
  }

  @Test
  void aCommitUnderAnAbsentLeaseFailsAndKeepsTheIngest() throws Exception {
    byte[] data = bytes("orphan");
    String digest = Digests.sha256(data);
    try (WriteStream w = new WriteStream(content.channel("leased", "no-such-lease"))) {
      w.stat("ref", data.length, digest);
      w.write(0, data);
      assertEquals(Code.NOT_FOUND, Codes.of(() -> w.commit(data.length, data.length, digest, Map.of())));
    }
    assertEquals(Code.NOT_FOUND, infoCode("leased", digest));
    assertFalse(Files.exists(content.blobFile(digest)));
    assertEquals(data.length, content.content("leased").status(StatusRequest.newBuilder().setRef("ref").build())
        .getStatus().getOffset());
  }
}
