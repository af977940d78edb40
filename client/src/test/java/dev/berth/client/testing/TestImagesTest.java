package dev.berth.client.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.client.images.ChainIds;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;

class TestImagesTest {
  @Test
  void archivesAreTheSameBytesEveryTime() {
    assertArrayEquals(TestImages.busybox().dockerArchive(), TestImages.busybox().dockerArchive());
    assertArrayEquals(TestImages.busybox().ociArchive(), TestImages.busybox().ociArchive());
    assertArrayEquals(TestImages.busyboxLayered().ociArchive(), TestImages.busyboxLayered().ociArchive());
  }

  @Test
  void busyboxLayerHoldsTheBinaryItsAppletsAndTheAccountFiles() throws Exception {
    Map<String, TarArchiveEntry> entries = new LinkedHashMap<>();
    byte[] busybox = null;
    try (TarArchiveInputStream tar = new TarArchiveInputStream(
        new ByteArrayInputStream(TestImages.busybox().layers().get(0)))) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        entries.put(e.getName(), e);
        if (e.getName().equals("bin/busybox")) {
          busybox = tar.readAllBytes();
        }
      }
    }
    assertArrayEquals(Files.readAllBytes(TestImages.BUSYBOX_BINARY), busybox);
    for (String applet : TestImages.APPLETS) {
      TarArchiveEntry link = entries.get("bin/" + applet);
      assertTrue(link.isSymbolicLink(), applet);
      assertEquals("busybox", link.getLinkName());
    }
    assertTrue(entries.containsKey("etc/passwd") && entries.containsKey("etc/group"));
    assertEquals(01777, entries.get("tmp/").getMode() & 07777);
  }

  @Test
  void chainIdsAgreeWithTheClientLibrary() {
    TestImage layered = TestImages.busyboxLayered();
    assertEquals(3, layered.diffIds().size());
    assertEquals(ChainIds.of(layered.diffIds()), layered.chainIds());
    assertEquals(layered.diffIds().get(0), TestImages.busybox().topChainId(), "the layered image's base is busybox");
  }
}
