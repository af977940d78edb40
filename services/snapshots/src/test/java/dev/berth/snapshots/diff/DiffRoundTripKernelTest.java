package dev.berth.snapshots.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import containerd.services.content.v1.ListContentRequest;
import containerd.services.content.v1.ListStatusesRequest;
import containerd.services.diff.v1.DiffRequest;
import containerd.types.Descriptor;
import containerd.types.Mount;
import dev.berth.linux.Syscalls;
import dev.berth.linux.TempMount;
import dev.berth.linux.Xattrs;
import dev.berth.api.labels.GcLabels;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Diff then Apply gives back the same tree: for a base snapshot (two bind mounts compared),
 * for a snapshot over a parent (its overlay upperdir read directly), and for two views (the
 * overlay mounted read-only and compared). Needs root.
 */
class DiffRoundTripKernelTest {
  @TempDir Path tmp;
  private LayerServices services;

  @BeforeEach
  void start() throws Exception {
    services = new LayerServices(tmp, 1 << 30);
  }

  @AfterEach
  void stop() throws Exception {
    services.close();
  }

  /** Writes a varied base tree into the bind-mounted {@code fs} directory of a snapshot without parent. */
  private static void writeBase(Path fs) throws Exception {
    Files.createDirectories(fs.resolve("bin"));
    Files.writeString(fs.resolve("bin/busybox"), "busybox");
    Files.createLink(fs.resolve("bin/ls"), fs.resolve("bin/busybox"));
    Files.createSymbolicLink(fs.resolve("bin/sh"), Path.of("busybox"));
    Files.createDirectories(fs.resolve("etc/deep/er"));
    Files.writeString(fs.resolve("etc/deep/er/file"), "deep");
    Files.writeString(fs.resolve("etc/passwd"), "root:x:0:0");
    Files.writeString(fs.resolve("etc/owned"), "owned");
    FileMetadata.setOwner(fs.resolve("etc/owned"), 1234, 5678);
    Files.writeString(fs.resolve("bin/su"), "su");
    FileMetadata.setMode(fs.resolve("bin/su"), 04755);
    Xattrs.set(fs.resolve("etc/passwd"), "user.text", "plain".getBytes());
    Xattrs.set(fs.resolve("etc/owned"), "user.binary", new byte[] {(byte) 0x80, 0, (byte) 0xff, 1});
    Files.createDirectories(fs.resolve("dev"));
    Syscalls.mknod(fs.resolve("dev/null"), Syscalls.S_IFCHR | 0666, 1, 3);
    Syscalls.mknod(fs.resolve("dev/fifo"), Syscalls.S_IFIFO | 0600, 0, 0);
    Files.createDirectories(fs.resolve("opt/old"));
    Files.writeString(fs.resolve("opt/old/a"), "a");
    Files.createDirectories(fs.resolve("tmp"));
    FileMetadata.setMode(fs.resolve("tmp"), 01777);
    Files.setLastModifiedTime(fs.resolve("etc/passwd"), FileTime.from(Instant.parse("2020-01-02T03:04:05.123456789Z")));
  }

  @Test
  void baseSnapshotRoundTrips() throws Exception {
    Path fs = Path.of(services.prepare("base-w", "").get(0).getSource());
    writeBase(fs);
    Descriptor layer = services.diff(services.view("nothing", ""), services.mounts("base-w"), "");
    assertEquals(LayerCompression.OCI_LAYER_GZIP, layer.getMediaType());
    Map<String, String> labels = services.labelsOf(layer.getDigest());
    assertTrue(labels.get(GcLabels.UNCOMPRESSED).startsWith("sha256:"));

    Descriptor applied = services.unpack("copy", "", layer);
    assertEquals(labels.get(GcLabels.UNCOMPRESSED), applied.getDigest(), "the label names the diff ID");
    try (TempMount copy = services.mount(services.view("copy-view", "copy"))) {
      assertEquals(TreeSnapshot.of(fs), TreeSnapshot.of(copy.dir()));
    }
  }

