package dev.berth.snapshots.diff;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import containerd.types.Descriptor;
import containerd.types.Mount;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Layers that try to write outside their snapshot, and a decompression bomb: each is refused
 * with INVALID_ARGUMENT and nothing outside the snapshot changes. Needs root.
 */
class MaliciousLayersKernelTest {
  private static final int LIMIT = 256 << 10;

  @TempDir Path tmp;
  private LayerServices services;
  private Path outside;
  private Path secret;

  @BeforeEach
  void start() throws Exception {
    services = new LayerServices(tmp.resolve("root"), LIMIT);
    outside = Files.createDirectories(tmp.resolve("outside"));
    secret = Files.writeString(outside.resolve("secret"), "untouched");
    services.unpack("parent", "", services.put(new LayerBuilder().file("present", "p").build(),
        LayerCompression.OCI_LAYER));
  }

  @AfterEach
  void stop() throws Exception {
    services.close();
  }

  /**
   * Applies {@code layer} onto a fresh snapshot with a parent (an overlay upperdir) and onto one
   * without (a bind), expecting INVALID_ARGUMENT for {@code reason}.
   */
  private void assertRefused(String reason, byte[] layer) throws Exception {
    Descriptor d = services.put(LayerBuilder.compress(LayerCompression.GZIP, layer), LayerCompression.OCI_LAYER_GZIP);
    for (String parent : List.of("", "parent")) {
      List<Mount> mounts = services.prepare("target-" + UUID.randomUUID(), parent);
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> services.apply(d, mounts));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
      assertTrue(e.getStatus().getDescription().contains(reason), e.getStatus().getDescription());
    }
    assertOutsideUntouched();
  }

  private void assertOutsideUntouched() throws Exception {
    assertEquals("untouched", Files.readString(secret));
    try (var s = Files.list(outside)) {
      assertEquals(List.of(secret), s.toList());
    }
    try (var s = Files.list(tmp)) {
      assertEquals(List.of("outside", "root"), s.map(p -> p.getFileName().toString()).sorted().toList());
    }
  }

  @Test
  void parentDirectoryComponentsAreRefused() throws Exception {
    assertRefused("leaves the target", new LayerBuilder().file("../../../../outside/evil", "x").build());
    assertRefused("leaves the target",
        new LayerBuilder().dir("a", 0755).file("a/../../escape", "x").build());
    assertRefused("leaves the target",
        new LayerBuilder().hardlink("h", "../../../../outside/secret").build());
  }

  @Test
  void writingThroughASymlinkIsRefused() throws Exception {
    String out = outside.toString();
    assertRefused("symbolic link out", new LayerBuilder().symlink("out", out).file("out/evil", "x").build());
    // from the snapshot's fs directory six levels up is this test's temporary directory
    assertRefused("symbolic link up",
        new LayerBuilder().symlink("up", "../../../../../..").dir("up/tmp", 0755).build());
    assertRefused("symbolic link d",
        new LayerBuilder().symlink("d", out).dir("d/sub", 0755).file("d/sub/f", "x").build());
    assertRefused("symbolic link d", new LayerBuilder().symlink("d", out).whiteout("d", "secret").build());
    assertRefused("symbolic link d", new LayerBuilder().symlink("d", out).opaque("d").build());
  }

  @Test
  void hardLinksMustStayInsideTheLayer() throws Exception {
    assertRefused("symbolic link d",
        new LayerBuilder().symlink("d", outside.toString()).hardlink("h", "d/secret").build());
    // an absolute link target means the same path inside the target, where there is no such file
    assertRefused("no file of this layer", new LayerBuilder().hardlink("h", secret.toString()).build());
  }

  @Test
  void decompressionBombIsRefused() throws Exception {
    assertRefused("larger than the limit", new LayerBuilder().zeros("big", 4L * LIMIT).build());
  }

  @Test
  void garbageIsRefused() throws Exception {
    assertRefused("not a valid tar", "this is no tar archive, not even close to one; ".repeat(20).getBytes());
  }

  @Test
  void absoluteNamesStayInsideTheTarget() throws Exception {
    String name = "/berth-test-" + UUID.randomUUID();
    Descriptor d = services.put(new LayerBuilder().file(name, "inside").build(), LayerCompression.OCI_LAYER);
    Path fs = Path.of(services.prepare("abs", "").get(0).getSource());
    services.apply(d, List.of(Mount.newBuilder().setType("bind").setSource(fs.toString()).addOptions("rw")
        .addOptions("rbind").build()));
    assertEquals("inside", Files.readString(fs.resolve(name.substring(1))));
    assertFalse(Files.exists(Path.of(name)));
  }

  @Test
  void entryReplacingASymlinkReplacesTheLinkNotItsTarget() throws Exception {
    Descriptor d = services.put(new LayerBuilder().symlink("s", secret.toString()).file("s", "replaced").build(),
        LayerCompression.OCI_LAYER);
    Path fs = Path.of(services.prepare("replace", "").get(0).getSource());
    services.apply(d, services.mounts("replace"));
    assertFalse(Files.isSymbolicLink(fs.resolve("s")));
    assertEquals("replaced", Files.readString(fs.resolve("s")));
    assertOutsideUntouched();
  }

  @Test
  void blobNotMatchingItsDescriptorIsFailedPrecondition() throws Exception {
    Descriptor d = services.put(new LayerBuilder().file("f", "x").build(), LayerCompression.OCI_LAYER);
    List<Mount> mounts = services.prepare("wrong-size", "");
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> services.apply(d.toBuilder().setSize(d.getSize() + 1).build(), mounts));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
    StatusRuntimeException missing = assertThrows(StatusRuntimeException.class, () -> services.apply(
        d.toBuilder().setDigest("sha256:" + "0".repeat(64)).build(), mounts));
    assertEquals(Status.Code.NOT_FOUND, missing.getStatus().getCode());
  }

  @Test
  void readOnlyMountsAndUnknownMediaTypesAreRefused() throws Exception {
    Descriptor d = services.put(new LayerBuilder().file("f", "x").build(), LayerCompression.OCI_LAYER);
    services.unpack("base", "", d);
    List<Mount> view = services.view("v", "base");
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> services.apply(d, view));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    List<Mount> mounts = services.prepare("p", "base");
    StatusRuntimeException type = assertThrows(StatusRuntimeException.class, () -> services.apply(
        d.toBuilder().setMediaType("application/vnd.oci.image.config.v1+json").build(), mounts));
    assertEquals(Status.Code.UNIMPLEMENTED, type.getStatus().getCode());
    assertTrue(Files.exists(Path.of(view.get(0).getSource()).resolve("f"), LinkOption.NOFOLLOW_LINKS));
  }
}