  @Test
  void changesOverAParentRoundTrip() throws Exception {
    writeBase(Path.of(services.prepare("base-w", "").get(0).getSource()));
    services.commit("base", "base-w");
    List<Mount> child = services.prepare("child-w", "base");
    try (TempMount m = services.mount(child)) {
      Path r = m.dir();
      Files.writeString(r.resolve("etc/passwd"), "root:x:0:0\nuser:x:1000:1000");
      Files.delete(r.resolve("bin/sh"));
      Files.delete(r.resolve("etc/deep/er/file"));
      Files.delete(r.resolve("etc/deep/er"));
      // removed and made again: overlay marks the new directory opaque
      Files.delete(r.resolve("opt/old/a"));
      Files.delete(r.resolve("opt/old"));
      Files.createDirectories(r.resolve("opt/old"));
      Files.writeString(r.resolve("opt/old/b"), "b");
      FileMetadata.setMode(r.resolve("bin/busybox"), 0700);
      Files.writeString(r.resolve("tmp/new"), "new");
      Files.createLink(r.resolve("tmp/new-link"), r.resolve("tmp/new"));
    }
    for (String mediaType : List.of(LayerCompression.OCI_LAYER, LayerCompression.OCI_LAYER_ZSTD)) {
      Descriptor layer = services.diff(services.view("base-view-" + mediaType.length(), "base"), child, mediaType);
      assertEquals(mediaType, layer.getMediaType());
      String key = "copy-" + mediaType.length();
      List<Mount> copy = services.prepare(key, "base");
      services.apply(layer, copy);
      try (TempMount expected = services.mount(child); TempMount actual = services.mount(copy)) {
        Map<String, String> want = TreeSnapshot.of(expected.dir());
        assertEquals(want, TreeSnapshot.of(actual.dir()));
        assertFalse(want.containsKey("bin/sh"));
        assertFalse(want.containsKey("opt/old/a"));
      }
    }
  }

  @Test
  void twoViewsAreComparedAsWholeTrees() throws Exception {
    writeBase(Path.of(services.prepare("base-w", "").get(0).getSource()));
    services.commit("base", "base-w");
    try (TempMount m = services.mount(services.prepare("child-w", "base"))) {
      Files.delete(m.dir().resolve("etc/passwd"));
      Files.writeString(m.dir().resolve("etc/added"), "added");
      Files.delete(m.dir().resolve("opt/old/a"));
    }
    services.commit("child", "child-w");
    List<Mount> childView = services.view("child-view", "child");
    assertEquals("overlay", childView.get(0).getType(), "a view of two layers is an overlay, mounted to compare");
    Descriptor layer = services.diff(services.view("base-view", "base"), childView, LayerCompression.DOCKER_LAYER_GZIP);
    List<Mount> copy = services.prepare("copy", "base");
    services.apply(layer, copy);
    try (TempMount expected = services.mount(childView); TempMount actual = services.mount(copy)) {
      assertEquals(TreeSnapshot.of(expected.dir()), TreeSnapshot.of(actual.dir()));
    }
  }

  @Test
  void aBadLabelIsRefusedBeforeTheDiffIsStored() throws Exception {
    writeBase(Path.of(services.prepare("base-w", "").get(0).getSource()));
    DiffRequest request = DiffRequest.newBuilder().addAllLeft(services.view("nothing", ""))
        .addAllRight(services.mounts("base-w")).setRef("bad-label-diff").putLabels("", "no key").build();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> services.diff.diff(request));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getMessage());
    assertEquals(0, services.contentApi.listStatuses(ListStatusesRequest.getDefaultInstance()).getStatusesCount(),
        "no ingest is left behind");
    assertFalse(services.contentApi.list(ListContentRequest.getDefaultInstance()).hasNext(), "no blob is stored");
  }
}
